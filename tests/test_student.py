"The student copy: every exercise cell of every lesson runs, and each check reports on the blank answer instead of crashing"
import json, re
from execnb.shell import CaptureShell
from collab_course.student import write_student_copy, solution_of, answer_of, is_check
from collab_course.exercises import LESSONS

def src(cell): return ''.join(cell['source'])
def text(outputs): return ''.join(''.join(o.get('data', {}).get('text/plain', '')) + ''.join(o.get('text', '')) for o in outputs)
def errors(outputs): return [f"{o['ename']}: {o['evalue']}" for o in outputs if o.get('output_type') == 'error']

def exercise_cells(nb):
    "The cells a learner works in: the import of the lesson's exercises, the answer stubs and the checks"
    return [c for c in nb['cells'] if c['cell_type'] == 'code' and (answer_of(c) or is_check(c) or re.match(r'from collab_course\.exercises import lesson\w+ as ex', src(c)))]

def test_every_check_reports_on_the_blank_copy(tmp_path):
    copies = {p.stem: json.loads(p.read_text()) for p in write_student_copy(tmp_path)}
    assert set(LESSONS) <= set(copies), set(LESSONS) - set(copies)
    sh, n_checks = CaptureShell(), 0
    for name, nb in copies.items():
        cells = exercise_cells(nb)
        if name not in LESSONS: assert not cells, name; continue
        assert not any(c['outputs'] for c in cells if is_check(c)), name
        assert all(solution_of(c) is None for c in nb['cells']), name  # every solution became a stub
        assert sum(answer_of(c) is not None for c in cells) == len(LESSONS[name]), name
        for c in cells:
            out = sh.run(src(c))
            assert not errors(out), (name, src(c), errors(out))
            if is_check(c):
                n_checks += 1
                assert 'Not done yet' in text(out), (name, src(c), text(out))
    assert n_checks == sum(len(s) for s in LESSONS.values())

def test_a_cheap_lesson_runs_top_to_bottom(tmp_path):
    nb = json.loads(next(p for p in write_student_copy(tmp_path) if p.stem == '03_latent_factors').read_text())
    sh = CaptureShell(path=tmp_path)
    for c in nb['cells']:
        if c['cell_type'] != 'code': continue
        out = sh.run(src(c))
        assert not errors(out), (src(c), errors(out))
        if is_check(c): assert 'Not done yet' in text(out), text(out)

def test_student_command(tmp_path):
    import subprocess
    from conftest import tool
    from collab_course.student import lessons
    res = subprocess.run([tool('collab-course'), 'student', str(tmp_path/'class')], capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    assert f'{len(lessons())} lessons written to' in res.stdout, res.stdout
    assert sorted(p.name for p in (tmp_path/'class').glob('*.ipynb')) == [p.name for p in lessons()]
    again = subprocess.run([tool('collab-course'), 'student', str(tmp_path/'class')], capture_output=True, text=True, timeout=600)
    assert again.returncode != 0 and 'pass --force to overwrite' in again.stderr
