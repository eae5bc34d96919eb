"Distributed data parallel (gloo, 2 processes on loopback) reaches the same model as one process"
import numpy as np, pandas as pd, torch
from collab_course.split import split_from_frames
from collab_course.fast import DotBias, fit_fast, fit_ddp

def _small_split(n_users=60, n_items=40, n=3000, seed=0):
    "Ratings from a planted rank-3 model, 80/20 split"
    rng = np.random.default_rng(seed)
    u, i = rng.integers(n_users, size=n), rng.integers(n_items, size=n)
    U, V = rng.normal(size=(n_users, 3)), rng.normal(size=(n_items, 3))
    r = np.clip(np.round(3 + (U[u]*V[i]).sum(1) + rng.normal(0, .5, n)), 1, 5)
    df = pd.DataFrame(dict(user=u, movie=i, rating=r.astype(float)))
    return split_from_frames(df.iloc[:2400], df.iloc[2400:])

def test_ddp_matches_one_process():
    "Tolerance: 1e-4 on the valid MSE, 1e-3 on every weight (float sums in another order)"
    data = _small_split()
    kw = dict(n_epoch=3, lr=0.02, wd=0.1, bs=64)
    torch.manual_seed(42); m = DotBias(data.n_users, data.n_items, n_factors=8)
    h1 = fit_fast(m, data, seed=42, **kw)
    h2, w2 = fit_ddp(data, world=2, n_factors=8, seed=42, **kw)
    assert len(h2) == 3
    assert abs(h2[-1][1] - h1[-1][1]) < 1e-4, (h1[-1], h2[-1])
    assert (w2 - m.w.detach()).abs().max() < 1e-3
    assert h2[-1][1] < h2[0][1] + 0.05
