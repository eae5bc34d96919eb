"""Every MovieLens layout (100K, 1M, 10M, CSV) through the same loaders, on small synthetic folders written here:
GroupLens's files may not be redistributed, so none are committed. The real 100K copy is checked in 00_data.ipynb."""
import shutil
import numpy as np, pandas as pd, pytest
from collab_course.synthetic import synthetic_movielens, load_planted
from collab_course.data import (load_ratings, load_movies, load_users, load_fold, layout, rating_scale, movielens_path,
                                crosstab, check_ratings, MovieLensError, GENRES, DATA_ENV)

SHAPE = dict(n_users=150, n_movies=300, n_ratings=12_000)
LAYOUT_FILES = {'100K': {'u.data', 'u.item', 'u.user', 'u1.base', 'ua.test'}, '1M': {'ratings.dat', 'movies.dat', 'users.dat'},
                '10M': {'ratings.dat', 'movies.dat', 'tags.dat'}, 'CSV': {'ratings.csv', 'movies.csv', 'tags.csv'}}

@pytest.fixture(scope='module')
def sets(tmp_path_factory):
    root = tmp_path_factory.mktemp('layouts')
    return {lay: synthetic_movielens(root/f'ml-{lay.lower()}', seed=1, layout=lay, **SHAPE) for lay in LAYOUT_FILES}

def copy(src, tmp_path):
    return Path(shutil.copytree(src, tmp_path/src.name))

from pathlib import Path

def edit_line(fn, n, new):
    "Replace line `n` (1-based) of `fn` with the bytes `new`"
    ls = fn.read_bytes().split(b'\n'); ls[n-1] = new; fn.write_bytes(b'\n'.join(ls))

@pytest.mark.parametrize('lay', list(LAYOUT_FILES))
def test_same_columns_every_layout(sets, lay):
    p = sets[lay]
    assert LAYOUT_FILES[lay] <= {f.name for f in p.iterdir()}
    assert layout(p).name == lay
    r = load_ratings(p)
    assert list(r.columns) == ['user', 'movie', 'rating', 'timestamp', 'title'] and len(r) == SHAPE['n_ratings']
    assert r.title.notna().all() and r.user.min() >= 1 and r.movie.min() >= 1
    m = load_movies(p)
    assert list(m.columns[:2]) == ['movie', 'title'] and all(m[g].dtype == bool for g in GENRES)
    assert m[GENRES].to_numpy().any(1).all()          # every movie has a genre ('unknown' when none is listed)
    s = rating_scale(p)
    assert set(np.unique(r.rating)) <= set(s.values) and s.y_range == (0, 5.5)
    whole = lay in ('100K', '1M')
    assert (s.lo, s.step) == ((1, 1) if whole else (0.5, 0.5))
    assert (np.unique(r.rating) % 1 != 0).any() != whole   # half stars exactly where the real set has them
    assert crosstab(r, 4, 3).shape == (4, 3)
    check_ratings(r)
    pu, pm = load_planted(p)
    assert len(pu) == SHAPE['n_users'] and len(pm) == SHAPE['n_movies']

def test_same_planted_world_in_every_layout(sets):
    "One seed, one set of users and movies: the ratings differ only in their rounding"
    r = {lay: load_ratings(p, titles=False) for lay, p in sets.items()}
    for lay in ('1M', '10M', 'CSV'):
        assert (r[lay][['user', 'movie']].to_numpy() == r['100K'][['user', 'movie']].to_numpy()).all()
        assert np.abs(r[lay].rating.to_numpy() - r['100K'].rating.to_numpy()).max() <= 0.5

def test_users(sets):
    u = load_users(sets['1M'])
    assert list(u.columns) == ['user', 'age', 'gender', 'occupation', 'zip'] and len(u) == SHAPE['n_users']
    assert set(u.age) <= {1, 18, 25, 35, 45, 50, 56} and set(u.gender) <= {'M', 'F'} and u.occupation.str.len().min() > 2
    assert list(load_users(sets['100K']).columns) == list(u.columns)
    for lay in ('10M', 'CSV'):
        with pytest.raises(MovieLensError, match='no user file'): load_users(sets[lay])

def test_folds(sets):
    base, test = load_fold(sets['100K'], 'u3')
    assert len(base) + len(test) == SHAPE['n_ratings'] and list(test.columns) == list(load_ratings(sets['100K']).columns)
    with pytest.raises(MovieLensError, match='only MovieLens 100K ships'): load_fold(sets['CSV'])

