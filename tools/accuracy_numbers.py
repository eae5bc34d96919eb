#!/usr/bin/env python
"""The ablation of nbs/18_accuracy.ipynb: each step of the ladder, several training seeds, the chapter split and u1.

Writes one row per (split, step, seed) to `collab_course/numbers/accuracy_numbers.csv` (package data): validation MSE and training seconds only
(aggregate metrics, nothing else derived from MovieLens). Needs the real data (`u1.base` / `u1.test`):

    COLLAB_COURSE_DATA=/work/shared/data/ml-100k OMP_NUM_THREADS=1 .venv/bin/python tools/accuracy_numbers.py --seeds 0 1 2 3 4

About 15 minutes on one CPU core for 5 seeds.
"""
from __future__ import annotations
import argparse, time, warnings
from pathlib import Path
import pandas as pd, torch
warnings.filterwarnings('ignore', message='The given NumPy array is not writable')
from collab_course.data import movielens_path, is_synthetic, load_ratings
from collab_course.train import collab_dls
from collab_course.fast import split_from_dls, split_from_frames, DotBias, fit_fast, mse
from collab_course.accuracy import fit_mf, fit_autorec, ACCURATE

CSV = Path(__file__).resolve().parents[1]/'collab_course'/'numbers'/'accuracy_numbers.csv'

def _chapter(data, seed):
    torch.manual_seed(seed); m = DotBias(data.n_users, data.n_items, **ACCURATE['model']); fit_fast(m, data, seed=seed, **ACCURATE['fit'])
    return torch.no_grad()(lambda x: m(x))

# step: (function of (data, seed), or the names of two steps whose predictions it combines with a weight on the first)
STEPS = {'chapter':       lambda d, s: _chapter(d, s),
         'chapter_seed2': lambda d, s: _chapter(d, s+100),
         'mf128':         lambda d, s: fit_mf(d, seed=s),
         'autorec_e100':  lambda d, s: fit_autorec(d, seed=s, **{**ACCURATE['ae'], 'n_epoch': 100}),
         'autorec':       lambda d, s: fit_autorec(d, seed=s, **ACCURATE['ae']),
         'autorec_e200':  lambda d, s: fit_autorec(d, seed=s, **{**ACCURATE['ae'], 'n_epoch': 200}),
         'chapter_avg2':  ('chapter', 'chapter_seed2', 0.5),
         'blend':         ('autorec', 'chapter', ACCURATE['w_ae'])}

def splits():
    p = movielens_path()
    rd = lambda f: pd.read_csv(p/f, sep='\t', names=['user', 'movie', 'rating', 'timestamp'])
    return {'chapter': split_from_dls(collab_dls(load_ratings())), 'u1': split_from_frames(rd('u1.base'), rd('u1.test'))}

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2, 3, 4])
    a = ap.parse_args()
    if is_synthetic(): raise SystemExit('needs the real MovieLens 100K: set COLLAB_COURSE_DATA')
    torch.set_num_threads(1)
    rows = []
    for name, data in splits().items():
        for seed in a.seeds:
            preds, secs = {}, {}
            for step, how in STEPS.items():
                t0 = time.perf_counter()
                if callable(how): f = how(data, seed); preds[step] = f(data.x_valid); secs[step] = time.perf_counter()-t0
                else:
                    s1, s2, w = how; preds[step] = w*preds[s1] + (1-w)*preds[s2]; secs[step] = secs[s1] + secs[s2]
                if step == 'chapter_seed2': continue
                rows.append(dict(split=name, step=step, seed=seed, mse=round(float(((preds[step]-data.y_valid)**2).mean()), 5),
                                 seconds=round(secs[step], 1)))
                print(rows[-1], flush=True)
                pd.DataFrame(rows).to_csv(CSV, index=False)
