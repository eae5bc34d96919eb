import json, subprocess
from conftest import tool

def test_bench_help():
    res = subprocess.run([tool('collab-course'), 'bench', '--help'], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    for opt in ('--quick', '--seeds', '--out', '--skip-fastai'): assert opt in res.stdout

def test_bench_quick_writes_json(tmp_path):
    "The benchmark's plumbing (no timing assertions: speed goals are printed by the benchmark, not tested)"
    out = tmp_path/'b.json'
    res = subprocess.run([tool('collab-course'), 'bench', '--quick', '--skip-fastai', '--out', str(out)],
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    assert 'fit_fast FAST' in res.stdout and 'Published anchors' in res.stdout and 'GLocal-K' in res.stdout
    j = json.loads(out.read_text())
    for r in j['results']:
        for k in ('method', 'split', 'seeds', 'train_mse_mean', 'valid_mse_std', 'valid_rmse_mean', 'seconds_mean', 'peak_mb'):
            assert k in r

def test_peer_rows_on_tiny_synthetic_split():
    "Each installed peer library trains on a tiny synthetic split and predicts its validation ratings (skipped per missing library)"
    import math, pytest
    from collab_course.dev.bench import PEERS, peer
    from collab_course.synthetic import synthetic_ratings
    from collab_course.split import split_ratings
    tiny = split_ratings(synthetic_ratings(100, 80, 3000, seed=0), valid_pct=0.2)
    mean_mse = float(((tiny.y_valid - tiny.y_train.mean())**2).mean())
    for method, module in PEERS.items():
        pytest.importorskip(module, reason=f"{module} is not installed: pip install 'collab-course[peers]'")
        tr, va = peer(method, tiny, seed=0)
        assert math.isnan(tr) and 0 < va < 1.5*mean_mse, (method, va, mean_mse)