BAD = [  # layout, file, line, new bytes, message
    ('1M', 'ratings.dat', 3, b'1::2::4', "ratings.dat, line 3: expected 4 fields separated by '::', found 3"),
    ('1M', 'ratings.dat', 4, b'1::2::3.5::978300760', 'ratings.dat, line 4: rating 3.5 is a half star, but this data set has whole stars only'),
    ('1M', 'ratings.dat', 5, b'1::2::6::978300760', 'ratings.dat, line 5: rating 6 is outside 1-5'),
    ('1M', 'movies.dat', 2, b'2::Heat (1995)', "movies.dat, line 2: expected 3 fields separated by '::', found 2"),
    ('1M', 'users.dat', 2, b'2::M::25::33::55117', 'users.dat, line 2: occupation code 33 is outside 0-20'),
    ('10M', 'ratings.dat', 6, b'1::2::3.7::978300760', 'ratings.dat, line 6: rating 3.7 is not a multiple of 0.5'),
    ('10M', 'ratings.dat', 2, b'1::2::0::978300760', 'ratings.dat, line 2: rating 0.0 is outside 0.5-5'),
    ('CSV', 'ratings.csv', 1, b'user,item,rating,timestamp', "ratings.csv, line 1: header 'user,item,rating,timestamp' is not MovieLens's 'userId,movieId,rating,timestamp'"),
    ('CSV', 'ratings.csv', 3, b'1,2,four,978300760', "ratings.csv, line 3: rating 'four' is not a number"),
    ('CSV', 'movies.csv', 4, b'3,Am\xe9lie (2001),Comedy', 'movies.csv, line 4: byte 0xe9 at column 5 is not valid utf-8'),
    ('CSV', 'movies.csv', 1, b'id,title,genres', "movies.csv, line 1: header 'id,title,genres' is not MovieLens's"),
]

@pytest.mark.parametrize('lay,fname,line,new,msg', BAD, ids=[f'{b[0]}-{b[1]}-{b[2]}' for b in BAD])
def test_bad_input_names_file_and_line(sets, tmp_path, lay, fname, line, new, msg):
    p = copy(sets[lay], tmp_path)
    edit_line(p/fname, line, new)
    load = load_users if fname == 'users.dat' else load_ratings
    with pytest.raises(MovieLensError) as e: load(p)
    assert msg in str(e.value), str(e.value)

def test_unknown_movie_and_duplicate_id(sets, tmp_path):
    p = copy(sets['CSV'], tmp_path)
    edit_line(p/'ratings.csv', 3, b'1,99999,4.0,978300760')
    with pytest.raises(MovieLensError, match=r'ratings.csv, line 3: movie id 99999 is not in movies.csv'): load_ratings(p)
    q = copy(sets['1M'], tmp_path/'q')
    edit_line(q/'movies.dat', 5, b'1::Twice (1995)::Drama')
    with pytest.raises(MovieLensError, match=r'movies.dat, line 5: movie id 1 appears twice'): load_movies(q)

def test_not_a_movielens_folder(tmp_path):
    with pytest.raises(MovieLensError, match='has no u.data, ratings.dat or ratings.csv'): load_ratings(tmp_path)

def test_named_set_next_to_the_data_folder(sets, tmp_path, monkeypatch):
    "`name=` finds a sibling of `$COLLAB_COURSE_DATA`, and the course's default stays that folder"
    home = tmp_path/'data'; home.mkdir()
    for name, lay in (('ml-100k', '100K'), ('ml-1m', '1M'), ('ml-25m', 'CSV')): shutil.copytree(sets[lay], home/name)
    monkeypatch.setenv(DATA_ENV, str(home/'ml-100k'))
    assert movielens_path() == home/'ml-100k' and movielens_path(name='ml-100k') == home/'ml-100k'
    assert movielens_path(name='ml-1m') == home/'ml-1m' and layout(movielens_path(name='ml-25m')).name == 'CSV'
    with pytest.raises(ValueError, match="'ml-2m' is not a MovieLens data set"): movielens_path(name='ml-2m')

def test_library_follows(sets):
    "collab_dls, the chapter's model and the fast trainer with the set's y_range, and the PCA explorer's genre colouring, on a half-star CSV set"
    from collab_course.train import collab_dls, train
    from collab_course.models import DotProductBias
    from collab_course.fast import DotBias, fit_fast, FAST
    from collab_course.split import split_from_dls
    from collab_course.explore import PCAExplorer
    p = sets['CSV']
    r = load_ratings(p); dls = collab_dls(r, bs=256)
    data = split_from_dls(dls)
    fast = DotBias(data.n_users, data.n_items, n_factors=8, y_range=rating_scale(p).y_range)
    hist = fit_fast(fast, data, **FAST)
    assert hist[-1][1] < float(((data.y_valid - data.y_train.mean())**2).mean())   # better than the mean rating
    learn = train(DotProductBias(data.n_users, data.n_items, n_factors=8, y_range=rating_scale(p).y_range), dls, n_epoch=1, show=False)
    ex = PCAExplorer(learn.model, r, list(dls.classes['title']), movies=load_movies(p))
    assert 'Drama' in ex.genre.options and "Children's" in ex.genre.options
    ex.genre.value = 'Drama'
    assert 'Drama:' in ex.info.value and 'movies (orange)' in ex.info.value
