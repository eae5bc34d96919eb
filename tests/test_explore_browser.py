"""The explorer lesson in a real browser: JupyterLab on loopback, headless Chromium (Playwright) runs every cell of
`nbs/14_explore.ipynb`, changes one control of each explorer and checks that the rendered output changes, with no
JavaScript error on the page. Screenshots go to artifacts/."""
import json, os, re, shutil, socket, subprocess, sys, time, secrets, urllib.request
from pathlib import Path
import nbformat, pytest
from conftest import ROOT, CHROMIUM, ARGS, tool, need_browser

RUN_LIMIT_S = 900   # the lesson trains one model (about a minute on 2 free cores, several on a loaded machine)
NB = ROOT/'nbs'/'14_explore.ipynb'
EXPLORERS = ['cc-bias-explorer', 'cc-pca-explorer', 'cc-similar-explorer', 'cc-playground']

def _free_port()->int:
    with socket.socket() as s: s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

@pytest.fixture
def lab(tmp_path):
    "JupyterLab on loopback over a temp copy of the lesson, token auth, isolated settings; yields its URL"
    need_browser()
    root = tmp_path/'nbs'; root.mkdir()
    nb = nbformat.read(NB, as_version=4)
    for c in nb.cells:  # start from a blank page: the test must see what running the cells produces
        if c.cell_type == 'code': c.outputs, c.execution_count = [], None
    nb.metadata.pop('widgets', None)
    nbformat.write(nb, root/'14_explore.ipynb')
    tracker = tmp_path/'settings'/'@jupyterlab'/'notebook-extension'/'tracker.jupyterlab-settings'
    tracker.parent.mkdir(parents=True)
    tracker.write_text(json.dumps({'windowingMode': 'none'}))  # JupyterLab 4 draws only the cells near the viewport by default
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

_READY = '''cls => { const b = document.querySelector('.' + cls); if (!b) return false;
    return [...b.querySelectorAll('.widget-html-content')].some(e => e.innerText.trim()); }'''

def _loopback(url:str)->bool: return url.startswith(('http://127.0.0.1', 'ws://127.0.0.1', 'blob:', 'data:'))

def _first_number(state:str, row:str='')->float:
    "The first number in the first table row of an explorer's `state` (starting with `row` if given): the value it sorts by"
    for line in state.rsplit('#', 1)[0].split('\n'):  # the text part, without the pictures' sources
        cells = line.split('\t')
        if len(cells) >= 3 and cells[0].startswith(row) and cells[0].strip():
            nums = [c for c in cells[1:] if re.fullmatch(r'[+-]?\d+(\.\d+)?', c.strip())]
            if nums: return float(nums[-1] if row else nums[0])
    raise AssertionError(f'no table row {row!r} in {state[:300]!r}')

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

