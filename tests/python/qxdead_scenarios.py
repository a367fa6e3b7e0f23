"""Scenarios of tests/drivers/qxdead.c, a QNX job server written from the
QNX guides: a JOB devctl stays REPLY-blocked until the server's worker
thread replies (after a pthread_cond_timedwait on CLOCK_MONOTONIC); its
io_close_dup answers an OCB's queued jobs; its io_close_ocb waits for the
worker to be done with the OCB. The clients die mid-request (SIGKILL: the
whole process), and the server must see their closes then, not at the end
of the run. Each scenario names the module by path: the correct build, or
a bug twin's (`twin(...)`)."""
import collections
import os
import struct

import kernsim
from kernsim import build_driver, sys
from kernsim import kernsim_pb2 as pb

_DIR = os.path.join(os.path.dirname(build_driver.config()["driver_dir"]), "test_drivers")
QXDEAD = os.path.join(_DIR, "qxdead.so")
DEV = "/dev/qxdead"

# qxdead.c's dcmds: _DCMD_MISC (5) << 8 | command, the data size << 16
JOB = 0xC0100550           # __DIOTF: struct qd_job (value, ms, result)
STATS = 0x40200551         # __DIOF: struct qd_stats
ABORT = 0x00000552         # __DION
SYNC = 0x40080553          # __DIOF: uint64_t
JOB_S = struct.Struct("<IIQ")
STATS_S = struct.Struct("<8I")
FIELDS = ("opens", "queued", "started", "done", "cancelled", "dead_replies", "aborted",
          "close_dups")
MS = 1000000


def twin(name):
    return os.path.join(_DIR, name + ".so")


def stats(fd, buf):
    r = yield sys.ioctl(fd, STATS, buf)
    assert r == 0, f"STATS returned {r}"
    return dict(zip(FIELDS, STATS_S.unpack((yield sys.peek(buf, STATS_S.size)))))


def job(fd, buf, value, ms):
    """(the devctl's result, the job's result field)"""
    yield sys.poke(buf, JOB_S.pack(value, ms, 0))
    r = yield sys.ioctl(fd, JOB, buf)
    return r, JOB_S.unpack((yield sys.peek(buf, JOB_S.size)))[2]


def nap():
    """A millisecond of virtual time (poll of no descriptors)."""
    yield sys.poll(0, 0, 1)


def wait_until(fd, buf, cond, what, tries=400):
    """Polls STATS until cond(stats); a bounded wait, so a close that never
    reaches the server is this scenario's finding, not a hang."""
    for _ in range(tries):
        st = yield from stats(fd, buf)
        if cond(st):
            return st
        yield from nap()
    raise AssertionError(f"never {what}: {st}")


# What the runs of one process saw, by scenario: a test checks that the
# interesting interleaving (a job cut off by its client's death, a queued
# job a close cancelled) was among them. Any thread may be delayed for any
# virtual time, so each scenario accepts every outcome a real system
# could give and checks each one's own consequences.
SEEN = collections.defaultdict(set)


def linger():
    """A victim's thread after its request: naps until it is killed (its
    process's death ends it), or gives up."""
    for _ in range(1000):
        yield from nap()


def _killed_mid_job(w):
    """A client is killed while the worker runs its job (or, delayed, once
    it got its answer): its open is closed at its death (close_dup, then
    close_ocb once the worker is done with the OCB), not at the end of the
    run; a reply after its death finds no one (ESRCH, counted) and the
    server goes on serving the watcher."""
    w.proc("victim", uid=100)

    def victim():
        fd = yield sys.open(DEV, sys.O_RDWR)
        buf = yield sys.mmap(4096)
        r, total = yield from job(fd, buf, 5, 5)
        assert (r, total) == (0, 5), (r, total)  # answered before it died
        yield from linger()

    def watcher():
        fd = yield sys.open(DEV, sys.O_RDWR)
        buf = yield sys.mmap(4096)
        yield from wait_until(fd, buf, lambda s: s["started"] >= 1, "the victim's job started")
        assert (yield sys.kill("victim", sys.SIGKILL)) == 0
        yield from wait_until(fd, buf, lambda s: s["opens"] == 1, "the victim's open closed")
        r, total = yield from job(fd, buf, 3, 1)
        assert (r, total) == (0, 3), (r, total)   # its own OCB's total
        st = yield from stats(fd, buf)
        # the worker answered the victim's job before the watcher's
        assert st["dead_replies"] <= 1 and st["done"] == 2 and st["cancelled"] == 0, st
        assert st["close_dups"] == 1, st
        SEEN["killed_mid_job"].add("dead_reply" if st["dead_replies"] else "answered")
        assert (yield sys.close(fd)) == 0

    w.spawn("victim", victim(), proc="victim")
    w.spawn("watcher", watcher())


