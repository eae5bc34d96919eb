"""Maintenance helpers for the course notebooks (run from the repository root):

    python tools/course.py stamp    # add/refresh each lesson's Colab badge and Colab-only install cell
    python tools/course.py readme   # regenerate README.md from nbs/index.ipynb

Both derive every link from `[project.urls]` in pyproject.toml. `tests/test_course.py` fails when
either would change a file, so the links and the README can never drift."""
import re, sys, tomllib, hashlib
from pathlib import Path
import nbformat

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT/'nbs'
BADGE_TAG, INSTALL_TAG = '<!-- colab-badge -->', '# colab-install'

def repo_url():
    "The public repository URL, from `[project.urls]` (the one place it is written)"
    return tomllib.loads((ROOT/'pyproject.toml').read_text())['project']['urls']['Repository'].rstrip('/')

def colab_url(nb:Path, branch='main'):
    "Link that opens `nb` from GitHub in Colab"
    return repo_url().replace('https://github.com/', 'https://colab.research.google.com/github/') + f'/blob/{branch}/nbs/{nb.name}'

def lessons():
    "Lesson notebooks: `NN_name.ipynb` with NN from 01 to 89 (00* and 9x are library/tooling notebooks)"
    return sorted(p for p in NBS.glob('[0-8][0-9]*_*.ipynb') if not p.name.startswith('00'))

def _badge_cell(nb):
    src = f'{BADGE_TAG}\n[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({colab_url(nb)})'
    return nbformat.v4.new_markdown_cell(src)

def _install_cell():
    # Colab's runtime ships ipywidgets 7.7.1 (googlecolab/backend-info, pip-freeze.txt) and a fastai 2.7; installing the
    # package upgrades them to what it needs (ipywidgets>=8.1, fastai 2.8). Colab's built-in widget renderer predates
    # ipywidgets 8 (googlecolab/colabtools#3020, #4525), so the cell switches on Colab's CDN widget manager, and says so.
    src = (f'#| hide\n{INSTALL_TAG}: in Colab only, install the course package (elsewhere this does nothing)\n'
           'import sys\n'
           "if 'google.colab' in sys.modules:\n"
           f"    get_ipython().run_line_magic('pip', 'install -q \"collab-course @ git+{repo_url()}\"')\n"
           '    import importlib.metadata as md\n'
           '    from google.colab import output\n'
           '    output.enable_custom_widget_manager()  # Colab draws ipywidgets 8 only through this widget manager\n'
           "    print('Upgraded for the course: ipywidgets', md.version('ipywidgets'), 'and fastai', md.version('fastai'),\n"
           "          '(Colab ships ipywidgets 7 and an older fastai); widgets use Colab\\'s custom widget manager.')\n"
           "    if 'ipywidgets' in sys.modules and sys.modules['ipywidgets'].__version__ != md.version('ipywidgets'):\n"
           "        print('An older ipywidgets is already loaded: use Runtime > Restart session, then run the notebook again.')")
    return nbformat.v4.new_code_cell(src)

def stamped(nb_path:Path):
    "The notebook at `nb_path` with its badge (after the title) and install cell (first code cell) in place"
    nb = nbformat.read(nb_path, as_version=4)
    cells = [c for c in nb.cells if not (c.cell_type=='markdown' and BADGE_TAG in c.source)
             and not (c.cell_type=='code' and INSTALL_TAG in c.source)]
    badge, inst = _badge_cell(nb_path), _install_cell()
    for c,k in ((badge,'badge'), (inst,'install')): c.id = hashlib.md5(f'{nb_path.name}{k}'.encode()).hexdigest()[:8]
    cells = cells[:1] + [badge, inst] + cells[1:]
    nb.cells = cells
    return nb

def readme_text():
    "README.md rendered from nbs/index.ipynb: markdown as is, code cells fenced, `#|` directives dropped"
    nb = nbformat.read(NBS/'index.ipynb', as_version=4)
    out = []
    for c in nb.cells:
        lines = c.source.split('\n')
        dirs = [l for l in lines if l.startswith('#|')]
        if any('hide' in d for d in dirs): continue
        body = '\n'.join(l for l in lines if not l.startswith('#|')).strip()
        if not body: continue
        # links between notebooks are relative to nbs/; the README sits one level up
        if c.cell_type == 'markdown': out.append(re.sub(r'\]\(([\w.-]+\.ipynb)\)', r'](nbs/\1)', body))
        else: out.append(f'```python\n{body}\n```')
    return '<!-- Generated from nbs/index.ipynb by `python tools/course.py readme`: edit the notebook, not this file -->\n\n' + '\n\n'.join(out) + '\n'

if __name__ == '__main__':
    cmd = sys.argv[1] if len(sys.argv) > 1 else ''
    if cmd == 'stamp':
        for p in lessons(): nbformat.write(stamped(p), p)
    elif cmd == 'readme': (ROOT/'README.md').write_text(readme_text())
    else: sys.exit(__doc__)
