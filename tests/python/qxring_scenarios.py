"""Scenarios of tests/drivers/qxring.c, a QNX resource manager written from
the QNX documentation (the qnxprobe audit): a loopback FIFO whose reads on
an empty ring stay REPLY-blocked (_RESMGR_NOREPLY) until the server's pump
thread replies with MsgReply; an unblock (a signal to the reader) or the
close of the reader's OCB answers them with an error. Each scenario names
the module by path: the correct build, or a bug twin's (`twin(...)`)."""
import os
import struct

import kernsim
from kernsim import build_driver, sys

_DIR = os.path.join(os.path.dirname(build_driver.config()["driver_dir"]), "test_drivers")
QXRING = os.path.join(_DIR, "qxring.so")
DEV = "/dev/qxring"

# qxring.c's dcmds: _DCMD_MISC (5) << 8 | command, the data size << 16
GETSTATS = 0x40280540      # __DIOF: struct qx_stats
STATS = struct.Struct("<IIIIQQQ")   # count, waiting, opens, hiwater, in, out, dropped
PUTV_16 = 0x80180543       # __DIOT, 24 bytes: struct qx_hdr and 16 of data


def twin(name):
    return os.path.join(_DIR, name + ".so")


def stats(fd, buf):
    r = yield sys.ioctl(fd, GETSTATS, buf)
    assert r == 0, f"GETSTATS returned {r}"
    return STATS.unpack((yield sys.peek(buf, STATS.size)))


def nap():
    """A millisecond of virtual time (poll of no descriptors): a polling
    loop that does not starve the threads it waits for."""
    yield sys.poll(0, 0, 1)


def wait_blocked(fd, buf, n=1):
    """Until n reads are REPLY-blocked in the server (the driver's count)."""
    while True:
        st = yield from stats(fd, buf)
        if st[1] >= n:
            return
        yield from nap()


def _blocking_read_then_write(w):
    """A read of the empty ring blocks until a writer's data arrives; the
    reader gets those bytes."""
    def reader():
        fd = yield sys.open(DEV, sys.O_RDONLY)
        buf = yield sys.mmap(4096)
        r = yield sys.read(fd, buf, 64)
        assert r == 8, f"read returned {r}"
        got = yield sys.peek(buf, 8)
        assert got == b"abcdefgh", got
        yield sys.close(fd)

    def writer():
        fd = yield sys.open(DEV, sys.O_WRONLY)
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, b"abcdefgh")
        r = yield sys.write(fd, buf, 8)
        assert r == 8, f"write returned {r}"
        yield sys.close(fd)

    w.spawn("reader", reader())
    w.spawn("writer", writer())


def _two_readers_putv(w):
    """Two readers block; one PUTV of 16 bytes (a devctl whose payload
    length is its own header's) feeds them: every byte reaches exactly one
    reader, in order."""
    got = {}

    def reader(name):
        fd = yield sys.open(DEV, sys.O_RDONLY)
        buf = yield sys.mmap(4096)
        total = b""
        while len(total) < 8:
            r = yield sys.read(fd, buf, 8 - len(total))
            assert 0 < r <= 8 - len(total), f"{name}: read returned {r}"
            total += yield sys.peek(buf, r)
        got[name] = total
        yield sys.close(fd)

    def feeder():
        fd = yield sys.open(DEV, sys.O_RDWR)
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, struct.pack("<II", 16, 0) + bytes(range(16)))
        r = yield sys.ioctl(fd, PUTV_16, buf)   # devctl's ret_val: the bytes taken
        assert r == 16, f"PUTV returned {r}"
        yield sys.close(fd)

    def check():
        # after both readers: the bytes 0..15 split between them, in order
        fd = yield sys.open(DEV, sys.O_RDONLY)
        buf = yield sys.mmap(4096)
        while len(got) < 2:
            yield from nap()
        a, b = got["r0"], got["r1"]
        assert sorted(a + b) == list(range(16)), (a, b)
        assert list(a) == sorted(a) and list(b) == sorted(b), (a, b)
        yield sys.close(fd)

    w.spawn("r0", reader("r0"))
    w.spawn("r1", reader("r1"))
    w.spawn("feeder", feeder())
    w.spawn("check", check())


