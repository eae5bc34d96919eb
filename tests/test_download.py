"""fastai's real download path (`untar_data`), exercised offline against a loopback web server,
plus the offline fallback. These need a server, so they live here rather than in 00_data.ipynb."""
import os, sys, socket, subprocess, zipfile, warnings
from pathlib import Path
import pytest
from fastai.data.external import fastai_cfg
from collab_course.synthetic import synthetic_movielens
from collab_course.data import movielens_path, load_ratings, MovieLensError, MovieLensFallbackWarning, DATA_ENV, URL_ENV

def make_zip(src, dest):
    "Zip the MovieLens-format folder `src` as `ml-100k/...`, like GroupLens's archive"
    with zipfile.ZipFile(dest, 'w', zipfile.ZIP_DEFLATED) as z:
        for f in sorted(src.iterdir()): z.write(f, f'ml-100k/{f.name}')
    return dest

@pytest.fixture(scope='module')
def synth(tmp_path_factory):
    d = synthetic_movielens(tmp_path_factory.mktemp('s')/'ml-100k', seed=3, n_ratings=30_000, n_users=300, n_movies=500)
    return d

@pytest.fixture
def env(tmp_path, monkeypatch):
    "No data override, fastai's folders in an empty temporary home"
    monkeypatch.delenv(DATA_ENV, raising=False)
    monkeypatch.setenv('FASTAI_HOME', str(tmp_path/'fastai'))
    fastai_cfg.cache_clear()   # fastai caches its config (and so FASTAI_HOME) per process
    yield tmp_path/'fastai'
    fastai_cfg.cache_clear()

def test_download_through_fastai(synth, http_server, env, monkeypatch):
    www, url = http_server
    make_zip(synth, www/'ml-100k.zip')
    monkeypatch.setenv(URL_ENV, f'{url}/ml-100k.zip')
    with warnings.catch_warnings():
        warnings.simplefilter('error', MovieLensFallbackWarning)
        p = movielens_path()
    assert p == env/'data'/'ml-100k'
    assert (env/'archive'/'ml-100k.zip').exists()
    assert len(load_ratings(p)) == 30_000
    (www/'ml-100k.zip').unlink()          # a second call uses the cache, no server needed
    assert movielens_path() == p

