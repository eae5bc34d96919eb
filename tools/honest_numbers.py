#!/usr/bin/env python
"""Train each model of the chapter with the chapter's recipe over several seeds and compare with the book.

Recipe: `fit_one_cycle(5, 5e-3, wd=...)`, batch size 64, `collab_dls(seed=s)` (the split changes with the seed).
Writes one row per (model, seed) to `nbs/honest_numbers.csv` (rows of models not run this time are kept) and
prints a markdown table: the book's train/valid MSE next to ours, mean +- std over the seeds.

    COLLAB_COURSE_DATA=/work/shared/data/ml-100k .venv/bin/python tools/honest_numbers.py --seeds 0 1 2
    .venv/bin/python tools/honest_numbers.py --models collab bias_wd01 --seeds 0 1 2 3

This is a script, not a test: the full grid is 8 models x 3 seeds x 5 epochs (about 10-20 minutes on 2 CPU cores).
"""
from __future__ import annotations
import argparse, importlib, os, sys, time
from pathlib import Path
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
CSV = ROOT/'nbs'/'honest_numbers.csv'

# key: (label, weight decay, book train MSE, book valid MSE); numbers from /work/shared/docs/CHAPTER.md
MODELS = {
    'dot':          ('DotProduct', 0.0, 0.361, 0.884),
    'dot_sigmoid':  ('DotProduct + sigmoid_range', 0.0, 0.378, 0.878),
    'bias_wd0':     ('DotProductBias', 0.0, 0.293, 0.893),
    'bias_wd01':    ('DotProductBias', 0.1, 0.491, 0.823),
    'bias_params':  ('DotProductBias (create_params)', 0.1, 0.474, 0.824),
    'collab':       ('collab_learner, 50 factors', 0.1, 0.497, 0.822),
    'collabnn':     ('CollabNN (hand-built)', 0.01, 0.760, 0.867),
    'embnn':        ('EmbeddingNN layers [100, 50]', 0.1, 0.782, 0.865),
}
# one-knob variants of the collab_learner recipe, for the investigation in nbs/13_honest_numbers.ipynb (not run by default)
ABLATIONS = {
    'collab_trainvocab': ('collab_learner, vocab from training split only', 0.1, 0.497, 0.822),
    'collab_l2':         ('collab_learner, L2 instead of decoupled wd', 0.1, 0.497, 0.822),
}
ALL = {**MODELS, **ABLATIONS}
COLUMNS = ['key', 'model', 'wd', 'seed', 'book_train', 'book_valid', 'train', 'valid', 'seconds']

class Missing(Exception): "A class of `collab_course.models` is not written yet"

def _ours(name):
    "Class `name` from `collab_course.models`, imported only when needed"
    try: mod = importlib.import_module('collab_course.models')
    except ImportError as e: raise Missing(f'collab_course.models cannot be imported ({e})') from None
    if not hasattr(mod, name): raise Missing(f'collab_course.models has no {name} yet')
    return getattr(mod, name)

def _build(key, dls):
    "(model or Learner factory, uses fastai's collab_learner?) for `key`"
    n_users, n_items = (len(dls.classes[k]) for k in list(dls.classes)[:2])
    if key == 'dot':         return _ours('DotProduct')(n_users, n_items, 50)
    if key == 'dot_sigmoid': return _ours('DotProduct')(n_users, n_items, 50, y_range=(0, 5.5))
    if key in ('bias_wd0', 'bias_wd01'): return _ours('DotProductBias')(n_users, n_items, 50)
    if key == 'bias_params': return _ours('DotProductBiasParams')(n_users, n_items, 50)
    if key == 'collabnn':
        from fastai.tabular.model import get_emb_sz
        return _ours('CollabNN')(*get_emb_sz(dls))
    raise KeyError(key)

def train_only_dls(seed:int, bs:int=64):
    "`collab_dls(seed=seed)` with the vocabularies built from the training split only, as fastai did in 2020"
    from fastai.collab import TabularCollab
    from fastai.data.transforms import RandomSplitter
    from fastai.data.block import TransformBlock
    from fastai.tabular.core import Categorify
    from fastai.torch_core import set_seed
    from fastcore.basics import range_of
    from collab_course.data import load_ratings
    r = load_ratings()[['user', 'title', 'rating']]
    set_seed(seed)
    splits = RandomSplitter(valid_pct=0.2, seed=seed)(range_of(r))
    # reduce_memory=False keeps `title` an object column: with the default, `df_shrink` turns it into a pandas
    # categorical whose categories list every title of the whole table, and `Categorify` copies that list
    to = TabularCollab(r, [Categorify], ['user', 'title'], y_names=['rating'], y_block=TransformBlock(),
                       splits=splits, reduce_memory=False)
    return to.dataloaders(path='.', bs=bs)

