"""The lessons' sliders in a real browser: JupyterLab on loopback, headless Chromium (Playwright) runs every cell of
each lesson with a slider, moves one slider of each widget with the keyboard and checks that the picture and the
numbers change, with no JavaScript error on the page. Screenshots go to artifacts/."""
import pytest
from conftest import ROOT, CHROMIUM, ARGS
from jlab import lab_server, run_all, widget_state, wait_change

LESSONS = {'03_latent_factors': ['cc-playground'], '04_learning_factors': ['cc-lr-explorer'],
           '08_weight_decay': ['cc-parabola-explorer', 'cc-wd-explorer']}

def pictures(page, cls)->list:
    "The image sources shown by the widget `cls`"
    return page.evaluate("cls => [...document.querySelector('.' + cls).querySelectorAll('img')].map(e => e.naturalWidth > 0 ? e.src : '')", cls)

@pytest.mark.parametrize('lesson', list(LESSONS))
def test_sliders_in_jupyterlab(pw, tmp_path, artifacts, lesson):
    nb = ROOT/'nbs'/f'{lesson}.ipynb'
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    try:
        with lab_server(tmp_path, nb) as lab:
            page, log = run_all(browser, lab, nb.name, LESSONS[lesson], artifacts, f'sliders_{lesson}')
            for cls in LESSONS[lesson]:
                box = page.locator(f'.{cls}').first; box.scroll_into_view_if_needed()
                before_img = pictures(page, cls)
                assert before_img and all(before_img), f'{cls} shows no picture'
                handle = box.locator('.widget-slider .noUi-handle').first
                def keys(): handle.focus(); [handle.press('ArrowRight') for _ in range(3)]
                before, after = wait_change(page, cls, keys)
                box.screenshot(path=str(artifacts/f'sliders_{lesson}_{cls}.png'))
                assert before and after != before, f'{cls}: moving the slider changed nothing'
                assert pictures(page, cls) != before_img, f'{cls}: the picture did not change'
                assert before.split('#')[0] != after.split('#')[0], f'{cls}: the numbers shown did not change'
    finally: browser.close()
    assert not log['errors'], log['errors']
