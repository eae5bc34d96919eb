"""The documentation site in a real browser: `collab-course docs` builds `_docs/` once (with nothing but the virtual
environment on PATH, a fresh HOME and, where the kernel allows it, no network at all), a loopback server serves it,
headless Chromium (Playwright) visits every page with every request off loopback blocked."""
import ast, hashlib, os, re, shutil, sys, time, subprocess, textwrap
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit, unquote
import nbformat, pytest
from conftest import ROOT, BIN, CHROMIUM, ARGS, tool, need_browser, _Server
from collab_course.dev import course
from collab_course.dev import docs

BUILD_LIMIT_S = 300
SITE = ROOT/'_docs'
ART = ROOT/'artifacts'

UNSHARE = '/usr/bin/unshare'

def _no_network_prefix()->list:
    "`unshare` into a user and network namespace of its own (no interface but a downed loopback), where the kernel allows it"
    if not Path(UNSHARE).exists(): return []
    r = subprocess.run([UNSHARE, '--map-root-user', '--net', 'true'], capture_output=True)
    return [UNSHARE, '--map-root-user', '--net'] if r.returncode == 0 else []

def _bare_env(home:Path)->dict:
    "What a fresh machine offers the build: the virtual environment's `bin/` alone on PATH (so no npm, no node), an empty HOME"
    dead = 'http://127.0.0.1:9'  # any HTTP client that honours proxies fails at once, should something try the network
    return {'PATH': str(BIN), 'HOME': str(home), 'LANG': 'C.UTF-8', 'TMPDIR': str(home),
            **({'PYTHONPATH': os.environ['PYTHONPATH']} if os.environ.get('PYTHONPATH') else {}),  # a checkout tested in place
            'http_proxy': dead, 'https_proxy': dead, 'HTTP_PROXY': dead, 'HTTPS_PROXY': dead, 'no_proxy': '', 'NO_PROXY': ''}

@pytest.fixture(scope='session')
def site(tmp_path_factory):
    "Build the site once with the real command, as a fresh machine would (no npm, no network); the build time is kept in artifacts/"
    need_browser()
    nbs, lessons = sorted((ROOT/'nbs').glob('*.ipynb')), course.lessons()  # as they were when the build started
    env = _bare_env(tmp_path_factory.mktemp('home'))
    for exe in ('npm', 'node', 'npx'): assert shutil.which(exe, path=env['PATH']) is None, f'{exe} is findable on the build PATH'
    isolate = _no_network_prefix()
    t0 = time.perf_counter()
    r = subprocess.run(isolate + [tool('collab-course'), 'docs', '--quiet'], cwd=ROOT, capture_output=True, text=True, env=env)
    secs = time.perf_counter() - t0
    assert r.returncode == 0, r.stdout[-5000:] + r.stderr[-10000:]
    how = 'in a network namespace with no network' if isolate else 'with network (unshare not allowed here), proxies pointing nowhere'
    ART.mkdir(exist_ok=True)
    (ART/'docs_build_time.txt').write_text(f'{secs:.1f} s, PATH={env["PATH"]} only, {how}\n{r.stdout}{r.stderr}')
    print(f'docs build: {secs:.1f} s ({how})')
    return dict(dir=SITE, secs=secs, log=r.stdout + r.stderr, nbs=nbs, lessons=lessons, isolated=bool(isolate), path=env['PATH'])

@pytest.fixture(scope='session')
def server(site):
    s = _Server(site['dir'])
    yield s.url
    s.close()

class Browser:
    "Headless Chromium; every request that is not to the loopback server is blocked and recorded"
    def __init__(self, pw, base):
        self.base, self.blocked = base, []
        self.browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        self.ctx = self.browser.new_context(viewport={'width': 1280, 'height': 900})
        self.ctx.route('**/*', self._route)
    def _route(self, route):
        u = route.request.url
        if u.startswith(self.base + '/') or u.startswith('data:') or u.startswith('blob:'): route.continue_()
        else: self.blocked.append(u); route.abort()
    def visit(self, path):
        "Open `path`; returns (page, status, console errors, failed responses)"
        pg = self.ctx.new_page()
        errs, bad = [], []
        pg.on('console', lambda m: errs.append(m.text) if m.type == 'error' else None)
        pg.on('pageerror', lambda e: errs.append(f'uncaught: {e}'))
        pg.on('response', lambda r: bad.append(f'{r.status} {r.url}') if r.status >= 400 else None)
        resp = pg.goto(f'{self.base}/{path}', wait_until='networkidle')
        return pg, resp.status, errs, bad
    def close(self): self.browser.close()

