#!/usr/bin/env python
"""`python tools/fast_bench.py`: `collab-course bench --seeds 3 --csv collab_course/numbers/fast_bench.csv`, the numbers lesson 16 quotes (code: `collab_course.dev.bench`, written in nbs/96_bench.ipynb)."""
import sys
from pathlib import Path
from collab_course.dev.bench import bench

if __name__ == '__main__':
    csv = Path(__file__).resolve().parents[1]/'collab_course'/'numbers'/'fast_bench.csv'
    sys.argv[1:1] = ['--csv', str(csv)]
    bench()
