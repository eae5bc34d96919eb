#!/usr/bin/env python
"""Re-execute every lesson in place, one at a time, and record how long each took; then `nbdev-clean`.

The stored outputs of the lessons (numbers, plots, the runtime banner) must come from one quiet run in one
environment, not from runs made one by one on a busy machine. Run this from the repository root, on a quiet machine,
with the real MovieLens 100K, after the number scripts (so that lessons read complete CSVs):

    COLLAB_COURSE_DATA=/path/to/ml-100k python tools/honest_numbers.py      # fills in missing rows only
    COLLAB_COURSE_DATA=/path/to/ml-100k python tools/execute_lessons.py
    python tools/course.py readme                                           # the times into the lesson tables

This is the setting a learner has: ONE lesson at a time (`--workers 1`) with torch's default number of threads
(`OMP_NUM_THREADS` and `MKL_NUM_THREADS` are removed from the lessons' environment unless `--threads N` sets them).
Each lesson is executed by `jupyter nbconvert --execute --inplace` with `nbs/` as working directory. The script prints
every lesson's wall seconds and kernel CPU seconds, its slowest cells (`--cells`), and the total; it writes the times,
with the machine they were measured on (cores, CPU model, the bench's reference workload in seconds, torch threads, real or synthetic data, date), to `--times`
(default `collab_course/numbers/lesson_times.csv`, committed: `tools/course.py readme` quotes it in the lesson tables).
A run of only some lessons (`--only`) updates their rows and keeps the others. The command fails, after cleaning, if
any lesson failed; failed lessons are recorded with `ok` False.
"""
from __future__ import annotations
import argparse, datetime, os, resource, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
import nbformat, pandas as pd

ROOT = Path(__file__).resolve().parents[1]
from collab_course.dev.course import lessons, LESSON_TIMES
from collab_course.dev.bench import cpu_model

THREAD_VARS = ('OMP_NUM_THREADS', 'MKL_NUM_THREADS')

def lesson_env(threads:int|None)->dict:
    "The environment of a lesson's kernel: torch's default threads when `threads` is None, else `threads` of each kind"
    env = {k: v for k, v in os.environ.items() if k not in THREAD_VARS}
    if threads is not None: env.update({k: str(threads) for k in THREAD_VARS})
    return env

def torch_threads(env:dict)->int:
    "How many threads torch uses in a kernel started with `env`"
    out = subprocess.run([sys.executable, '-c', 'import torch; print(torch.get_num_threads())'], env=env,
                         capture_output=True, text=True, check=True)
    return int(out.stdout.strip())


def slowest_cells(nb:Path, n:int)->list:
    "(seconds, cell number, first line) of the `n` slowest code cells, from the timings nbconvert stores in `nb`"
    rows = []
    for i, c in enumerate(nbformat.read(nb, as_version=4).cells):
        t = c.get('metadata', {}).get('execution', {})
        if c.cell_type != 'code' or 'iopub.execute_input' not in t or 'shell.execute_reply' not in t: continue
        secs = (pd.Timestamp(t['shell.execute_reply']) - pd.Timestamp(t['iopub.execute_input'])).total_seconds()
        rows.append((secs, i, c.source.split('\n')[0][:60]))
    return sorted(rows, reverse=True)[:n]

def execute(nb:Path, env:dict, timeout:int, n_cells:int, alone:bool=True)->dict:
    "Run `nb` in place; its name, wall and CPU seconds (NaN unless it ran `alone`), and the error text ('' when it passed)"
    cmd = [sys.executable, '-m', 'jupyter', 'nbconvert', '--to', 'notebook', '--execute', '--inplace', nb.name,
           f'--ExecutePreprocessor.timeout={timeout}']
    r0, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    res = subprocess.run(cmd, cwd=nb.parent, env=env, capture_output=True, text=True)
    secs, r1 = time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)  # nbconvert and its kernel, once both have ended
    if not alone: cpu = float('nan')  # other lessons' processes end in the same interval
    err = '' if res.returncode == 0 else (res.stderr or res.stdout)[-3000:]
    print(f'{"ok  " if not err else "FAIL"} {nb.name:28s} {secs:7.1f} s wall {cpu:7.1f} s CPU', flush=True)
    if not err:
        for s, i, src in slowest_cells(nb, n_cells): print(f'       cell {i:3d} {s:6.1f} s  {src}', flush=True)
    return dict(lesson=nb.stem, seconds=round(secs, 1), cpu_seconds=round(cpu, 1), ok=not err, error=err)

