"""Scenarios of tests/drivers/fbjob.c (a job queue written as an outside
FreeBSD driver: make_dev_s, a softc with an mtx, a cv, a callout, its own
taskqueue, kproc_kthread_add, uiomove, copyout, malloc(M_DEVBUF),
cpu_ticks, a sysctl) and of its bug twin fbjob_nowait (the unload ignores
callout_async_drain's 0 and frees the softc under a watchdog that is still
to run)."""
import errno
import os
import struct

import kernsim
from kernsim import build_driver, sys

_TEST_DRIVERS = os.path.join(os.path.dirname(build_driver.config()["driver_dir"]),
                             "test_drivers")


def mod(name="fbjob"):
    return os.path.join(_TEST_DRIVERS, name + ".so")


def _ioc(inout, num, size):
    return inout | ((size & 0x1FFF) << 16) | (ord("J") << 8) | num


IOC_VOID, IOC_OUT, IOC_IN = 0x20000000, 0x40000000, 0x80000000
JOB_WAIT = _ioc(IOC_IN | IOC_OUT, 1, 24)      # 4 ints, uint64_t
JOB_RESULTS = _ioc(IOC_IN | IOC_OUT, 2, 16)   # pointer, int (+pad)
JOB_ARM = _ioc(IOC_VOID, 3, 0)
JOB_DISARM = _ioc(IOC_VOID, 4, 0)
JOB_POLL = _ioc(IOC_IN, 5, 4)
MS = 1_000_000


def job_wait(fd, buf, count, timo):
    """(error, done, sum)"""
    yield sys.poke(buf, struct.pack("<iiiiQ", count, timo, -1, -1, 0))
    r = yield sys.ioctl(fd, JOB_WAIT, buf)
    assert r == 0, f"JOB_WAIT returned {r}"
    _, _, error, done, total = struct.unpack("<iiiiQ", (yield sys.peek(buf, 24)))
    return error, done, total


