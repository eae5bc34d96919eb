import os, subprocess
from conftest import tool

def run(*args, **kw):
    return subprocess.run([tool('collab-course'), *args], capture_output=True, text=True, timeout=600, **kw)

def test_help_lists_commands():
    res = run('--help')
    assert res.returncode == 0
    for c in ('data', 'quickstart', 'lab', 'docs', 'bench'): assert f'  {c} ' in res.stdout

def test_data_command():
    res = run('data', '--n-users', '3', '--n-items', '2')
    assert res.returncode == 0, res.stderr
    assert '100,000 ratings from 943 users on 1,682 movies' in res.stdout
    assert 'Most active users x most rated movies' in res.stdout
    assert len(res.stdout.split('(. = not rated):')[1].strip().splitlines()) == 2 + 3  # header, index name, 3 users

def test_unknown_command():
    res = run('nope')
    assert res.returncode != 0 and "unknown command 'nope'" in res.stderr
