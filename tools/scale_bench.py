#!/usr/bin/env python
"""Time and memory of `fit_sparse` from 100K to 25M synthetic ratings; writes `collab_course/numbers/scale_numbers.csv` (package data).

Each size runs in a fresh subprocess, so that `ru_maxrss` (the peak resident memory of the process) of one size
does not carry into the next. Per size: draw `ml25m_like(n)` ratings with `synthetic_ratings` (users in proportion
to the ratings, movies by the square root; the largest size is exactly MovieLens 25M's shape), hold out 2% with
`split_ratings`, train `--epochs` epochs of `fit_sparse` (defaults: bs 16384, lr 0.3, 50 factors) and record:

    n_ratings, n_users, n_items, gen_s, split_s, epoch_s (mean per epoch), peak_mb, valid_mse, rating_var, threads

    .venv/bin/python tools/scale_bench.py                      # 100K, 1M, 10M, 25M (a few minutes on 2 cores)
    .venv/bin/python tools/scale_bench.py --sizes 100000 1000000 --out /tmp/small.csv

The data is synthetic (not MovieLens), so the CSV can be committed.
"""
from __future__ import annotations
import argparse, json, os, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = [100_000, 1_000_000, 10_000_000, 25_000_095]
COLUMNS = ['n_ratings', 'n_users', 'n_items', 'gen_s', 'split_s', 'epoch_s', 'peak_mb', 'valid_mse', 'rating_var', 'threads']

def one(n:int, epochs:int, threads:int)->dict:
    "Run one size in this process and return its row"
    import resource, torch
    torch.set_num_threads(threads)
    from collab_course.synthetic import synthetic_ratings, ml25m_like
    from collab_course.scale import split_ratings, fit_sparse
    from collab_course.fast import DotBias
    shape = ml25m_like(n)
    t0 = time.perf_counter(); r = synthetic_ratings(**shape); gen_s = time.perf_counter()-t0
    t0 = time.perf_counter(); data = split_ratings(r); del r; split_s = time.perf_counter()-t0
    torch.manual_seed(42); model = DotBias(data.n_users, data.n_items)
    t0 = time.perf_counter(); hist = fit_sparse(model, data, n_epoch=epochs, progress=False); epoch_s = (time.perf_counter()-t0)/epochs
    return dict(n_ratings=n, n_users=shape['n_users'], n_items=shape['n_items'], gen_s=round(gen_s, 2), split_s=round(split_s, 2),
                epoch_s=round(epoch_s, 2), peak_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024),
                valid_mse=round(hist[-1][1], 4), rating_var=round(float(data.y_valid.var()), 4), threads=threads)

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--sizes', type=int, nargs='+', default=SIZES, help='numbers of ratings')
    p.add_argument('--epochs', type=int, default=1, help='epochs per size (time is per epoch)')
    p.add_argument('--threads', type=int, default=1, help='PyTorch threads (1 was fastest on a shared 2-core machine)')
    p.add_argument('--out', type=Path, default=ROOT/'collab_course'/'numbers'/'scale_numbers.csv')
    p.add_argument('--one', type=int, help=argparse.SUPPRESS)  # internal: run one size and print its row as JSON
    a = p.parse_args()
    if a.one: print(json.dumps(one(a.one, a.epochs, a.threads))); return
    import pandas as pd
    rows, env = [], {**os.environ, 'OMP_NUM_THREADS': str(a.threads), 'MKL_NUM_THREADS': str(a.threads)}
    for n in a.sizes:
        res = subprocess.run([sys.executable, __file__, '--one', str(n), '--epochs', str(a.epochs), '--threads', str(a.threads)],
                             capture_output=True, text=True, env=env)
        if res.returncode: sys.exit(f'size {n:,} failed:\n{res.stderr[-3000:]}')
        rows.append(json.loads(res.stdout.strip().splitlines()[-1])); print(rows[-1], flush=True)
    df = pd.DataFrame(rows, columns=COLUMNS)
    df.to_csv(a.out, index=False); print(df.to_string(index=False)); print(f'wrote {a.out}')

if __name__ == '__main__': main()
