"""The explorer lesson in a real browser: JupyterLab on loopback, headless Chromium (Playwright) runs every cell of
`nbs/14_explore.ipynb`, changes one control of each explorer and checks that the rendered output changes, with no
JavaScript error on the page. Screenshots go to artifacts/."""
import pytest
from conftest import ROOT, CHROMIUM, ARGS
from jlab import lab_server, run_all, widget_state, wait_change, first_number

NB = ROOT/'nbs'/'14_explore.ipynb'
EXPLORERS = ['cc-bias-explorer', 'cc-pca-explorer', 'cc-similar-explorer', 'cc-playground']

@pytest.fixture
def lab(tmp_path):
    with lab_server(tmp_path, NB) as url: yield url

def test_explorers_in_jupyterlab(pw, lab, artifacts):
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)  # on the session's one Playwright driver
    try:
        page, log = run_all(browser, lab, NB.name, EXPLORERS, artifacts, 'explore')
        for cls in ('cc-bias-explorer', 'cc-pca-explorer', 'cc-playground'):  # the explorers with a plot show a decoded picture
            n = page.evaluate("cls => [...document.querySelector('.' + cls).querySelectorAll('img')].filter(e => e.naturalWidth > 0).length", cls)
            assert n >= 1, f'{cls} shows no picture'

        changed, shots = {}, {}
        def shot(cls):
            b = page.locator(f'.{cls}').first; b.scroll_into_view_if_needed(); b.screenshot(path=str(artifacts/f'explore_{cls}.png'))
        # bias explorer: the 'lowest' toggle button
        b = page.locator('.cc-bias-explorer').first; b.scroll_into_view_if_needed()
        changed['bias'] = wait_change(page, 'cc-bias-explorer', lambda: b.get_by_role('button', name='lowest').click())
        shot('cc-bias-explorer')
        # PCA explorer: choose a genre in the dropdown
        p = page.locator('.cc-pca-explorer').first; p.scroll_into_view_if_needed()
        genre = p.locator('.widget-dropdown select').nth(2)
        genre_name = genre.locator('option').nth(2).inner_text().strip()
        changed['pca'] = wait_change(page, 'cc-pca-explorer', lambda: genre.select_option(index=2))
        shot('cc-pca-explorer')
        # similar movies: type a title in the combobox, then Enter
        s = page.locator('.cc-similar-explorer').first; s.scroll_into_view_if_needed()
        box = s.locator('input.widget-input').first
        opts = s.locator('datalist option')
        title = opts.nth(min(10, opts.count()-1)).get_attribute('value')
        def pick(): box.fill(title); box.press('Enter')
        changed['similar'] = wait_change(page, 'cc-similar-explorer', pick)
        shot('cc-similar-explorer')
        # factor playground: a slider moved with the keyboard
        f = page.locator('.cc-playground').first; f.scroll_into_view_if_needed()
        handle = f.locator('.widget-slider .noUi-handle').first
        def keys(): handle.focus(); [handle.press('ArrowLeft') for _ in range(20)]
        changed['playground'] = wait_change(page, 'cc-playground', keys)
        shot('cc-playground')
        page.screenshot(path=str(artifacts/'explore_end.png'), full_page=False)
    finally: browser.close()
    errors = log['errors']
    (artifacts/'explore_browser.txt').write_text(f"run all cells: {log['run_s']:.0f} s\n" +
        ''.join(f'{k}: changed={a != b}\n' for k,(b,a) in changed.items()) + ''.join(f'error: {e}\n' for e in errors) +
        ''.join(f'answered locally (no internet): {u}\n' for u in log['outside']) + ''.join(f'dialog accepted: {d}\n' for d in log['dialogs']))
    for k,(before,after) in changed.items(): assert before and after != before, f'{k} explorer did not change: {before[:300]}'
    hi, lo = (first_number(changed['bias'][i]) for i in (0, 1))
    assert lo < hi, f'after "lowest" the table should start with a lower bias than before ({lo} vs {hi})'
    assert genre_name in changed['pca'][1], f'the PCA explorer does not describe the chosen genre {genre_name!r}'
    assert first_number(changed['playground'][1], 'prediction') < first_number(changed['playground'][0], 'prediction'), \
        'lowering the first user factor should lower this prediction (its movie factor is positive)'
    assert not errors, errors
