"""Precompute the feedback-loop runs behind lesson 15a's `FeedbackExplorer` (run from the repository root):

    python tools/feedback_grid.py            # writes collab_course/numbers/feedback_grid.csv

One run of `collab_course.feedback.simulate` per group size x group activity x mitigation strength, seed 0, on the
lesson's synthetic world: synthetic data only, so the CSV may be committed. The explorer only looks rows up in it,
so moving a control never trains a model. A few minutes on 2 CPU cores."""
import argparse, sys, time
from pathlib import Path
import pandas as pd
from fastprogress.fastprogress import progress_bar
from collab_course.feedback import simulate
from collab_course.feedback_lib import make_world, GRID_FILE, GRID_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
GROUPS, ACTIVITIES = (6, 12, 24), (3, 10, 20)  # group members out of 300 users; times as many ratings as the others
LEVELS = {'explore': (0.1, 0.2, 0.3), 'cap': (60, 45, 30)}  # mitigation strength levels 1-3 (level 0: none)

def runs():
    "(group, activity, mitigation, level, setting) of every run in the grid"
    for g in GROUPS:
        for a in ACTIVITIES:
            yield g, a, 'none', 0, 0
            for m, settings in LEVELS.items():
                for lvl, s in enumerate(settings, 1): yield g, a, m, lvl, s

def main(dest=ROOT/'collab_course'/GRID_FILE, seed=0):
    worlds, out, t0 = {g: make_world(seed=seed, group=g) for g in GROUPS}, [], time.time()
    todo = list(runs())
    for g, a, m, lvl, s in (progress_bar(todo) if sys.stderr.isatty() else todo):
        kw = {} if m == 'none' else {m: s}
        df = simulate(worlds[g], activity=a, seed=seed, **kw)
        out.append(df.assign(group=g, activity=a, mitigation=m, level=lvl, setting=s))
    grid = pd.concat(out)[GRID_COLUMNS]
    tmp = Path(dest).with_suffix('.tmp'); grid.to_csv(tmp, index=False, float_format='%.5g'); tmp.replace(dest)
    print(f'{len(todo)} runs, {len(grid)} rows -> {dest} ({time.time()-t0:.0f} s)')

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--dest', default=str(ROOT/'collab_course'/GRID_FILE))
    main(p.parse_args().dest)
