"""Scenarios of stecho (tests/drivers/stecho.c), a STREAMS echo driver
written as illumos engineers write one (the stprobe audit), and of its bug
twins: stecho_nountimeout (close leaves the batch qtimeout armed: it fires
on the freed queue pair) and stecho_noflush (M_FLUSH freed, not turned
around: the head's read side keeps what I_FLUSH(FLUSHRW) should drop).

    kernsim explore tests/python/stecho_scenarios.py:close_in_batch --strategy pct --runs 2000
"""
import os
import struct

import kernsim
from kernsim import build_driver, sys

_TEST_DRIVERS = os.path.join(os.path.dirname(build_driver.config()["driver_dir"]),
                             "test_drivers")


def mod(name):
    return os.path.join(_TEST_DRIVERS, name + ".so")


DEV = "/dev/stecho"
EAGAIN, EINVAL = 11, 22

STR = ord("S") << 8
I_FLUSH, I_STR = STR | 0o5, STR | 0o10
FLUSHR, FLUSHW, FLUSHRW = 1, 2, 3
INFTIM = -1    # an I_STR waits for its answer however long it takes
STRIOCTL = struct.Struct("<iii4xQ")
STRIOCTL32 = struct.Struct("<iiiI")     # an ILP32 caller's struct strioctl
STECHO_GETSTAT, STECHO_SETCFG, STECHO_XCHGCFG = 0x6501, 0x6502, 0x6503
ECF_UPPER, ECF_TAG = 1, 2
CFG = struct.Struct("<Ii")
STAT = struct.Struct("<QQII")
DATA = 256     # an I_STR's data in the thread's page
RBUF = 1024    # where reads land
PAGE = 4096


def _istr(fd, buf, cmd, data, length=None, ilp32=False):
    n = len(data) if length is None else length
    yield sys.poke(buf, (STRIOCTL32 if ilp32 else STRIOCTL).pack(cmd, INFTIM, n, buf + DATA))
    yield sys.poke(buf + DATA, data)
    return (yield sys.ioctl(fd, I_STR, buf))


def _set_cfg(fd, buf, flags, delay_ms, transparent=False):
    if transparent:
        yield sys.poke(buf, CFG.pack(flags, delay_ms))
        return (yield sys.ioctl(fd, STECHO_SETCFG, buf))
    return (yield from _istr(fd, buf, STECHO_SETCFG, CFG.pack(flags, delay_ms)))


def _stat(fd, buf, transparent=False):
    if transparent:
        r = yield sys.ioctl(fd, STECHO_GETSTAT, buf)
        return r, STAT.unpack((yield sys.peek(buf, STAT.size)))
    r = yield from _istr(fd, buf, STECHO_GETSTAT, bytes(STAT.size))
    return r, STAT.unpack((yield sys.peek(buf + DATA, STAT.size)))


def _write(fd, buf, data):
    yield sys.poke(buf + RBUF, data)
    return (yield sys.write(fd, buf + RBUF, len(data)))


def _read(fd, buf, n):
    r = yield sys.read(fd, buf + RBUF, n)
    return r, ((yield sys.peek(buf + RBUF, r)) if r > 0 else b"")


def _opened(flags=sys.O_RDWR):
    fd = yield sys.open(DEV, flags)
    assert fd >= 0, fd
    buf = yield sys.mmap(PAGE)
    return fd, buf


