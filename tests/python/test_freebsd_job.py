"""tests/drivers/fbjob.c, a FreeBSD job-queue driver written as an outsider
writes one (the fbkpi probe), and the KPIs it needed that kernsim lacked
or got wrong (read in freebsd-src, 2026-12-07):
- callout_async_drain (kern_timeout.c _callout_stop_safe, softclock_call_cc):
  did not exist; a driver using it did not compile.
- cv_timedwait with 0 ticks (sys/condvar.h, kern_condvar.c,
  subr_sleepqueue.c, callout_when): one tick on FreeBSD, a wait for ever
  here: JOB_WAIT with timo 0 was reported stuck.
- kproc_kthread_add (kern_kthread.c) and cpu_ticks (kern_tc.c, sys/systm.h):
  no prototype.
- a kernel thread polling on a timeout kept the virtual clock running after
  the scenario's last thread: no teardown, a step-budget report
  (park_daemon_wait, kernel_model/callout.cc)."""
import os
import shutil
import subprocess
import sys

import pytest

import kernsim

import fbjob_scenarios as fj


def scn(name):
    return kernsim.resolve(f"{fj.__file__}:{name}")


def test_it_builds_outside_the_tree_with_one_command(root, tmp_path):
    shutil.copy(os.path.join(root, "tests", "drivers", "fbjob.c"), tmp_path / "fbjob.c")
    env = dict(os.environ)
    env.pop("KERNSIM_ROOT", None)
    r = subprocess.run([sys.executable, "-m", "kernsim", "build-driver", "--personality",
                        "freebsd", "-o", "build/fbjob.so", "fbjob.c"], cwd=tmp_path,
                       capture_output=True, text=True, timeout=300, env=env)
    assert r.returncode == 0, r.stderr
    assert "warning" not in r.stderr, r.stderr
    assert "driver fbjob (freebsd)" in r.stdout, r.stdout


def test_a_zero_tick_cv_timedwait_is_one_tick():
    """It was a wait for ever: the run was reported stuck."""
    r = kernsim.run(scn("wait_zero"))
    assert r.kind == "pass", f"{r.kind}: {r.message}"


@pytest.mark.parametrize("strategy", ["random", "pct"])
@pytest.mark.parametrize("name", ["jobs", "wait_zero", "watchdog", "unload_armed",
                                  "poll_then_leave"])
def test_the_correct_driver_gets_no_report(name, strategy):
    r = kernsim.explore(scn(name), strategy=strategy, runs=400, seed=7)
    assert r.runs == 400
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"


def test_an_unload_that_ignores_the_async_drain_is_found_and_replays(tmp_path):
    r = kernsim.explore(scn("unload_armed_nowait"), strategy="pct", runs=5000, seed=0)
    assert r.failure is not None, "not found"
    assert "job_wd" in r.failure.message or "after free" in r.failure.message, \
        r.failure.message
    path = str(tmp_path / "nowait.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    rep = kernsim.replay(path)
    assert rep.matched, rep.mismatches