@pytest.fixture(scope='session')
def browser(pw, server):
    b = Browser(pw, server)
    yield b
    b.close()

def _page(nb:Path)->str: return nb.stem + '.html'

def _is_forward(p:Path)->bool: return 'location.replace(' in p.read_text(errors='replace')[:2000]  # nbdev's page name, see write_aliases

def _pages(d:Path)->list:
    "The site's pages, without the forwarding pages under nbdev's names (test_doc_links_open_in_the_browser follows those)"
    return sorted(p.relative_to(d).as_posix() for p in d.rglob('*.html') if not p.relative_to(d).parts[0].startswith('_') and not _is_forward(p))

class _Anchors(HTMLParser):
    "ids and hrefs of one HTML file"
    def __init__(self):
        super().__init__(); self.ids, self.hrefs = set(), []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get('id'): self.ids.add(a['id'])
        if tag == 'a' and a.get('name'): self.ids.add(a['name'])
        if tag == 'a' and a.get('href'): self.hrefs.append(a['href'])

def _parse(f:Path):
    p = _Anchors(); p.feed(f.read_text(errors='replace')); return p

STAGED = ROOT/'_proc'/'docs'/'src'  # where `build_docs` leaves the notebooks as it gave them to Sphinx

def _shown_images(nb:Path)->int:
    "Image outputs that the page of `nb` shows: those of its staged copy (nbdev's directives applied) outside removed outputs"
    st = nbformat.read(STAGED/nb.name, as_version=4)
    return sum(1 for c in st.cells if c.cell_type == 'code' and 'remove-output' not in c.get('metadata', {}).get('tags', [])
               for o in c.get('outputs', []) if any(k.startswith('image/') for k in o.get('data', {})))

def _explorer_nbs(site):
    "The explorer lesson(s): a lesson named for explorers, or one that uses `collab_course.explore`"
    return [p for p in site['lessons'] if 'explor' in p.name or 'collab_course.explore' in p.read_text()]

def test_build_is_fast_and_complete(site):
    assert site['secs'] < BUILD_LIMIT_S, f"the docs took {site['secs']:.0f} s to build"
    for nb in site['nbs']: assert (SITE/_page(nb)).exists(), f'no page for {nb.name}'
    assert (SITE/'api.html').exists() and (SITE/'search.html').exists() and (SITE/'searchindex.js').exists()
    html = '\n'.join(p.read_text() for p in SITE.glob('*.html'))
    assert not re.search(r'^\s*#\|', re.sub(r'<[^>]+>', '', html), re.M), 'an nbdev `#|` directive shows on a page'
    assert 'cdn.jsdelivr' not in html and 'cdnjs' not in html, 'a page loads something from a CDN'
    for f in ('require.js', 'widgets-config.js', 'html-manager/dist/embed-amd.js', 'mathjax/tex-mml-chtml.js'):
        assert (SITE/'_static'/f).is_file(), f'_static/{f} is missing'

def test_build_needs_no_npm_and_no_network(site):
    "The build above ran with only the virtual environment on PATH: no npm, no node, nothing fetched from a JS registry"
    assert site['path'] == str(BIN) and not any(shutil.which(e, path=site['path']) for e in ('npm', 'node', 'npx'))
    assert 'npm' not in site['log'].lower(), site['log'][-3000:]
    # with no network as well where the kernel allows `unshare` (it does here); artifacts/docs_build_time.txt says which

VENDOR = ROOT/'vendor'

def test_vendored_files_match_their_readme():
    "Every file in vendor/ is listed in its README with package, version, licence and the SHA-256 it really has"
    readme = (VENDOR/'README.md').read_text()
    rows = {m[1]: m[2] for m in re.finditer(r'^\| `([^`]+)`[^\n]*\| `([0-9a-f]{64})` \|$', readme, re.M) if not m[1].endswith('.tgz')}
    files = sorted(p.relative_to(VENDOR).as_posix() for p in VENDOR.rglob('*') if p.is_file())
    shipped = [f for f in files if f != 'README.md' and 'LICENSE' not in f and 'NOTICES' not in f]
    assert set(shipped) == set(rows), f'vendor/ holds {shipped}, its README lists {sorted(rows)}'
    for f in shipped: assert hashlib.sha256((VENDOR/f).read_bytes()).hexdigest() == rows[f], f'vendor/{f} is not the file its README describes'
    for lic in ('LICENSE.requirejs.txt', 'html-manager/LICENSE', 'html-manager/LICENSE.fontawesome.txt'):
        assert lic in files and lic in readme, lic
    assert sum((VENDOR/f).stat().st_size for f in files) < 5_000_000, 'vendor/ grew: keep only the files the pages load'

