#!/usr/bin/env python
"""`python tools/scale_bench.py --help`: the code is `collab_course.dev.scale_bench` (written in nbs/96b_scale_bench.ipynb)."""
import sys
from collab_course.dev.scale_bench import main

if __name__ == '__main__': sys.exit(main())
