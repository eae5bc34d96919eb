"""Maintenance helpers for the course notebooks (run from the repository root):

    python tools/course.py stamp    # add/refresh each lesson's Colab badge and Colab-only install cell
    python tools/course.py readme   # regenerate README.md from nbs/index.ipynb

The code is `collab_course.dev.course` (written in nbs/94_course.ipynb)."""
from collab_course.dev.course import main

if __name__ == '__main__': main()
