"""A QNX client that dies mid-request (tests/drivers/qxdead.c, a job
server written from QNX's guides: a worker thread replies later, per-client
state in an extended OCB, io_close_dup and io_close_ocb, a
pthread_cond_timedwait on CLOCK_MONOTONIC).

What the probe found (DESIGN.md, "QNX resource managers and message
passing"): a killed client's files were closed only at the end of the run,
so a server never saw a client die while it still served others (on QNX
the kernel detaches a dead process's connections and the resource
manager's library closes their OCBs then: close_dup, then close_ocb);
SIGKILL killed only the thread it named, whose Program went on;
io_close_dup was never called (the close message ran close_ocb under the
OCB's lock, where QNX runs close_dup unlocked);
pthread_cond_timedwait and pthread_condattr_setclock did not exist; the
fuzzer sent no signals."""
import os
import shutil
import subprocess
import sys

import pytest

import kernsim
from kernsim import _core, build_driver, fuzz_desc, fuzz_engine, repro
from kernsim import kernsim_pb2 as pb
from kernsim import sys as sys_

import qxdead_scenarios as qd

_HERE = os.path.dirname(__file__)
_TEST_DRIVERS = os.path.join(os.path.dirname(build_driver.config()["driver_dir"]),
                             "test_drivers")


def test_it_builds_outside_the_tree_with_one_command(root, tmp_path):
    """`kernsim build-driver` on the bare source, as an outsider would: no
    error, no warning (pthread_condattr_*, io_close_t in close_dup's
    prototype); its twins too."""
    shutil.copy(os.path.join(root, "tests", "drivers", "qxdead.c"), tmp_path / "qxdead.c")
    for define in (None, "QD_BUG_CLOSE_NO_WAIT", "QD_BUG_REPLY_ASSERT"):
        args = ["build-driver", "--personality", "qnx", "-o", f"build/{define or 'qxdead'}.so"]
        if define:
            args += ["-D", define]
        env = dict(os.environ)
        env.pop("KERNSIM_ROOT", None)
        r = subprocess.run([sys.executable, "-m", "kernsim", *args, "qxdead.c"], cwd=tmp_path,
                           capture_output=True, text=True, timeout=300, env=env)
        assert r.returncode == 0, r.stderr
        assert "warning" not in r.stderr, r.stderr


_CLOCKS = r"""
#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <time.h>
#include <sys/iofunc.h>
#include <sys/dispatch.h>
#include <sys/kernsim.h>

static pthread_mutex_t m;
static pthread_cond_t mono, real;

static long long ns(const struct timespec *t) { return t->tv_sec * 1000000000LL + t->tv_nsec; }

static int start(void) {
	pthread_condattr_t a;
	clockid_t c;
	struct timespec t0, t1, at;

	pthread_mutex_init(&m, NULL);
	assert(pthread_condattr_init(&a) == EOK);
	assert(pthread_condattr_getclock(&a, &c) == EOK && c == CLOCK_REALTIME);
	assert(pthread_condattr_setclock(&a, CLOCK_PROCESS_CPUTIME_ID) == EINVAL);
	assert(pthread_condattr_setclock(&a, CLOCK_MONOTONIC) == EOK);
	assert(pthread_condattr_getclock(&a, &c) == EOK && c == CLOCK_MONOTONIC);
	pthread_cond_init(&mono, &a);
	pthread_condattr_destroy(&a);
	pthread_cond_init(&real, NULL);

	pthread_mutex_lock(&m);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	at = t0;
	at.tv_nsec += 3000000;		/* 3 ms on the monotonic clock */
	if (at.tv_nsec >= 1000000000) { at.tv_sec++; at.tv_nsec -= 1000000000; }
	assert(pthread_cond_timedwait(&mono, &m, &at) == ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert(ns(&t1) - ns(&t0) >= 3000000);
	/* already past: at once */
	assert(pthread_cond_timedwait(&mono, &m, &t0) == ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &at);
	assert(ns(&at) == ns(&t1));
	at.tv_nsec = 1000000000;
	assert(pthread_cond_timedwait(&mono, &m, &at) == EINVAL);
	/* the default clock is the date: a monotonic abstime is long past */
	assert(pthread_cond_timedwait(&real, &m, &t1) == ETIMEDOUT);
	clock_gettime(CLOCK_REALTIME, &at);
	at.tv_nsec += 2000000;
	if (at.tv_nsec >= 1000000000) { at.tv_sec++; at.tv_nsec -= 1000000000; }
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert(pthread_cond_timedwait(&real, &m, &at) == ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert(ns(&t1) - ns(&t0) >= 2000000);
	pthread_mutex_unlock(&m);
	return EOK;
}
static int stop(void) { return EOK; }
KS_QNX_DRIVER(qxclock, NULL, start, stop);
"""


