"""Scenarios of tests/drivers/fbknob.c (a value stack whose capacity is a
sysctl knob, hw.fbknob.limit, a SYSCTL_PROC that takes the softc mutex
and swaps in a stack of the new size) and of its bug twins:
fbknob_unlocked (the handler frees the old stack before it takes the
mutex), fbknob_early_free (MOD_UNLOAD tears down what the handler uses
before sysctl_ctx_free) and fbknob_ctx_locked (MOD_UNLOAD calls
sysctl_ctx_free holding the mutex the handler takes), fbknob_out_locked
(the handler's SYSCTL_OUT under the mutex)."""
import os
import struct

import kernsim
from kernsim import build_driver, sys
from kernsim import kernsim_pb2 as pb

_TEST_DRIVERS = os.path.join(os.path.dirname(build_driver.config()["driver_dir"]),
                             "test_drivers")


def mod(name="fbknob"):
    return os.path.join(_TEST_DRIVERS, name + ".so")


def _ioc(inout, num, size):
    return inout | ((size & 0x1FFF) << 16) | (ord("K") << 8) | num


IOC_OUT, IOC_IN = 0x40000000, 0x80000000
KNOB_PUSH = _ioc(IOC_IN, 1, 4)
KNOB_POP = _ioc(IOC_OUT, 2, 4)
KNOB_INFO = _ioc(IOC_OUT, 3, 8)
LIMIT = "hw.fbknob.limit"
# Where the helpers keep things in their page: the old value, *oldlenp,
# the new value, the ioctl argument.
OLD, OLDLEN, NEW, ARG = 0, 256, 512, 768


def read_int(name, buf):
    """(result, value, *oldlenp after)"""
    yield sys.poke(buf + OLDLEN, struct.pack("<Q", 4))
    r = yield sys.sysctl(name, buf + OLD, buf + OLDLEN)
    v = struct.unpack("<i", (yield sys.peek(buf + OLD, 4)))[0]
    n = struct.unpack("<Q", (yield sys.peek(buf + OLDLEN, 8)))[0]
    return r, v, n


def write_int(name, buf, value, newlen=4):
    """(result, the old value the handler gave back)"""
    yield sys.poke(buf + OLDLEN, struct.pack("<Q", 4))
    yield sys.poke(buf + NEW, struct.pack("<i", value))
    r = yield sys.sysctl(name, buf + OLD, buf + OLDLEN, buf + NEW, newlen)
    return r, struct.unpack("<i", (yield sys.peek(buf + OLD, 4)))[0]


def read_str(name, buf, oldlen):
    """(result, the bytes the old buffer holds, *oldlenp after)"""
    yield sys.poke(buf + OLD, b"\xee" * 200)
    yield sys.poke(buf + OLDLEN, struct.pack("<Q", oldlen))
    r = yield sys.sysctl(name, buf + OLD, buf + OLDLEN)
    n = struct.unpack("<Q", (yield sys.peek(buf + OLDLEN, 8)))[0]
    return r, (yield sys.peek(buf + OLD, 64)), n


def info(fd, buf):
    assert (yield sys.ioctl(fd, KNOB_INFO, buf + ARG)) == 0
    return struct.unpack("<II", (yield sys.peek(buf + ARG, 8)))


def push(fd, buf, v):
    yield sys.poke(buf + ARG, struct.pack("<I", v))
    return (yield sys.ioctl(fd, KNOB_PUSH, buf + ARG))


def pop(fd, buf):
    r = yield sys.ioctl(fd, KNOB_POP, buf + ARG)
    return r, struct.unpack("<I", (yield sys.peek(buf + ARG, 4)))[0]


