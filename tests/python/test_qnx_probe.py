"""A QNX resource manager written as a QNX engineer writes one from QNX's
guides, outside kernsim's idioms (the qnxprobe audit): tests/drivers/
qxring.c, a loopback FIFO with an extended OCB (the mount's ocb_calloc and
ocb_free), devctls built with __DIOF/__DIOT/__DIOTF (one whose payload
length is its own header's, one replying with resmgr_msgwrite), reads that
stay REPLY-blocked (_RESMGR_NOREPLY) until the server's own thread
(pthread_create, a condvar) replies with MsgReply, an io_unblock and an
io_close_ocb that answer the queued reads. A correct build gets no report;
each bug twin (-D switch) is found and its repro replays; the fuzzer's
campaign is in test_probe_fuzz.py.

What it hit before (DESIGN.md, "QNX resource managers and message
passing"): it did not build (no IOFUNC_OCB_T, iofunc_mount_t,
iofunc_funcs_t, io_pulse_t, iofunc_unblock_default, pthread_cond_*,
pthread_create/join; and for the guides' own example, qxhello.c, S_IFNAM,
IOFUNC_ATTR_ATIME/MTIME/CTIME, and POOL_FLAG_EXIT_SELF was refused); an O_NONBLOCK open's read blocked (the OCB's ioflag
lacked O_NONBLOCK); a blocking read was a fuzz finding (stuck REPLY-blocked,
though a signal would reach the server's io_unblock); a close() while
another thread was REPLY-blocked on the same open never reached the server,
so that thread was reported stuck."""
import os
import shutil
import subprocess
import sys

import pytest

import kernsim
from kernsim import _core

import qxring_scenarios as qx