def test_a_condvar_s_clock_and_timed_wait(tmp_path):
    """pthread_condattr_setclock/getclock (CLOCK_MONOTONIC accepted, a
    CPU-time clock EINVAL), pthread_cond_timedwait on each clock (ETIMEDOUT
    after the virtual time, at once for an abstime already past, EINVAL for
    a bad timespec): a resource manager's start that asserts each builds
    with no warning and boots (a failed one is the boot's panic)."""
    (tmp_path / "qxclock.c").write_text(_CLOCKS)
    env = dict(os.environ)
    env.pop("KERNSIM_ROOT", None)
    r = subprocess.run([sys.executable, "-m", "kernsim", "build-driver", "--personality", "qnx",
                        "-o", "qxclock.so", "qxclock.c"], cwd=tmp_path, capture_output=True,
                       text=True, timeout=300, env=env)
    assert r.returncode == 0 and "warning" not in r.stderr, r.stderr

    def body(w):
        def t():
            yield sys_.gettime()
        w.spawn("t", t())
    scn = kernsim.scenario_of(body, str(tmp_path / "qxclock.so"), "clocks")
    res = kernsim.explore(scn, strategy="random", runs=3, seed=0)
    assert res.failure is None, f"{res.failure}\n{res.failure and res.failure.message}"


@pytest.mark.parametrize("strategy", ["random", "pct"])
@pytest.mark.parametrize("name", qd.CORRECT)
def test_the_correct_server_copes_with_dying_clients(name, strategy):
    r = kernsim.explore(qd.make(name), strategy=strategy, runs=1000, seed=5)
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"


def test_the_deaths_that_matter_are_among_the_runs():
    """Each scenario accepts every outcome a delayed thread may give; these
    are the ones it exists for, each reached: a worker's reply to a client
    already dead, a queued job a dying client's close cancelled (and one the
    worker answered to no one), a queued job a close() cancelled, a timed
    wait an ABORT cut short."""
    qd.SEEN.clear()
    for name in qd.CORRECT:
        for strategy in ("pct", "random"):
            r = kernsim.explore(qd.make(name), strategy=strategy, runs=500, seed=9)
            assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"
    assert "dead_reply" in qd.SEEN["killed_mid_job"], qd.SEEN
    assert any(c for c, _ in qd.SEEN["killed_with_queued_jobs"]), qd.SEEN
    assert any(d for _, d in qd.SEEN["killed_with_queued_jobs"]), qd.SEEN
    assert "cancelled" in qd.SEEN["close_cancels_queued_job"], qd.SEEN
    assert "aborted_early" in qd.SEEN["job_times_out_or_aborts"], qd.SEEN


@pytest.mark.parametrize("name", ["killed_mid_job", "killed_with_queued_jobs"])
def test_the_correct_server_has_no_data_race(name):
    """The disconnect pulse, the library's close, the worker (a condvar, a
    timed wait) and MsgReply to a dead client order every access."""
    r = kernsim.explore(qd.RACES[name], strategy="pct", runs=300, seed=3, detect_races=True)
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"


# twin scenario: failure kind, signature prefix, a word of its message
BUGS = {
    "killed_mid_job_close_no_wait": ("memory", "modified_after_free:", "write after free"),
    "killed_mid_job_reply_assert": ("panic", "assert:reply_job:", "rc == 0"),
}


