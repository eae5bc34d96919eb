#!/usr/bin/env python
"""`python tools/speed_bench.py --help`: the code is `collab_course.dev.speed_bench` (written in nbs/96a_speed_bench.ipynb)."""
import sys
from collab_course.dev.speed_bench import main

if __name__ == '__main__': sys.exit(main())
