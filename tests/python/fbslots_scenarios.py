"""Scenarios of tests/drivers/fbslots.c: sema_timedwait/sema_value,
alloc_unr64, cv_timedwait_sbt on the virtual clock, and make_dev_alias
(an open of /dev/slots is /dev/fbslots; destroy_dev of the parent takes
the alias with it)."""
import errno
import os
import struct

import kernsim
from kernsim import build_driver, sys

_TEST_DRIVERS = os.path.join(os.path.dirname(build_driver.config()["driver_dir"]),
                             "test_drivers")


def _iowr(group, num, size):
    return 0xC0000000 | (size << 16) | (ord(group) << 8) | num


def _io(group, num):
    return 0x20000000 | (ord(group) << 8) | num


TAKE = _iowr("S", 1, 24)        # struct fbslots_take: int, int, uint64_t, int (+pad)
GIVE = _io("S", 2)
WAIT = _iowr("S", 3, 24)        # struct fbslots_wait: 4 ints, int64_t
KICK = _io("S", 4)
NAME = 0x40000000 | (16 << 16) | (ord("S") << 8) | 5   # _IOR('S', 5, char[16])
UNALIAS = _io("S", 6)
POOL = 0x40000000 | (8 << 16) | (ord("S") << 8) | 7     # _IOR('S', 7, uint32_t[2])
NAP = 0x40000000 | (24 << 16) | (ord("S") << 8) | 8     # _IOR('S', 8, struct fbslots_wait)
MS = 1_000_000


def mod():
    return os.path.join(_TEST_DRIVERS, "fbslots.so")


def take(fd, buf, timo):
    """(took, ticket, value)"""
    yield sys.poke(buf, struct.pack("<iiQi4x", timo, -1, 0, -1))
    r = yield sys.ioctl(fd, TAKE, buf)
    assert r == 0, f"FBSLOTS_TAKE returned {r}"
    _, took, ticket, value = struct.unpack("<iiQi4x", (yield sys.peek(buf, 24)))
    return took, ticket, value


def wait(fd, buf, ms, absolute=False):
    """(error, waited_ns)"""
    yield sys.poke(buf, struct.pack("<iiiiq", ms, int(absolute), -1, 0, -1))
    r = yield sys.ioctl(fd, WAIT, buf)
    assert r == 0, f"FBSLOTS_WAIT returned {r}"
    _, _, error, _, waited = struct.unpack("<iiiiq", (yield sys.peek(buf, 24)))
    return error, waited


def name_of(fd, buf):
    assert (yield sys.ioctl(fd, NAME, buf)) == 0
    return (yield sys.peek(buf, 16)).split(b"\0")[0].decode()


def _slots(w):
    """Three takers of two slots. Every ticket is new (alloc_unr64), every
    successful take leaves the count a taker can see (sema_value, 0 or 1).
    The third taker waits 5 ticks at a time: either a giver posts within
    them and it takes the slot, or it gives up after at least 5 ms."""
    tickets = []

    def taker(name, path):
        def body():
            buf = yield sys.mmap(4096)
            fd = yield sys.open(path, sys.O_RDWR)
            assert fd >= 0, f"{name}: open {path}: {fd}"
            t0 = yield sys.gettime()
            took, ticket, value = yield from take(fd, buf, 5)
            t1 = yield sys.gettime()
            if took:
                assert ticket >= 1 and ticket not in tickets, (name, ticket, tickets)
                tickets.append(ticket)
                assert value in (0, 1), f"{name}: sema_value {value}"
                yield sys.ioctl(fd, GIVE)
            else:
                assert took == 0 and t1 - t0 >= 5 * MS, (name, took, t1 - t0)
            yield sys.close(fd)
        return body()
    # the alias opens the same cdev: the same semaphore and tickets
    w.spawn("a", taker("a", "/dev/fbslots"))
    w.spawn("b", taker("b", "/dev/slots"))
    w.spawn("c", taker("c", "/dev/fbslots"))


def _exhausted(w):
    """Both slots held and never given back: a third take of 3 ticks fails
    after 3 ms, not earlier, and a trywait-like take (timo 0) after one
    tick; the holders' sema_value went 1 then 0."""
    def body():
        buf = yield sys.mmap(4096)
        fd = yield sys.open("/dev/slots", sys.O_RDWR)
        assert fd >= 0
        assert (yield from take(fd, buf, 1)) == (1, 1, 1)
        assert (yield from take(fd, buf, 1)) == (1, 2, 0)
        t0 = yield sys.gettime()
        took, _, _ = yield from take(fd, buf, 3)
        t1 = yield sys.gettime()
        assert took == 0 and 3 * MS <= t1 - t0 < 4 * MS, (took, t1 - t0)
        took, _, _ = yield from take(fd, buf, 0)
        t2 = yield sys.gettime()
        assert took == 0 and MS <= t2 - t1 <= 2 * MS, (took, t2 - t1)
        yield sys.ioctl(fd, GIVE)
        assert (yield from take(fd, buf, 1)) == (1, 3, 0)
        yield sys.ioctl(fd, GIVE)
        yield sys.ioctl(fd, GIVE)
        yield sys.close(fd)
    w.spawn("t", body())


