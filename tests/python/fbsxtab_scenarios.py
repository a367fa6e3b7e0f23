"""Scenarios of tests/drivers/fbsxtab.c, a FreeBSD table under one sx(9)
whose readers wait with cv_wait_sig holding it shared and whose generation
waiters use sx_sleep (shared, or exclusive with PDROP); and of its bug twin
fbsxtab_if, whose reader tests the slot with "if"."""
import errno
import os
import struct

import kernsim
from kernsim import build_driver, sys

_DIR = os.path.join(os.path.dirname(build_driver.config()["driver_dir"]), "test_drivers")


def _ioc(inout, num, size=12):
    return inout | ((size & 0x1FFF) << 16) | (ord('X') << 8) | num


IOC_OUT, IOC_IN = 0x40000000, 0x80000000
TAB_GET = _ioc(IOC_IN | IOC_OUT, 1)
TAB_PUT = _ioc(IOC_IN, 2)
TAB_TAKE = _ioc(IOC_IN | IOC_OUT, 3)
TAB_WAITGEN = _ioc(IOC_IN | IOC_OUT, 4)
TAB_UNIT = _ioc(IOC_OUT, 5)
TAB_EXCL = 1


def req(slot=0, val=0, flags=0):
    return struct.pack("<iii", slot, val, flags)


def call(fd, buf, cmd, slot=0, val=0, flags=0):
    """The ioctl's result and the request's value after it."""
    yield sys.poke(buf, req(slot, val, flags))
    r = yield sys.ioctl(fd, cmd, buf)
    out = struct.unpack("<iii", (yield sys.peek(buf, 12)))[1]
    return r, out


def _readers_and_generations(w):
    """Two readers wait for slot 0 under the shared sx; a writer fills it,
    takes it back and fills it again; two threads wait for the table's
    generation, one holding the sx shared, one exclusive with PDROP. Every
    reader gets a value that was stored; every waiter sees its generation."""
    def reader():
        fd = yield sys.open("/dev/fbsxtab", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        r, v = yield from call(fd, buf, TAB_GET, 0)
        assert r == 0 and v in (11, 12), (r, v)
        yield sys.close(fd)

    def writer():
        fd = yield sys.open("/dev/fbsxtab", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        assert (yield from call(fd, buf, TAB_PUT, 0, 11))[0] == 0
        assert (yield from call(fd, buf, TAB_PUT, 0, 99))[0] == -errno.EEXIST
        assert (yield from call(fd, buf, TAB_TAKE, 0)) == (0, 11)
        assert (yield from call(fd, buf, TAB_TAKE, 0))[0] == -errno.ENOENT
        assert (yield from call(fd, buf, TAB_PUT, 0, 12))[0] == 0
        assert (yield from call(fd, buf, TAB_GET, 9))[0] == -errno.EINVAL
        yield sys.close(fd)

    def gen_waiter(target, flags):
        fd = yield sys.open("/dev/fbsxtab", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        r, g = yield from call(fd, buf, TAB_WAITGEN, 0, target, flags)
        assert r == 0 and target <= g <= 3, (r, g)
        yield sys.close(fd)

    w.spawn("r1", reader())
    w.spawn("r2", reader())
    w.spawn("writer", writer())
    w.spawn("gen_shared", gen_waiter(3, 0))
    w.spawn("gen_excl", gen_waiter(2, TAB_EXCL))


def _interrupted(w):
    """A reader of a slot nobody fills and a generation waiter both leave
    with EINTR when signalled (cv_wait_sig, sx_sleep with PCATCH)."""
    def reader():
        fd = yield sys.open("/dev/fbsxtab", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        assert (yield from call(fd, buf, TAB_GET, 5)) == (-errno.EINTR, 0)
        yield sys.close(fd)

    def gen_waiter(flags):
        fd = yield sys.open("/dev/fbsxtab", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        r, _ = yield from call(fd, buf, TAB_WAITGEN, 0, 100, flags)
        assert r == -errno.EINTR, r
        yield sys.close(fd)

    def killer(names):
        yield sys.poll(0, 0, 5)
        for n in names:
            yield sys.kill(n)

    w.spawn("reader", reader())
    w.spawn("gen_shared", gen_waiter(0))
    w.spawn("gen_excl", gen_waiter(TAB_EXCL))
    w.spawn("killer", killer(["reader", "gen_shared", "gen_excl"]))


def _open_numbers(w):
    """Three threads open at once and, lowest free first (unr(9)), get 0, 1
    and 2 between them; a number given back at a close is the lowest free
    one at the next open."""
    units = {}
    done = []

    def user(name):
        fd = yield sys.open("/dev/fbsxtab", sys.O_RDWR)
        assert fd >= 0, fd
        buf = yield sys.mmap(4096)
        r, u = yield from call(fd, buf, TAB_UNIT)
        assert r == 0 and 0 <= u <= 2, (r, u)
        units[name] = u
        yield from _until(lambda: len(units) == 3)
        assert sorted(units.values()) == [0, 1, 2], units
        done.append(name)
        yield from _until(lambda: len(done) >= 3)
        if name == "u1":
            yield sys.close(fd)
            fd = yield sys.open("/dev/fbsxtab", sys.O_RDWR)
            r, u = yield from call(fd, buf, TAB_UNIT)
            assert (r, u) == (0, units["u1"]), (r, u, units)
            done.append("reopened")
        yield from _until(lambda: "reopened" in done)
        yield sys.close(fd)

    for i in range(3):
        w.spawn(f"u{i}", user(f"u{i}"))


def _until(cond):
    while not cond():
        r = yield sys.poll(0, 0, 1)
        assert r == 0, r


def _declare(body, driver, name):
    return kernsim.scenario_of(body, os.path.join(_DIR, driver + ".so"), name)


readers_and_generations = _declare(_readers_and_generations, "fbsxtab",
                                   "readers_and_generations")
interrupted = _declare(_interrupted, "fbsxtab", "interrupted")
open_numbers = _declare(_open_numbers, "fbsxtab", "open_numbers")
readers_and_generations_if = _declare(_readers_and_generations, "fbsxtab_if",
                                      "readers_and_generations_if")
