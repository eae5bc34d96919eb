"""Every lesson runs from a copy of the notebook in an empty folder, as in Colab: the working directory holds nothing
of the repository, so a lesson can only use the installed package (its code and its package data). This is the test
that executes the lessons (two at a time, one torch thread each); `test_nbdev.py` executes the library notebooks.

    pytest tests/test_any_folder.py -k "02_crosstab or 13_honest"     # only some lessons
"""
import os, shutil, sys
from concurrent.futures import ThreadPoolExecutor
import nbformat, pytest
from nbclient import NotebookClient
from conftest import ROOT
from collab_course.dev.course import lessons

LESSONS = lessons()

def run_in_empty_folder(nb_path, folder, timeout=900):
    "Execute a copy of `nb_path` with `folder` (empty) as working directory; the error text, or '' when it ran"
    folder.mkdir(parents=True)
    dest = folder/nb_path.name
    shutil.copy(nb_path, dest)
    nb = nbformat.read(dest, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name='python3', resources={'metadata': {'path': str(folder)}})
    try: client.execute()
    except Exception as e: return f'{type(e).__name__}: {e}'[-5000:]
    files = sorted(p.name for p in folder.iterdir() if p.name != nb_path.name)
    return '' if not files else f'the lesson wrote {files} into its working directory'

@pytest.fixture(scope='module')
def results(request, tmp_path_factory):
    "Run the lessons this session selected, two at a time; {name: error text}"
    os.environ.update(OMP_NUM_THREADS='1', MKL_NUM_THREADS='1')  # inherited by the kernels
    wanted = [it.callspec.params['nb'] for it in request.session.items
              if it.fspath == request.fspath and hasattr(it, 'callspec')]
    base = tmp_path_factory.mktemp('lessons')
    with ThreadPoolExecutor(2) as ex:
        errs = ex.map(lambda nb: run_in_empty_folder(nb, base/nb.stem), wanted)
        return {nb.name: e for nb, e in zip(wanted, errs)}

@pytest.mark.parametrize('nb', LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_runs_in_an_empty_folder(nb, results):
    assert not results[nb.name], f'{nb.name} failed when run from an empty folder:\n{results[nb.name]}'

def test_lessons_found():
    assert len(LESSONS) >= 10 and all(not p.name.startswith('00') for p in LESSONS)