def _kernsim(cwd, *args):
    env = dict(os.environ)
    env.pop("KERNSIM_ROOT", None)  # a user's directory, not the checkout
    return subprocess.run([sys.executable, "-m", "kernsim", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300, env=env)


def test_it_builds_outside_the_tree_with_one_command(root, tmp_path):
    """`kernsim build-driver` on the bare source, as an outsider would: no
    error, no warning; its twins too."""
    shutil.copy(os.path.join(root, "tests", "drivers", "qxring.c"), tmp_path / "qxring.c")
    r = _kernsim(tmp_path, "build-driver", "--personality", "qnx", "-o", "build/qxring.so",
                 "qxring.c")
    assert r.returncode == 0, r.stderr
    assert "warning" not in r.stderr, r.stderr
    assert "driver qxring (qnx)" in r.stdout, r.stdout
    shutil.copy(os.path.join(root, "tests", "drivers", "qxhello.c"), tmp_path / "qxhello.c")
    r = _kernsim(tmp_path, "build-driver", "--personality", "qnx", "-o", "build/qxhello.so",
                 "qxhello.c")
    assert r.returncode == 0 and "warning" not in r.stderr, r.stderr
    for define in ("QX_BUG_CLOSE_KEEP", "QX_BUG_NO_UNBLOCK", "QX_BUG_STATS_UNLOCKED"):
        r = _kernsim(tmp_path, "build-driver", "--personality", "qnx", "-D", define,
                     "-o", f"build/{define}.so", "qxring.c")
        assert r.returncode == 0 and "warning" not in r.stderr, r.stderr


def test_a_host_function_kernsim_does_not_model_is_refused_by_name(tmp_path):
    """A resource manager's C library is the host's where the personality
    maps nothing: sched_yield acts on the host thread that carries every
    simulated one, getpid answers for the host process. The module is
    refused at load, each named with why (it loaded before)."""
    (tmp_path / "qxhost.c").write_text(
        "#include <pthread.h>\n#include <sched.h>\n#include <unistd.h>\n"
        "#include <sys/iofunc.h>\n#include <sys/dispatch.h>\n#include <sys/kernsim.h>\n"
        "static int start(void) { sched_yield();\n"
        "  return getpid() > 0 ? 0 : 1; }\n"
        "static int stop(void) { return 0; }\n"
        "KS_QNX_DRIVER(qxhost, NULL, start, stop);\n")
    r = _kernsim(tmp_path, "build-driver", "--personality", "qnx", "-o", "qxhost.so", "qxhost.c")
    assert r.returncode != 0, r.stdout
    assert "sched_yield(), which blocks or sleeps the host thread" in r.stderr, r.stderr
    assert "getpid(), which answers for the host process" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr, r.stderr


@pytest.mark.parametrize("strategy", ["random", "pct"])
@pytest.mark.parametrize("name", qx.CORRECT)
def test_the_correct_resource_manager_gets_no_report(name, strategy):
    r = kernsim.explore(qx.make(name), strategy=strategy, runs=2000, seed=11)
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"


@pytest.mark.parametrize("name", sorted(qx.RACES))
def test_the_correct_resource_manager_has_no_data_race(name):
    """With the race-instrumented build: the pool's threads, the pump
    (pthread_create, a condvar), message passing, the library's lock_ocb
    and the unblock pulse order every access the driver makes."""
    r = kernsim.explore(qx.RACES[name], strategy="pct", runs=1000, seed=2, detect_races=True)
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"


def test_the_unlocked_stats_twin_is_a_data_race():
    r = kernsim.explore(qx.signal_unblocks_read_stats_unlocked, strategy="pct", runs=1000,
                        seed=2, detect_races=True)
    assert r.failure is not None and r.failure.kind == "data_race", r.failure
    assert "in qx_devctl" in r.failure.message, r.failure.message


@pytest.mark.parametrize("strategy", ["random", "pct"])
def test_the_guides_smallest_resource_manager_builds_and_runs(strategy):
    """qxhello: S_IFNAM, IOFUNC_ATTR_ATIME, SETIOV/_RESMGR_NPARTS replies and
    POOL_FLAG_EXIT_SELF, as the guides' examples have them."""
    r = kernsim.explore(qx.hello_twice, strategy=strategy, runs=2000, seed=4)
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"


def test_a_resource_manager_s_clocks_and_sleeps_are_virtual():
    """clock_gettime, gettimeofday, time, nanosleep, usleep and rand fell
    through to the host's C library: a resource manager read the host's date (no
    two runs alike), slept the host thread, and drew from one generator
    per process (a campaign's later executions drew what a replay would
    not). They are the virtual clock's now (qnx/time.h, sys/time.h,
    unistd.h) and the World's generator (qnx/stdlib.h)."""
    r = kernsim.explore(qx.stamp_read, strategy="random", runs=50, seed=1)
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"


# twin scenario: failure kind, signature prefix, a word of its message
BUGS = {
    "killed_blocked_reader_close_keep": ("panic", "assert:qx_stop:", "qx.waiters == NULL"),
    "signal_unblocks_read_no_unblock": ("stuck", "stuck:resmgr_reply:/dev/qxring",
                                        "did not reply"),
}


@pytest.mark.parametrize("name", sorted(BUGS))
def test_each_bug_twin_is_found_and_replays(name, tmp_path):
    kind, sig, word = BUGS[name]
    r = kernsim.explore(getattr(qx, name), strategy="pct", runs=2000, seed=0)
    assert r.failure is not None, f"{name}: not found"
    assert r.failure.kind == kind and r.failure.signature.startswith(sig), \
        (r.failure.kind, r.failure.signature, r.failure.message)
    assert word in r.failure.message, r.failure.message
    path = str(tmp_path / f"{name}.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    rep = kernsim.replay(path)
    assert rep.matched, rep.mismatches
    # and `kernsim replay` from the command line, as a user replays it: 0, matched
    p = subprocess.run([sys.executable, "-m", "kernsim", "replay", path], capture_output=True,
                       text=True, timeout=300)
    assert p.returncode == 0 and "MATCH" in p.stdout, p.stdout + p.stderr


def test_a_read_nothing_feeds_is_the_programs_wait_not_a_finding():
    """The reader stays REPLY-blocked on a server whose own io_unblock a
    signal would reach: stuck:resmgr_reply_sig, which the fuzzer ignores as
    it ignores an interruptible sleep; without the server's io_unblock the
    same wait is stuck:resmgr_reply, a finding."""
    r = kernsim.explore(qx.read_nothing_arrives, strategy="random", runs=1, seed=0)
    assert r.failure is not None and r.failure.kind == "stuck", r.failure
    assert r.failure.signature == "stuck:resmgr_reply_sig:/dev/qxring", r.failure.signature
    assert "a signal would reach the server's own io_unblock" in r.failure.message
    assert _core.fuzz_verdict("stuck", r.failure.signature) == "ignored"
    assert _core.fuzz_verdict("stuck", "stuck:resmgr_reply:/dev/qxring") == "finding"