def _read_nothing_arrives(w):
    """A read of the empty ring that nothing ever feeds: the reader stays
    REPLY-blocked (the program's own wait; a signal would end it)."""
    def reader():
        fd = yield sys.open(DEV, sys.O_RDONLY)
        buf = yield sys.mmap(4096)
        yield sys.read(fd, buf, 16)
        yield sys.close(fd)

    w.spawn("reader", reader())


read_nothing_arrives = kernsim.scenario_of(_read_nothing_arrives, QXRING, "read_nothing_arrives")


def _nonblocking_read(w):
    """A read of the empty ring on an O_NONBLOCK open answers EAGAIN."""
    def reader():
        fd = yield sys.open(DEV, sys.O_RDWR | sys.O_NDELAY)
        buf = yield sys.mmap(4096)
        r = yield sys.read(fd, buf, 16)
        assert r == -sys.EAGAIN, f"read on a non-blocking open returned {r}"
        yield sys.close(fd)

    w.spawn("reader", reader())


def _signal_unblocks_read(w):
    """A signal to a reader REPLY-blocked in the server: the kernel's
    unblock pulse reaches the server's io_unblock, which answers EINTR."""
    def reader():
        fd = yield sys.open(DEV, sys.O_RDONLY)
        buf = yield sys.mmap(4096)
        r = yield sys.read(fd, buf, 16)
        assert r == -sys.EINTR, f"read returned {r}"
        yield sys.close(fd)

    def signaller():
        fd = yield sys.open(DEV, sys.O_RDONLY)
        buf = yield sys.mmap(4096)
        yield from wait_blocked(fd, buf)
        yield sys.kill("reader", sys.SIGINT)
        yield sys.close(fd)

    w.spawn("reader", reader())
    w.spawn("signaller", signaller())


def _killed_blocked_reader(w):
    """A reader killed while REPLY-blocked: the kernel answers it at once
    and the server's later answer finds no one; its process's exit closes
    its OCB (at the end of the run in the model), and io_close_ocb must take
    the queued read along, which the server's stop checks."""
    w.proc("victim", uid=0)

    def victim():
        fd = yield sys.open(DEV, sys.O_RDONLY)
        buf = yield sys.mmap(4096)
        r = yield sys.read(fd, buf, 16)
        assert r == -sys.EINTR, f"the killed read returned {r}"

    def killer():
        fd = yield sys.open(DEV, sys.O_RDWR)
        buf = yield sys.mmap(4096)
        yield from wait_blocked(fd, buf)
        yield sys.kill("victim", sys.SIGKILL)
        yield sys.close(fd)

    w.spawn("victim", victim(), proc="victim")
    w.spawn("killer", killer())


def _close_while_blocked(w):
    """One thread closes the descriptor another thread of its process is
    REPLY-blocked reading: close() is its own _IO_CLOSE message, the
    server's io_close_ocb answers the queued read (EBADF)."""
    fds = {}

    def reader():
        fd = yield sys.open(DEV, sys.O_RDONLY)
        fds["r"] = fd
        buf = yield sys.mmap(4096)
        r = yield sys.read(fd, buf, 16)
        assert r == -sys.EBADF, f"the read of a closed OCB returned {r}"

    def closer():
        fd = yield sys.open(DEV, sys.O_RDONLY)
        buf = yield sys.mmap(4096)
        yield from wait_blocked(fd, buf)
        assert (yield sys.close(fds["r"])) == 0
        st = yield from stats(fd, buf)
        assert st[1] == 0 and st[2] == 1, st
        yield sys.close(fd)

    w.spawn("reader", reader())
    w.spawn("closer", closer())


def _close_during_write(w):
    """One thread closes the descriptor another thread of its process is
    writing through (a write longer than the server's receive buffer
    takes, read in chunks): the library runs the close after the write's
    handler, which holds the attribute's lock (lock_ocb), so the OCB is not
    freed under the write."""
    fds = {}

    def writer():
        fd = yield sys.open(DEV, sys.O_WRONLY)
        fds["w"] = fd
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, bytes(range(256)) + bytes(44))
        r = yield sys.write(fd, buf, 300)
        assert r in (300, -sys.EBADF), f"write returned {r}"

    def closer():
        while "w" not in fds:
            yield from nap()
        assert (yield sys.close(fds["w"])) == 0

    w.spawn("writer", writer())
    w.spawn("closer", closer())


