"""Scenarios of tests/drivers/ilminor.c, clone minors from a vmem(9F)
identifier arena of two, and of its bug twin ilminor_twice (close(9E)
gives its minor back twice)."""
import errno
import os

import kernsim
from kernsim import build_driver, sys

_TEST_DRIVERS = os.path.join(os.path.dirname(build_driver.config()["driver_dir"]),
                             "test_drivers")
DEV = "/dev/ilminor"
GET = (ord("M") << 8) | 1


def mod(name):
    return os.path.join(_TEST_DRIVERS, name + ".so")


def _recycle(w):
    """One process: two opens get minors 1 and 2; a third, O_NDELAY, finds
    the arena empty (EAGAIN); the first closed, the next open gets its 1."""
    def body():
        a = yield sys.open(DEV, sys.O_RDWR)
        b = yield sys.open(DEV, sys.O_RDWR)
        assert a >= 0 and b >= 0, (a, b)
        ma, mb = (yield sys.ioctl(a, GET, 0)), (yield sys.ioctl(b, GET, 0))
        assert (ma, mb) == (1, 2), (ma, mb)
        c = yield sys.open(DEV, sys.O_RDWR | sys.O_NDELAY)
        assert c == -errno.EAGAIN, c
        assert (yield sys.close(a)) == 0
        c = yield sys.open(DEV, sys.O_RDWR)
        assert c >= 0, c
        mc = yield sys.ioctl(c, GET, 0)
        assert mc == 1, mc
        for fd in (b, c):
            assert (yield sys.close(fd)) == 0
    w.spawn("t", body())


def _wait(w):
    """Three openers share two minors: whoever finds both taken waits in
    open (VM_SLEEP) until another closes; no minor is held twice at once;
    an O_NDELAY opener gets a minor or EAGAIN, never waits."""
    held = set()

    def opener(tag, flags):
        for _ in range(2):
            fd = yield sys.open(DEV, sys.O_RDWR | flags)
            if flags and fd == -errno.EAGAIN:
                continue
            assert fd >= 0, fd
            m = yield sys.ioctl(fd, GET, 0)
            assert m in (1, 2), m
            assert m not in held, f"minor {m} given twice"
            held.add(m)
            r = yield sys.poll(0, 0, 1)
            assert r == 0, r
            held.discard(m)  # before close gives it back
            assert (yield sys.close(fd)) == 0
    w.spawn("a", opener("a", 0))
    w.spawn("b", opener("b", 0))
    w.spawn("c", opener("c", 0))
    w.spawn("nb", opener("nb", sys.O_NDELAY))


def _declare(body, driver, name):
    def fn(w):
        return body(w)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = body.__doc__
    return kernsim.scenario(driver=mod(driver))(fn)


recycle = _declare(_recycle, "ilminor", "recycle")
wait = _declare(_wait, "ilminor", "wait")
recycle_twice = _declare(_recycle, "ilminor_twice", "recycle_twice")