def _knobs(w):
    """Every answer sysctl(2) gives, from one thread (root) and one
    unprivileged process."""
    def root():
        buf = yield sys.mmap(4096)
        assert (yield from read_int(LIMIT, buf)) == (0, 4, 4)
        # No old buffer: the length the value needs.
        yield sys.poke(buf + OLDLEN, struct.pack("<Q", 0))
        assert (yield sys.sysctl(LIMIT, 0, buf + OLDLEN)) == 0
        assert struct.unpack("<Q", (yield sys.peek(buf + OLDLEN, 8)))[0] == 4
        # A write answers the old value, then the handler resizes.
        assert (yield from write_int(LIMIT, buf, 8)) == (0, 4)
        assert (yield from read_int(LIMIT, buf))[:2] == (0, 8)
        fd = yield sys.open("/dev/fbknob", sys.O_RDWR)
        for v in (11, 22, 33):
            assert (yield from push(fd, buf, v)) == 0
        assert (yield from info(fd, buf)) == (8, 3)
        # Shrinking keeps the oldest values.
        assert (yield from write_int(LIMIT, buf, 2)) == (0, 8)
        assert (yield from info(fd, buf)) == (2, 2)
        assert (yield from pop(fd, buf)) == (0, 22)
        # The handler's own refusal, and a new value of the wrong size.
        assert (yield from write_int(LIMIT, buf, 0))[0] == -sys.EINVAL
        assert (yield from write_int(LIMIT, buf, 5, newlen=2))[0] == -sys.EINVAL
        assert (yield from read_int(LIMIT, buf))[:2] == (0, 2)
        # Names that are not there, or go past a leaf.
        for name in ("hw.fbknob.nope", "hw.nothere", "hw.fbknob.limit.x", "nothere"):
            assert (yield sys.sysctl(name, buf, buf + OLDLEN)) == -sys.ENOENT, name
        assert (yield sys.sysctl("", buf, buf + OLDLEN)) == -sys.EINVAL
        # A node without a handler.
        for name in ("hw.fbknob", "hw"):
            assert (yield sys.sysctl(name, buf, buf + OLDLEN)) == -sys.EISDIR, name
        # Read-only oids refuse a write before any handler runs.
        assert (yield from write_int("hw.fbknob.version", buf, 9))[0] == -sys.EPERM
        assert (yield from write_int("hw.fbknob.stats", buf, 9))[0] == -sys.EPERM
        assert (yield from read_int("hw.fbknob.version", buf)) == (0, 3, 4)
        # An oid without CTLFLAG_MPSAFE: its handler runs under Giant.
        assert (yield from read_int("hw.fbknob.resizes", buf)) == (0, 2, 4)
        # A static SYSCTL_INT on the module's own node.
        assert (yield from write_int("hw.fbknob.debug", buf, 5)) == (0, 0)
        assert (yield from read_int("hw.fbknob.debug", buf))[:2] == (0, 5)
        # The sbuf report: all of it, then into a buffer too short (ENOMEM,
        # what fit is copied, *oldlenp not written).
        want = b"limit=2 used=1 resizes=2\0"
        r, got, n = yield from read_str("hw.fbknob.stats", buf, 100)
        assert (r, got[:len(want)], n) == (0, want, len(want)), (r, got, n)
        r, got, n = yield from read_str("hw.fbknob.stats", buf, 5)
        assert (r, got[:6], n) == (-sys.ENOMEM, b"limit\xee", 5), (r, got, n)
        # Bad addresses: the old buffer (the handler's SYSCTL_OUT faults)
        # and oldlenp itself.
        yield sys.poke(buf + OLDLEN, struct.pack("<Q", 4))
        assert (yield sys.sysctl(LIMIT, 0x1000, buf + OLDLEN)) == -sys.EFAULT
        assert (yield sys.sysctl(LIMIT, buf, 0x1000)) == -sys.EFAULT
        yield sys.close(fd)
    w.spawn("root", root())

    def nobody():
        buf = yield sys.mmap(4096)
        assert (yield from read_int(LIMIT, buf))[0] == 0
        assert (yield from write_int(LIMIT, buf, 6))[0] == -sys.EPERM
    w.proc("nobody", uid=1001)
    w.spawn("nobody", nobody(), proc="nobody")


