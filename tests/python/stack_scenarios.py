"""Scenarios of tests/drivers/fbstack.c: two takers of one token (a
check-then-act race a campaign finds), each noting its call first through
an uninitialised local, and scribbling its stack last, so the next
execution in the process starts on stacks this one wrote."""
import errno
import os

import kernsim
from kernsim import build_driver, sys

_TEST_DRIVERS = os.path.join(os.path.dirname(build_driver.config()["driver_dir"]),
                             "test_drivers")
DRIVER = os.path.join(_TEST_DRIVERS, "fbstack.so")

STACK_TAKE = 0x20005301       # _IO('S', 1)
STACK_NOTE = 0x20005302       # _IO('S', 2)
STACK_SCRIBBLE = 0x20005303   # _IO('S', 3)
STACK_SPIN = 0x80045304       # _IOW('S', 4, int)


def _takers(w):
    """Two threads note, take the one token, and scribble."""
    def taker():
        fd = yield sys.open("/dev/fbstack", sys.O_RDWR)
        assert fd >= 0, fd
        assert (yield sys.ioctl(fd, STACK_NOTE)) == 0
        assert (yield sys.ioctl(fd, STACK_TAKE)) in (0, -errno.EAGAIN)
        assert (yield sys.ioctl(fd, STACK_SCRIBBLE)) == 0
        yield sys.close(fd)

    w.spawn("t1", taker())
    w.spawn("t2", taker())


def _spin_takers(w, turns=0):
    """Two threads take the one token, one of them after a long loop with
    no scheduling point (`turns` turns of it)."""
    def taker(spin):
        fd = yield sys.open("/dev/fbstack", sys.O_RDWR)
        assert fd >= 0, fd
        if spin:
            buf = yield sys.mmap(4096)
            yield sys.poke(buf, int(spin).to_bytes(4, "little"))
            assert (yield sys.ioctl(fd, STACK_SPIN, buf)) == 0
        assert (yield sys.ioctl(fd, STACK_TAKE)) in (0, -errno.EAGAIN)
        yield sys.close(fd)

    w.spawn("t1", taker(turns))
    w.spawn("t2", taker(0))


takers = kernsim.scenario_of(_takers, DRIVER, "takers")
spin_takers = kernsim.scenario_of(_spin_takers, DRIVER, "spin_takers",
                                ranges={"turns": (0, 2**31 - 1)})
