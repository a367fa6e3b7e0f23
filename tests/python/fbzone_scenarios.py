"""Scenarios of tests/drivers/fbzone.c (per-open item pools written as an
outside FreeBSD driver: uma zone with ctor/dtor, timeout tasks on its own
taskqueue, a knlist per open, dynamic sysctls, sbuf, unr, an rmlock,
cdevpriv) and of its bug twin fbzone_nodrain (the per-open destructor
cancels the expiry without draining it)."""
import errno
import os
import struct

import kernsim
from kernsim import build_driver, sys

_TEST_DRIVERS = os.path.join(os.path.dirname(build_driver.config()["driver_dir"]),
                             "test_drivers")


def mod(name="fbzone"):
    return os.path.join(_TEST_DRIVERS, name + ".so")


def _ioc(inout, num, size):
    return inout | ((size & 0x1FFF) << 16) | (ord("Z") << 8) | num


IOC_OUT, IOC_IN = 0x40000000, 0x80000000
ZONE_ALLOC = _ioc(IOC_IN | IOC_OUT, 1, 16)
ZONE_FREE = _ioc(IOC_IN, 2, 4)
ZONE_EXPIRE = _ioc(IOC_IN, 3, 4)
ZONE_STATS = _ioc(IOC_OUT, 4, 16)
ZONE_REPORT = _ioc(IOC_IN | IOC_OUT, 5, 16)
ZONE_SETMAX = _ioc(IOC_IN, 6, 4)
ZA_NOWAIT = 1
EVENTS = 1024   # where _kevent puts the event list, from its buffer


def alloc(fd, buf, tag, flags=0):
    """(result, id)"""
    yield sys.poke(buf, struct.pack("<IIII", tag, flags, 0, 0))
    r = yield sys.ioctl(fd, ZONE_ALLOC, buf)
    return r, struct.unpack("<IIII", (yield sys.peek(buf, 16)))[2]


def stats(fd, buf):
    """(unit, items, expired, max)"""
    assert (yield sys.ioctl(fd, ZONE_STATS, buf)) == 0
    return struct.unpack("<iiii", (yield sys.peek(buf, 16)))


def expire(fd, buf, ticks):
    yield sys.poke(buf, struct.pack("<i", ticks))
    return (yield sys.ioctl(fd, ZONE_EXPIRE, buf))


def _kevent(kq, buf, changes, nevents, timeout):
    """(n, events)"""
    if changes:
        yield sys.poke(buf, sys.kevents(*changes))
    n = yield sys.kevent(kq, buf, len(changes), buf + EVENTS, nevents, timeout)
    evs = []
    if n > 0:
        data = yield sys.peek(buf + EVENTS, n * sys.KEVENT_SIZE)
        evs = [sys.kevent_at(data, i) for i in range(n)]
    return n, evs


