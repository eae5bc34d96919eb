#!/usr/bin/env python
"""Train every model of the chapter with the book's settings, on both samplers, over several seeds; compare with the book.

Recipe: `fit_one_cycle(5, 5e-3)` with the book's weight decay (none passed for the first three runs: fastai's default,
decoupled 0.01), batch size 64, `collab_dls(seed=s, sampler=...)` (the split changes with the seed). Each row checks
that the model it trains is of the class it names. Rows go to `collab_course/numbers/honest_numbers.csv` (package
data, read by lesson 13 with `collab_course.results.read_results`) one by one as they finish: a rerun skips the rows
already there (resumable; `--force` retrains them), so an interrupted run loses at most one row.

    COLLAB_COURSE_DATA=/work/shared/data/ml-100k OMP_NUM_THREADS=1 python tools/honest_numbers.py
    python tools/honest_numbers.py --models collab collabnn --samplers permutation --seeds 0 1 2 3

The full grid is 8 models x 2 samplers x 3 seeds x 5 epochs: about 20 s a row on a quiet 2-core machine.
"""
from __future__ import annotations
import argparse, os, sys, time
from pathlib import Path
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
CSV = ROOT/'collab_course'/'numbers'/'honest_numbers.csv'

# key: (label, wd passed to fit_one_cycle (None: fastai's default), class the row must train, book train, book valid)
# the book's numbers are from /work/shared/docs/CHAPTER.md
MODELS = {
    'dot':         ('DotProduct', None, 'DotProduct', 0.361, 0.884),
    'dot_sigmoid': ('DotProduct + sigmoid_range', None, 'DotProduct', 0.378, 0.878),
    'bias':        ('DotProductBias', None, 'DotProductBias', 0.293, 0.893),
    'bias_wd01':   ('DotProductBias', 0.1, 'DotProductBias', 0.491, 0.823),
    'bias_params': ('DotProductBias (create_params)', 0.1, 'DotProductBiasParams', 0.474, 0.824),
    'collab':      ('collab_learner, 50 factors', 0.1, 'EmbeddingDotBias', 0.497, 0.822),
    'collabnn':    ('CollabNN (hand-built)', 0.01, 'CollabNN', 0.760, 0.867),
    'embnn':       ('EmbeddingNN layers [100, 50]', 0.1, 'EmbeddingNN', 0.782, 0.865),
}
DEFAULT_WD = 0.01  # fastai's `Adam(..., wd=0.01, decouple_wd=True)`, used when `fit_one_cycle` gets no `wd`
SAMPLERS = ['permutation', 'fastai']
COLUMNS = ['key', 'model', 'model_class', 'wd', 'sampler', 'seed', 'book_train', 'book_valid', 'train', 'valid', 'seconds']

def build(key:str, dls):
    "A `Learner` (for fastai's models) or a model (for ours) for row `key`"
    from fastai.collab import collab_learner
    from fastai.tabular.model import get_emb_sz
    from collab_course import models
    n_users, n_items = (len(v) for v in list(dls.classes.values())[:2])
    if key == 'dot':         return models.DotProduct(n_users, n_items, 50)
    if key == 'dot_sigmoid': return models.DotProduct(n_users, n_items, 50, y_range=(0, 5.5))
    if key in ('bias', 'bias_wd01'): return models.DotProductBias(n_users, n_items, 50)
    if key == 'bias_params': return models.DotProductBiasParams(n_users, n_items, 50)
    if key == 'collabnn':    return models.CollabNN(*get_emb_sz(dls))
    if key == 'collab':      return collab_learner(dls, n_factors=50, y_range=(0, 5.5))
    if key == 'embnn':       return collab_learner(dls, use_nn=True, layers=[100, 50], y_range=(0, 5.5))
    raise KeyError(f'no model {key!r}; known: {list(MODELS)}')

def run_one(key:str, sampler:str, seed:int)->dict:
    "Train row `key` on the split of `seed` with `sampler`; check the model's class; return the CSV row"
    from fastai.learner import Learner
    from fastai.torch_core import set_seed
    from collab_course.train import collab_dls, train, final_losses
    label, wd, cls, btr, bva = MODELS[key]
    dls = collab_dls(seed=seed, sampler=sampler)
    t0 = time.time()
    set_seed(seed)
    obj = build(key, dls)
    if isinstance(obj, Learner):  # fastai's own learner: the same seeded fit as `train`
        learn = obj
        set_seed(seed)
        with learn.no_bar(): learn.fit_one_cycle(5, 5e-3, wd=wd)
    else: learn = train(obj, dls, wd=wd, seed=seed)
    got = type(learn.model).__name__
    if got != cls: raise TypeError(f'row {key!r} ({label}) trained a {got}, not the {cls} it names: fix `build`')
    if key == 'dot_sigmoid' and learn.model.y_range is None: raise TypeError('dot_sigmoid trained without y_range')
    tr, va = final_losses(learn)
    return dict(key=key, model=label, model_class=got, wd=DEFAULT_WD if wd is None else wd, sampler=sampler, seed=seed,
                book_train=btr, book_valid=bva, train=round(tr, 4), valid=round(va, 4), seconds=round(time.time()-t0, 1))