_JS = """() => ({
  colab: [...document.querySelectorAll('a[href*="colab.research.google.com"]')].map(e => e.href),
  imgs: [...document.querySelectorAll('article img')].filter(e => e.complete && e.naturalWidth > 0).length,
  mjx: document.querySelectorAll('mjx-container').length,
  math: document.querySelectorAll('article .math').length,
  widgets: document.querySelectorAll('article .jupyter-widgets').length,
  nav: [...document.querySelectorAll('nav.bd-docs-nav a.reference.internal')].map(e => e.getAttribute('href')),
  captions: [...document.querySelectorAll('nav.bd-docs-nav p.caption')].map(e => e.innerText.trim()),
  text: (document.querySelector('article') || document.body).innerText,
})"""

@pytest.fixture(scope='session')
def visits(site, browser):
    "Every page of the site, visited once: status, console errors, failed requests and what the page shows"
    ART.mkdir(exist_ok=True)
    lessons = site['lessons']
    shots = {'index.html': 'docs_home.png', _page(lessons[0]) if lessons else '00_data.html': 'docs_lesson.png'}
    for i, nb in enumerate(_explorer_nbs(site)): shots[_page(nb)] = f'docs_explorer{i or ""}.png'
    res = {}
    for path in _pages(SITE):
        pg, status, errs, bad = browser.visit(path)
        if pg.query_selector('script[type="application/vnd.jupyter.widget-view+json"]'):
            try: pg.wait_for_selector('article .jupyter-widgets', timeout=20000)
            except Exception: pass  # recorded as no widgets
        res[path] = dict(status=status, errs=errs, bad=bad, **pg.evaluate(_JS))
        if path in shots: pg.screenshot(path=str(ART/shots[path]))
        pg.close()
    return res

def test_every_page_loads_offline_without_errors(visits, browser):
    problems = []
    for path, v in visits.items():
        if v['status'] != 200: problems.append(f"{path}: HTTP {v['status']}")
        problems += [f'{path}: console error: {e}' for e in v['errs']] + [f'{path}: {b}' for b in v['bad']]
    assert not browser.blocked, f'pages asked for things off the site: {sorted(set(browser.blocked))[:20]}'
    assert not problems, '\n'.join(problems)

def test_no_broken_internal_links(site):
    pages = {p: _parse(SITE/p) for p in _pages(SITE)}
    broken = []
    for path, parsed in pages.items():
        for h in parsed.hrefs:
            u = urlsplit(h)
            if u.scheme or u.netloc or h.startswith('mailto:'): continue
            tgt = (SITE/path).parent/unquote(u.path) if u.path else SITE/path
            rel = tgt.resolve().relative_to(SITE.resolve()).as_posix() if tgt.resolve().is_relative_to(SITE.resolve()) else None
            if rel is None or not tgt.exists(): broken.append(f'{path}: {h}'); continue
            if u.fragment and rel.endswith('.html'):
                ids = pages[rel].ids if rel in pages else _parse(tgt).ids
                if unquote(u.fragment) not in ids: broken.append(f'{path}: {h} (no such anchor)')
    assert not broken, '\n'.join(broken[:50])

def test_navigation_lists_every_lesson_in_order(site, visits):
    names = [urlsplit(h).path.removesuffix('.html') for h in visits['index.html']['nav']]
    want = [p.stem for p in site['lessons']]
    assert want, 'no lessons yet'
    missing = [n for n in want if n not in names]
    assert not missing, f'the navigation lacks {missing}'
    assert [n for n in names if n in want] == want, f'lessons out of order in the navigation: {names}'
    assert 'api' in names, 'the navigation lacks the API reference'

def test_navigation_puts_lessons_first_and_the_library_apart(site, visits):
    caps = visits['index.html']['captions']
    assert caps[:2] == ['Lessons', 'Library reference'], caps
    names = [urlsplit(h).path.removesuffix('.html') for h in visits['index.html']['nav']]
    lessons = [p.stem for p in site['lessons']]
    assert names[:len(lessons)] == lessons, f'the sidebar does not start with the lessons: {names}'
    assert names.index('00_data') > names.index(lessons[-1]) and names.index('api') > names.index('00_data'), names

