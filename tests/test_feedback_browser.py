"""The feedback-loop lesson in a real browser: JupyterLab on loopback, headless Chromium (Playwright) runs every cell
of `nbs/15a_feedback_loops.ipynb`, moves the explorer's mitigation-strength slider and checks that the curves (the
picture) and the description change, with no JavaScript error on the page. Screenshots go to artifacts/."""
import pytest
from conftest import ROOT, CHROMIUM, ARGS
from jlab import lab_server, run_all, wait_change, widget_state

NB = ROOT/'nbs'/'15a_feedback_loops.ipynb'
CLS = 'cc-feedback'

def text(state:str)->str: return state.rsplit('#', 1)[0]  # what `widget_state` read: the HTML outputs' text...
def pics(state:str)->str: return state.rsplit('#', 1)[1]  # ...and the pictures' sources

@pytest.fixture
def lab(tmp_path):
    with lab_server(tmp_path, NB) as url: yield url

def test_feedback_explorer_in_jupyterlab(pw, lab, artifacts):
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    try:
        page, log = run_all(browser, lab, NB.name, [CLS], artifacts, 'feedback')
        box = page.locator(f'.{CLS}').first; box.scroll_into_view_if_needed()
        n = page.evaluate("cls => [...document.querySelector('.' + cls).querySelectorAll('img')].filter(e => e.naturalWidth > 0).length", CLS)
        assert n == 1, f'the explorer should show one decoded picture, found {n}'
        handle = box.locator('.widget-slider .noUi-handle').nth(2)  # group size, activity, strength
        def move(): handle.focus(); handle.press('ArrowRight')
        before, after = wait_change(page, CLS, move)
        for _ in range(120):  # the description arrives first, the new picture once it is drawn
            if pics(after) != pics(before): break
            page.wait_for_timeout(250); after = widget_state(page, CLS)
        box.screenshot(path=str(artifacts/'feedback_explorer.png'))
    finally: browser.close()
    (artifacts/'feedback_browser.txt').write_text(f"run all cells: {log['run_s']:.0f} s\nbefore: {before[:400]}\nafter: {after[:400]}\n" +
        ''.join(f'error: {e}\n' for e in log['errors']) + ''.join(f'answered locally (no internet): {u}\n' for u in log['outside']))
    assert 'no mitigation.' in text(before), before[:400]
    assert 'exploration slots = 0.1' in text(after), f'strength 1 of exploration should be described: {after[:400]}'
    assert pics(after) and pics(after) != pics(before), 'the curves were not redrawn'
    assert not log['errors'], log['errors']
