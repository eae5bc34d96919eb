"""Course-wide checks that no single notebook can make: generated README, Colab links derived from pyproject."""
import sys, json
from pathlib import Path
import nbformat
from conftest import ROOT
from collab_course.dev import course

def test_readme_is_generated_from_index():
    assert (ROOT/'README.md').read_text() == course.readme_text(), 'README.md is stale: run `python tools/course.py readme`'

def test_every_lesson_has_colab_badge_and_install_cell():
    ls = course.lessons()
    assert ls, 'no lessons found'
    for p in ls:
        nb = nbformat.read(p, as_version=4)
        want = course.stamped(p)
        assert [c.source for c in nb.cells[:3]] == [c.source for c in want.cells[:3]], f'{p.name}: run `python tools/course.py stamp`'
        assert course.colab_url(p).endswith(f'/blob/main/nbs/{p.name}')
        assert course.colab_url(p).startswith('https://colab.research.google.com/github/') 

def test_colab_link_derives_from_pyproject():
    import tomllib
    repo = tomllib.loads((ROOT/'pyproject.toml').read_text())['project']['urls']['Repository']
    user_repo = repo.split('github.com/')[1].rstrip('/')
    assert f'/github/{user_repo}/blob/' in course.colab_url(ROOT/'nbs'/'01_x.ipynb')

def test_index_quotes_recorded_lesson_times():
    from fastcore.nbio import read_nb
    cell = next(c for c in read_nb(ROOT/'nbs'/'index.ipynb').cells if c.cell_type == 'markdown' and '| # | notebook |' in c.source)
    assert course.timed_table(cell.source, course.lesson_times()) == cell.source, \
        'the lesson table does not quote collab_course/numbers/lesson_times.csv: run `python tools/course.py readme`'
