"""Lesson 15's "rate a few movies" widget in a real browser: JupyterLab on loopback, headless Chromium (Playwright)
runs every cell of `nbs/15_cold_start.ipynb`, clicks a few stars of `RateMovies` and checks that the top-10 list
changes and says which ratings moved it, with no JavaScript error on the page. Screenshots go to artifacts/."""
import pytest
from conftest import ROOT, CHROMIUM, ARGS
from jlab import lab_server, run_all, widget_state, wait_change

NB = ROOT/'nbs'/'15_cold_start.ipynb'
CLS = 'cc-rate-movies'

@pytest.fixture
def lab(tmp_path):
    with lab_server(tmp_path, NB) as url: yield url

def top_list(state:str)->str:
    "The text of the widget's 'recommended' table in a `widget_state` string"
    parts = [p for p in state.rsplit('#', 1)[0].split('|') if p.strip().startswith('recommended')]
    assert parts, f'no recommended table in {state[:300]!r}'
    return parts[0]

def test_rate_movies_in_jupyterlab(pw, lab, artifacts):
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    try:
        page, log = run_all(browser, lab, NB.name, [CLS], artifacts, 'coldstart')
        box = page.locator(f'.{CLS}').first; box.scroll_into_view_if_needed()
        assert page.evaluate("cls => [...document.querySelector('.' + cls).querySelectorAll('img')].filter(e => e.naturalWidth > 0).length", CLS) >= 1
        start = widget_state(page, CLS)
        assert 'No ratings yet' in start, start[:300]
        steps = []
        for row, stars in ((0, '5'), (1, '1'), (2, '5')):  # three movies rated, one after the other
            btn = box.locator('.widget-toggle-buttons').nth(row).get_by_role('button', name=stars, exact=True)
            steps.append(wait_change(page, CLS, btn.click))
        box.screenshot(path=str(artifacts/'coldstart_rate_movies.png'))
    finally: browser.close()
    (artifacts/'coldstart_browser.txt').write_text(f"run all cells: {log['run_s']:.0f} s\n" +
        ''.join(f'click {i}: changed={a != b}\n' for i, (b, a) in enumerate(steps)) + ''.join(f'error: {e}\n' for e in log['errors']))
    for before, after in steps: assert after != before, f'a star click changed nothing: {before[:300]}'
    end = steps[-1][1]
    assert top_list(end) != top_list(start), 'three ratings left the top-10 list as it was'
    assert 'shape the list most' in end and 'No ratings yet' not in end
    assert not log['errors'], log['errors']