def reference_s(env:dict)->float:
    "Seconds of the bench's fixed reference workload (`collab_course.dev.bench.reference_seconds`) in a fresh process: how fast this machine is, now"
    code = 'from collab_course.dev.bench import reference_seconds; print(reference_seconds())'
    out = subprocess.run([sys.executable, '-c', code], env=env, capture_output=True, text=True, check=True)
    return round(float(out.stdout.strip()), 2)

def machine(env:dict, a)->dict:
    "The columns that say where and how the times were measured (the reference workload's seconds, timed before the lessons run)"
    return dict(cores=os.cpu_count(), cpu=cpu_model(), reference_s=reference_s(env), torch_threads=torch_threads(env), workers=a.workers,
                data='synthetic' if 'COLLAB_COURSE_DATA' not in os.environ else 'ml-100k',
                date=datetime.date.today().isoformat())

def write_times(path:Path, results:list, where:dict):
    "Write `results` (with `where`) to the CSV at `path`, keeping the rows of lessons that were not run"
    new = pd.DataFrame([{k: v for k, v in r.items() if k != 'error'} | where for r in results])
    if path.exists():
        old = pd.read_csv(path)
        new = pd.concat([old[~old.lesson.isin(new.lesson)], new], ignore_index=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    new.sort_values('lesson').to_csv(path, index=False)

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--workers', type=int, default=1, help='lessons executed at the same time (1: what a learner has)')
    p.add_argument('--threads', type=int, default=None, help="torch/OpenMP threads per lesson (default: torch's own)")
    p.add_argument('--timeout', type=int, default=900, help='seconds allowed per cell')
    p.add_argument('--cells', type=int, default=3, help='slowest cells to print per lesson')
    p.add_argument('--only', nargs='+', default=None, help='lessons to run, e.g. 06_dot_product.ipynb (default: all)')
    p.add_argument('--times', type=Path, default=LESSON_TIMES, help='CSV of seconds per lesson')
    p.add_argument('--allow-synthetic', action='store_true', help='run without COLLAB_COURSE_DATA (outputs then show the stand-in)')
    a = p.parse_args(argv)
    if 'COLLAB_COURSE_DATA' not in os.environ and not a.allow_synthetic:
        sys.exit('Set COLLAB_COURSE_DATA to the real MovieLens 100K folder: stored outputs must show the real data.')
    only = None if a.only is None else {Path(n).stem for n in a.only}
    nbs = [nb for nb in lessons() if only is None or nb.stem in only]
    if only and len(nbs) != len(only): sys.exit(f'unknown lesson(s): {sorted(only - {nb.stem for nb in nbs})}')
    env = lesson_env(a.threads)
    where = machine(env, a)
    print(f"{len(nbs)} lesson(s), {a.workers} at a time, {where['torch_threads']} torch thread(s) each, "
          f"{where['cores']} cores ({where['cpu']}, reference workload {where['reference_s']} s), data: {where['data']}", flush=True)
    t0 = time.perf_counter()
    with ThreadPoolExecutor(a.workers) as ex: results = list(ex.map(lambda nb: execute(nb, env, a.timeout, a.cells, a.workers == 1), nbs))
    wall = time.perf_counter() - t0
    write_times(a.times, results, where)
    total = sum(r['seconds'] for r in results)
    print(f'total {total:.0f} s over {len(nbs)} lesson(s) ({wall:.0f} s wall); slowest '
          f"{max(results, key=lambda r: r['seconds'])['lesson']}; times in {a.times}")
    subprocess.run([str(Path(sys.executable).parent/'nbdev-clean')], cwd=ROOT, check=True)
    failed = [r for r in results if not r['ok']]
    for r in failed: print(f"\n--- {r['lesson']} failed:\n{r['error']}")
    if failed: sys.exit(f'{len(failed)} lesson(s) failed: {", ".join(r["lesson"] for r in failed)}')

if __name__ == '__main__': main()
