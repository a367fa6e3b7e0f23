"""Scenarios of stline (tests/drivers/stline.c), a STREAMS line-editing
loopback written as illumos engineers write one, and of its bug twin
stline_nofreeze (a line kill walks the write queue without freezestr:
the service procedure's getq takes the message the walk then rmvq's).

    kernsim explore tests/python/stline_scenarios.py:kill_while_draining --strategy pct
"""
import os
import struct

import kernsim
from kernsim import build_driver, sys

_TEST_DRIVERS = os.path.join(os.path.dirname(build_driver.config()["driver_dir"]),
                             "test_drivers")


def mod(name):
    return os.path.join(_TEST_DRIVERS, name + ".so")


DEV = "/dev/stline"
EAGAIN, EINVAL, EPROTO = 11, 22, 71

STR = ord("S") << 8
I_STR = STR | 0o10
INFTIM = -1
STRIOCTL = struct.Struct("<iii4xQ")
STRBUF = struct.Struct("<iiQ")       # struct strbuf: maxlen, len, buf
LINE_HOLD, LINE_RELEASE, LINE_STAT, LINE_FATAL = (ord("l") << 8) | 1, (ord("l") << 8) | 2, \
    (ord("l") << 8) | 3, (ord("l") << 8) | 4
LINE_PING, LINE_PONG = 0x70696E67, 0x706F6E67
STAT = struct.Struct("<ii")
KILL = b"\x15"
DATA = 256     # an I_STR's data
CTL = 512      # getmsg/putmsg strbufs and their buffers
RBUF = 1024    # where reads land
PAGE = 4096


def _istr(fd, buf, cmd, data=b""):
    yield sys.poke(buf, STRIOCTL.pack(cmd, INFTIM, len(data), buf + DATA))
    if data:
        yield sys.poke(buf + DATA, data)
    return (yield sys.ioctl(fd, I_STR, buf))


def _stat(fd, buf):
    r = yield from _istr(fd, buf, LINE_STAT, bytes(STAT.size))
    return r, STAT.unpack((yield sys.peek(buf + DATA, STAT.size)))


def _write(fd, buf, data):
    yield sys.poke(buf + RBUF, data)
    return (yield sys.write(fd, buf + RBUF, len(data)))


def _read(fd, buf, n):
    r = yield sys.read(fd, buf + RBUF, n)
    return r, ((yield sys.peek(buf + RBUF, r)) if r > 0 else b"")


def _read_all(fd, buf, n):
    """Reads until n bytes came (each read takes what is at the head)."""
    got = b""
    while len(got) < n:
        r, part = yield from _read(fd, buf, 256)
        assert r > 0, (r, got)
        got += part
    return got


def _opened(flags=sys.O_RDWR):
    fd = yield sys.open(DEV, flags)
    assert fd >= 0, fd
    buf = yield sys.mmap(PAGE)
    return fd, buf


def _edit(w):
    """Data held on the write queue is edited there: a line kill drops
    what waits (counted), an urgent message goes in band 1 ahead of it,
    a '^' message is inserted before the first ordinary one; on release
    the service procedure sends them up in the queue's order. A ping
    (M_PROTO) is answered in place (M_PCPROTO) with the queue's length."""
    def client():
        fd, buf = yield from _opened()
        assert (yield from _istr(fd, buf, LINE_HOLD)) == 0
        for text in (b"aa", b"bb", KILL, b"one", b"two", b"!hi", b"^jump"):
            assert (yield from _write(fd, buf, text)) == len(text)
        r, st = yield from _stat(fd, buf)
        assert r == 0 and st == (4, 2), (r, st)
        # ping: a control part only; the pong carries the queue's length
        yield sys.poke(buf + CTL + 64, struct.pack("<i", LINE_PING))
        yield sys.poke(buf + CTL, STRBUF.pack(0, 4, buf + CTL + 64))
        assert (yield sys.putmsg(fd, buf + CTL, 0)) == 0
        yield sys.poke(buf + CTL, STRBUF.pack(64, 0, buf + CTL + 64))
        yield sys.poke(buf + CTL + 32, struct.pack("<i", 0))
        assert (yield sys.getmsg(fd, buf + CTL, 0, buf + CTL + 32)) == 0
        maxlen, length, _ = STRBUF.unpack((yield sys.peek(buf + CTL, STRBUF.size)))
        assert length == 8, length
        pong = struct.unpack("<ii", (yield sys.peek(buf + CTL + 64, 8)))
        assert pong == (LINE_PONG, 4), pong
        assert (yield from _istr(fd, buf, LINE_RELEASE)) == 0
        got = yield from _read_all(fd, buf, len(b"hijumponetwo"))
        assert got == b"hijumponetwo", got
        r, st = yield from _stat(fd, buf)
        assert r == 0 and st == (0, 2), (r, st)
        yield sys.close(fd)

    w.spawn("client", client())