def _killed_with_queued_jobs(w):
    """Two threads of one process each wait for a job; SIGKILL kills both
    (one process), whose two opens close in descriptor order: the job still
    queued is answered by close_dup (EBADF, to no one), the one the worker
    runs is answered to no one: either way each is counted once."""
    w.proc("victim", uid=100)

    def vthread(name):
        def body():
            fd = yield sys.open(DEV, sys.O_RDWR)
            buf = yield sys.mmap(4096)
            r, total = yield from job(fd, buf, 1, 20)
            assert (r, total) == (0, 1), (name, r, total)
            yield from linger()
        return body()

    def watcher():
        fd = yield sys.open(DEV, sys.O_RDWR)
        buf = yield sys.mmap(4096)
        yield from wait_until(fd, buf, lambda s: s["started"] + s["queued"] >= 2,
                              "both jobs in the server")
        assert (yield sys.kill("v1", sys.SIGKILL)) == 0
        yield from wait_until(fd, buf, lambda s: s["opens"] == 1, "both victims' opens closed")
        r, total = yield from job(fd, buf, 7, 1)
        assert (r, total) == (0, 7), (r, total)
        st = yield from stats(fd, buf)
        # each victim job counted once: answered, answered to no one, or cancelled
        assert st["cancelled"] + st["done"] == 3 and st["dead_replies"] <= 2, st
        assert st["close_dups"] == 2 and st["started"] == st["done"], st
        SEEN["killed_with_queued_jobs"].add((st["cancelled"], st["dead_replies"]))
        assert (yield sys.close(fd)) == 0

    w.spawn("v0", vthread("v0"), proc="victim")
    w.spawn("v1", vthread("v1"), proc="victim")
    w.spawn("watcher", watcher())


def _killed_in_sync_handler(w):
    """A client killed at any point of its SYNC (2 ms in the pool thread's
    handler): the close its death makes waits for that handler, whose reply
    then finds no one; nothing else changes."""
    w.proc("victim", uid=100)

    def victim():
        fd = yield sys.open(DEV, sys.O_RDWR)
        buf = yield sys.mmap(4096)
        yield from job(fd, buf, 2, 0)
        r = yield sys.ioctl(fd, SYNC, buf)
        assert r == 0, r
        yield from linger()

    def watcher():
        fd = yield sys.open(DEV, sys.O_RDWR)
        buf = yield sys.mmap(4096)
        yield from wait_until(fd, buf, lambda s: s["done"] >= 1, "the victim's first job done")
        assert (yield sys.kill("victim", sys.SIGKILL)) == 0
        st = yield from wait_until(fd, buf, lambda s: s["opens"] == 1, "the victim's open closed")
        assert st["close_dups"] == 1, st
        assert (yield sys.close(fd)) == 0

    w.spawn("victim", victim(), proc="victim")
    w.spawn("watcher", watcher())


def _close_cancels_queued_job(w):
    """One thread's job runs, another's waits behind it on the same open;
    a third thread closes that open: close_dup answers the queued job EBADF
    at once, and the running one ends normally (close_ocb waits for it)."""
    fds = {}

    def running():
        fd = yield sys.open(DEV, sys.O_RDWR)
        fds["fd"] = fd
        buf = yield sys.mmap(4096)
        r, total = yield from job(fd, buf, 4, 10)
        assert (r, total) == (0, 4), (r, total)

    def queued():
        buf = yield sys.mmap(4096)
        while "fd" not in fds:
            yield from nap()
        yield from wait_until(fds["fd"], buf, lambda s: s["started"] >= 1, "the first job started")
        r, total = yield from job(fds["fd"], buf, 8, 10)
        # queued behind the first, the close cancels it; a close delayed
        # past the first job's end finds it running, and it ends normally
        assert r == -sys.EBADF or (r, total) == (0, 12), (r, total)
        fds["queued"] = r

    def closer():
        fd = yield sys.open(DEV, sys.O_RDONLY)
        buf = yield sys.mmap(4096)
        yield from wait_until(fd, buf, lambda s: s["started"] + s["queued"] >= 2,
                              "the second job in the server")
        assert (yield sys.close(fds["fd"])) == 0
        st = yield from wait_until(fd, buf, lambda s: s["opens"] == 1, "the closed OCB freed")
        assert st["cancelled"] + st["done"] == 2 and st["cancelled"] <= 1, st
        SEEN["close_cancels_queued_job"].add("cancelled" if st["cancelled"] else "ran")
        assert (yield sys.close(fd)) == 0

    w.spawn("running", running())
    w.spawn("queued", queued())
    w.spawn("closer", closer())