def _timed_wait(w):
    """cv_timedwait_sbt with nobody kicking answers EWOULDBLOCK at
    callout_when's deadline: SBT_1MS * 10 with C_HARDCLOCK after 10 ms
    (within a tick), 0 with C_HARDCLOCK after at most a tick, C_ABSOLUTE
    at the time given."""
    def alone():
        buf = yield sys.mmap(4096)
        fd = yield sys.open("/dev/fbslots", sys.O_RDWR)
        err, waited = yield from wait(fd, buf, 10)
        assert err == errno.EWOULDBLOCK, err
        assert 9 * MS < waited <= 11 * MS, waited
        # C_HARDCLOCK: a delay under one tick is one tick from the last
        # tick, never none
        err, waited = yield from wait(fd, buf, 0)
        assert err == errno.EWOULDBLOCK and 0 < waited <= MS, (err, waited)
        # C_ABSOLUTE: the time itself, 7 ms from the call (not from a
        # tick); one already past times out at once
        yield sys.gettime()
        err, waited = yield from wait(fd, buf, 7, absolute=True)
        assert err == errno.EWOULDBLOCK and abs(waited - 7 * MS) < 1000, (err, waited)
        err, waited = yield from wait(fd, buf, -3, absolute=True)
        assert err == errno.EWOULDBLOCK and waited < 1000, (err, waited)
        # tsleep_sbt (kern_synch.c's _sleep): the same deadline
        assert (yield sys.ioctl(fd, NAP, buf)) == 0
        _, _, err, _, waited = struct.unpack("<iiiiq", (yield sys.peek(buf, 24)))
        assert err == errno.EWOULDBLOCK and 0 < waited <= MS, (err, waited)
        yield sys.close(fd)
    w.spawn("alone", alone())


def _kicked(w, expect_kick=0):
    """A waiter of at most 1 s and a kicker. A user thread may be held off
    between its system calls while virtual time moves on (the scheduler
    may pick the clock over it), so the wait may run out before any kick:
    then it took its whole second; else a kick ended it early.
    expect_kick=1: a schedule that runs the kicker promptly (round robin)
    must see the kick."""
    done = []

    def waiter():
        buf = yield sys.mmap(4096)
        fd = yield sys.open("/dev/slots", sys.O_RDWR)
        err, waited = yield from wait(fd, buf, 1000)
        # (not bounded above: the timed-out waiter may wait for the pool
        # mutex while the kicker holds it and the clock moves on)
        assert err == 0 or (err == errno.EWOULDBLOCK and waited > 998 * MS), (err, waited)
        assert err == 0 or not expect_kick, (err, waited)
        done.append(1)
        yield sys.close(fd)

    def kicker():
        fd = yield sys.open("/dev/fbslots", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        while not done:
            yield sys.ioctl(fd, KICK)
            yield from wait(fd, buf, 5)
        yield sys.close(fd)
    w.spawn("waiter", waiter())
    w.spawn("kicker", kicker())


def _alias(w):
    """Both names open the one cdev (d_ioctl's dev is /dev/fbslots's);
    destroy_dev of the alias removes that name only; after the module is
    unloaded (destroy_dev of the parent) neither name is there."""
    def body():
        buf = yield sys.mmap(4096)
        fa = yield sys.open("/dev/slots", sys.O_RDWR)
        fp = yield sys.open("/dev/fbslots", sys.O_RDWR)
        assert fa >= 0 and fp >= 0, (fa, fp)
        assert (yield from name_of(fa, buf)) == "fbslots"
        assert (yield from name_of(fp, buf)) == "fbslots"
        yield sys.close(fa)
        yield sys.close(fp)
    w.spawn("t", body())


def _alias_gone(w):
    def body():
        buf = yield sys.mmap(4096)
        fp = yield sys.open("/dev/fbslots", sys.O_RDWR)
        assert (yield sys.ioctl(fp, UNALIAS)) == 0
        r = yield sys.open("/dev/slots", sys.O_RDWR)
        assert r == -errno.ENOENT, r
        assert (yield from name_of(fp, buf)) == "fbslots"
        yield sys.close(fp)
    w.spawn("t", body())


def _unload(w):
    def body():
        fa = yield sys.open("/dev/slots", sys.O_RDWR)
        assert fa >= 0, fa
        yield sys.close(fa)
        assert (yield sys.modunload("fbslots")) == 0
        for path in ("/dev/slots", "/dev/fbslots"):
            r = yield sys.open(path, sys.O_RDWR)
            assert r == -errno.ENOENT, f"{path} after kldunload: {r}"
    w.spawn("t", body())


def _pool(w):
    """FBSLOTS_POOL's masks (the driver prints them on the console too,
    for a test to compare between processes: a module's load address
    differs between them)."""
    def body():
        buf = yield sys.mmap(4096)
        fd = yield sys.open("/dev/fbslots", sys.O_RDWR)
        assert (yield sys.ioctl(fd, POOL, buf)) == 0
        statics, bufs = struct.unpack("<II", (yield sys.peek(buf, 8)))
        # each object shares the first one's mutex with it, and with 16
        # objects over 4 mutexes some other does too
        assert statics & 1 and bufs & 1 and statics != 1 and bufs != 1, (statics, bufs)
        assert statics != 0xffff or bufs != 0xffff, (statics, bufs)
        yield sys.close(fd)
    w.spawn("t", body())


def _declare(body, name, ranges=None):
    return kernsim.scenario_of(body, mod(), name, ranges=ranges)


slots = _declare(_slots, "slots")
exhausted = _declare(_exhausted, "exhausted")
timed_wait = _declare(_timed_wait, "timed_wait")
kicked = _declare(_kicked, "kicked", ranges={"expect_kick": (0, 1)})
alias = _declare(_alias, "alias")
alias_gone = _declare(_alias_gone, "alias_gone")
unload = _declare(_unload, "unload")
pool = _declare(_pool, "pool")