def _fatal(w):
    """LINE_FATAL puts the stream in error (merror: an M_ERROR up): the
    ioctl itself, and every read and write after it, fail with EPROTO,
    data waiting at the head or not."""
    def client():
        fd, buf = yield from _opened()
        assert (yield from _write(fd, buf, b"left")) == 4
        assert (yield from _istr(fd, buf, LINE_FATAL)) == -EPROTO
        r, got = yield from _read(fd, buf, 16)
        assert r == -EPROTO, (r, got)
        assert (yield from _write(fd, buf, b"more")) == -EPROTO
        assert (yield from _istr(fd, buf, LINE_STAT, bytes(STAT.size))) == -EPROTO
        yield sys.close(fd)

    w.spawn("client", client())


def _kill_while_draining(w):
    """One thread holds the write queue, fills it, lets it go, and kills
    the line while the service procedure is still sending it up; another
    asks for the queue's length meanwhile. Whatever the kill left comes
    up in order, then the urgent "z" written after it (band 1 may pass
    ordinary data still unread at the head)."""
    shared = {}

    def writer():
        fd, buf = yield from _opened()
        shared["fd"] = fd
        assert (yield from _istr(fd, buf, LINE_HOLD)) == 0
        for text in (b"a", b"b", b"c", b"d"):
            assert (yield from _write(fd, buf, text)) == 1
        assert (yield from _istr(fd, buf, LINE_RELEASE)) == 0
        assert (yield from _write(fd, buf, KILL)) == 1
        assert (yield from _write(fd, buf, b"!z")) == 2
        got = b""
        while b"z" not in got:
            r, part = yield from _read(fd, buf, 16)
            assert r > 0, r
            got += part
        rest = got.replace(b"z", b"")
        assert got.count(b"z") == 1 and rest == bytes(sorted(rest)), got
        assert set(rest) <= set(b"abcd"), got
        r, st = yield from _stat(fd, buf)
        assert r == 0 and st[0] == 0 and st[1] == 4 - len(rest), (st, got)
        shared["done"] = True
        yield sys.close(fd)

    def watcher():
        while "fd" not in shared:
            assert (yield sys.poll(0, 0, 1)) == 0
        buf = yield sys.mmap(PAGE)
        for _ in range(3):
            if shared.get("done"):
                break
            r, st = yield from _stat(shared["fd"], buf)
            assert r in (0, -9), r   # EBADF once the writer closed
            if r == 0:
                assert 0 <= st[0] <= 5, st

    w.spawn("writer", writer())
    w.spawn("watcher", watcher())


def _declare(body, driver, name):
    def fn(w):
        return body(w)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = body.__doc__
    return kernsim.scenario(driver=mod(driver))(fn)


edit = _declare(_edit, "stline", "edit")
fatal = _declare(_fatal, "stline", "fatal")
kill_while_draining = _declare(_kill_while_draining, "stline", "kill_while_draining")
CORRECT = ["edit", "fatal", "kill_while_draining"]

# the twin: the same scenario, the line kill's walk unfrozen
kill_while_draining_bug = _declare(_kill_while_draining, "stline_nofreeze",
                                   "kill_while_draining_bug")

# the race-instrumented build, for detect_races
RACES = {name: _declare(body, "race/stline", name + "_race")
         for name, body in (("edit", _edit), ("kill_while_draining", _kill_while_draining))}
globals().update({s.name: s for s in RACES.values()})
