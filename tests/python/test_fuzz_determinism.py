"""One seed, one campaign: a fuzz campaign's course (every execution's
outcome, what it kept, what it covered, where it found what) depends on its
seed, its execution budget and the build, and on nothing the process did
before it or the clock.

A long pytest process once found CTL's port_remove_inflight as
use_after_destroy:cv_signal:ctl_pool where a lone run found
bad_object:mtx_lock:port_lock at execution 27,010: the coverage callback
kept the code ranges of only the first 32 modules a process loaded, and
numbered a later module's edges by its distance from the host's code,
which ASLR moves, so edge cells collided differently and an input was kept
or not. These tests compare the whole course, the coverage map's cells
included, so any such dependence shows at once, not only when it happens
to change a find. Bound by executions, never by time."""

import hashlib
import json
import os
import subprocess
import sys

from kernsim import build_driver, fuzz_desc, fuzz_engine

BUDGET = 3000


def _course(root, out, driver="ctl_ioctl", variant="port_remove_inflight", seed=2,
            executions=BUDGET, seconds=None, corpus_dir=None, stop_on_find=False):
    """A campaign's course, as a comparable value."""
    desc = fuzz_desc.load(fuzz_desc.find(driver, root))
    fz = fuzz_engine.Fuzzer(desc, variant, seed=seed, out_dir=str(out), corpus_dir=corpus_dir)
    fz.run(seconds=seconds, executions=executions, stop_on_find=stop_on_find)
    emap, pairs = fz.coverage()
    s = fz.stats
    corpus = sorted(os.listdir(corpus_dir)) if corpus_dir else []
    return {"executions": s.executions, "edges": s.edges, "pairs": s.pairs, "corpus": s.corpus,
            "invalid": s.invalid,
            "map": hashlib.sha256(bytes(emap)).hexdigest(),
            "pair_keys": hashlib.sha256(json.dumps(sorted(pairs)).encode()).hexdigest(),
            "corpus_files": hashlib.sha256("\n".join(corpus).encode()).hexdigest(),
            "findings": sorted((k, f.executions, f.calls) for k, f in fz.findings.items())}


_CHILD = """
import json, sys
from kernsim import _core
sys.path.insert(0, {tests!r})
from test_fuzz_determinism import _course
for m in json.loads(sys.argv[1]):
    _core.module_info(m)
print(json.dumps([_course({root!r}, {out!r}),
                  _course({root!r}, {out!r}, executions=300000, stop_on_find=True)]))
"""


def _in_new_process(root, tmp_path, modules):
    prog = _CHILD.format(tests=os.path.dirname(__file__), root=root, out=str(tmp_path / "out"))
    r = subprocess.run([sys.executable, "-c", prog, json.dumps(modules)], capture_output=True,
                       text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.splitlines()[-1])


def _modules(root):
    """Every module the build made, but the fuzzed driver's: more than any
    long test process loads before a campaign."""
    build = os.path.dirname(build_driver.config()["driver_dir"])
    found = []
    for d in ("test_drivers", "drivers", os.path.join("drivers", "cov"),
              os.path.join("drivers", "race"), os.path.join("test_drivers", "race")):
        p = os.path.join(build, d)
        if os.path.isdir(p):
            found += sorted(os.path.join(p, f) for f in os.listdir(p)
                            if f.endswith(".so") and not f.startswith("ctl_ioctl"))
    return found


def test_course_does_not_depend_on_the_modules_loaded_before(root, tmp_path):
    """A fresh process, and one that first loads every other module of the
    build (coverage builds among them), run the same CTL campaign to the
    same coverage cells, pairs, corpus and counts; and the reported
    campaign (port_remove_inflight, seed 2) to the same find at the same
    execution."""
    mods = _modules(root)
    assert len(mods) > 40, mods  # past the old table of 32, with room
    fresh = _in_new_process(root, tmp_path / "a", [])
    loaded = _in_new_process(root, tmp_path / "b", mods)
    assert fresh[0] == loaded[0]
    assert fresh[0]["edges"] > 100 and fresh[0]["pairs"] > 10, fresh
    assert fresh[1]["findings"] == loaded[1]["findings"] and fresh[1]["findings"], (fresh, loaded)


def test_course_does_not_depend_on_earlier_campaigns_or_a_time_budget(root, tmp_path):
    """In one process: a campaign; campaigns of other drivers and variants
    (other Worlds, boot images, kmem, user pages, epochs on this thread);
    the first campaign again, and once more under a time budget too large
    to bind. All three courses are the same, to the coverage cell."""
    first = _course(root, tmp_path / "1")
    _course(root, tmp_path / "x1", driver="lofi", variant="unmap_no_wait", seed=7,
            executions=1500)
    _course(root, tmp_path / "x2", driver="sample", variant="none", seed=3, executions=1500)
    _course(root, tmp_path / "x3", variant="none", seed=9, executions=1500)
    again = _course(root, tmp_path / "2")
    timed = _course(root, tmp_path / "3", seconds=3600.0)
    assert first == again == timed
    assert first["edges"] > 100, first


def test_course_with_a_corpus_directory_is_the_same(root, tmp_path):
    """Writing the kept inputs to a corpus directory changes nothing in the
    course; the files written are the same names in two campaigns."""
    a = _course(root, tmp_path / "a", corpus_dir=str(tmp_path / "ca"))
    b = _course(root, tmp_path / "b", corpus_dir=str(tmp_path / "cb"))
    plain = _course(root, tmp_path / "c")
    assert a == b
    assert {k: v for k, v in a.items() if k != "corpus_files"} == \
        {k: v for k, v in plain.items() if k != "corpus_files"}
    assert len(os.listdir(tmp_path / "ca")) == a["corpus"]