def _echo(w):
    """Two clone opens are two streams with minors of their own; each echoes
    what is written on it, upper-cased once configured so (I_STR), and the
    transparent ioctls (M_COPYIN/M_COPYOUT) agree with the I_STR ones."""
    minors = {}

    def client(name, text, transparent):
        fd, buf = yield from _opened()
        r, st = yield from _stat(fd, buf, transparent)
        assert r == 0 and st[3] > 0, (r, st)
        minors[name] = st[3]
        assert (yield from _write(fd, buf, text)) == len(text)
        r, got = yield from _read(fd, buf, 64)
        assert got == text, got
        assert (yield from _set_cfg(fd, buf, ECF_UPPER, 0, transparent)) == 0
        assert (yield from _write(fd, buf, text)) == len(text)
        r, got = yield from _read(fd, buf, 64)
        assert got == text.upper(), got
        # XCHGCFG: the old configuration comes back
        if transparent:
            yield sys.poke(buf, CFG.pack(ECF_TAG, 0))
            assert (yield sys.ioctl(fd, STECHO_XCHGCFG, buf)) == 0
            old = CFG.unpack((yield sys.peek(buf, CFG.size)))
        else:
            assert (yield from _istr(fd, buf, STECHO_XCHGCFG, CFG.pack(ECF_TAG, 0))) == 0
            old = CFG.unpack((yield sys.peek(buf + DATA, CFG.size)))
        assert old == (ECF_UPPER, 0), old
        assert (yield from _set_cfg(fd, buf, 8, 0, transparent)) == -EINVAL
        assert (yield from _write(fd, buf, text)) == len(text)
        r, got = yield from _read(fd, buf, 64)
        assert got == struct.pack("<I", 1) + text, got
        r, st = yield from _stat(fd, buf, not transparent)
        assert r == 0 and st[0] == 3 and st[1] == 3 * len(text), st
        yield sys.close(fd)

    w.spawn("a", client("a", b"hello", False))
    w.spawn("b", client("b", b"world", True))


def _close_in_batch(w):
    """Echoes held back for a batch (ec_delay_ms): one client reads its
    batch, another closes with its batch timer still armed; a third keeps
    writing while a flusher flushes its stream."""
    def batcher():
        fd, buf = yield from _opened()
        assert (yield from _set_cfg(fd, buf, 0, 20)) == 0
        assert (yield from _write(fd, buf, b"later")) == 5
        r, got = yield from _read(fd, buf, 64)
        assert got == b"later", got
        yield sys.close(fd)

    def quitter():
        fd, buf = yield from _opened()
        assert (yield from _set_cfg(fd, buf, ECF_TAG, 30, transparent=True)) == 0
        assert (yield from _write(fd, buf, b"never read")) == 10
        yield sys.close(fd)

    w.spawn("batcher", batcher())
    w.spawn("quitter", quitter())


def _flush_race(w):
    """A writer fills its stream past the head's high-water mark (flow
    control holds echoes on the driver's write queue) while another thread
    of the same process flushes the stream; the writer then reads whatever
    survived; a last I_FLUSH(FLUSHRW) leaves nothing to read."""
    shared = {}

    def writer():
        fd, buf = yield from _opened(sys.O_RDWR | sys.O_NDELAY)
        shared["fd"] = fd
        for _ in range(6):
            r = yield from _write(fd, buf, b"x" * 900)
            assert r in (900, -EAGAIN), r
        while True:
            r, _ = yield from _read(fd, buf, 3000)
            if r == -EAGAIN:
                break
            assert r > 0, r
        # Alone on the stream from here: kernsim lets a thread in a system
        # call (the flusher, inside the driver's perimeter) be held up
        # until the first timer fires, however far ahead, and I_FLUSH's
        # wait for its barrier ioctl ends after 15 s as illumos's does.
        while not shared.get("done"):
            assert (yield sys.poll(0, 0, 1)) == 0
        assert (yield from _write(fd, buf, b"stale")) == 5
        r, st = yield from _stat(fd, buf)
        assert r == 0
        # The echo is on the driver's write queue or at the head: FLUSHRW
        # drops it from either, and I_FLUSH returns once the reflected
        # M_FLUSH has reached the head.
        assert (yield sys.ioctl(fd, I_FLUSH, FLUSHRW)) == 0
        r, got = yield from _read(fd, buf, 64)
        assert r == -EAGAIN, (r, got)
        yield sys.close(fd)

    def flusher():
        while "fd" not in shared:
            assert (yield sys.poll(0, 0, 1)) == 0
        for how in (FLUSHRW, FLUSHW, FLUSHR):
            r = yield sys.ioctl(shared["fd"], I_FLUSH, how)
            assert r == 0, r
        shared["done"] = True

    w.spawn("writer", writer())
    w.spawn("flusher", flusher())