def run_one(key, seed, quiet=False):
    "Train model `key` on the split of `seed`; return a result row"
    from fastai.collab import collab_learner
    from fastai.torch_core import set_seed
    from collab_course.train import collab_dls, train, final_losses
    label, wd, btr, bva = ALL[key]
    dls = train_only_dls(seed) if key == 'collab_trainvocab' else collab_dls(seed=seed)
    t0 = time.time()
    if key.startswith('collab') or key == 'embnn':
        set_seed(seed)
        kw = dict(use_nn=True, layers=[100, 50]) if key == 'embnn' else dict(n_factors=50)
        if key == 'collab_l2':
            from fastai.optimizer import Adam
            from functools import partial
            kw['opt_func'] = partial(Adam, decouple_wd=False)
        learn = collab_learner(dls, y_range=(0, 5.5), **kw)
    else:
        from fastai.learner import Learner
        from fastai.losses import MSELossFlat
        set_seed(seed)
        learn = Learner(dls, _build(key, dls), loss_func=MSELossFlat())
    learn.logger = lambda row: print(f'    {key} seed {seed}:', *row, flush=True)
    set_seed(seed)
    with learn.no_bar(): learn.fit_one_cycle(5, 5e-3, wd=wd)
    tr, va = final_losses(learn)
    return dict(key=key, model=label, wd=wd, seed=seed, book_train=btr, book_valid=bva,
                train=round(tr, 4), valid=round(va, 4), seconds=round(time.time()-t0, 1))

def summary(df:pd.DataFrame)->pd.DataFrame:
    "Mean and std over seeds per model, next to the book's numbers"
    g = df.groupby(['key', 'model', 'wd', 'book_train', 'book_valid'], sort=False)
    res = g.agg(n=('seed', 'count'), train_mean=('train', 'mean'), train_std=('train', 'std'),
                valid_mean=('valid', 'mean'), valid_std=('valid', 'std')).reset_index()
    res['valid_gap'] = res.valid_mean - res.book_valid
    order = {k:i for i,k in enumerate(ALL)}
    return res.sort_values('key', key=lambda s: s.map(order)).reset_index(drop=True)

def markdown(s:pd.DataFrame)->str:
    "The summary as a markdown table"
    lines = ['| model | wd | book train | book valid | our train | our valid | seeds |', '|---|---|---|---|---|---|---|']
    for r in s.itertuples():
        lines.append(f'| {r.model} | {r.wd:g} | {r.book_train:.3f} | {r.book_valid:.3f} | '
                     f'{r.train_mean:.3f} ± {0 if pd.isna(r.train_std) else r.train_std:.3f} | '
                     f'{r.valid_mean:.3f} ± {0 if pd.isna(r.valid_std) else r.valid_std:.3f} | {r.n} |')
    return '\n'.join(lines)

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2], help='split/training seeds (>= 3 recommended)')
    p.add_argument('--models', nargs='+', default=list(MODELS), choices=list(ALL),
                   help=f'subset of models; also the one-knob variants {", ".join(ABLATIONS)}')
    p.add_argument('--out', type=Path, default=CSV, help='CSV to write (rows of other models/seeds are kept)')
    p.add_argument('--threads', type=int, default=None, help='torch CPU threads')
    a = p.parse_args(argv)
    if 'COLLAB_COURSE_DATA' not in os.environ:
        print('note: COLLAB_COURSE_DATA is not set; the data loader may download MovieLens or fall back to SYNTHETIC data')
    import torch
    if a.threads: torch.set_num_threads(a.threads)
    from collab_course.data import is_synthetic
    if is_synthetic(): sys.exit('These numbers only make sense on the real MovieLens 100K: set COLLAB_COURSE_DATA.')
    old = pd.read_csv(a.out) if a.out.exists() else pd.DataFrame(columns=COLUMNS)
    rows, todo = [], [(k, s) for k in a.models for s in a.seeds]
    t0 = time.time()
    for i, (k, s) in enumerate(todo, 1):
        print(f'[{i}/{len(todo)}] {ALL[k][0]} (wd {ALL[k][1]:g}), seed {s} ...', flush=True)
        try: r = run_one(k, s)
        except Missing as e:
            print(f'    skipped: {e}', flush=True); continue
        rows.append(r)
        print(f'    train {r["train"]:.4f}  valid {r["valid"]:.4f}  ({r["seconds"]:.0f}s, {time.time()-t0:.0f}s in all)', flush=True)
        new = pd.DataFrame(rows, columns=COLUMNS)
        keep = old[~old.set_index(['key', 'seed']).index.isin(new.set_index(['key', 'seed']).index)]
        df = pd.concat([keep, new], ignore_index=True) if len(keep) else new
        df.to_csv(a.out, index=False)  # written after every run so an interrupted grid keeps its results
    if not rows and not len(old): print('nothing was trained'); return
    df = pd.read_csv(a.out)
    print(f'\n{a.out} ({len(df)} rows)\n')
    print(markdown(summary(df)))

if __name__ == '__main__': main()
