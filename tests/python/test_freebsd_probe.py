"""Three FreeBSD drivers written as FreeBSD engineers write them, outside
kernsim's idioms (the fbprobe audit): tests/drivers/fbtick.c, a callout
(callout_init_mtx, callout_reset_sbt, re-armed from its function) posting
events that per-open cursors (devfs_set_cdevpriv) read with msleep or
poll(2), a taskqueue_swi task, counter(9), sysctl; fbkv.c, a key/value
store behind _IOW/_IOWR ioctls with nested user pointers (copyinstr,
copyin, copyout), an sx lock, a UMA zone, refcount(9), priv_check,
PROC_LOCK, crhold, D_TRACKCLOSE; fbpipe.c, a message pipe with a private
taskqueue thread, cv_wait_sig / cv_timedwait_sig, mtx_sleep + wakeup_one,
an rwlock. No kernsim line in any of them. fbtick and fbpipe used to
do their teardown in a last-close-only d_close; on FreeBSD an open (and
its TICK_START or writes) can run while that d_close runs (devfs drops the
vnode lock around it), which the model hid until fblocks: both are now
D_TRACKCLOSE and count their opens under their mutex.
A correct driver gets no report; each bug twin (-D switch) is found and
its repro replays.

What they hit before (DESIGN.md, "What an outside driver leans on"):
a D_TRACKCLOSE driver's d_close was skipped when the last close met an
open inside the driver, so fbkv's MOD_UNLOAD saw an open count that never
went back to zero (a teardown report on a correct driver); <sys/param.h>
did not bring <sys/time.h>, and mtx_sleep, PROC_LOCK, crdup did not exist
(compile errors); a `static SYSCTL_NODE` warned."""
import os
import shutil
import subprocess
import sys

import pytest

import kernsim

import fbprobe_scenarios as fp

DRIVERS = ("fbtick", "fbkv", "fbpipe")
BUGS = {
    # scenario on the twin, failure kind, a word of its message
    "tick_read_tsleep": ("stuck", "the wakeup came before the wait"),
    "tick_unload_nodrain": ("unload", "tick_summary"),
    "kv_get_del_noref": ("memory", "read after free"),
    "pipe_two_by_two_if": ("panic", "woken with no message"),
}


def scn(name):
    return kernsim.resolve(f"{fp.__file__}:{name}")


def _kernsim(cwd, *args):
    env = dict(os.environ)
    env.pop("KERNSIM_ROOT", None)  # a user's directory, not the checkout
    return subprocess.run([sys.executable, "-m", "kernsim", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300, env=env)


def test_each_builds_outside_the_tree_with_one_command(root, tmp_path):
    """`kernsim build-driver` on the bare source, as an outsider would:
    no error, no warning, registered from DEV_MODULE/DECLARE_MODULE."""
    for d in DRIVERS:
        shutil.copy(os.path.join(root, "tests", "drivers", d + ".c"), tmp_path / (d + ".c"))
        r = _kernsim(tmp_path, "build-driver", "--personality", "freebsd",
                     "-o", f"build/{d}.so", f"{d}.c")
        assert r.returncode == 0, r.stderr
        assert "warning" not in r.stderr, r.stderr
        assert f"driver {d} (freebsd)" in r.stdout, r.stdout
    r = _kernsim(tmp_path, "build-driver", "--personality", "freebsd", "-D", "PIPE_BUG_IF",
                 "-o", "build/fbpipe_if.so", "fbpipe.c")
    assert r.returncode == 0 and "warning" not in r.stderr, r.stderr


@pytest.mark.parametrize("strategy", ["random", "pct"])
@pytest.mark.parametrize("name", fp.CORRECT)
def test_the_correct_drivers_get_no_report(name, strategy):
    r = kernsim.explore(scn(name), strategy=strategy, runs=3000, seed=11)
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"


@pytest.mark.parametrize("name", sorted(fp.RACES))
def test_the_correct_drivers_have_no_data_race(name):
    """With the race-instrumented builds. pipe_unload_open used to report
    the unload's flush of the queue against a reader's last dequeue:
    destroy_dev's drain ordered nothing for the detector (FreeBSD's
    dev_relthread is a release decrement destroy_dev reads)."""
    r = kernsim.explore(fp.RACES[name], strategy="pct", runs=3000, seed=2, detect_races=True)
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"


@pytest.mark.parametrize("strategy", ["random", "pct"])
def test_a_program_scenario_gets_no_report(strategy):
    r = kernsim.explore(scn("pipe_program"), strategy=strategy, runs=3000, seed=3)
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"
    assert r.runs == 3000


@pytest.mark.parametrize("name", sorted(BUGS))
def test_each_bug_is_found_and_replays(name, tmp_path):
    kind, word = BUGS[name]
    r = kernsim.explore(scn(name), strategy="pct", runs=20000, seed=0)
    assert r.failure is not None, f"{name}: not found"
    assert r.failure.kind == kind, r.failure.message
    assert word in r.failure.message, r.failure.message
    path = str(tmp_path / f"{name}.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    rep = kernsim.replay(path)
    assert rep.matched, rep.mismatches


def test_the_tsleep_bug_is_found_by_random_search_too():
    r = kernsim.explore(scn("tick_read_tsleep"), strategy="random", runs=20000, seed=0)
    assert r.failure is not None and r.failure.kind == "stuck", r.failure