def _jobs(w):
    """Two writers queue three jobs each; a waiter waits for all six, two
    ticks at a time (EWOULDBLOCK: it asks again), then reads the per-job sums (copyout) and the
    summary (read(2))."""
    jobs = {"w1": [b"\x01\x02\x03", b"\x10" * 20, b"\xff"],
            "w2": [b"\x07" * 7, b"\x00\x01", b"\x80\x80"]}

    def writer(name):
        def body():
            fd = yield sys.open("/dev/fbjob", sys.O_RDWR)
            buf = yield sys.mmap(4096)
            for data in jobs[name]:
                yield sys.poke(buf, data)
                r = yield sys.write(fd, buf, len(data))
                assert r == len(data), f"{name}: write returned {r}"
            yield sys.close(fd)
        return body

    def waiter():
        fd = yield sys.open("/dev/fbjob", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        want = sum(sum(d) for v in jobs.values() for d in v)
        while True:
            error, done, total = yield from job_wait(fd, buf, 6, 2)
            assert error in (0, errno.EWOULDBLOCK), error
            if done == 6:   # (a timeout may come with the last job)
                break
            assert error == errno.EWOULDBLOCK, (error, done)
        assert (done, total) == (6, want), (done, total)
        yield sys.poke(buf, struct.pack("<Qi4x", buf + 1024, 8))
        assert (yield sys.ioctl(fd, JOB_RESULTS, buf)) == 0
        _, n = struct.unpack("<Qi4x", (yield sys.peek(buf, 16)))
        sums = struct.unpack(f"<{n}Q", (yield sys.peek(buf + 1024, 8 * n)))
        assert n == 6 and sorted(sums) == sorted(sum(d) for v in jobs.values() for d in v), sums
        r = yield sys.read(fd, buf + 2048, 64)
        assert (yield sys.peek(buf + 2048, r)) == f"done=6 sum={want}\n".encode(), r
        # a user pointer the copyout cannot write: EFAULT
        yield sys.poke(buf, struct.pack("<Qi4x", 16, 8))
        assert (yield sys.ioctl(fd, JOB_RESULTS, buf)) == -errno.EFAULT
        yield sys.close(fd)
    w.spawn("w1", writer("w1")())
    w.spawn("w2", writer("w2")())
    w.spawn("waiter", waiter())


def _wait_zero(w):
    """JOB_WAIT with timo 0 and no job: cv_timedwait of 0 ticks is one
    tick on FreeBSD (the timeout is armed whatever timo is; callout_when
    makes it a tick), so the wait ends with EWOULDBLOCK after 1 ms; it
    used to sleep for ever here (a stuck report on a correct driver)."""
    def body():
        fd = yield sys.open("/dev/fbjob", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        t0 = yield sys.gettime()
        error, done, _ = yield from job_wait(fd, buf, 1, 0)
        t1 = yield sys.gettime()
        assert (error, done) == (errno.EWOULDBLOCK, 0), (error, done)
        # a tick, and what the clock may run ahead of a runnable thread
        assert MS <= t1 - t0 < 10 * MS, t1 - t0
        yield sys.close(fd)
    w.spawn("t", body())


def _watchdog(w):
    """ARM, a few ticks, DISARM (callout_async_drain under the mutex: if
    the watchdog had fired and waits for the mutex, ARM is EBUSY until its
    drain function ran), ARM again; the unload drains the armed one."""
    def body():
        fd = yield sys.open("/dev/fbjob", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        assert (yield sys.ioctl(fd, JOB_ARM)) == 0
        assert (yield sys.ioctl(fd, JOB_ARM)) == -errno.EBUSY
        yield sys.poll(0, 0, 3)
        assert (yield sys.ioctl(fd, JOB_DISARM)) == 0
        while True:
            r = yield sys.ioctl(fd, JOB_ARM)
            if r == 0:
                break
            assert r == -errno.EBUSY, r
            yield sys.poll(0, 0, 1)
        yield sys.poke(buf, struct.pack("<i", 3))
        assert (yield sys.ioctl(fd, JOB_POLL, buf)) == 0
        yield sys.poll(0, 0, 2)
        yield sys.close(fd)
        assert (yield sys.modunload("fbjob")) == 0
    w.spawn("t", body())


def _unload_armed(w):
    """The watchdog armed and jobs queued as the module is unloaded: the
    unload waits for the drain function of a watchdog caught waiting for
    the mutex before it frees the softc."""
    def body():
        fd = yield sys.open("/dev/fbjob", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        assert (yield sys.ioctl(fd, JOB_ARM)) == 0
        yield sys.poke(buf, b"\x05\x06")
        assert (yield sys.write(fd, buf, 2)) == 2
        yield sys.close(fd)
        # wake with the watchdog's and the worker's tick: the unload may
        # take the mutex between the watchdog firing and its taking it
        yield sys.poll(0, 0, 1)
        assert (yield sys.modunload("fbjob")) == 0
    w.spawn("t", body())


def _poll_then_leave(w):
    """The worker polls every 5 ticks and the scenario ends with the module
    loaded: its timed sleeps, come due with nothing but daemons alive, are
    parked, the World quiesces and the teardown's MOD_UNLOAD stops it (the
    clock ran for ever before: a step-budget report)."""
    def body():
        fd = yield sys.open("/dev/fbjob", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, struct.pack("<i", 5))
        assert (yield sys.ioctl(fd, JOB_POLL, buf)) == 0
        yield sys.poll(0, 0, 12)
        yield sys.close(fd)
    w.spawn("t", body())


def _declare(body, name, module="fbjob"):
    return kernsim.scenario_of(body, mod(module), name)


jobs = _declare(_jobs, "jobs")
wait_zero = _declare(_wait_zero, "wait_zero")
watchdog = _declare(_watchdog, "watchdog")
unload_armed = _declare(_unload_armed, "unload_armed")
poll_then_leave = _declare(_poll_then_leave, "poll_then_leave")
unload_armed_nowait = _declare(_unload_armed, "unload_armed_nowait", "fbjob_nowait")
