#!/usr/bin/env python
"""Speed goals that notebooks state but must not assert as timings (a loaded machine would make them flaky).

Each goal is printed with the time measured and a ratio to a reference measured in the same run:

- explorers (issue 4): a redraw after a control moves must take well under a second on ML-100K; the reference is
  building the same explorer (which fits the PCA, ranks the biases, normalises the factors once);
- synthetic data (data layer): 100K ratings in MovieLens's file format in under 5 s, and `synthetic_ratings` at
  1M ratings well under a few seconds, with the cost per rating at 4M within 2x of that at 1M;
- the autoencoder of lesson 18 (issue 6): `fit_autorec`'s sparse epochs against the dense, masked epochs they
  replace, on the chapter split; goal: 150 sparse epochs in at most the time of 100 dense ones.

Times are CPU seconds of this process (`time.process_time`), so other programs on the machine do not count.

    .venv/bin/python tools/speed_bench.py            # about a minute on 2 cores
"""
from __future__ import annotations
import argparse, sys, tempfile, time
from pathlib import Path

def cpu(f, reps:int=1)->float:
    "Mean CPU seconds of `f()` over `reps` calls"
    t = time.process_time()
    for _ in range(reps): f()
    return (time.process_time() - t)/reps

def explorers()->list:
    "(explorer, build s, redraw s) for each explorer, on a model trained with the fast recipe"
    import torch
    from collab_course.data import load_ratings, load_movies, movielens_path, describe_source
    from collab_course.train import collab_dls
    from collab_course.fast import split_from_dls, DotBias, fit_fast, FAST
    from collab_course.quickstart import _from_dotbias
    from collab_course.explore import BiasExplorer, PCAExplorer, SimilarExplorer, FactorPlayground
    path = movielens_path(); print(f'data: {describe_source(path)}')
    ratings, movies = load_ratings(path), load_movies(path)
    dls = collab_dls(ratings); vocab = list(dls.classes['title'])
    data = split_from_dls(dls); torch.manual_seed(42); m = DotBias(data.n_users, data.n_items); fit_fast(m, data, **FAST)
    model = _from_dotbias(m)
    rows = []
    for name, make, move in (
        ('BiasExplorer', lambda: BiasExplorer(model, ratings, vocab),
         lambda e, k: setattr(e.min_ratings, 'value', 1 + 10*k)),
        ('PCAExplorer', lambda: PCAExplorer(model, ratings, vocab, movies=movies),
         lambda e, k: setattr(e.n, 'value', 100 + 10*k)),
        ('SimilarExplorer', lambda: SimilarExplorer(model, ratings, vocab),
         lambda e, k: setattr(e.n, 'value', 3 + k)),
        ('FactorPlayground', FactorPlayground,
         lambda e, k: setattr(e.user_bias, 'value', 0.1*k))):
        box = {}
        build = cpu(lambda: box.setdefault('e', make()))
        e = box['e']
        redraw = sum(cpu(lambda: move(e, k)) for k in range(1, 6))/5
        rows.append((name, build, redraw))
    return rows

def synthetic()->list:
    "(what, seconds, goal seconds or None) for the synthetic data layer"
    from collab_course.synthetic import synthetic_movielens, synthetic_ratings, ml25m_like
    with tempfile.TemporaryDirectory() as d:
        t100k = cpu(lambda: synthetic_movielens(Path(d)/'ml'))
    t1m = cpu(lambda: synthetic_ratings(**ml25m_like(1_000_000)))
    t4m = cpu(lambda: synthetic_ratings(**ml25m_like(4_000_000)))
    return [('synthetic_movielens, 100K ratings as files', t100k, 5.0),
            ('synthetic_ratings, 1M ratings', t1m, 5.0),
            ('synthetic_ratings, 4M ratings', t4m, None),
            ('cost per rating, 4M / 1M (goal <= 2)', (t4m/4)/t1m, 2.0)]

def _dense_autorec_epochs(data, n_epoch:int, n_hidden:int=500, lam:float=100., lr:float=0.02):
    "The reference: the same autoencoder trained on the dense rating matrix with a mask, zeros included"
    import torch
    from collab_course.fast import one_cycle
    u, i = data.x_train[:,0], data.x_train[:,1]
    R = torch.zeros(data.n_items, data.n_users); R[i, u] = data.y_train; M = (R > 0).float()
    enc, dec = torch.nn.Linear(data.n_users, n_hidden), torch.nn.Linear(n_hidden, data.n_users)
    lrs, moms = one_cycle(n_epoch, lr); opt = torch.optim.Adam([*enc.parameters(), *dec.parameters()], lr=lr)
    for k in range(n_epoch):
        loss = (((dec(torch.sigmoid(enc(R)))-R)*M).square().sum() + lam/2*(enc.weight.square().sum() + dec.weight.square().sum()))/len(u)
        opt.param_groups[0].update(lr=lrs[k], betas=(moms[k], 0.99)); opt.zero_grad(); loss.backward(); opt.step()

def autorec(n_epoch:int=30)->tuple:
    "(CPU seconds per epoch of the dense reference, of `fit_autorec`) on the chapter split"
    from collab_course.data import load_ratings
    from collab_course.train import collab_dls
    from collab_course.fast import split_from_dls
    from collab_course.accuracy import fit_autorec
    data = split_from_dls(collab_dls(load_ratings()))
    return cpu(lambda: _dense_autorec_epochs(data, n_epoch))/n_epoch, cpu(lambda: fit_autorec(data, n_epoch=n_epoch))/n_epoch

def main(argv=None)->int:
    argparse.ArgumentParser(description=__doc__.split('\n')[0]).parse_args(argv)
    import torch; torch.set_num_threads(1)
    ok = True
    rows = explorers()
    print(f'{"explorer":18} {"build (s)":>10} {"redraw (s)":>11} {"build/redraw":>13}  goal: redraw < 1 s')
    for name, build, redraw in rows:
        met = redraw < 1; ok &= met
        print(f'{name:18} {build:10.3f} {redraw:11.3f} {build/max(redraw, 1e-9):13.1f}  {"met" if met else "NOT MET"}')
    print()
    for what, v, goal in synthetic():
        met = goal is None or v <= goal; ok &= met
        print(f'{what:42} {v:8.2f}  ' + ('' if goal is None else f'goal <= {goal:g}: {"met" if met else "NOT MET"}'))
    print()
    dense, sparse = autorec()
    met = 150*sparse <= 100*dense; ok &= met
    print(f'autoencoder epoch: dense {dense:.3f} s, sparse {sparse:.3f} s, dense/sparse {dense/sparse:.2f}  '
          f'goal >= 1.5: {"met" if met else "NOT MET"}')
    return 0 if ok else 1

if __name__ == '__main__': sys.exit(main())