def _job_times_out_or_aborts(w):
    """The worker's wait is a pthread_cond_timedwait on CLOCK_MONOTONIC: a
    5 ms job takes 5 ms of virtual time; a 500 ms one another client's
    ABORT cuts short (its ret_val 1) well before its time."""
    def quick():
        fd = yield sys.open(DEV, sys.O_RDWR)
        buf = yield sys.mmap(4096)
        t0 = yield sys.gettime()
        r, total = yield from job(fd, buf, 1, 5)
        t1 = yield sys.gettime()
        assert (r, total) == (0, 1) and t1 - t0 >= 5 * MS, (r, total, t1 - t0)
        t0 = t1
        r, total = yield from job(fd, buf, 1, 500)
        t1 = yield sys.gettime()
        # cut short; or the ABORT came as the wait timed out (the worker
        # sees it on retaking its lock); or, delayed past it, it found no job
        assert (r, total) in ((1, 2), (0, 2)), (r, total)
        assert r == 1 or t1 - t0 >= 500 * MS, (r, t1 - t0)
        SEEN["job_times_out_or_aborts"].add(
            "aborted_early" if r == 1 and t1 - t0 < 500 * MS else "late")
        assert (yield sys.close(fd)) == 0

    def aborter():
        fd = yield sys.open(DEV, sys.O_RDWR)
        buf = yield sys.mmap(4096)
        yield from wait_until(fd, buf, lambda s: s["started"] >= 2, "the long job started")
        assert (yield sys.ioctl(fd, ABORT, 0)) == 0
        assert (yield sys.close(fd)) == 0

    w.spawn("quick", quick())
    w.spawn("aborter", aborter())


QXRING = os.path.join(_DIR, "qxring.so")
QXRING_GETSTATS = 0x40280540   # qxring.c's struct qx_stats: opens at offset 8


@kernsim.program_scenario(driver=QXRING)
def killed_program():
    """The kill op in a Program: the victim (a process of its own) blocks
    in a read of qxring's empty ring, which only its death ends, then has a
    call that fails its expectation if it is ever made. The watcher kills
    it, waits 30 ms and reads the server's open count: its own alone, the
    victim's closed at its death (qxring's io_close_ocb)."""
    call = kernsim.program_call
    prog = pb.Program()
    prog.proc.add(name="user")
    prog.proc.add(name="victim")
    v = prog.thread.add(name="victim", proc="victim")
    call(v, "open", sys.O_RDONLY, path="/dev/qxring", out="vfd", expect=None)
    call(v, "mmap", 4096, 3, out="vbuf")
    call(v, "read", "vfd", "vbuf", 16)
    call(v, "ioctl", "vfd", QXRING_GETSTATS, "vbuf", expect=12345)  # never made
    t = prog.thread.add(name="watcher", proc="user")
    call(t, "open", sys.O_RDWR, path="/dev/qxring", out="fd", expect=None)
    call(t, "mmap", 4096, 3, out="buf")
    call(t, "kill", sys.SIGKILL, path="victim", expect=0)
    for _ in range(30):
        call(t, "poll", 0, 0, 1)
    call(t, "ioctl", "fd", QXRING_GETSTATS, "buf", expect=0)
    call(t, "peek_int", ("buf", 8), 4, out="opens", expect=1)
    call(t, "close", "fd", expect=0)
    return prog


BODIES = {
    "killed_mid_job": _killed_mid_job,
    "killed_with_queued_jobs": _killed_with_queued_jobs,
    "killed_in_sync_handler": _killed_in_sync_handler,
    "close_cancels_queued_job": _close_cancels_queued_job,
    "job_times_out_or_aborts": _job_times_out_or_aborts,
}
CORRECT = sorted(BODIES)


def make(name, module=QXDEAD):
    return kernsim.scenario_of(BODIES[name], module, name)


# the correct build's scenarios, for `kernsim explore this.py:NAME`
for _n in BODIES:
    globals()[_n] = make(_n)

# QD_BUG_CLOSE_NO_WAIT: close_ocb frees the OCB the worker still credits
killed_mid_job_close_no_wait = kernsim.scenario_of(
    _killed_mid_job, twin("qxdead_close_no_wait"), "killed_mid_job_close_no_wait")
# QD_BUG_REPLY_ASSERT: the worker asserts its reply to a dead client worked
killed_mid_job_reply_assert = kernsim.scenario_of(
    _killed_mid_job, twin("qxdead_reply_assert"), "killed_mid_job_reply_assert")

# the race-instrumented build, for detect_races
RACES = {n: kernsim.scenario_of(BODIES[n], os.path.join(_DIR, "race", "qxdead.so"),
                                n + "_race") for n in BODIES}
globals().update({s.name: s for s in RACES.values()})
