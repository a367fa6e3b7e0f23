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
    # a personality's file named from beside the includer
    ("kernel_model/devsw.cc", "illumos/dev_impl.h", "kernel_model may not"),
    ("kernel_model/freebsd/cdev.cc", "../illumos/il_state.h", "kernel_model/freebsd may not"),
    # STREAMS and QNX are personalities too: their folders are siblings
    ("kernel_model/illumos/stream.cc", "kernel_model/streams/stream.h",
     "kernel_model/illumos may not"),
    ("kernel_model/freebsd/cdev.cc", "kernel_model/qnx/resmgr.h", "kernel_model/freebsd may not"),
    ("kernel_model/stream_head.cc", "kernel_model/streams/stream.h", "kernel_model may not"),
])
def test_a_planted_include_is_rejected(tree, file, include, names):
    with open(tree / file, "a") as f:
        f.write(f'\n#include "{include}"\n')
    r = _check(str(tree))
    assert r.returncode == 1
    assert f'{file}:' in r.stderr and f'includes "{include}"' in r.stderr and names in r.stderr, r.stderr


# The personalities' headers sit at the real systems' paths, so an angle
# include can reach one: the kernel model may include none, a personality
# none of another's; the host's own header at a shared path stays allowed.
@pytest.mark.parametrize("file,include,names", [
    ("kernel_model/devsw.cc", "sys/ddi.h", "a header of kernel_model/illumos, which kernel_model may not"),
    ("kernel_model/world.h", "sys/kernsim.h", "which kernel_model may not"),
    ("kernel_model/freebsd/cdev.cc", "sys/sunddi.h",
     "a header of kernel_model/illumos, which kernel_model/freebsd may not"),
    ("kernel_model/illumos/ddi_dev.cc", "sys/taskqueue.h",
     "a header of kernel_model/freebsd, which kernel_model/illumos may not"),
])
def test_a_planted_personality_header_is_rejected(tree, file, include, names):
    with open(tree / file, "a") as f:
        f.write(f"\n#include <{include}>\n")
    r = _check(str(tree))
    assert r.returncode == 1
    assert f"{file}:" in r.stderr and f"includes <{include}>" in r.stderr and names in r.stderr, r.stderr


def test_a_personality_includes_its_own_and_the_kernel_model_the_hosts(tree):
    # <sys/mutex.h> is both personalities'; in freebsd/ it is its own. The
    # kernel model's <sys/uio.h> is the host's.
    with open(tree / "kernel_model/freebsd/cdev.cc", "a") as f:
        f.write("\n#include <sys/mutex.h>\n")
    with open(tree / "kernel_model/devsw.cc", "a") as f:
        f.write("\n#include <sys/uio.h>\n")
    r = _check(str(tree))
    assert r.returncode == 0, r.stderr
