"""Load an ML-25M-sized CSV folder with `collab_course.data.load_ratings`: time and peak memory.

Writes a synthetic folder in the CSV layout of MovieLens 20M/25M (`ratings.csv` with 25,000,095 half-star ratings,
`movies.csv` with 59,047 movies), then loads it with titles in a fresh process and reports the wall time and the
process's peak resident memory. The goal (issue 14): well under a minute and under 3 GB on 2 cores.

    python tools/load_bench.py [--n-ratings 25000095] [--dir /tmp/ml25m-bench] [--out load_bench.json] [--keep]
"""
import argparse, json, os, shutil, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np, pandas as pd

def write_csv_folder(dest:Path, n_ratings:int, seed:int=0, chunk:int=1_000_000)->Path:
    "Write `ratings.csv` and `movies.csv` in MovieLens's CSV layout, from `synthetic_ratings` at MovieLens-25M's shape"
    from collab_course.synthetic import synthetic_ratings, ml25m_like
    from collab_course.data import HEADERS, GENRES
    r = synthetic_ratings(**ml25m_like(n_ratings), seed=seed, step=0.5)
    dest.mkdir(parents=True)
    ts = 789652009 + np.random.default_rng(seed).integers(0, 785_000_000, n_ratings)
    with open(dest/'ratings.csv', 'w', newline='\n') as f:
        f.write(HEADERS['ratings.csv'] + '\n')
        for a in range(0, n_ratings, chunk):
            s = slice(a, a+chunk)
            cols = [pd.Series(r.user[s]+1).astype(str), pd.Series(r.item[s]+1).astype(str),
                    pd.Series(r.rating[s]).map('{:.1f}'.format), pd.Series(ts[s]).astype(str)]
            f.write('\n'.join(cols[0].str.cat(cols[1:], sep=',').tolist()) + '\n')
    rng = np.random.default_rng(seed+1); names = np.array(GENRES[1:])
    genres = ['|'.join(names[rng.random(len(names)) < 0.12]) or '(no genres listed)' for _ in range(r.n_items)]
    pd.DataFrame(dict(movieId=np.arange(1, r.n_items+1), title=[f'Movie {i}, The ({1900 + i % 120})' for i in range(1, r.n_items+1)],
                      genres=genres)).to_csv(dest/'movies.csv', index=False)
    return dest

LOAD = '''
import json, resource, sys, time
t0 = time.perf_counter()
from collab_course.data import load_ratings
t1 = time.perf_counter()
r = load_ratings(sys.argv[1])
t2 = time.perf_counter()
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps(dict(rows=len(r), import_s=t1-t0, load_s=t2-t1, load_cpu_s=ru.ru_utime+ru.ru_stime, peak_rss_gb=ru.ru_maxrss/2**20,
                      frame_gb=float(r.memory_usage(deep=False).sum())/2**30, titles=int(r.title.notna().sum()))))
'''

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--n-ratings', type=int, default=25_000_095)
    ap.add_argument('--dir', default=None, help='where to write the folder (default: a temporary one)')
    ap.add_argument('--out', default=None, help='also write the result as JSON here')
    ap.add_argument('--keep', action='store_true', help='keep the folder afterwards')
    a = ap.parse_args()
    root = Path(a.dir) if a.dir else Path(tempfile.mkdtemp(prefix='load_bench.'))
    dest = root/'ml-25m-like'
    try:
        t0 = time.perf_counter()
        if not dest.exists(): write_csv_folder(dest, a.n_ratings)
        gen_s = time.perf_counter() - t0
        env = dict(os.environ, OMP_NUM_THREADS='1', MKL_NUM_THREADS='1')
        res = subprocess.run([sys.executable, '-c', LOAD, str(dest)], capture_output=True, text=True, env=env, check=True)
        out = json.loads(res.stdout.strip().splitlines()[-1]) | dict(write_s=gen_s, csv_gb=(dest/'ratings.csv').stat().st_size/2**30, cpus=os.cpu_count())
        print(json.dumps(out, indent=1))
        ok = out['load_s'] < 60 and out['peak_rss_gb'] < 3
        print(f"{out['rows']:,} ratings ({out['csv_gb']:.2f} GB of CSV) loaded with titles in {out['load_s']:.1f} s, "
              f"peak memory {out['peak_rss_gb']:.2f} GB: {'meets' if ok else 'MISSES'} the goal (< 60 s, < 3 GB)")
        if a.out: Path(a.out).write_text(json.dumps(out, indent=1))
    finally:
        if not a.keep and not a.dir: shutil.rmtree(root, ignore_errors=True)

if __name__ == '__main__': main()
