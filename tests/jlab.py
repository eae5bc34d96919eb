"""Shared by the real-browser tests: JupyterLab on loopback over a blank copy of one notebook, headless Chromium
(Playwright) running all its cells, and helpers that read what a widget shows and wait for it to change."""
import contextlib, json, os, re, socket, subprocess, time, secrets, urllib.request
from pathlib import Path
import nbformat
from conftest import tool, need_browser

def _free_port()->int:
    with socket.socket() as s: s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

@contextlib.contextmanager
def lab_server(tmp_path, nb_path):
    "JupyterLab on loopback over a blank temp copy of the notebook `nb_path`, token auth, isolated settings; yields its URL"
    need_browser()
    root = tmp_path/'nbs'; root.mkdir()
    nb = nbformat.read(nb_path, as_version=4)
    for c in nb.cells:  # start from a blank page: the test must see what running the cells produces
        if c.cell_type == 'code': c.outputs, c.execution_count = [], None
    nb.metadata.pop('widgets', None)
    nbformat.write(nb, root/Path(nb_path).name)
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

def widget_state(page, cls)->str:
    "What an explorer shows now: its HTML outputs' text and its images' sources"
    return page.evaluate('''cls => { const b = document.querySelector('.' + cls); if (!b) return '';
        const h = [...b.querySelectorAll('.widget-html-content')].map(e => e.innerText).join('|');
        const i = [...b.querySelectorAll('img')].map(e => e.src.length + ':' + e.src.slice(-200)).join('|');
        return h + '#' + i; }''', cls)

READY_JS = '''cls => { const b = document.querySelector('.' + cls); if (!b) return false;
    return [...b.querySelectorAll('.widget-html-content')].some(e => e.innerText.trim()); }'''

def is_loopback(url:str)->bool: return url.startswith(('http://127.0.0.1', 'ws://127.0.0.1', 'blob:', 'data:'))

def first_number(state:str, row:str='')->float:
    "The first number in the first table row of an explorer's `state` (starting with `row` if given): the value it sorts by"
    for line in state.rsplit('#', 1)[0].split('\n'):  # the text part, without the pictures' sources
        cells = line.split('\t')
        if len(cells) >= 3 and cells[0].startswith(row) and cells[0].strip():
            nums = [c for c in cells[1:] if re.fullmatch(r'[+-]?\d+(\.\d+)?', c.strip())]
            if nums: return float(nums[-1] if row else nums[0])
    raise AssertionError(f'no table row {row!r} in {state[:300]!r}')

def wait_change(page, cls, act, timeout_s=60)->tuple:
    "Do `act`, then wait until the explorer `cls` shows something else; returns (before, after)"
    before = widget_state(page, cls)
    act()
    t0 = time.time()
    while time.time() - t0 < timeout_s:
        after = widget_state(page, cls)
        if after and after != before: return before, after
        page.wait_for_timeout(250)
    return before, widget_state(page, cls)

def run_all(browser, lab, nb_name:str, ready:list, artifacts, prefix:str, limit_s:int=900)->tuple:
    "Open `nb_name` in JupyterLab, run all its cells, wait for the widgets `ready` and the last cell; returns (page, log)"
    from playwright.sync_api import TimeoutError as PWTimeout
    errors, outside, dialogs = [], [], []  # page errors; requests answered locally (no internet); dialogs accepted
    log = dict(errors=errors, outside=outside, dialogs=dialogs)
    page = browser.new_page(viewport={'width': 1400, 'height': 1000})
    page.on('pageerror', lambda e: errors.append(str(e)))
    page.on('console', lambda m: errors.append(f'console {m.type}: {m.text}') if m.type == 'error' else None)
    def _block(route): outside.append(route.request.url); route.fulfill(status=200, content_type='image/svg+xml', body='<svg xmlns="http://www.w3.org/2000/svg"/>')
    page.route(lambda url: not is_loopback(url), _block)
    page.goto(f"{lab['url']}/lab/tree/{nb_name}?token={lab['token']}")
    page.wait_for_selector('.jp-Notebook .jp-Cell', timeout=120_000)
    page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', timeout=300_000)  # the kernel is up
    page.wait_for_timeout(2000)
    t0 = time.time()
    started = "() => [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')].some(e => /\\[(\\*|\\d+)\\]/.test(e.innerText))"
    for attempt in range(6):  # a Run All sent while the kernel's connection is still settling is dropped: send it again
        d = page.locator('.jp-Dialog')
        if d.count():  # e.g. "Select Kernel" when the session is still being set up: take the default it offers
            dialogs.append(d.first.inner_text()[:200].replace('\n', ' '))
            d.first.locator('.jp-mod-accept').first.click(); page.wait_for_timeout(2000)
        page.get_by_role('menuitem', name='Run', exact=True).click()
        page.get_by_role('menuitem', name=re.compile(r'^Run All Cells')).click()
        try: page.wait_for_function(started, timeout=20_000, polling=500); break
        except PWTimeout: page.keyboard.press('Escape')
    page.screenshot(path=str(artifacts/f'{prefix}_run_all.png'))
    assert page.evaluate(started), f'Run All Cells never started the cells: see artifacts/{prefix}_run_all.png'
    try:
        for cls in ready:  # each shows text and a picture once its cell has run
            page.wait_for_function(READY_JS, arg=cls, timeout=limit_s*1000, polling=500)
        # wait for the last cell to finish: no cell is queued or running any more
        page.wait_for_function("() => ![...document.querySelectorAll('.jp-InputArea-prompt')].some(e => /\\[\\*\\]/.test(e.innerText))",
                               timeout=limit_s*1000, polling=500)
    finally: page.screenshot(path=str(artifacts/f'{prefix}_after_run.png'), full_page=False)
    run_s = time.time() - t0
    prompts = page.evaluate("() => [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')].map(e => e.innerText.trim())")
    assert prompts and all(re.fullmatch(r'\[\d+\]:', p) for p in prompts), f'not every cell ran: {prompts}'
    tracebacks = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"] :text("Traceback")').count()
    assert tracebacks == 0, f'a cell failed: see artifacts/{prefix}_after_run.png'
    log['run_s'] = run_s
    return page, log
