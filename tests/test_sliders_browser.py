"""The lessons' sliders in a real browser: JupyterLab on loopback, headless Chromium (Playwright) runs every cell of
each lesson with a slider, moves one slider of each widget with the keyboard and checks that the picture and the
numbers change, with no JavaScript error on the page. Screenshots go to artifacts/."""
import pytest
from conftest import ROOT, CHROMIUM, ARGS
from jlab import lab_server, run_all, widget_state, wait_change

LESSONS = {'03_latent_factors': ['cc-playground'], '04_learning_factors': ['cc-lr-explorer'],
           '08_weight_decay': ['cc-parabola-explorer', 'cc-wd-explorer']}

def pictures(page, cls)->list:
    "The pixels of the images the widget `cls` shows, as data URLs ('' for an image not decoded)"
    return page.evaluate("""cls => [...document.querySelector('.' + cls).querySelectorAll('img')].map(e => {
        if (!e.naturalWidth) return '';
        const c = document.createElement('canvas'); c.width = e.naturalWidth; c.height = e.naturalHeight;
        c.getContext('2d').drawImage(e, 0, 0); return c.toDataURL(); })""", cls)

def wait_picture(page, cls, before, timeout_ms=20_000)->list:
    "The widget's pictures once they differ from `before` (or after `timeout_ms`)"
    for _ in range(timeout_ms // 250):
        now = pictures(page, cls)
        if now != before: return now
        page.wait_for_timeout(250)
    return now

@pytest.mark.parametrize('lesson', list(LESSONS))
def test_sliders_in_jupyterlab(pw, tmp_path, artifacts, lesson):
    nb = ROOT/'nbs'/f'{lesson}.ipynb'
    with lab_server(tmp_path, nb) as lab:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:  # the browser closes before the server stops, or the page logs its failed reconnections as errors
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
                assert wait_picture(page, cls, before_img) != before_img, f'{cls}: the picture did not change'
                assert before.split('#')[0] != after.split('#')[0], f'{cls}: the numbers shown did not change'
        finally: browser.close()
    (artifacts/f'sliders_{lesson}.txt').write_text(f"run all cells: {log['run_s']:.0f} s\n" + ''.join(f'error: {e}\n' for e in log['errors']))
    assert not log['errors'], log['errors']
