"""`collab-course quickstart` end to end, offline: a fresh HOME, no COLLAB_COURSE_DATA, a download address that refuses connections."""
import os, re, socket, subprocess
from conftest import tool

def _closed_port():
    "A loopback port nothing listens on (bound, then released)"
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]

def test_quickstart_offline(tmp_path):
    home, out = tmp_path/'home', tmp_path/'p.png'
    home.mkdir()
    env = {k:v for k,v in os.environ.items() if k not in ('COLLAB_COURSE_DATA', 'FASTAI_HOME')}
    env.update(HOME=str(home), COLLAB_COURSE_URL=f'http://127.0.0.1:{_closed_port()}/ml-100k.zip', MPLBACKEND='Agg')
    res = subprocess.run([tool('collab-course'), 'quickstart', '--epochs', '1', '--out', str(out)],
                         env=env, capture_output=True, text=True, timeout=900)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    assert 'MovieLensFallbackWarning' in res.stderr and 'SYNTHETIC' in res.stderr, res.stderr[-3000:]
    assert 'SYNTHETIC stand-in' in res.stdout
    mse = float(re.search(r"^Validation MSE: (\d+\.\d+) after", res.stdout, re.M).group(1))
    assert 0.3 < mse < 2, mse
    assert 'Highest movie biases:' in res.stdout and 'Most similar to' in res.stdout
    assert out.exists() and out.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
    assert (home/'.fastai'/'data'/'ml-100k-synthetic'/'u.data').exists()

def test_quickstart_fast_offline(tmp_path):
    "`--fast` trains the same model with the whole-tensor trainer; the rest of the output is the same"
    home, out = tmp_path/'home', tmp_path/'p.png'
    home.mkdir()
    env = {k:v for k,v in os.environ.items() if k not in ('COLLAB_COURSE_DATA', 'FASTAI_HOME')}
    env.update(HOME=str(home), COLLAB_COURSE_URL=f'http://127.0.0.1:{_closed_port()}/ml-100k.zip', MPLBACKEND='Agg')
    res = subprocess.run([tool('collab-course'), 'quickstart', '--fast', '--out', str(out)],
                         env=env, capture_output=True, text=True, timeout=900)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    assert 'fast trainer' in res.stdout and '4 epoch(s)' in res.stdout, res.stdout[-2000:]
    mse, secs = re.search(r'^Validation MSE: (\d+\.\d+) after (\d+\.\d+) s of training$', res.stdout, re.M).groups()
    assert 0.3 < float(mse) < 2, mse
    assert 'Highest movie biases:' in res.stdout and 'Most similar to' in res.stdout
    assert out.exists() and out.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
