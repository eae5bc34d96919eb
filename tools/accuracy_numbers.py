#!/usr/bin/env python
"""`python tools/accuracy_numbers.py --help`: the code is `collab_course.dev.accuracy_numbers` (written in nbs/96c_accuracy_numbers.ipynb)."""
import sys
from collab_course.dev.accuracy_numbers import main

if __name__ == '__main__': sys.exit(main())