def _flush_under_service(w):
    """One thread writes more than the head takes at once, so the write
    service procedure is still echoing (inside the queue pair's
    perimeter) when I_FLUSH(FLUSHRW) comes down: a put that finds the
    perimeter taken waits on its syncq, and I_FLUSH returns only once the
    M_FLUSH it sent has been turned around and reached the head. Nothing
    is left to read after it."""
    def writer():
        fd, buf = yield from _opened(sys.O_RDWR | sys.O_NDELAY)
        # upper-cased echoes go through the service procedure
        assert (yield from _set_cfg(fd, buf, ECF_UPPER, 0)) == 0
        for _ in range(4):
            r = yield from _write(fd, buf, b"y" * 900)
            assert r in (900, -EAGAIN), r
        assert (yield sys.ioctl(fd, I_FLUSH, FLUSHRW)) == 0
        r, got = yield from _read(fd, buf, 4000)
        assert r == -EAGAIN, (r, len(got))
        assert (yield from _write(fd, buf, b"after")) == 5
        while True:     # the service procedure echoes it in its own time
            r, got = yield from _read(fd, buf, 64)
            if r != -EAGAIN:
                break
            assert (yield sys.poll(0, 0, 1)) == 0
        assert got == b"AFTER", (r, got)
        yield sys.close(fd)

    w.spawn("writer", writer())


def _close_in_ioctl(w):
    """Two threads of one process share a stream: one exchanges the
    configuration (TRANSPARENT: M_COPYIN, M_IOCDATA, M_COPYOUT, M_IOCDATA)
    and writes, the other closes the descriptor meanwhile; the last close
    comes when the ioctl is done with the file. Another stream is opened
    and closed beside them."""
    shared = {}

    def user():
        fd, buf = yield from _opened(sys.O_RDWR | sys.O_NDELAY)
        shared["fd"] = fd
        for flags, delay in ((ECF_TAG, 10), (ECF_UPPER, 0), (0, 1000)):
            yield sys.poke(buf, CFG.pack(flags, delay))
            r = yield sys.ioctl(fd, STECHO_XCHGCFG, buf)
            assert r in (0, -9), r
            r = yield from _write(fd, buf, b"abc")
            assert r in (3, -9, -EAGAIN), r

    def closer():
        while "fd" not in shared:
            assert (yield sys.poll(0, 0, 1)) == 0
        assert (yield sys.close(shared["fd"])) == 0

    def other():
        fd, buf = yield from _opened()
        assert (yield from _set_cfg(fd, buf, ECF_TAG | ECF_UPPER, 5, transparent=True)) == 0
        assert (yield from _write(fd, buf, b"q")) == 1
        yield sys.close(fd)

    w.spawn("user", user())
    w.spawn("closer", closer())
    w.spawn("other", other())


def _alloc_fail(w):
    """Tagged, upper-cased, batched echoes with allocations failing (run
    with injected faults): the service procedure waits on qbufcall (or a
    qtimeout when qbufcall fails too), and close cancels whatever is
    pending. Results are not checked: a write or an ioctl may fail for
    want of memory."""
    def user(n):
        fd = yield sys.open(DEV, sys.O_RDWR | sys.O_NDELAY)
        if fd < 0:
            return
        buf = yield sys.mmap(PAGE)
        yield from _set_cfg(fd, buf, ECF_TAG | ECF_UPPER, 10 * n)
        for _ in range(3):
            yield from _write(fd, buf, b"m" * 40)
        yield from _read(fd, buf, 256)
        yield sys.close(fd)

    w.spawn("a", user(0))
    w.spawn("b", user(1))


