"""tests/drivers/fbzone.c, per-open item pools written as an outside
FreeBSD driver writes one (the fbprobe3 probe), and what it found in
kernsim (read in freebsd-src, 2026-12-07):
- sys/queue.h had no TAILQ_CONCAT / STAILQ_CONCAT (nor TAILQ_LAST, _PREV,
  _FOREACH_REVERSE): the driver did not compile.
- an int's address passed to the u_int atomics warned: FreeBSD's kernel
  builds with -Wno-pointer-sign (sys/conf/kern.mk).
- taskqueue_drain waited for the whole queue, not for its task
  (subr_taskqueue.c): the close, which drains the open's expiry holding
  the sx the periodic sampler task takes, was reported stuck.
- after that fix, a cancelled task's stale queue entry read the task the
  driver had freed since (FreeBSD takes a cancelled task off its queue).
And one real bug in the first draft of the driver: destroy_dev does not
wait for a cdevpriv destructor a close(2) elsewhere has begun
(kern_conf.c destroy_devl walks only the cdev's list), so the unload
freed the softc under it; the unload now waits for the opens count."""
import os
import shutil
import subprocess
import sys

import pytest

import kernsim

import fbzone_scenarios as fz


def scn(name):
    return kernsim.resolve(f"{fz.__file__}:{name}")


def test_it_builds_outside_the_tree_with_one_command(root, tmp_path):
    shutil.copy(os.path.join(root, "tests", "drivers", "fbzone.c"), tmp_path / "fbzone.c")
    env = dict(os.environ)
    env.pop("KERNSIM_ROOT", None)
    r = subprocess.run([sys.executable, "-m", "kernsim", "build-driver", "--personality",
                        "freebsd", "-o", "build/fbzone.so", "fbzone.c"], cwd=tmp_path,
                       capture_output=True, text=True, timeout=300, env=env)
    assert r.returncode == 0, r.stderr
    assert "warning" not in r.stderr, r.stderr
    assert "driver fbzone (freebsd)" in r.stdout, r.stdout


@pytest.mark.parametrize("name", ["items", "expire_kevent"])
def test_the_calls_answer_as_the_driver_says(name):
    r = kernsim.run(scn(name))
    assert r.kind == "pass", f"{r.kind}: {r.message}"


@pytest.mark.parametrize("strategy", ["random", "pct"])
@pytest.mark.parametrize("name", ["items", "expire_kevent", "close_races_expiry",
                                  "kevent_races_close", "unload_pending"])
def test_the_correct_driver_gets_no_report(name, strategy):
    """close_races_expiry and kevent_races_close were reported stuck (a
    drain holding the sampler's sx waited for the sampler), then as a
    fault in the taskq thread (a cancelled entry reading the freed open)."""
    r = kernsim.explore(scn(name), strategy=strategy, runs=400, seed=7)
    assert r.runs == 400
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"


def test_a_close_that_does_not_drain_the_expiry_is_found_and_replays(tmp_path):
    r = kernsim.explore(scn("close_races_expiry_nodrain"), strategy="pct", runs=3000, seed=7)
    assert r.failure is not None, "not found"
    msg = r.failure.message
    assert "M_FBZONE" in msg or "knlist" in msg, msg
    path = str(tmp_path / "nodrain.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    rep = kernsim.replay(path)
    assert rep.matched, rep.mismatches
