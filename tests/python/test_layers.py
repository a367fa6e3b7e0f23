"""The build rejects an #include that runs upward or sideways through the
layers (scripts/check_layers.py, run by the build's check_layers target):
the tree as it is passes; a copy with one bad include planted per rule
fails, naming the file, the line and the layer."""
import os
import shutil
import subprocess
import sys

import pytest

LAYERS = ("sim", "kernel_model", "drivers", "runner", "fuzz", "bench", "python")


def _check(root):
    return subprocess.run([sys.executable, os.path.join(root, "scripts", "check_layers.py"), root],
                          capture_output=True, text=True, timeout=60)


@pytest.fixture
def tree(root, tmp_path):
    for d in LAYERS + ("scripts",):
        shutil.copytree(os.path.join(root, d), tmp_path / d,
                        ignore=shutil.ignore_patterns("__pycache__", "*.txtpb"))
    return tmp_path


def test_tree_follows_the_layers(root):
    r = _check(root)
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("file,include,names", [
    ("fuzz/decode.cc", "python/core/py_convert.h", "fuzz may not"),
    ("bench/bench_core.cc", "tests/cpp/prog_builders.h", "bench may not"),
    ("kernel_model/world.h", "runner/explore.h", "kernel_model may not"),
    ("kernel_model/devsw.cc", "kernel_model/illumos/dev_impl.h", "kernel_model may not"),
    ("kernel_model/illumos/buf.cc", "kernel_model/freebsd/state.h", "kernel_model/illumos may not"),
    ("sim/sim.cc", "kernel_model/world.h", "sim may not"),
    ("runner/explore.cc", "fuzz/decode.h", "runner may not"),
])
def test_a_planted_include_is_rejected(tree, file, include, names):
    with open(tree / file, "a") as f:
        f.write(f'\n#include "{include}"\n')
    r = _check(str(tree))
    assert r.returncode == 1
    assert f'{file}:' in r.stderr and f'includes "{include}"' in r.stderr and names in r.stderr, r.stderr
