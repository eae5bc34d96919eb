# WORK IN PROGRESS (issue 4): not collected by pytest (no test_ prefix) because it has not passed yet.
# Rename to test_explore_browser.py once it runs green; see the closing note of the session that wrote it.
"""The explorer lesson in a real browser: JupyterLab on loopback, headless Chromium (Playwright) runs every cell of
`nbs/14_explore.ipynb`, changes one control of each explorer and checks that the rendered output changes, with no
JavaScript error on the page. Screenshots go to artifacts/."""
import os, re, shutil, socket, subprocess, sys, time, secrets, urllib.request
from pathlib import Path
import nbformat, pytest
from conftest import ROOT, tool

CHROMIUM = '/usr/bin/chromium'
ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run']
RUN_LIMIT_S = 900   # the lesson trains one model (about a minute on 2 free cores, several on a loaded machine)
NB = ROOT/'nbs'/'14_explore.ipynb'
EXPLORERS = ['cc-bias-explorer', 'cc-pca-explorer', 'cc-similar-explorer', 'cc-playground']

def _need_browser():
    try: import playwright  # noqa: F401
    except ImportError: pytest.skip('playwright is not installed: pip install playwright==1.65.2')
    if Path(CHROMIUM).exists(): return
    msg = f'{CHROMIUM} is missing: apt-get install -y chromium (.ci/run does this)'
    if os.environ.get('CI'): pytest.fail(msg)
    pytest.skip(msg)

def _free_port()->int:
    with socket.socket() as s: s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

@pytest.fixture
def lab(tmp_path):
    "JupyterLab on loopback over a temp copy of the lesson, token auth, isolated settings; yields its URL"
    _need_browser()
    root = tmp_path/'nbs'; root.mkdir()
    nb = nbformat.read(NB, as_version=4)
    for c in nb.cells:  # start from a blank page: the test must see what running the cells produces
        if c.cell_type == 'code': c.outputs, c.execution_count = [], None
    nb.metadata.pop('widgets', None)
    nbformat.write(nb, root/'14_explore.ipynb')
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, 'JUPYTER_CONFIG_DIR': str(tmp_path/'cfg'), 'JUPYTER_RUNTIME_DIR': str(tmp_path/'rt'),
           'JUPYTERLAB_SETTINGS_DIR': str(tmp_path/'settings'), 'JUPYTERLAB_WORKSPACES_DIR': str(tmp_path/'ws')}
    cmd = [tool('jupyter'), 'lab', '--ServerApp.ip=127.0.0.1', f'--ServerApp.port={port}', '--ServerApp.port_retries=0',
           f'--IdentityProvider.token={token}', '--ServerApp.open_browser=False', f'--ServerApp.root_dir={root}',
           '--ServerApp.allow_root=True', '--LabApp.news_url=None', '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate']
    log = open(tmp_path/'lab.log', 'w')
    p = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f'http://127.0.0.1:{port}'
    try:
        t0 = time.time()
        while True:
            try: urllib.request.urlopen(f'{url}/api/status?token={token}', timeout=5); break
            except Exception: time.sleep(0.5)
            assert p.poll() is None and time.time() - t0 < 300, 'JupyterLab did not start: ' + (tmp_path/'lab.log').read_text()[-3000:]
        yield dict(url=url, token=token, log=tmp_path/'lab.log')
    finally:
        p.terminate()
        try: p.wait(20)
        except subprocess.TimeoutExpired: p.kill()
        log.close()

def _state(page, cls)->str:
    "What an explorer shows now: its HTML outputs' text and its images' sources"
    return page.evaluate('''cls => { const b = document.querySelector('.' + cls); if (!b) return '';
        const h = [...b.querySelectorAll('.widget-html-content')].map(e => e.innerText).join('|');
        const i = [...b.querySelectorAll('img')].map(e => e.src.length + ':' + e.src.slice(-200)).join('|');
        return h + '#' + i; }''', cls)

