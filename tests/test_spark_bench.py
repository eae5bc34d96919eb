"Spark MLlib's ALS beside fit_sparse (tools/scale_bench.py --spark) on a tiny draw; skipped, not passed, without pyspark or Java"
import math, os, subprocess, sys, time
from pathlib import Path
import pandas as pd, pytest
from conftest import ROOT
from collab_course.dev.scale_bench import SPARK_COLUMNS, spark_missing, java_descendants

WHY = spark_missing()

def running_under(path):
    "Ids of the processes whose command line names `path` (the JVM is started with its temp dir there)"
    out = []
    for f in Path('/proc').glob('[0-9]*/cmdline'):
        try: cmd = f.read_bytes()
        except OSError: continue  # ended meanwhile
        if str(path).encode() in cmd: out.append(int(f.parent.name))
    return out

@pytest.mark.skipif(WHY is not None, reason=WHY or '')
def test_spark_rows(tmp_path):
    "One fit_sparse row and one ALS row with every column filled as documented; no JVM and no temp files left behind"
    out, tmp = tmp_path/'spark.csv', tmp_path/'tmp'; tmp.mkdir()
    env = {**os.environ, 'TMPDIR': str(tmp), 'OMP_NUM_THREADS': '1', 'MKL_NUM_THREADS': '1'}
    res = subprocess.run([sys.executable, 'tools/scale_bench.py', '--spark', '--sizes', '20000', '--spark-iters', '2',
                          '--spark-regs', '0.1', '--spark-memory', '1g', '--out', str(out)],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert res.returncode == 0, res.stderr[-3000:]
    df = pd.read_csv(out)
    assert list(df.columns) == SPARK_COLUMNS
    assert df.system.tolist() == ['fit_sparse', 'spark_als']
    als = df.iloc[1]
    assert (als.n_ratings, als['rank'], als.iters, als.reg, als.tuned_on, als.cores) == (20000, 50, 2, 0.1, 20000, 2)
    assert als.fit1_s > 0 and als.fit_s > 0 and als.load_s > 0
    assert math.isclose(als.iter_s, als.fit_s - als.fit1_s, abs_tol=0.011)  # (fit_s - fit1_s)/(iters - 1) with 2 iterations
    assert 100 < als.jvm_peak_mb < 4096 and als.peak_mb > 0   # a JVM was measured, within what a 1 GB heap allows
    assert 0 < als.valid_mse < 3*als.rating_var
    assert (df.n_users.nunique(), df.n_items.nunique(), df.rating_var.nunique()) == (1, 1, 1)  # the same draw and hold-out
    for _ in range(60):  # the JVM ends with the bench's child process; give it a minute to go
        if not running_under(tmp): break
        time.sleep(1)
    assert running_under(tmp) == [] and java_descendants() == [] and list(tmp.iterdir()) == []