def _items(w):
    """One open: allocations (both flags), the limit, a report, a free, a
    read; a second open gets another unit and its own ids."""
    def body():
        fd = yield sys.open("/dev/fbzone", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        ids = []
        for tag, flags in ((7, 0), (8, ZA_NOWAIT), (9, 0)):
            r, i = yield from alloc(fd, buf, tag, flags)
            assert r == 0, r
            ids.append(i)
        assert ids == [1, 2, 3], ids
        r, _ = yield from alloc(fd, buf, 1, 4)
        assert r == -errno.EINVAL, r
        yield sys.poke(buf, struct.pack("<i", 4))
        assert (yield sys.ioctl(fd, ZONE_SETMAX, buf)) == 0
        r, _ = yield from alloc(fd, buf, 10)
        assert r == 0, r
        r, _ = yield from alloc(fd, buf, 11)
        assert r == -errno.ENOSPC, r
        # the report: "id tag" lines; too small a buffer is ENOMEM
        yield sys.poke(buf, struct.pack("<QQ", buf + 2048, 256))
        assert (yield sys.ioctl(fd, ZONE_REPORT, buf)) == 0
        n = struct.unpack("<QQ", (yield sys.peek(buf, 16)))[1]
        text = (yield sys.peek(buf + 2048, n))
        assert text == b"1 7\n2 8\n3 9\n4 10\n\0", text
        yield sys.poke(buf, struct.pack("<QQ", buf + 2048, 5))
        assert (yield sys.ioctl(fd, ZONE_REPORT, buf)) == -errno.ENOMEM
        yield sys.poke(buf, struct.pack("<I", 2))
        assert (yield sys.ioctl(fd, ZONE_FREE, buf)) == 0
        assert (yield sys.ioctl(fd, ZONE_FREE, buf)) == -errno.ENOENT
        fd2 = yield sys.open("/dev/fbzone", sys.O_RDWR)
        u1 = (yield from stats(fd, buf))
        u2 = (yield from stats(fd2, buf))
        assert u1 == (0, 3, 0, 4) and u2 == (1, 0, 0, 4), (u1, u2)
        r, i = yield from alloc(fd2, buf, 5)
        assert (r, i) == (0, 1), (r, i)
        r = yield sys.read(fd, buf + 1024, 80)
        assert (yield sys.peek(buf + 1024, r)) == b"unit=0 items=3 expired=0\n"
        yield sys.close(fd2)
        yield sys.close(fd)
    w.spawn("t", body())


def _expire_kevent(w):
    """A reader waits in kevent for the expiry another thread arms: it
    hears of every item of the open gone."""
    def setup():
        fd = yield sys.open("/dev/fbzone", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        for tag in (1, 2):
            r, _ = yield from alloc(fd, buf, tag)
            assert r == 0, r
        kq = yield sys.kqueue()
        n, _ = yield from _kevent(kq, buf, [(fd, sys.EVFILT_READ, sys.EV_ADD)], 4, 0)
        assert n == 0, n

        def armer():
            b = yield sys.mmap(4096)
            assert (yield from expire(fd, b, 2)) == 0
        w.spawn("armer", armer())
        n, evs = yield from _kevent(kq, buf, [], 4, 50)
        assert n == 1 and evs[0]["ident"] == fd and evs[0]["data"] == 2, (n, evs)
        assert (yield from stats(fd, buf))[1:3] == (0, 2)
        yield sys.close(kq)
        yield sys.close(fd)
    w.spawn("t", setup())


def _close_races_expiry(w):
    """Items and an expiry one tick away; the last close comes about then:
    the destructor cancels the timeout task and drains it before it frees
    the open's state."""
    def body():
        fd = yield sys.open("/dev/fbzone", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        for tag in (1, 2, 3):
            r, _ = yield from alloc(fd, buf, tag)
            assert r == 0, r
        assert (yield from expire(fd, buf, 1)) == 0
        yield sys.poll(0, 0, 1)
        yield sys.close(fd)
    w.spawn("t", body())


def _kevent_races_close(w):
    """One thread waits in kevent on the device while another closes the
    descriptor and an expiry fires: close(2) detaches the knote (and the
    destructor clears the knlist) while the waiter may be scanning."""
    def body():
        fd = yield sys.open("/dev/fbzone", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        r, _ = yield from alloc(fd, buf, 1)
        assert r == 0, r
        kq = yield sys.kqueue()
        n, _ = yield from _kevent(kq, buf, [(fd, sys.EVFILT_READ, sys.EV_ADD)], 4, 0)
        assert n == 0, n
        assert (yield from expire(fd, buf, 1)) == 0

        def closer():
            yield sys.close(fd)
        w.spawn("closer", closer())
        n, evs = yield from _kevent(kq, buf, [], 4, 5)
        assert n in (0, 1), n
        yield sys.close(kq)
    w.spawn("t", body())


def _unload_pending(w):
    """The module unloads with an open's expiry armed and the sampler
    pending: destroy_dev runs the open's destructor, the unload drains
    the sampler and frees the zone with every item back."""
    def body():
        fd = yield sys.open("/dev/fbzone", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        for tag in (1, 2):
            r, _ = yield from alloc(fd, buf, tag)
            assert r == 0, r
        assert (yield from expire(fd, buf, 3)) == 0
        yield sys.poll(0, 0, 1)
        assert (yield sys.modunload("fbzone")) == 0

    def opener():
        fd = yield sys.open("/dev/fbzone", sys.O_RDWR)
        if fd >= 0:
            buf = yield sys.mmap(4096)
            yield from alloc(fd, buf, 9)
            yield from expire(fd, buf, 1)
            yield sys.close(fd)
    w.spawn("t", body())
    w.spawn("opener", opener())


def _declare(body, name, module="fbzone"):
    return kernsim.scenario_of(body, mod(module), name)


items = _declare(_items, "items")
expire_kevent = _declare(_expire_kevent, "expire_kevent")
close_races_expiry = _declare(_close_races_expiry, "close_races_expiry")
kevent_races_close = _declare(_kevent_races_close, "kevent_races_close")
unload_pending = _declare(_unload_pending, "unload_pending")
close_races_expiry_nodrain = _declare(_close_races_expiry, "close_races_expiry_nodrain",
                                      "fbzone_nodrain")


def _unload_under_kevent(w):
    """A thread waits in kevent on the device while the module unloads:
    destroy_dev runs the open's destructor, whose knlist_clear takes the
    knote off (EV_EOF) before the list goes; the waiter then gets that
    event or its timeout, and closes its descriptors on a dead cdev."""
    def waiter():
        fd = yield sys.open("/dev/fbzone", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        r, _ = yield from alloc(fd, buf, 1)
        assert r == 0, r
        kq = yield sys.kqueue()
        n, _ = yield from _kevent(kq, buf, [(fd, sys.EVFILT_READ, sys.EV_ADD)], 4, 0)
        assert n == 0, n

        def unloader():
            assert (yield sys.modunload("fbzone")) == 0
        w.spawn("unloader", unloader())
        n, evs = yield from _kevent(kq, buf, [], 4, 5)
        assert n in (0, 1), n
        if n == 1:
            assert evs[0]["flags"] & 0x8000, evs   # EV_EOF
        yield sys.close(fd)
        yield sys.close(kq)
    w.spawn("t", waiter())


unload_under_kevent = _declare(_unload_under_kevent, "unload_under_kevent")


def _leave_armed(w):
    """The scenario ends with the device open, an expiry far off armed and
    the sampler running: the teardown's close runs the destructor (cancel,
    drain), the sampler stops itself, MOD_UNLOAD drains it."""
    def body():
        fd = yield sys.open("/dev/fbzone", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        for tag in (1, 2):
            r, _ = yield from alloc(fd, buf, tag)
            assert r == 0, r
        assert (yield from expire(fd, buf, 5000)) == 0
        yield sys.poll(0, 0, 3)
    w.spawn("t", body())


leave_armed = _declare(_leave_armed, "leave_armed")