@pytest.mark.parametrize("name", sorted(BUGS))
def test_each_bug_twin_is_found_and_replays(name, tmp_path):
    kind, sig, word = BUGS[name]
    r = kernsim.explore(getattr(qd, name), strategy="pct", runs=500, seed=0)
    assert r.failure is not None, f"{name}: not found"
    assert r.failure.kind == kind and r.failure.signature.startswith(sig), \
        (r.failure.kind, r.failure.signature, r.failure.message)
    assert word in r.failure.message, r.failure.message
    path = str(tmp_path / f"{name}.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    rep = kernsim.replay(path)
    assert rep.matched, rep.mismatches
    p = subprocess.run([sys.executable, "-m", "kernsim", "replay", path], capture_output=True,
                       text=True, timeout=300)
    assert p.returncode == 0 and "MATCH" in p.stdout, p.stdout + p.stderr


def test_a_killed_program_thread_makes_no_further_call_and_its_files_close_at_once():
    """The kill op: SIGKILL ends the victim's Program at the call it is in
    (its next call, which expects what it cannot get, is never made) and
    its process's open is closed at its death, so 30 ms later the server
    counts one open, the watcher's (a peek_int with expect=1)."""
    for strategy in ("pct", "random"):
        r = kernsim.explore(qd.killed_program, strategy=strategy, runs=500, seed=2)
        assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"


def test_with_signals_the_fuzzer_kills_clients_mid_job(tmp_path, monkeypatch):
    """qxdead's description says `signals: true`: the fuzzer sends SIGINT
    and SIGKILL (t2 alone in its process). On the correct server a
    campaign finds nothing; on the twin whose close_ocb frees the OCB the
    worker still credits it finds the write after free, with a kill in the
    repro, which replays."""
    monkeypatch.setenv("KERNSIM_DRIVER_PATH", _TEST_DRIVERS)
    desc = fuzz_desc.load(os.path.join(_HERE, "..", "drivers", "qxdead.ioctl.txtpb"))
    assert desc.signals
    fz = fuzz_engine.Fuzzer(desc, "none", seed=1, out_dir=str(tmp_path / "ok"))
    fz.run(executions=30000)
    assert not fz.findings, list(fz.findings)
    desc.driver = "qxdead_close_no_wait"
    fz = fuzz_engine.Fuzzer(desc, "none", seed=0, out_dir=str(tmp_path / "twin"))
    fz.run(executions=50000, stop_on_find=True)
    assert fz.findings, fz.stats
    for f in fz.findings.values():
        assert f.replayed, f
        r = repro.load(f.repro_path)
        kills = [c for t in r.program.thread for c in t.call if c.op == "kill"]
        assert any(c.arg[0].value == 9 for c in kills), f


@pytest.mark.parametrize("driver", ["qxring", "qnx_devctl"])
def test_signals_on_a_correct_server_give_nothing(driver, tmp_path, monkeypatch):
    """The fuzzer's SIGINT reaches a reader REPLY-blocked on qxring's empty
    ring (its io_unblock answers EINTR), its SIGKILL kills a client in any
    call: no finding. A read nothing feeds is still the program's own wait
    (stuck:resmgr_reply_sig, ignored), signals or not."""
    monkeypatch.setenv("KERNSIM_DRIVER_PATH", _TEST_DRIVERS)
    where = os.path.join(_HERE, "..", "drivers") if driver == "qxring" else \
        os.path.join(_HERE, "..", "..", "drivers", driver)
    desc = fuzz_desc.load(os.path.join(where, f"{driver}.ioctl.txtpb"))
    desc.signals = True
    fz = fuzz_engine.Fuzzer(desc, "none", seed=2, out_dir=str(tmp_path))
    fz.run(executions=30000)
    assert not fz.findings, list(fz.findings)
    assert _core.fuzz_verdict("stuck", "stuck:resmgr_reply_sig:/dev/qxring") == "ignored"


def _decoded_programs(path, n=300):
    desc = fuzz_desc.load(path)
    g = _core.FuzzGenerator(desc.SerializeToString(), "none", 7)
    for _ in range(n):
        prog = pb.Program()
        prog.ParseFromString(g.decode(g.generate())[0])
        yield desc, prog


def test_signals_decode_into_kills_and_a_killable_process():
    """With signals: SIGINT to another thread, SIGKILL only to t2, whose
    process is its own; without (qxring's description, the default) no
    kill op and only the process "user", as before the option."""
    sigs = set()
    for desc, prog in _decoded_programs(os.path.join(_HERE, "..", "drivers",
                                                     "qxdead.ioctl.txtpb")):
        assert desc.signals
        procs = {t.name: t.proc for t in prog.thread}
        assert all(p == ("client2" if n == "t2" else "user") for n, p in procs.items()), procs
        for t in prog.thread:
            for c in t.call:
                if c.op == "kill":
                    sigs.add(c.arg[0].value)
                    assert c.path != t.name, (t.name, c)
                    assert c.arg[0].value == 2 or c.path == "t2", c
    assert sigs == {2, 9}, sigs
    for desc, prog in _decoded_programs(os.path.join(_HERE, "..", "drivers",
                                                     "qxring.ioctl.txtpb")):
        assert not desc.signals
        assert [p.name for p in prog.proc] == ["user"]
        assert not [c for t in prog.thread for c in t.call if c.op == "kill"]
