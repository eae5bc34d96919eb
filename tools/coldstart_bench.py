#!/usr/bin/env python
"""How fast `RateMovies` (lesson 15) redraws on MovieLens 100K: the goal is well under 100 ms a redraw.

A redraw is what one click on a star does: fold the user in again, rank the 500 most rated titles, fold in once
more per rated movie to say which ratings shape the list, and paint the user on the PCA map. Also timed alone:
`fold_in_user` and `recommend`. Times are CPU seconds of this process (`time.process_time`), so other programs on
a shared machine do not count; each is the median of many clicks.

    .venv/bin/python tools/coldstart_bench.py            # a few seconds on 2 cores
"""
from __future__ import annotations
import argparse, statistics, sys, time

def cpu_ms(f)->float:
    "CPU milliseconds of one call of `f()`"
    t = time.process_time(); f(); return 1000*(time.process_time() - t)

def main(argv=None)->int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--clicks', type=int, default=40, help='star clicks timed')
    ap.add_argument('--goal-ms', type=float, default=100., help='a redraw must take less than this')
    args = ap.parse_args(argv)
    import pandas as pd, torch
    from collab_course.data import load_ratings, movielens_path, describe_source
    from collab_course.fast import DotBias, fit_fast, FAST
    from collab_course.split import split_from_frames
    from collab_course.interpret import most_rated
    from collab_course.coldstart import RateMovies, fold_in_user, recommend
    torch.set_num_threads(1)
    path = movielens_path(); print(f'data: {describe_source(path)}')
    r = load_ratings(path)
    data = split_from_frames(r, r.sample(2000, random_state=0), item='title')
    torch.manual_seed(0); model = DotBias(data.n_users, data.n_items); fit_fast(model, data, seed=0, **FAST)
    vocab = ['#na#'] + list(pd.Categorical(r.title).categories)
    w = RateMovies(model, r, vocab)
    times, stars = [], [5, 1, 4, 2, 3]
    for i in range(args.clicks):  # rate the offered movies one after the other, then change the stars again
        b = w.stars[w.titles[i % len(w.titles)]]
        new = stars[(i // len(w.titles) + i) % 5]
        if b.value == new: new = 0
        times.append(cpu_ms(lambda: setattr(b, 'value', new)))
    rated = w.rated
    cands = most_rated(r, 500)
    fold = [cpu_ms(lambda: fold_in_user(model, rated, vocab)) for _ in range(20)]
    rec = [cpu_ms(lambda: recommend(model, rated, vocab=vocab, candidates=cands)) for _ in range(20)]
    med = statistics.median(times)
    print(f'RateMovies redraw ({len(rated)} movies rated at the end): median {med:.1f} ms CPU, '
          f'90th percentile {sorted(times)[int(0.9*len(times))]:.1f} ms over {len(times)} clicks (goal: < {args.goal_ms:.0f} ms)')
    print(f'fold_in_user alone: {statistics.median(fold):.2f} ms; recommend (500 candidates): {statistics.median(rec):.2f} ms')
    ok = med < args.goal_ms
    print('PASS' if ok else 'FAIL: a redraw is slower than the goal')
    return 0 if ok else 1

if __name__ == '__main__': sys.exit(main())