def _unload(w, module="stecho"):
    """modunload is refused while a clone stream is open (EBUSY); a second
    stream closes with its batch timer armed (close cancels it); once every
    stream is closed the driver detaches and unloads, and nothing of it is
    left to run (the twin leaves the timer: its callout is the module's)."""
    opened = set()

    def user():
        fd, buf = yield from _opened()
        opened.add("user")
        assert (yield from _set_cfg(fd, buf, 0, 50)) == 0
        assert (yield from _write(fd, buf, b"held")) == 4
        assert (yield sys.modunload(module)) == -16     # EBUSY
        r, got = yield from _read(fd, buf, 16)
        assert got == b"held", got
        yield sys.close(fd)

    def other():
        fd, buf = yield from _opened()
        opened.add("other")
        # closed with its 1 s batch timer armed: close must cancel it
        assert (yield from _set_cfg(fd, buf, ECF_TAG, 1000)) == 0
        assert (yield from _write(fd, buf, b"o")) == 1
        yield sys.close(fd)

    def unloader():
        while len(opened) < 2:
            assert (yield sys.poll(0, 0, 1)) == 0
        while True:
            r = yield sys.modunload(module)
            if r == 0:
                break
            assert r == -16, r
            assert (yield sys.poll(0, 0, 5)) == 0
        assert (yield sys.open(DEV, sys.O_RDWR)) == -6     # ENXIO: gone

    w.spawn("user", user())
    w.spawn("other", other())
    w.spawn("unloader", unloader())


def _ilp32(w):
    """A 32-bit process: its struct strioctl is 16 bytes, the TRANSPARENT
    ioctls carry its 32-bit address; stecho's structures are the same in
    both data models, so it needs no ddi_model_convert_from."""
    w.proc("p32", model="ilp32")

    def client():
        fd, buf = yield from _opened()
        r = yield from _istr(fd, buf, STECHO_SETCFG, CFG.pack(ECF_UPPER, 0), ilp32=True)
        assert r == 0, r
        yield sys.poke(buf, CFG.pack(0, 0))
        assert (yield sys.ioctl(fd, STECHO_XCHGCFG, buf)) == 0
        assert CFG.unpack((yield sys.peek(buf, CFG.size))) == (ECF_UPPER, 0)
        assert (yield from _write(fd, buf, b"low")) == 3
        r, got = yield from _read(fd, buf, 16)
        assert got == b"low", got
        assert (yield sys.ioctl(fd, STECHO_GETSTAT, buf)) == 0
        st = STAT.unpack((yield sys.peek(buf, STAT.size)))
        assert st[0] == 1 and st[1] == 3, st
        yield sys.close(fd)

    w.spawn("client", client(), proc="p32")


def _declare(body, driver, name):
    def fn(w):
        return body(w)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = body.__doc__
    return kernsim.scenario(driver=mod(driver))(fn)


echo = _declare(_echo, "stecho", "echo")
close_in_batch = _declare(_close_in_batch, "stecho", "close_in_batch")
flush_race = _declare(_flush_race, "stecho", "flush_race")
flush_under_service = _declare(_flush_under_service, "stecho", "flush_under_service")
close_in_ioctl = _declare(_close_in_ioctl, "stecho", "close_in_ioctl")
alloc_fail = _declare(_alloc_fail, "stecho", "alloc_fail")
unload = _declare(_unload, "stecho", "unload")
unload_bug = _declare(lambda w: _unload(w, "stecho_nountimeout"), "stecho_nountimeout",
                      "unload_bug")
ilp32 = _declare(_ilp32, "stecho", "ilp32")
CORRECT = ["echo", "close_in_batch", "flush_race", "flush_under_service", "close_in_ioctl",
           "unload", "ilp32"]

# the bugs: the same scenario on the -D twin
close_in_batch_bug = _declare(_close_in_batch, "stecho_nountimeout", "close_in_batch_bug")
flush_race_bug = _declare(_flush_race, "stecho_noflush", "flush_race_bug")

# the race-instrumented build, for detect_races (a path names the file)
RACES = {name: _declare(body, "race/stecho", name + "_race")
         for name, body in (("echo", _echo), ("close_in_batch", _close_in_batch),
                            ("flush_race", _flush_race),
                            ("flush_under_service", _flush_under_service),
                            ("close_in_ioctl", _close_in_ioctl))}
globals().update({s.name: s for s in RACES.values()})
