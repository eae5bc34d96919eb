"""The nbdev checks of a standard nbdev CI: every notebook runs, the library is what `nbdev-export` makes
of the notebooks, and the notebooks are what `nbdev-clean` makes of them."""
import os, shutil, subprocess, filecmp
from pathlib import Path
from conftest import ROOT, tool

def _copy(dest):
    "A scratch copy of what nbdev reads and writes"
    for p in ('pyproject.toml', 'nbs', 'collab_course'):
        src = ROOT/p
        (shutil.copytree if src.is_dir() else shutil.copy)(src, dest/p)
    return dest

def _diff(a, b, pattern):
    "Relative paths of files matching `pattern` that differ or exist on one side only"
    fa = {p.relative_to(a) for p in a.rglob(pattern)}
    fb = {p.relative_to(b) for p in b.rglob(pattern)}
    return sorted(str(p) for p in fa ^ fb) + sorted(str(p) for p in fa & fb if not filecmp.cmp(a/p, b/p, shallow=False))

def test_library_matches_notebooks(tmp_path):
    work = _copy(tmp_path)
    subprocess.run([tool('nbdev-export')], cwd=work, check=True, capture_output=True)
    changed = _diff(ROOT/'collab_course', work/'collab_course', '*.py')
    assert not changed, f'nbdev-export changes {changed}: run nbdev-export and commit the library'

def test_notebooks_are_clean(tmp_path):
    work = _copy(tmp_path)
    subprocess.run([tool('nbdev-clean')], cwd=work, check=True, capture_output=True)
    changed = _diff(ROOT/'nbs', work/'nbs', '*.ipynb')
    assert not changed, f'nbdev-clean changes {changed}: run nbdev-clean and commit the notebooks'

# lessons (01_ to 89_) are executed by test_any_folder.py, from an empty folder as in Colab: not twice
LESSONS_RE = r'^([_.]|0[1-9]|[1-8][0-9])'  # and nbdev's default: names starting with _ or .

def test_notebooks_run():
    "Execute the library and tooling notebooks (00*, 9x, index) with nbdev's test runner"
    # two notebooks at a time, one torch thread each: on small machines more threads only wait on each other
    env = {**os.environ, 'OMP_NUM_THREADS': '1', 'MKL_NUM_THREADS': '1'}
    res = subprocess.run([tool('nbdev-test'), '--n-workers', '2', '--timing', '--skip-file-re', LESSONS_RE],
                         cwd=ROOT, capture_output=True, text=True, env=env)
    print(res.stdout[-5000:])
    assert res.returncode == 0, res.stdout[-20000:] + res.stderr[-5000:]