def _resize_races_push(w):
    """The knob resized back and forth while another thread pushes and
    pops: every value popped is one pushed and not popped before."""
    def resizer():
        buf = yield sys.mmap(4096)
        for v in (2, 6, 3):
            assert (yield from write_int(LIMIT, buf, v))[0] == 0

    def user():
        fd = yield sys.open("/dev/fbknob", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        held = []
        for v in range(1, 6):
            r = yield from push(fd, buf, v)
            assert r in (0, -sys.EAGAIN), r
            if r == 0:
                held.append(v)
        while True:
            r, v = yield from pop(fd, buf)
            if r == -sys.EAGAIN:
                break
            assert r == 0 and v in held, (r, v, held)
            held.remove(v)
        yield sys.close(fd)
    w.spawn("resizer", resizer())
    w.spawn("user", user())


def _munmap_races_read(w):
    """The old buffer unmapped while the handler copies the report out:
    copyout page by page, so the read answers 0 or EFAULT, as a copyout
    anywhere else does."""
    buf = w.map(8192)

    def reader():
        yield sys.poke(buf + OLDLEN, struct.pack("<Q", 8))
        r = yield sys.sysctl("hw.fbknob.stats", buf + 4096 - 4, buf + OLDLEN)
        assert r in (0, -sys.EFAULT, -sys.ENOMEM), r

    def unmapper():
        assert (yield sys.munmap(buf + 4096, 4096)) == 0
    w.spawn("reader", reader())
    w.spawn("unmapper", unmapper())


def _unload_races_handler(w):
    """kldunload while a thread writes the knob: sysctl_ctx_free waits for
    the running handler (oid_running, "oidrm"), so the softc outlives it;
    a write that comes after the oid left finds no such name."""
    def writer():
        buf = yield sys.mmap(4096)
        r, _ = yield from write_int(LIMIT, buf, 7)
        assert r in (0, -sys.ENOENT), r

    def unloader():
        assert (yield sys.modunload("fbknob")) == 0
    w.spawn("writer", writer())
    w.spawn("unloader", unloader())


def _declare(body, name, module="fbknob"):
    return kernsim.scenario_of(body, mod(module), name)


knobs = _declare(_knobs, "knobs")
resize_races_push = _declare(_resize_races_push, "resize_races_push")
unload_races_handler = _declare(_unload_races_handler, "unload_races_handler")
munmap_races_read = _declare(_munmap_races_read, "munmap_races_read")
resize_races_push_unlocked = _declare(_resize_races_push, "resize_races_push_unlocked",
                                      "fbknob_unlocked")
unload_races_handler_early_free = _declare(_unload_races_handler,
                                           "unload_races_handler_early_free",
                                           "fbknob_early_free")
knobs_out_locked = _declare(_knobs, "knobs_out_locked", "fbknob_out_locked")
unload_races_handler_ctx_locked = _declare(_unload_races_handler,
                                           "unload_races_handler_ctx_locked",
                                           "fbknob_ctx_locked")


@kernsim.program_scenario(driver=mod())
def knob_program():
    """The Program op: write the knob, read it back, an unknown name."""
    prog = pb.Program()
    prog.proc.add(name="user", model="lp64")
    t = prog.thread.add(name="t", proc="user")
    call = kernsim.program_call
    call(t, "mmap", 4096, 3, out="buf")
    call(t, "poke", ("buf", OLDLEN), data=struct.pack("<Q", 4))
    call(t, "poke", ("buf", NEW), data=struct.pack("<i", 9))
    call(t, "sysctl", "buf", ("buf", OLDLEN), ("buf", NEW), 4, path=LIMIT, expect=0)
    call(t, "check", "buf", data=struct.pack("<i", 4))
    call(t, "sysctl", "buf", ("buf", OLDLEN), 0, 0, path=LIMIT, expect=0)
    call(t, "check", "buf", data=struct.pack("<i", 9))
    call(t, "check", ("buf", OLDLEN), data=struct.pack("<Q", 4))
    call(t, "sysctl", "buf", ("buf", OLDLEN), 0, 0, path="hw.fbknob.gone",
         expect=-sys.ENOENT)
    return prog


@kernsim.program_scenario(driver=mod("fbknob_unlocked"))
def knob_program_race():
    """The Program form of the race: a resize against pushes."""
    prog = pb.Program()
    prog.proc.add(name="user", model="lp64")
    call = kernsim.program_call
    r = prog.thread.add(name="resizer", proc="user")
    call(r, "mmap", 4096, 3, out="rbuf")
    call(r, "poke", ("rbuf", OLDLEN), data=struct.pack("<Q", 4))
    call(r, "poke", ("rbuf", NEW), data=struct.pack("<i", 6))
    call(r, "sysctl", "rbuf", ("rbuf", OLDLEN), ("rbuf", NEW), 4, path=LIMIT)
    u = prog.thread.add(name="user", proc="user")
    call(u, "open", sys.O_RDWR, path="/dev/fbknob", out="fd")
    call(u, "mmap", 4096, 3, out="ubuf")
    for v in (1, 2, 3):
        call(u, "poke", "ubuf", data=struct.pack("<I", v))
        call(u, "ioctl", "fd", KNOB_PUSH, "ubuf")
    return prog