def _changes(page, cls, act, timeout_s=60)->tuple:
    "Do `act`, then wait until the explorer `cls` shows something else; returns (before, after)"
    before = _state(page, cls)
    act()
    t0 = time.time()
    while time.time() - t0 < timeout_s:
        after = _state(page, cls)
        if after and after != before: return before, after
        page.wait_for_timeout(250)
    return before, _state(page, cls)

def test_explorers_in_jupyterlab(lab, artifacts):
    from playwright.sync_api import sync_playwright
    errors = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={'width': 1400, 'height': 1000})
        page.on('pageerror', lambda e: errors.append(str(e)))
        page.goto(f"{lab['url']}/lab/tree/14_explore.ipynb?token={lab['token']}")
        page.wait_for_selector('.jp-Notebook .jp-Cell', timeout=120_000)
        page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"], .jp-Toolbar-kernelStatus', timeout=120_000)
        page.wait_for_timeout(2000)
        t0 = time.time()
        page.get_by_role('menuitem', name='Run', exact=True).click()
        page.get_by_role('menuitem', name=re.compile(r'^Run All Cells')).click()
        for cls in EXPLORERS:  # each appears once its cell has run
            page.wait_for_selector(f'.{cls} img, .{cls} .widget-html-content', timeout=RUN_LIMIT_S*1000)
        # wait for the last cell to finish: no cell is queued or running any more
        page.wait_for_function("() => ![...document.querySelectorAll('.jp-InputArea-prompt')].some(e => /\\[\\*\\]/.test(e.innerText))",
                               timeout=RUN_LIMIT_S*1000, polling=500)
        run_s = time.time() - t0
        page.screenshot(path=str(artifacts/'explore_after_run.png'), full_page=False)
        tracebacks = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"] :text("Traceback")').count()
        assert tracebacks == 0, 'a cell failed: see artifacts/explore_after_run.png'

        changed, shots = {}, {}
        def shot(cls):
            b = page.locator(f'.{cls}').first; b.scroll_into_view_if_needed(); b.screenshot(path=str(artifacts/f'explore_{cls}.png'))
        # bias explorer: the 'lowest' toggle button
        b = page.locator('.cc-bias-explorer').first; b.scroll_into_view_if_needed()
        changed['bias'] = _changes(page, 'cc-bias-explorer', lambda: b.get_by_role('button', name='lowest').click())
        shot('cc-bias-explorer')
        # PCA explorer: choose a genre in the dropdown
        p = page.locator('.cc-pca-explorer').first; p.scroll_into_view_if_needed()
        changed['pca'] = _changes(page, 'cc-pca-explorer', lambda: p.locator('.widget-dropdown select').nth(2).select_option(index=2))
        shot('cc-pca-explorer')
        # similar movies: type a title in the combobox, then Enter
        s = page.locator('.cc-similar-explorer').first; s.scroll_into_view_if_needed()
        box = s.locator('.widget-combobox input')
        opts = s.locator('datalist option')
        title = opts.nth(min(10, opts.count()-1)).get_attribute('value')
        def pick(): box.fill(title); box.press('Enter')
        changed['similar'] = _changes(page, 'cc-similar-explorer', pick)
        shot('cc-similar-explorer')
        # factor playground: a slider moved with the keyboard
        f = page.locator('.cc-playground').first; f.scroll_into_view_if_needed()
        handle = f.locator('.widget-slider .noUi-handle').first
        def keys(): handle.focus(); [handle.press('ArrowLeft') for _ in range(20)]
        changed['playground'] = _changes(page, 'cc-playground', keys)
        shot('cc-playground')
        page.screenshot(path=str(artifacts/'explore_end.png'), full_page=False)
        browser.close()
    (artifacts/'explore_browser.txt').write_text(f'run all cells: {run_s:.0f} s\n' +
        ''.join(f'{k}: changed={a != b}\n' for k,(b,a) in changed.items()) + ''.join(f'pageerror: {e}\n' for e in errors))
    for k,(before,after) in changed.items(): assert before and after != before, f'{k} explorer did not change: {before[:300]}'
    assert 'lowest' in changed['bias'][1] or changed['bias'][1] != changed['bias'][0]
    assert title in changed['similar'][1] or changed['similar'][1] != changed['similar'][0]
    assert not errors, errors