def summary(df:pd.DataFrame)->pd.DataFrame:
    "Mean and std over seeds per (model, sampler), next to the book's numbers"
    g = df.groupby(['key', 'model', 'model_class', 'wd', 'sampler', 'book_train', 'book_valid'], sort=False)
    res = g.agg(n=('seed', 'count'), train_mean=('train', 'mean'), train_std=('train', 'std'),
                valid_mean=('valid', 'mean'), valid_std=('valid', 'std')).reset_index()
    order = {k:i for i,k in enumerate(MODELS)}
    return res.sort_values(['key', 'sampler'], key=lambda s: s.map(order) if s.name == 'key' else s.map(SAMPLERS.index)
                          ).reset_index(drop=True)

def markdown(s:pd.DataFrame)->str:
    "The summary as a markdown table"
    lines = ['| model | class | wd | sampler | book train | book valid | train | valid | seeds |', '|---|---|---|---|---|---|---|---|---|']
    for r in s.itertuples():
        sd = lambda v: 0 if pd.isna(v) else v
        lines.append(f'| {r.model} | {r.model_class} | {r.wd:g} | {r.sampler} | {r.book_train:.3f} | {r.book_valid:.3f} | '
                     f'{r.train_mean:.3f} ± {sd(r.train_std):.3f} | {r.valid_mean:.3f} ± {sd(r.valid_std):.3f} | {r.n} |')
    return '\n'.join(lines)

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2], help='split/training seeds (>= 3)')
    p.add_argument('--models', nargs='+', default=list(MODELS), choices=list(MODELS), help='subset of rows')
    p.add_argument('--samplers', nargs='+', default=SAMPLERS, choices=SAMPLERS, help='training-set samplers')
    p.add_argument('--out', type=Path, default=CSV, help='CSV to write (rows already there are kept and skipped)')
    p.add_argument('--force', action='store_true', help='retrain rows that are already in the CSV')
    p.add_argument('--threads', type=int, default=1, help='torch CPU threads (1: the machine may be shared)')
    a = p.parse_args(argv)
    import torch
    torch.set_num_threads(a.threads)
    from collab_course.data import is_synthetic
    if is_synthetic(): sys.exit('These numbers only make sense on the real MovieLens 100K: set COLLAB_COURSE_DATA.')
    df = pd.read_csv(a.out) if a.out.exists() else pd.DataFrame(columns=COLUMNS)
    if list(df.columns) != COLUMNS: sys.exit(f'{a.out} has columns {list(df.columns)}, expected {COLUMNS}: move it away')
    done = set(zip(df.key, df.sampler, df.seed.astype(int)))
    # the permutation rows first: they are the course's numbers
    todo = [(k, sm, s) for sm in a.samplers for k in a.models for s in a.seeds if a.force or (k, sm, s) not in done]
    print(f'{len(todo)} row(s) to train, {len(done)} already in {a.out}', flush=True)
    t0 = time.time()
    for i, (k, sm, s) in enumerate(todo, 1):
        df = pd.read_csv(a.out) if a.out.exists() else df  # another run may have added rows meanwhile
        if not a.force and ((df.key == k) & (df.sampler == sm) & (df.seed == s)).any():
            print(f'[{i}/{len(todo)}] {MODELS[k][0]}, {sm} sampler, seed {s}: already there', flush=True); continue
        print(f'[{i}/{len(todo)}] {MODELS[k][0]}, {sm} sampler, seed {s} ...', flush=True)
        r = run_one(k, sm, s)
        left = (time.time()-t0)/i*(len(todo)-i)
        print(f'    {r["model_class"]}: train {r["train"]:.4f}  valid {r["valid"]:.4f}  ({r["seconds"]:.0f}s; '
              f'about {left/60:.0f} min left)', flush=True)
        df = df[~((df.key == k) & (df.sampler == sm) & (df.seed == s))]
        df = pd.concat([df, pd.DataFrame([r], columns=COLUMNS)], ignore_index=True) if len(df) else pd.DataFrame([r], columns=COLUMNS)
        a.out.parent.mkdir(parents=True, exist_ok=True)
        tmp = a.out.with_suffix('.tmp')
        df.to_csv(tmp, index=False); tmp.replace(a.out)  # never a half-written CSV
    if not len(df): print('nothing was trained'); return
    print(f'\n{a.out} ({len(df)} rows)\n')
    print(markdown(summary(df)))

if __name__ == '__main__': main()