def _doc_links():
    "(site path of each module docstring's `Docs:` URL, {symbol: 'page#anchor'} of `_modidx.py`): what nbdev links to"
    from urllib.parse import urljoin
    from collab_course._modidx import d
    base = urljoin(d['settings']['doc_host'].rstrip('/') + '/', d['settings']['doc_baseurl'].strip('/') + '/')
    mods = {}
    for f in sorted((ROOT/'collab_course').rglob('*.py')):
        if f.name.startswith('_'): continue
        m = re.search(r'^Docs: (\S+)$', ast.get_docstring(ast.parse(f.read_text())) or '', re.M)
        assert m and m[1].startswith(base), f'{f.relative_to(ROOT)}: no Docs link under {base} in its docstring'
        mods[f.relative_to(ROOT).as_posix()] = m[1][len(base):]
    return mods, {s: loc for syms in d['syms'].values() for s, (loc, _) in syms.items()}

def _forward_target(page:Path)->str:
    m = re.search(r'location.replace\("([^"]+)"', page.read_text())
    return m[1] if m else page.name

def test_doc_links_of_modules_and_modidx_resolve(site):
    "Every module docstring's `Docs:` link and every `_modidx.py` entry names a page of the built site, and its anchor exists"
    mods, syms = _doc_links()
    assert len(mods) >= 20 and len(syms) >= 100, (len(mods), len(syms))
    missing = [f'{m}: {p}' for m, p in mods.items() if not (SITE/p).is_file()]
    assert not missing, missing
    ids, bad = {}, []
    for s, loc in syms.items():
        page, _, anchor = loc.partition('#')
        if not (SITE/page).is_file(): bad.append(f'{s}: {page} is not a page'); continue
        tgt = _forward_target(SITE/page)
        if tgt not in ids: ids[tgt] = _parse(SITE/tgt).ids
        if anchor not in ids[tgt]: bad.append(f'{s}: {tgt} has no anchor #{anchor}')
    assert not bad, '\n'.join(bad[:30])

def test_doc_links_open_in_the_browser(browser, site):
    "One symbol per page, opened at nbdev's address: the browser lands on the notebook's page, at the symbol"
    _, syms = _doc_links()
    firsts = list({loc.partition('#')[0]: loc for loc in syms.values()}.values())
    assert len(firsts) >= 15, firsts
    for loc in firsts:
        page, _, anchor = loc.partition('#')
        want = _forward_target(SITE/page) + '#' + anchor
        pg, status, errs, bad = browser.visit(loc)
        pg.wait_for_function('(w) => location.href.endsWith("/" + w) && document.readyState == "complete"', arg=want, timeout=15000)
        found = pg.evaluate('(id) => !!document.getElementById(id)', anchor)
        pg.close()
        assert found and not errs and not bad, (loc, want, found, errs, bad)

def test_colab_link_on_every_lesson(site, visits):
    cfg = docs.site_config(ROOT)
    for nb in site['lessons']:
        links = visits[_page(nb)]['colab']
        assert links, f'{nb.name}: no Colab link'
        for l in links: assert l == course.colab_url(nb) == docs.colab_url(nb.name, cfg), f'{nb.name}: {l}'

def test_plots_show_as_images(site, visits):
    with_plots = [nb for nb in site['nbs'] if _shown_images(nb)]
    print(f'{len(with_plots)} pages with plots: {[nb.stem for nb in with_plots]}')
    for nb in with_plots: assert visits[_page(nb)]['imgs'] >= 1, f'{nb.name} has plots but its page shows no image'

def test_api_reference_has_signatures_and_docments(visits):
    text = visits['api.html']['text']
    tree = ast.parse((ROOT/'collab_course'/'train.py').read_text())
    exported = next(ast.literal_eval(o.value) for o in tree.body if isinstance(o, ast.Assign) and o.targets[0].id == '__all__')
    for nm in exported: assert nm in text, f'{nm} missing from the API reference'

    assert 'seed of the split and the shuffling' in text, 'docments (parameter comments) missing from the API reference'

def test_math_renders_locally(site, visits):
    assert visits['95_docs.html']['mjx'] >= 1, 'MathJax did not render the formula on the docs page'
    with_math = [p for p, v in visits.items() if v['math']]
    assert [p for p in with_math if p.removesuffix('.html') in {nb.stem for nb in site['lessons']}], 'no lesson page has math to check'
    for p in with_math: assert visits[p]['mjx'] >= 1, f'{p}: MathJax rendered none of its {visits[p]["math"]} formulas'

def test_screenshots(visits):
    for fn in ('docs_home.png', 'docs_lesson.png'): assert (ART/fn).stat().st_size > 10_000

