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