def test_explorers_in_jupyterlab(pw, lab, artifacts):
    from playwright.sync_api import TimeoutError as PWTimeout
    errors = []
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)  # on the session's one Playwright driver
    try:
        page = browser.new_page(viewport={'width': 1400, 'height': 1000})
        page.on('pageerror', lambda e: errors.append(str(e)))
        page.on('console', lambda m: errors.append(f'console {m.type}: {m.text}') if m.type == 'error' else None)
        outside = []  # the page gets no internet: the lesson's Colab badge is answered here with an empty picture
        def _block(route): outside.append(route.request.url); route.fulfill(status=200, content_type='image/svg+xml', body='<svg xmlns="http://www.w3.org/2000/svg"/>')
        page.route(lambda url: not _loopback(url), _block)
        page.goto(f"{lab['url']}/lab/tree/14_explore.ipynb?token={lab['token']}")
        page.wait_for_selector('.jp-Notebook .jp-Cell', timeout=120_000)
        page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', timeout=300_000)  # the kernel is up
        page.wait_for_timeout(2000)
        t0 = time.time()
        started = "() => [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')].some(e => /\\[(\\*|\\d+)\\]/.test(e.innerText))"
        dialogs = []
        for attempt in range(6):  # a Run All sent while the kernel's connection is still settling is dropped: send it again
            d = page.locator('.jp-Dialog')
            if d.count():  # e.g. "Select Kernel" when the session is still being set up: take the default it offers
                dialogs.append(d.first.inner_text()[:200].replace('\n', ' '))
                d.first.locator('.jp-mod-accept').first.click(); page.wait_for_timeout(2000)
            page.get_by_role('menuitem', name='Run', exact=True).click()
            page.get_by_role('menuitem', name=re.compile(r'^Run All Cells')).click()
            try: page.wait_for_function(started, timeout=20_000, polling=500); break
            except PWTimeout: page.keyboard.press('Escape')
        page.screenshot(path=str(artifacts/'explore_run_all.png'))
        assert page.evaluate(started), 'Run All Cells never started the cells: see artifacts/explore_run_all.png'
        try:
            for cls in EXPLORERS:  # each shows text and a picture once its cell has run
                page.wait_for_function(_READY, arg=cls, timeout=RUN_LIMIT_S*1000, polling=500)
            # wait for the last cell to finish: no cell is queued or running any more
            page.wait_for_function("() => ![...document.querySelectorAll('.jp-InputArea-prompt')].some(e => /\\[\\*\\]/.test(e.innerText))",
                                   timeout=RUN_LIMIT_S*1000, polling=500)
        finally: page.screenshot(path=str(artifacts/'explore_after_run.png'), full_page=False)
        run_s = time.time() - t0
        prompts = page.evaluate("() => [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')].map(e => e.innerText.trim())")
        assert prompts and all(re.fullmatch(r'\[\d+\]:', p) for p in prompts), f'not every cell ran: {prompts}'
        tracebacks = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"] :text("Traceback")').count()
        assert tracebacks == 0, 'a cell failed: see artifacts/explore_after_run.png'
        for cls in ('cc-bias-explorer', 'cc-pca-explorer', 'cc-playground'):  # the explorers with a plot show a decoded picture
            n = page.evaluate("cls => [...document.querySelector('.' + cls).querySelectorAll('img')].filter(e => e.naturalWidth > 0).length", cls)
            assert n >= 1, f'{cls} shows no picture'

        changed, shots = {}, {}
        def shot(cls):
            b = page.locator(f'.{cls}').first; b.scroll_into_view_if_needed(); b.screenshot(path=str(artifacts/f'explore_{cls}.png'))
        # bias explorer: the 'lowest' toggle button
        b = page.locator('.cc-bias-explorer').first; b.scroll_into_view_if_needed()
        changed['bias'] = _changes(page, 'cc-bias-explorer', lambda: b.get_by_role('button', name='lowest').click())
        shot('cc-bias-explorer')
        # PCA explorer: choose a genre in the dropdown
        p = page.locator('.cc-pca-explorer').first; p.scroll_into_view_if_needed()
        genre = p.locator('.widget-dropdown select').nth(2)
        genre_name = genre.locator('option').nth(2).inner_text().strip()
        changed['pca'] = _changes(page, 'cc-pca-explorer', lambda: genre.select_option(index=2))
        shot('cc-pca-explorer')
        # similar movies: type a title in the combobox, then Enter
        s = page.locator('.cc-similar-explorer').first; s.scroll_into_view_if_needed()
        box = s.locator('input.widget-input').first
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
    finally: browser.close()
    (artifacts/'explore_browser.txt').write_text(f'run all cells: {run_s:.0f} s\n' +
        ''.join(f'{k}: changed={a != b}\n' for k,(b,a) in changed.items()) + ''.join(f'error: {e}\n' for e in errors) +
        ''.join(f'answered locally (no internet): {u}\n' for u in outside) + ''.join(f'dialog accepted: {d}\n' for d in dialogs))
    for k,(before,after) in changed.items(): assert before and after != before, f'{k} explorer did not change: {before[:300]}'
    hi, lo = (_first_number(changed['bias'][i]) for i in (0, 1))
    assert lo < hi, f'after "lowest" the table should start with a lower bias than before ({lo} vs {hi})'
    assert genre_name in changed['pca'][1], f'the PCA explorer does not describe the chosen genre {genre_name!r}'
    assert _first_number(changed['playground'][1], 'prediction') < _first_number(changed['playground'][0], 'prediction'), \
        'lowering the first user factor should lower this prediction (its movie factor is positive)'
    assert not errors, errors