def _writer_then_reader_stats(w):
    """Counters agree with what was moved: opens, bytes in and out."""
    def body():
        a = yield sys.open(DEV, sys.O_RDWR)
        b = yield sys.open(DEV, sys.O_RDWR)
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, b"x" * 100)
        assert (yield sys.write(a, buf, 100)) == 100
        assert (yield sys.read(b, buf, 30)) == 30
        st = yield from stats(a, buf)
        assert st[0] == 70 and st[2] == 2 and st[4] == 100 and st[5] == 30, st
        yield sys.close(a)
        yield sys.close(b)

    w.spawn("client", body())


BODIES = {
    "blocking_read_then_write": _blocking_read_then_write,
    "two_readers_putv": _two_readers_putv,
    "nonblocking_read": _nonblocking_read,
    "signal_unblocks_read": _signal_unblocks_read,
    "killed_blocked_reader": _killed_blocked_reader,
    "close_while_blocked": _close_while_blocked,
    "close_during_write": _close_during_write,
    "writer_then_reader_stats": _writer_then_reader_stats,
}


def make(name, module=QXRING):
    return kernsim.scenario_of(BODIES[name], module, name)


def _hello_twice(w):
    """qxhello (the guides' example): two readers each read the whole
    text once from their own offset, then the end of the file."""
    def reader():
        fd = yield sys.open("/dev/qxhello", sys.O_RDONLY)
        buf = yield sys.mmap(4096)
        r = yield sys.read(fd, buf, 64)
        assert r == 13, f"read returned {r}"
        assert (yield sys.peek(buf, 13)) == b"Hello world\n\0"
        assert (yield sys.read(fd, buf, 64)) == 0
        assert (yield sys.write(fd, buf, 4)) == -sys.EBADF   # opened read-only
        yield sys.close(fd)

    w.spawn("reader0", reader())
    w.spawn("reader1", reader())


hello_twice = kernsim.scenario_of(_hello_twice, os.path.join(_DIR, "qxhello.so"), "hello_twice")


_first_rand = []  # across the executions of one process


def _stamp_read(w):
    """qxhello_stamp: one read, which sleeps 6 ms in the server and answers
    the clocks it reads then (monotonic, realtime, gettimeofday, time):
    virtual ones, from the virtual date of boot (2026-01-01T00:00:00Z); and
    its first rand(), the same in every execution of the process."""
    def reader():
        fd = yield sys.open("/dev/qxhello", sys.O_RDONLY)
        buf = yield sys.mmap(4096)
        n = yield sys.read(fd, buf, 96)
        assert n > 0, f"read returned {n}"
        mono, real, tod, now, rnd = (yield sys.peek(buf, n - 1)).decode().split()
        _first_rand.append(rnd)
        assert rnd == _first_rand[0], (rnd, _first_rand[0])
        assert 0.006 <= float(mono) < 1, mono
        assert int(real) == int(tod) == int(now) == 1767225600 + int(float(mono)), \
            (mono, real, tod, now)
        yield sys.close(fd)
    w.spawn("reader", reader())


stamp_read = kernsim.scenario_of(_stamp_read, os.path.join(_DIR, "qxhello_stamp.so"),
                                 "stamp_read")


# the correct build's scenarios, for `kernsim explore this.py:NAME`
for _n in BODIES:
    globals()[_n] = make(_n)

# QX_BUG_CLOSE_KEEP: io_close_ocb leaves the OCB's queued reads queued
killed_blocked_reader_close_keep = kernsim.scenario_of(
    _killed_blocked_reader, twin("qxring_close_keep"), "killed_blocked_reader_close_keep")
# QX_BUG_NO_UNBLOCK: the library's default io_unblock leaves the reader blocked
signal_unblocks_read_no_unblock = kernsim.scenario_of(
    _signal_unblocks_read, twin("qxring_no_unblock"), "signal_unblocks_read_no_unblock")
# QX_BUG_STATS_UNLOCKED, race-instrumented: GETSTATS without qx.mtx
signal_unblocks_read_stats_unlocked = kernsim.scenario_of(
    _signal_unblocks_read, os.path.join(_DIR, "race", "qxring_stats_unlocked.so"),
    "signal_unblocks_read_stats_unlocked")
CORRECT = sorted(BODIES)

# the race-instrumented build, for detect_races (a path names the file)
RACES = {n: kernsim.scenario_of(BODIES[n], os.path.join(_DIR, "race", "qxring.so"),
                                n + "_race") for n in BODIES}
globals().update({s.name: s for s in RACES.values()})
