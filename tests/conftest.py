import os, sys, subprocess, shutil, threading, functools, http.server, zipfile, io
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

def tool(name):
    "Path of a console script installed next to this Python"
    p = BIN/name
    return str(p) if p.exists() else shutil.which(name)

CHROMIUM = '/usr/bin/chromium'
ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run']

def need_browser():
    "Skip where Debian's chromium is missing on a developer's machine; fail under CI, whose script installs it"
    msg = f'{CHROMIUM} is missing: apt-get install -y chromium chromium-driver (.ci/run does this)'
    if Path(CHROMIUM).exists(): return
    if os.environ.get('CI'): pytest.fail(msg)
    pytest.skip(msg)

@pytest.fixture(scope='session')
def pw():
    "One Playwright driver for the whole session: its sync API refuses a second one while the first runs"
    need_browser()
    from playwright.sync_api import sync_playwright
    p = sync_playwright().start()
    yield p
    p.stop()

@pytest.fixture
def artifacts():
    "Folder for files a test leaves for people to look at (screenshots...)"
    d = ROOT/'artifacts'
    d.mkdir(exist_ok=True)
    return d

class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    "Serves files without logging every request to stderr"
    def log_message(self, *args): pass

class _Server:
    "A threaded HTTP server on loopback serving files from a folder"
    def __init__(self, root):
        h = functools.partial(_QuietHandler, directory=str(root))
        self.httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), h)
        self.url = f'http://127.0.0.1:{self.httpd.server_address[1]}'
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
    def close(self): self.httpd.shutdown(); self.httpd.server_close()

@pytest.fixture
def http_server(tmp_path):
    "Start a loopback web server over `tmp_path/'www'`; yields (folder, base url)"
    root = tmp_path/'www'
    root.mkdir()
    s = _Server(root)
    yield root, s.url
    s.close()