def test_explorer_lesson_shows_its_output(site, visits):
    nbs = _explorer_nbs(site)
    if not nbs: pytest.skip('no explorer lesson yet')
    for nb in nbs:
        v = visits[_page(nb)]
        saved = sum(len(c.get('outputs', [])) for c in nbformat.read(nb, as_version=4).cells if c.cell_type == 'code')
        assert saved, f'{nb.name} has no saved outputs: execute it and keep them (the site shows saved outputs, it runs nothing)'
        assert v['widgets'] or v['imgs'], f'{nb.name}: the explorers show nothing on their page (no widget, no image)'
        assert (ART/f'docs_explorer{nbs.index(nb) or ""}.png').exists()

def test_search_finds_pages(browser, site):
    pg, status, errs, _ = browser.visit('search.html?q=MovieLens')
    pg.wait_for_selector('#search-results li', timeout=15000)
    n = pg.eval_on_selector_all('#search-results li', 'els => els.length')
    pg.close()
    assert n >= 1 and not errs

# ---- widgets from saved state, on a tiny site of its own (no lesson has to hold a widget for this to be checked)

_WIDGET_NB = textwrap.dedent('''\
    import ipywidgets as w, matplotlib.pyplot as plt
    slider = w.IntSlider(value=3, min=0, max=10, description='factors')
    out = w.Output()
    with out:
        plt.plot([1, 3, 2]); plt.show()
    w.VBox([slider, w.Button(description='train', icon='check'), out])''')

@pytest.fixture(scope='session')
def mini_site(tmp_path_factory):
    "A two-page site whose lesson holds an executed slider and an Output widget with a plot"
    need_browser()
    from nbclient import NotebookClient
    root = tmp_path_factory.mktemp('mini')
    (root/'pyproject.toml').write_text('[project]\nname = "mini-site"\n[project.urls]\nRepository = "https://github.com/me/mini"\n'
                                       '[tool.nbdev]\nlib_path = "mini_site"\n')
    (root/'nbs').mkdir()
    new = nbformat.v4
    idx = new.new_notebook(cells=[new.new_markdown_cell('# Mini\n\n> A site with one widget')])
    nb = new.new_notebook(cells=[new.new_markdown_cell('# Widgets\n\n> Saved state, drawn without a kernel\n\nA formula: $y = x^2$'),
                                 new.new_code_cell('#| hide\nimport matplotlib\nmatplotlib.use("module://matplotlib_inline.backend_inline")'),
                                 new.new_code_cell(_WIDGET_NB)],
                           metadata={'kernelspec': {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'}})
    NotebookClient(nb, timeout=120, kernel_name='python3', resources={'metadata': {'path': str(root)}}).execute()
    assert nb.metadata['widgets']['application/vnd.jupyter.widget-state+json']['state'], 'nbclient kept no widget state'
    nbformat.write(idx, root/'nbs'/'index.ipynb'); nbformat.write(nb, root/'nbs'/'01_widgets.ipynb')
    docs.build_docs(path=str(root), quiet=True)  # a site outside this repository: the library's vendor/ is used
    s = _Server(root/'_docs')
    yield s.url
    s.close()

def test_widgets_render_from_saved_state_offline(pw, mini_site):
    b = Browser(pw, mini_site)
    try:
        pg, status, errs, bad = b.visit('01_widgets.html')
        pg.wait_for_selector('article .widget-slider', timeout=20000)
        val = pg.inner_text('article .widget-readout')
        imgs = pg.eval_on_selector_all('article .jupyter-widgets img, article .widget-output img', 'els => els.filter(e => e.naturalWidth > 0).length')
        mjx = pg.eval_on_selector_all('mjx-container', 'els => els.length')
        pg.wait_for_function('document.fonts.check(\'900 16px "Font Awesome 5 Free"\')', timeout=10000)  # the button's icon
        fonts = pg.evaluate("performance.getEntriesByType('resource').map(e => e.name).filter(n => /\\.(woff2?|ttf|eot|otf)(\\?|$)/.test(n))")
        ART.mkdir(exist_ok=True); pg.screenshot(path=str(ART/'docs_widgets_fixture.png'))
        assert status == 200 and val.strip() == '3' and imgs >= 1 and mjx >= 1
        assert not errs and not bad, errs + bad
        icon = [f for f in fonts if '/_static/html-manager/dist/' in f]
        assert icon and all(f.endswith('.woff2') for f in icon), f'icon font requests: {fonts}'
        assert not b.blocked, b.blocked
    finally: b.close()
