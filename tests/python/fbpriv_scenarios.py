"""Scenarios of tests/drivers/fbpriv.c, a FreeBSD driver keeping per-open
state with devfs_set_cdevpriv(9)."""
import errno
import os
import struct

import kernsim
from kernsim import build_driver, sys

FBPRIV = os.path.join(os.path.dirname(build_driver.config()["driver_dir"]), "test_drivers",
                      "fbpriv.so")
DEV = "/dev/fbpriv"
FBPRIV_ID = 0x40045001        # _IOR('P', 1, int)
FBPRIV_OPENS = 0x40045002     # _IOR('P', 2, int)
FBPRIV_CLEAR = 0x20005003     # _IO('P', 3)


def int_at(buf):
    b = yield sys.peek(buf, 4)
    return struct.unpack("<i", b)[0]


@kernsim.scenario(driver=FBPRIV)
def two_opens(w):
    """Two threads each open the device and ask their open's id twice, a
    write and a read between: the id is the open's own, whatever the other
    thread's open did meanwhile, and each open reads the log from its
    start."""
    def user(name):
        def body():
            fd = yield sys.open(DEV, sys.O_RDWR)
            buf = yield sys.mmap(4096)
            assert (yield sys.ioctl(fd, FBPRIV_ID, buf)) == 0
            first = yield from int_at(buf)
            yield sys.poke(buf, name.encode())
            assert (yield sys.write(fd, buf, 1)) == 1
            assert (yield sys.ioctl(fd, FBPRIV_ID, buf)) == 0
            again = yield from int_at(buf)
            assert again == first, f"{name}: the open's id was {first}, then {again}"
            n = yield sys.read(fd, buf, 8)
            assert n >= 1, f"{name}: read {n} bytes of the log"
            yield sys.close(fd)
        return body()
    w.spawn("a", user("a"))
    w.spawn("b", user("b"))


@kernsim.scenario(driver=FBPRIV)
def lifetime(w):
    """The record's destructor runs when its open goes away: after close,
    after a refused open (the third, EBUSY after the record was set), and
    at FBPRIV_CLEAR, after which the open has no record (ENOENT)."""
    def user():
        buf = yield sys.mmap(4096)
        fd1 = yield sys.open(DEV, sys.O_RDWR)
        fd2 = yield sys.open(DEV, sys.O_RDWR)
        r = yield sys.open(DEV, sys.O_RDWR)
        assert r == -errno.EBUSY, f"a third open returned {r}"
        assert (yield sys.ioctl(fd1, FBPRIV_OPENS, buf)) == 0
        n = yield from int_at(buf)
        assert n == 2, f"{n} opens after a refused third"
        yield sys.close(fd2)
        assert (yield sys.ioctl(fd1, FBPRIV_OPENS, buf)) == 0
        n = yield from int_at(buf)
        assert n == 1, f"{n} opens after a close"
        assert (yield sys.ioctl(fd1, FBPRIV_CLEAR, 0)) == 0
        r = yield sys.ioctl(fd1, FBPRIV_ID, buf)
        assert r == -errno.ENOENT, f"FBPRIV_ID after the record was cleared returned {r}"
        r = yield sys.read(fd1, buf, 8)
        assert r == -errno.ENOENT, f"a read after the record was cleared returned {r}"
        assert (yield sys.ioctl(fd1, FBPRIV_OPENS, buf)) == 0
        n = yield from int_at(buf)
        assert n == 0, f"{n} opens after the last record was cleared"
        yield sys.close(fd1)
    w.spawn("user", user())


@kernsim.scenario(driver=FBPRIV)
def left_open(w):
    """A thread exits with its open still open: the exit's close runs the
    destructor before the module unloads (MOD_UNLOAD asserts no record
    is left)."""
    def user():
        fd = yield sys.open(DEV, sys.O_RDWR)
        assert fd >= 0, fd
    w.spawn("user", user())


@kernsim.scenario(driver=FBPRIV)
def unloaded_while_open(w):
    """kldunload while an open is still open: destroy_dev (in MOD_UNLOAD)
    runs the open's destructor, so MOD_UNLOAD finds no record left; the
    open then gets ENXIO from the dead device, and its close runs no
    destructor a second time."""
    def user():
        fd = yield sys.open(DEV, sys.O_RDWR)
        buf = yield sys.mmap(4096)
        r = yield sys.modunload("fbpriv")
        assert r == 0, f"kldunload returned {r}"
        r = yield sys.ioctl(fd, FBPRIV_ID, buf)
        assert r == -errno.ENXIO, f"FBPRIV_ID after the unload returned {r}"
        assert (yield sys.close(fd)) == 0
    w.spawn("user", user())