def test_truncated_archive(synth, http_server, env, monkeypatch):
    www, url = http_server
    good = make_zip(synth, www/'good.zip').read_bytes()
    (www/'ml-100k.zip').write_bytes(good[:len(good)//2])
    monkeypatch.setenv(URL_ENV, f'{url}/ml-100k.zip')
    with pytest.raises(MovieLensError, match='corrupt or truncated') as e:
        movielens_path()
    assert 'ml-100k.zip' in str(e.value) and 'run again' in str(e.value)
    assert not (env/'archive'/'ml-100k.zip').exists()   # deleted, so the next run downloads afresh
    assert not (env/'data'/'ml-100k').exists()          # nothing half-unpacked left behind
    (www/'ml-100k.zip').write_bytes(good)
    assert len(load_ratings(movielens_path())) == 30_000

def test_half_unpacked_folder_is_rebuilt(synth, http_server, env, monkeypatch):
    www, url = http_server
    make_zip(synth, www/'ml-100k.zip')
    monkeypatch.setenv(URL_ENV, f'{url}/ml-100k.zip')
    p = movielens_path()
    data = (p/'u.data').read_bytes()
    (p/'u.data').write_bytes(data[:len(data)//3])      # as if copying had been interrupted
    (p/'u.user').unlink()
    assert len(load_ratings(movielens_path())) == 30_000
    assert (p/'u.user').exists()

def test_server_error_is_reported(http_server, env, monkeypatch):
    www, url = http_server
    monkeypatch.setenv(URL_ENV, f'{url}/ml-100k.zip')    # nothing there: 404
    with pytest.raises(MovieLensError, match='HTTP 404'):
        movielens_path()

def closed_port():
    s = socket.socket(); s.bind(('127.0.0.1', 0)); port = s.getsockname()[1]; s.close()
    return port

def test_offline_fallback(tmp_path):
    "A fresh HOME, no data, no network: one warning, synthetic data that loads, reused on the next run"
    home = tmp_path/'home'; home.mkdir()
    e = {k:v for k,v in os.environ.items() if k not in (DATA_ENV, 'FASTAI_HOME')}
    e.update(HOME=str(home), **{URL_ENV: f'http://127.0.0.1:{closed_port()}/ml-100k.zip'})
    code = ('import warnings; warnings.simplefilter("always")\n'
            'from collab_course.data import load_ratings, is_synthetic\n'
            'r = load_ratings(); load_ratings(); print(len(r), is_synthetic())')
    res = subprocess.run([sys.executable, '-c', code], env=e, capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert res.returncode == 0, res.stderr
    assert res.stdout.split()[-2:] == ['100000', 'True']
    assert res.stderr.count('MovieLensFallbackWarning') == 1, res.stderr
    assert 'SYNTHETIC' in res.stderr and 'differ from the book' in res.stderr and DATA_ENV in res.stderr
    synth = home/'.fastai'/'data'/'ml-100k-synthetic'
    assert (synth/'u.data').exists()
    before = (synth/'u.data').stat().st_mtime_ns
    res = subprocess.run([sys.executable, '-c', code], env=e, capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert res.returncode == 0 and (synth/'u.data').stat().st_mtime_ns == before

# --- the other MovieLens data sets: named, fetched from a mirror, checked against the published md5 ---
import hashlib
from collab_course.data import MIRROR_ENV, layout

def zip_as(src, dest, inner):
    "Zip `src` as `inner/...` (GroupLens's ml-10m.zip holds a folder called ml-10M100K)"
    with zipfile.ZipFile(dest, 'w', zipfile.ZIP_DEFLATED) as z:
        for f in sorted(src.iterdir()): z.write(f, f'{inner}/{f.name}')
    return dest

@pytest.fixture(scope='module')
def synth10m(tmp_path_factory):
    return synthetic_movielens(tmp_path_factory.mktemp('s10')/'ml-10M100K', seed=4, n_ratings=20_000, n_users=300, n_movies=500, layout='10M')

def test_named_set_from_mirror_with_md5(synth10m, http_server, env, monkeypatch):
    www, url = http_server
    arch = zip_as(synth10m, www/'ml-10m.zip', 'ml-10M100K')
    (www/'ml-10m.zip.md5').write_text(f'MD5 (ml-10m.zip) = {hashlib.md5(arch.read_bytes()).hexdigest()}\n')  # GroupLens's format
    monkeypatch.setenv(MIRROR_ENV, url)
    with warnings.catch_warnings():
        warnings.simplefilter('error', MovieLensFallbackWarning)
        p = movielens_path(name='ml-10m')
    assert p == env/'data'/'ml-10m' and layout(p).name == '10M'     # the inner folder arrives under the set's name
    r = load_ratings(p)
    assert len(r) == 20_000 and (r.rating % 1 != 0).any()
    arch.unlink(); assert movielens_path(name='ml-10m') == p          # cached: no server needed

def test_md5_mismatch_deletes_everything(synth10m, http_server, env, monkeypatch):
    www, url = http_server
    arch = zip_as(synth10m, www/'ml-10m.zip', 'ml-10M100K')
    (www/'ml-10m.zip.md5').write_text('MD5 (ml-10m.zip) = ' + '0'*32 + '\n')
    monkeypatch.setenv(MIRROR_ENV, url)
    with pytest.raises(MovieLensError, match='is not the 0{32} published for') as e: movielens_path(name='ml-10m')
    assert 'run again' in str(e.value)
    assert not (env/'archive'/'ml-10m.zip').exists() and not (env/'data'/'ml-10m').exists()
    (www/'ml-10m.zip.md5').write_text(hashlib.md5(arch.read_bytes()).hexdigest() + '  ml-10m.zip\n')   # md5sum's format
    assert len(load_ratings(movielens_path(name='ml-10m'))) == 20_000

def test_named_offline_fallback_in_its_own_layout(tmp_path):
    "No network: ml-latest-small falls back to a CSV-layout stand-in of its shape, announced once"
    home = tmp_path/'home'; home.mkdir()
    e = {k:v for k,v in os.environ.items() if k not in (DATA_ENV, 'FASTAI_HOME', URL_ENV)}
    e.update(HOME=str(home), **{MIRROR_ENV: f'http://127.0.0.1:{closed_port()}'})
    code = ('import warnings; warnings.simplefilter("always")\n'
            'from collab_course.data import load_ratings, movielens_path, layout, rating_scale\n'
            'p = movielens_path(name="ml-latest-small"); r = load_ratings(p); load_ratings(movielens_path(name="ml-latest-small"))\n'
            'print(len(r), layout(p).name, rating_scale(p).step, p.name)')
    res = subprocess.run([sys.executable, '-c', code], env=e, capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert res.returncode == 0, res.stderr
    assert res.stdout.split()[-4:] == ['100836', 'CSV', '0.5', 'ml-latest-small-synthetic']
    assert res.stderr.count('MovieLensFallbackWarning') == 1, res.stderr
    assert 'MovieLens LATEST-SMALL could not be downloaded' in res.stderr and 'SYNTHETIC' in res.stderr
