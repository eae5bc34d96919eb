#!/usr/bin/env python
"""CPU seconds of the chapter's fastai training, with fastai's own tabular loader and loss, and with the course's.

`collab_dls` gives fastai's `Learner` loaders that build each batch by indexing tensors (`PermutationDL`,
`WeightedDL`) and `train` uses `MSELossPlain` (fastai's `MSELossFlat`, returning a plain tensor). Both change how
fast a batch is made, not what it holds: this script trains `DotProductBias` from the same starting weights with the
two set-ups, checks that every epoch's losses are equal, and prints the CPU seconds of each (CPU time of this process,
so a busy machine inflates both; compare the ratio). Run from the repository root:

    COLLAB_COURSE_DATA=/path/to/ml-100k python tools/train_bench.py --epochs 1

With `--out collab_course/numbers/epoch_seconds.csv` it also records the wall seconds per epoch of the course's
set-up, with torch's default threads and the machine it ran on: every lesson's runtime banner
(`collab_course.train.runtime_banner`) quotes that measurement. Record it on a quiet machine only.
"""
from __future__ import annotations
import argparse, datetime, os, time, torch
import pandas as pd
from fastai.collab import CollabDataLoaders
from fastai.learner import Learner
from fastai.losses import MSELossFlat
from fastai.tabular.core import TabDataLoader
from fastai.torch_core import set_seed
from pathlib import Path
from collab_course.data import load_ratings
from collab_course.models import DotProductBias
from collab_course.train import collab_dls, train, history
from collab_course.dev.bench import cpu_model

def fastai_run(ratings, weights, epochs:int, wd:float)->tuple:
    "(CPU seconds, per-epoch losses) of `train`'s recipe on fastai's `TabDataLoader` and `MSELossFlat`"
    set_seed(42)
    dls = CollabDataLoaders.from_df(ratings[['user', 'title', 'rating']], item_name='title', bs=64, valid_pct=0.2,
                                    seed=42, dl_type=TabDataLoader)
    model = DotProductBias(len(dls.classes['user']), len(dls.classes['title'])); model.load_state_dict(weights)
    t0 = time.process_time()
    set_seed(42)
    learn = Learner(dls, model, loss_func=MSELossFlat())
    with learn.no_bar(), learn.no_logging(): learn.fit_one_cycle(epochs, 5e-3, wd=wd)
    return time.process_time() - t0, [list(v[:2]) for v in learn.recorder.values]

def course_run(ratings, weights, epochs:int, wd:float)->tuple:
    "(CPU seconds, per-epoch losses, wall seconds) of `collab_dls` + `train`"
    dls = collab_dls(ratings)
    model = DotProductBias(len(dls.classes['user']), len(dls.classes['title'])); model.load_state_dict(weights)
    t0, w0 = time.process_time(), time.perf_counter()
    learn = train(model, dls, n_epoch=epochs, wd=wd, show=False)
    return time.process_time() - t0, history(learn).values.tolist(), time.perf_counter() - w0


def record(out:Path, epochs:int, wall:float, cpu:float):
    "Write the course set-up's seconds per epoch and the machine to `out` (written whole, then moved into place)"
    row = dict(seconds_per_epoch=round(wall/epochs, 2), cpu_seconds_per_epoch=round(cpu/epochs, 2), epochs=epochs,
               torch_threads=torch.get_num_threads(), cores=os.cpu_count(), cpu=cpu_model(),
               torch=torch.__version__, date=datetime.date.today().isoformat())
    tmp = out.with_suffix('.tmp'); pd.DataFrame([row]).to_csv(tmp, index=False); tmp.replace(out)
    print(f'wrote {out}: {row}')

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--epochs', type=int, default=1, help='epochs of one-cycle training per run')
    p.add_argument('--wd', type=float, default=0.1, help='weight decay')
    p.add_argument('--out', type=Path, default=None, help="write the course set-up's seconds per epoch here (quiet machine only)")
    a = p.parse_args(argv)
    ratings = load_ratings()
    dls = collab_dls(ratings)
    torch.manual_seed(0)
    weights = DotProductBias(len(dls.classes['user']), len(dls.classes['title'])).state_dict()
    t_fa, h_fa = fastai_run(ratings, weights, a.epochs, a.wd)
    t_co, h_co, wall = course_run(ratings, weights, a.epochs, a.wd)
    print(f'fastai loader + MSELossFlat : {t_fa:6.1f} s CPU  losses {h_fa}')
    print(f'course loader + MSELossPlain: {t_co:6.1f} s CPU  losses {h_co}')
    print(f'{t_fa/t_co:.2f}x less CPU, torch threads {torch.get_num_threads()}')
    if h_fa != h_co: raise SystemExit('the two set-ups gave different losses: they must train identically')
    if a.out: record(a.out, a.epochs, wall, t_co)

if __name__ == '__main__': main()
