"""Scenarios of tests/drivers/fbclone.c, a FreeBSD cloning pseudo device
(dev_clone, dev_stdclone, clone_create, make_dev_credf(MAKEDEV_REF)), and
of its bug twin fbclone_noref (the "already exists" answer of
clone_create handed back without a reference)."""
import errno
import os
import struct

import kernsim
from kernsim import build_driver, sys
from kernsim import kernsim_pb2 as pb

_TEST_DRIVERS = os.path.join(os.path.dirname(build_driver.config()["driver_dir"]),
                             "test_drivers")
FBCLONE_UNIT = 0x40044301   # _IOR('C', 1, int)


def mod(name):
    return os.path.join(_TEST_DRIVERS, name + ".so")


def unit_of(fd, buf):
    assert (yield sys.ioctl(fd, FBCLONE_UNIT, buf)) == 0
    b = yield sys.peek(buf, 4)
    return struct.unpack("<i", b)[0]


def _two_open_one_name(w):
    """Two threads open /dev/fbclone3, which does not exist, at once. The
    first to reach clone_create makes unit 3; the other finds it there
    ("already exists") and, if make_dev has not named it yet, devfs has no
    entry for it: that open is ENOENT, as on FreeBSD. Each successful open
    is unit 3, and one that opened after the other's clone finds the node
    without cloning."""

    def user(name):
        def body():
            buf = yield sys.mmap(4096)
            fd = yield sys.open("/dev/fbclone3", sys.O_RDWR)
            if fd == -errno.ENOENT:
                return
            assert fd >= 0, f"{name}: open returned {fd}"
            u = yield from unit_of(fd, buf)
            assert u == 3, f"{name}: /dev/fbclone3 is unit {u}"
            yield sys.poke(buf, name.encode())
            r = yield sys.write(fd, buf, 1)
            assert r == 1, f"{name}: write returned {r}"
            r = yield sys.pread(fd, buf, 8, 0)
            assert r == 1, f"{name}: read returned {r}"
            yield sys.close(fd)
        return body()
    w.spawn("a", user("a"))
    w.spawn("b", user("b"))


def _lowest_free(w):
    """Two threads open /dev/fbclone at once: each gets a unit of its own,
    the lowest free ones (0 and 1), and its write is its unit's alone. A
    name the driver does not clone stays ENOENT (fbclone03: a leading
    zero; fbclonex: no unit; fbclone3a: more after the unit)."""
    units = []

    def user(name):
        def body():
            buf = yield sys.mmap(4096)
            fd = yield sys.open("/dev/fbclone", sys.O_RDWR)
            assert fd >= 0, f"{name}: open returned {fd}"
            u = yield from unit_of(fd, buf)
            assert u in (0, 1) and u not in units, f"{name}: unit {u}, others {units}"
            units.append(u)
            yield sys.poke(buf, name.encode())
            assert (yield sys.write(fd, buf, 1)) == 1
            n = yield sys.pread(fd, buf, 8, 0)
            got = yield sys.peek(buf, 1)
            assert n == 1 and got == name.encode(), f"{name}: unit {u} holds {got!r}"
            yield sys.close(fd)
            # the unit's node stays: a second open finds it
            fd = yield sys.open(f"/dev/fbclone{u}", sys.O_RDONLY)
            assert fd >= 0, f"{name}: reopening unit {u} returned {fd}"
            assert (yield from unit_of(fd, buf)) == u
            yield sys.close(fd)
        return body()

    def strangers():
        for bad in ("/dev/fbclone03", "/dev/fbclonex", "/dev/fbclone3a", "/dev/other0"):
            r = yield sys.open(bad, sys.O_RDWR)
            assert r == -errno.ENOENT, f"open of {bad} returned {r}"
    w.spawn("a", user("a"))
    w.spawn("b", user("b"))
    w.spawn("strangers", strangers())


def _declare(body, driver, name):
    return kernsim.scenario_of(body, mod(driver), name)


two_open_one_name = _declare(_two_open_one_name, "fbclone", "two_open_one_name")
lowest_free = _declare(_lowest_free, "fbclone", "lowest_free")
noref_two_open_one_name = _declare(_two_open_one_name, "fbclone_noref",
                                   "noref_two_open_one_name")
noref_lowest_free = _declare(_lowest_free, "fbclone_noref", "noref_lowest_free")


def _program(driver, path):
    """The Program form (run in C++): two threads each open `path`, write
    one byte and read it back at offset 0, then close. A name no node has
    clones at open; for /dev/fbclone5 one open may find the unit not
    named yet (ENOENT, its later calls EBADF): no result is expected of
    the open."""
    prog = pb.Program()
    prog.proc.add(name="user", model="lp64")
    for i in range(2):
        t = prog.thread.add(name=f"t{i}", proc="user")
        kernsim.program_call(t, "open", sys.O_RDWR, path=path, out=f"fd{i}")
        kernsim.program_call(t, "mmap", 4096, sys.PROT_READ | sys.PROT_WRITE, out=f"buf{i}")
        kernsim.program_call(t, "poke", f"buf{i}", data=b"x")
        kernsim.program_call(t, "write", f"fd{i}", f"buf{i}", 1)
        kernsim.program_call(t, "pread", f"fd{i}", f"buf{i}", 8, 0)
        kernsim.program_call(t, "close", f"fd{i}")
    return prog


@kernsim.program_scenario(driver=mod("fbclone"))
def lowest_free_program():
    """Two opens of /dev/fbclone: two new units, each a full round trip."""
    prog = _program("fbclone", "/dev/fbclone")
    for t in prog.thread:
        for c in t.call:
            if c.op in ("write", "close"):
                c.expect = 1 if c.op == "write" else 0
    return prog


@kernsim.program_scenario(driver=mod("fbclone"))
def one_name_program():
    return _program("fbclone", "/dev/fbclone5")


@kernsim.program_scenario(driver=mod("fbclone_noref"))
def noref_one_name_program():
    return _program("fbclone_noref", "/dev/fbclone5")
