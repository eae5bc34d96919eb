"""The layering rules of ARCHITECTURE.md, checked on the generated modules' imports."""
import ast
from pathlib import Path
from conftest import ROOT

LIB = ROOT/'collab_course'
LOWER = {'data', 'synthetic', 'split'}  # the data layer
MODEL_SIDE = {'base', 'models', 'fast', 'scale', 'accuracy', 'train', 'interpret', 'convert', 'explore', 'quickstart', 'cli'}

def _mod(p:Path)->str: return '.'.join(p.relative_to(ROOT).with_suffix('').parts)

def _imports(p:Path, me:str=None):
    "(absolute module, imported names, line) of every import in `p` (module `me`), at any depth: lazy imports count"
    me = (me or _mod(p)).split('.')
    for node in ast.walk(ast.parse(p.read_text())):
        if isinstance(node, ast.Import):
            for a in node.names: yield a.name, [], node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = '.'.join(me[:len(me)-node.level] + ([node.module] if node.module else [])) if node.level else node.module
            yield base, [a.name for a in node.names], node.lineno

def _library():
    return [p for p in sorted(LIB.glob('*.py')) if not p.name.startswith('_')]

def test_library_never_imports_maintainer_code():
    bad = [f'{p.name}:{ln} imports {m}' for p in _library() for m, names, ln in _imports(p)
           if m.startswith('collab_course.dev') or (m == 'collab_course' and 'dev' in names)]
    assert not bad, bad

def test_data_knows_no_model():
    bad = [f'{p.name}:{ln} imports {m}' for p in _library() if p.stem in LOWER for m, _, ln in _imports(p)
           if m.startswith('collab_course.') and m.split('.')[1] in MODEL_SIDE]
    assert not bad, bad

def test_no_private_name_crosses_a_module():
    files = _library() + sorted((LIB/'dev').glob('*.py')) + sorted((ROOT/'tools').glob('*.py')) + sorted((ROOT/'tests').glob('*.py'))
    bad = []
    for p in files:
        me = _mod(p) if p.is_relative_to(LIB) else None
        for m, names, ln in _imports(p):
            if m and m.startswith('collab_course') and m != me:
                bad += [f'{p.relative_to(ROOT)}:{ln} imports {n} from {m}' for n in names if n.startswith('_') and not n.startswith('__')]
    assert not bad, bad

def test_the_parser_sees_relative_and_lazy_imports(tmp_path):
    "A violation hidden in a function, written as a relative import, is still seen"
    f = tmp_path/'x.py'; f.write_text('import os\ndef f():\n    from .dev.docs import _x\n    from ..split import Split\n')
    got = list(_imports(f, 'collab_course.sub.x'))
    assert got == [('os', [], 1), ('collab_course.sub.dev.docs', ['_x'], 3), ('collab_course.split', ['Split'], 4)], got
