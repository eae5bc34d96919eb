#!/usr/bin/env python
"""Re-execute every lesson in place, in one environment, and record how long each took; then `nbdev-clean`.

The stored outputs of the lessons (numbers, plots, the runtime banner) must come from one quiet run in one
environment, not from runs made one by one on a busy machine. Run this from the repository root, on a quiet machine,
with the real MovieLens 100K, after the number scripts (so that lessons read complete CSVs):

    COLLAB_COURSE_DATA=/path/to/ml-100k python tools/honest_numbers.py      # fills in missing rows only
    COLLAB_COURSE_DATA=/path/to/ml-100k python tools/execute_lessons.py

Two lessons run at a time (`--workers 2`), each with ONE torch/OpenMP thread (`OMP_NUM_THREADS=1`,
`MKL_NUM_THREADS=1`): on a 2-core machine that keeps both cores busy without the threads of one lesson waiting on the
other's. Each lesson is executed by `jupyter nbconvert --execute --inplace` with `nbs/` as working directory. The
wall time of every lesson is printed and written to `--times` (default `artifacts/lesson_times.csv`, not committed);
the command fails, after cleaning, if any lesson failed.
"""
from __future__ import annotations
import argparse, os, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
from collab_course.dev.course import lessons

def execute(nb:Path, threads:int, timeout:int)->tuple:
    "Run `nb` in place; (name, seconds, error text or '')"
    env = {**os.environ, 'OMP_NUM_THREADS': str(threads), 'MKL_NUM_THREADS': str(threads)}
    cmd = [sys.executable, '-m', 'jupyter', 'nbconvert', '--to', 'notebook', '--execute', '--inplace', nb.name,
           f'--ExecutePreprocessor.timeout={timeout}']
    t0 = time.perf_counter()
    res = subprocess.run(cmd, cwd=nb.parent, env=env, capture_output=True, text=True)
    secs = time.perf_counter() - t0
    err = '' if res.returncode == 0 else (res.stderr or res.stdout)[-3000:]
    print(f'{"ok  " if not err else "FAIL"} {nb.name:32s} {secs:7.1f} s', flush=True)
    return nb.name, round(secs, 1), err

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--workers', type=int, default=2, help='lessons executed at the same time')
    p.add_argument('--threads', type=int, default=1, help='torch/OpenMP threads per lesson')
    p.add_argument('--timeout', type=int, default=900, help='seconds allowed per cell')
    p.add_argument('--only', nargs='+', default=None, help='lesson file names to run (default: every lesson)')
    p.add_argument('--times', type=Path, default=ROOT/'artifacts'/'lesson_times.csv', help='CSV of seconds per lesson')
    p.add_argument('--allow-synthetic', action='store_true', help='run without COLLAB_COURSE_DATA (outputs then show the stand-in)')
    a = p.parse_args(argv)
    if 'COLLAB_COURSE_DATA' not in os.environ and not a.allow_synthetic:
        sys.exit('Set COLLAB_COURSE_DATA to the real MovieLens 100K folder: stored outputs must show the real data.')
    nbs = [nb for nb in lessons() if a.only is None or nb.name in a.only]
    if a.only and len(nbs) != len(a.only): sys.exit(f'unknown lesson(s): {sorted(set(a.only) - {nb.name for nb in nbs})}')
    print(f'{len(nbs)} lesson(s), {a.workers} at a time, {a.threads} thread(s) each, torch/OpenMP', flush=True)
    t0 = time.perf_counter()
    with ThreadPoolExecutor(a.workers) as ex: results = list(ex.map(lambda nb: execute(nb, a.threads, a.timeout), nbs))
    wall = time.perf_counter() - t0
    a.times.parent.mkdir(parents=True, exist_ok=True)
    a.times.write_text('lesson,seconds,ok\n' + ''.join(f'{n},{s},{not e}\n' for n, s, e in results))
    print(f'{wall:.0f} s wall for {len(nbs)} lesson(s); per-lesson times in {a.times}')
    subprocess.run([str(Path(sys.executable).parent/'nbdev-clean')], cwd=ROOT, check=True)
    failed = [(n, e) for n, _, e in results if e]
    for n, e in failed: print(f'\n--- {n} failed:\n{e}')
    if failed: sys.exit(f'{len(failed)} lesson(s) failed: {", ".join(n for n, _ in failed)}')

if __name__ == '__main__': main()
