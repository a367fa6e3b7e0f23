"""Scenarios of three FreeBSD drivers written as FreeBSD engineers write
them (the fbprobe audit; tests/drivers/fbtick.c, fbkv.c, fbpipe.c), and of
their bug twins, the same source built with a -D switch: fbtick_tsleep (a
tsleep after the test under the mutex: a lost wakeup), fbkv_noref (a
copyout from an entry a concurrent DEL frees), fbpipe_if (a reader that
tests with "if" and takes a message another reader took)."""
import errno
import os
import struct

import kernsim
from kernsim import build_driver, sys
from kernsim import kernsim_pb2 as pb

_TEST_DRIVERS = os.path.join(os.path.dirname(build_driver.config()["driver_dir"]),
                             "test_drivers")


def mod(name):
    return os.path.join(_TEST_DRIVERS, name + ".so")


def _ioc(inout, group, num, size):
    return inout | ((size & 0x1FFF) << 16) | (ord(group) << 8) | num


IOC_VOID, IOC_OUT, IOC_IN = 0x20000000, 0x40000000, 0x80000000
IOC_INOUT = IOC_IN | IOC_OUT

TICK_START = _ioc(IOC_IN, 'T', 1, 8)
TICK_STOP = _ioc(IOC_VOID, 'T', 2, 0)
TICK_STAT = _ioc(IOC_OUT, 'T', 3, 16)
TICK_WAIT = _ioc(IOC_IN, 'T', 4, 4)

KV_PUT = _ioc(IOC_IN, 'K', 1, 32)
KV_GET = _ioc(IOC_INOUT, 'K', 2, 32)
KV_DEL = _ioc(IOC_IN, 'K', 3, 32)
KV_COUNT = _ioc(IOC_OUT, 'K', 4, 4)
KV_CLEAR = _ioc(IOC_VOID, 'K', 5, 0)
KV_SETMAX = _ioc(IOC_IN, 'K', 6, 4)

PIPE_SETTIMEO = _ioc(IOC_IN, 'P', 1, 4)
PIPE_SETMAX = _ioc(IOC_IN, 'P', 2, 4)
PIPE_NREADY = _ioc(IOC_OUT, 'P', 3, 4)

TICK, KV, PIPE = "fbtick", "fbkv", "fbpipe"   # registered module names (kldunload)


# ---------------------------------------------------------------- fbtick

def _tick_read(w):
    """One thread starts 4 ticks and reads them blocking; another opens and
    polls; a third reads non-blocking. Events come in order, every one."""
    def reader():
        fd = yield sys.open("/dev/fbtick", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, struct.pack("<ii", 2, 4))
        assert (yield sys.ioctl(fd, TICK_START, buf)) == 0
        seqs = []
        while len(seqs) < 4:
            r = yield sys.read(fd, buf, 64)
            assert r > 0 and r % 16 == 0, f"read returned {r}"
            data = yield sys.peek(buf, r)
            seqs += [struct.unpack_from("<I", data, i)[0] for i in range(0, r, 16)]
        assert seqs == [0, 1, 2, 3], seqs
        assert (yield sys.ioctl(fd, TICK_STAT, buf)) == 0
        posted, target, running, readers = struct.unpack("<IIII", (yield sys.peek(buf, 16)))
        assert posted == 4 and target == 4, (posted, target)
        assert (yield sys.ioctl(fd, 0x20005499)) == -errno.ENOTTY
        yield sys.close(fd)

    def poller():
        fd = yield sys.open("/dev/fbtick", sys.O_RDONLY)
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, sys.pollfds((fd, sys.POLLIN)))
        r = yield sys.poll(buf, 1, 50)
        assert r in (0, 1), r
        if r == 1:
            assert sys.revents((yield sys.peek(buf, 8)), 0) & sys.POLLIN
            r = yield sys.read(fd, buf + 64, 16)
            assert r == 16, r
        yield sys.close(fd)

    def nonblock():
        fd = yield sys.open("/dev/fbtick", sys.O_RDONLY | sys.O_NDELAY)
        buf = yield sys.mmap(4096)
        r = yield sys.read(fd, buf, 16)
        assert r == 16 or r == -errno.EWOULDBLOCK, r
        yield sys.close(fd)
    w.spawn("reader", reader())
    w.spawn("poller", poller())
    w.spawn("nonblock", nonblock())


def _tick_signal_unload(w):
    """A reader sleeps with no ticks armed and is signalled: EINTR. The
    module refuses to unload while open, unloads once closed."""
    def reader():
        fd = yield sys.open("/dev/fbtick", sys.O_RDONLY)
        buf = yield sys.mmap(4096)
        r = yield sys.read(fd, buf, 16)
        assert r == -errno.EINTR, r
        yield sys.close(fd)

    def other():
        fd = yield sys.open("/dev/fbtick", sys.O_RDONLY)
        yield sys.kill("reader")
        assert (yield sys.modunload(TICK)) == -errno.EBUSY
        yield sys.close(fd)
    w.spawn("reader", reader())
    w.spawn("other", other())


def _tick_close_stops(w):
    """The last close stops a running callout (d_close at last close only);
    the unload after drains whatever fires."""
    def client():
        fd = yield sys.open("/dev/fbtick", sys.O_RDWR)
        fd2 = yield sys.open("/dev/fbtick", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, struct.pack("<ii", 1, 1000))
        assert (yield sys.ioctl(fd, TICK_START, buf)) == 0
        assert (yield sys.ioctl(fd2, TICK_START, buf)) == -errno.EBUSY
        assert (yield sys.read(fd2, buf, 16)) == 16
        yield sys.close(fd)
        assert (yield sys.ioctl(fd2, TICK_STAT, buf)) == 0
        running = struct.unpack("<IIII", (yield sys.peek(buf, 16)))[2]
        assert running == 1, "the first close was not the last: d_close must not run"
        yield sys.close(fd2)
        assert (yield sys.modunload(TICK)) == 0
    w.spawn("client", client())


def _tick_wait(w):
    """TICK_WAIT (msleep_sbt to an absolute deadline): a run of 3 ticks
    2 ms apart ends within 100 ms; a run of 5 ticks 10 ms apart does not
    end within 5 ms (ETIMEDOUT, and 5 ms went by); the
    summary timeout task after a run is cancelled by the next start."""
    def client():
        fd = yield sys.open("/dev/fbtick", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, struct.pack("<i", 100))
        assert (yield sys.ioctl(fd, TICK_WAIT, buf)) == 0   # nothing running
        yield sys.poke(buf, struct.pack("<ii", 2, 3))
        assert (yield sys.ioctl(fd, TICK_START, buf)) == 0
        yield sys.poke(buf, struct.pack("<i", 100))
        assert (yield sys.ioctl(fd, TICK_WAIT, buf)) == 0
        yield sys.poke(buf, struct.pack("<ii", 10, 5))
        r = yield sys.ioctl(fd, TICK_START, buf)
        assert r in (0, -errno.EBUSY), r   # the last callout may not have returned
        if r == 0:
            yield sys.poke(buf, struct.pack("<i", 5))
            t0 = yield sys.gettime()
            assert (yield sys.ioctl(fd, TICK_WAIT, buf)) == -errno.ETIMEDOUT
            # SBT_1MS is 2^32/1000 rounded down, on FreeBSD too: a hair under
            assert (yield sys.gettime()) - t0 >= 4_999_000
            assert (yield sys.ioctl(fd, TICK_STOP)) == 0
        yield sys.close(fd)
    w.spawn("client", client())


def _tick_unload(w):
    """A run of 2 ticks, waited for, then kldunload at once: the summary
    timeout task of the run is still armed (or its task queued); the
    unload must drain it."""
    def client():
        fd = yield sys.open("/dev/fbtick", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, struct.pack("<ii", 1, 2))
        assert (yield sys.ioctl(fd, TICK_START, buf)) == 0
        yield sys.poke(buf, struct.pack("<i", 100))
        assert (yield sys.ioctl(fd, TICK_WAIT, buf)) == 0
        yield sys.close(fd)
        assert (yield sys.modunload(TICK)) == 0
    w.spawn("client", client())


# ---------------------------------------------------------------- fbkv

def _until(cond):
    """Wait for another thread's progress: poll(2) of no descriptors is a
    1 ms sleep on the simulated clock."""
    while not cond():
        r = yield sys.poll(0, 0, 1)
        assert r == 0, r


def _kvreq(key, val, length, owner=0):
    return struct.pack("<QQQiI", key, val, length, owner, 0)


def _kv_ops(w):
    """PUT, GET, DEL from two threads; errors a user meets."""
    w.proc("user", uid=0)
    w.proc("nobody", uid=65534)

    def a():
        fd = yield sys.open("/dev/fbkv", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        yield sys.poke(buf + 256, b"alpha\0")
        yield sys.poke(buf + 512, b"one-value")
        yield sys.poke(buf, _kvreq(buf + 256, buf + 512, 9))
        assert (yield sys.ioctl(fd, KV_PUT, buf)) == 0
        yield sys.poke(buf, _kvreq(buf + 256, buf + 1024, 64))
        r = yield sys.ioctl(fd, KV_GET, buf)
        assert r in (0, -errno.ENOENT), r
        if r == 0:
            _, _, length, owner, _ = struct.unpack("<QQQiI", (yield sys.peek(buf, 32)))
            assert length == 9 and owner > 0, (length, owner)
            assert (yield sys.peek(buf + 1024, 9)) == b"one-value"
        # errors: unknown command, bad value pointer, unterminated key
        assert (yield sys.ioctl(fd, 0x20004b7f)) == -errno.ENOTTY
        yield sys.poke(buf, _kvreq(buf + 256, 0x10, 9))
        assert (yield sys.ioctl(fd, KV_PUT, buf)) == -errno.EFAULT
        yield sys.poke(buf + 2048, b"k" * 40)
        yield sys.poke(buf, _kvreq(buf + 2048, buf + 512, 9))
        assert (yield sys.ioctl(fd, KV_PUT, buf)) == -errno.ENAMETOOLONG
        yield sys.close(fd)

    def b():
        fd = yield sys.open("/dev/fbkv", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        yield sys.poke(buf + 256, b"alpha\0")
        yield sys.poke(buf, _kvreq(buf + 256, 0, 0))
        r = yield sys.ioctl(fd, KV_DEL, buf)
        assert r in (0, -errno.ENOENT), r
        assert (yield sys.ioctl(fd, KV_COUNT, buf)) == 0
        n = struct.unpack("<i", (yield sys.peek(buf, 4)))[0]
        assert n in (0, 1), n
        yield sys.close(fd)

    def d():
        fd = yield sys.open("/dev/fbkv", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, struct.pack("<i", 0))
        assert (yield sys.ioctl(fd, KV_SETMAX, buf)) == -errno.EINVAL
        yield sys.poke(buf, struct.pack("<i", 128))
        assert (yield sys.ioctl(fd, KV_SETMAX, buf)) == 0
        yield sys.close(fd)

    def c():
        fd = yield sys.open("/dev/fbkv", sys.O_RDONLY)
        assert (yield sys.ioctl(fd, KV_CLEAR)) == -errno.EPERM
        buf0 = yield sys.mmap(4096)
        yield sys.poke(buf0, struct.pack("<i", 64))
        assert (yield sys.ioctl(fd, KV_SETMAX, buf0)) == -errno.EPERM
        buf = yield sys.mmap(4096)
        yield sys.poke(buf + 256, b"alpha\0")
        yield sys.poke(buf, _kvreq(buf + 256, buf + 512, 4))
        assert (yield sys.ioctl(fd, KV_PUT, buf)) == -errno.EBADF
        yield sys.close(fd)
    w.spawn("a", a())
    w.spawn("b", b())
    w.spawn("c", c(), proc="nobody")
    w.spawn("d", d())


def _kv_list(w):
    """read(2) lists the table as a file: in pieces at the file offset,
    0 at its end, pread anywhere; a second reader lists it whole."""
    def lister():
        fd = yield sys.open("/dev/fbkv", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        yield sys.poke(buf + 256, b"a\0")
        yield sys.poke(buf + 512, b"x")
        yield sys.poke(buf, _kvreq(buf + 256, buf + 512, 1))
        assert (yield sys.ioctl(fd, KV_PUT, buf)) == 0
        yield sys.poke(buf + 256, b"bb\0")
        yield sys.poke(buf, _kvreq(buf + 256, buf + 512, 2))
        assert (yield sys.ioctl(fd, KV_PUT, buf)) == 0
        yield sys.poke(buf, _kvreq(buf + 256, buf + 768, 16))
        assert (yield sys.ioctl(fd, KV_GET, buf)) == 0          # _IOWR: the owner comes out
        pid = struct.unpack("<QQQiI", (yield sys.peek(buf, 32)))[3]
        assert pid > 0, pid
        whole = b"bb 2 %d\na 1 %d\n" % (pid, pid)
        assert (yield sys.read(fd, buf + 1024, 4)) == 4
        n = yield sys.read(fd, buf + 1028, 100)
        got = yield sys.peek(buf + 1024, 4 + n)
        assert got.startswith(b"bb 2 ") and got.endswith(b"\n") and got.count(b"\n") == 2, got
        assert (yield sys.read(fd, buf + 1024, 100)) == 0   # at the end
        assert (yield sys.pread(fd, buf + 2048, 100, 3)) == len(got) - 3
        assert (yield sys.peek(buf + 2048, len(got) - 3)) == got[3:]
        assert (yield sys.pread(fd, buf + 2048, 100, 1000)) == 0
        assert got == whole, (got, whole)
        yield sys.close(fd)

    w.spawn("lister", lister())


def _kv_get_del(w):
    """A GET races a DEL and a re-PUT of one key: the GET sees one whole
    value or ENOENT."""
    def setter():
        fd = yield sys.open("/dev/fbkv", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        yield sys.poke(buf + 256, b"k\0")
        yield sys.poke(buf + 512, b"AAAAAAAA")
        yield sys.poke(buf, _kvreq(buf + 256, buf + 512, 8))
        assert (yield sys.ioctl(fd, KV_PUT, buf)) == 0
        yield sys.poke(buf + 512, b"BBBBBBBB")
        assert (yield sys.ioctl(fd, KV_PUT, buf)) == 0
        r = yield sys.ioctl(fd, KV_DEL, buf)
        assert r == 0, r
        yield sys.close(fd)

    def getter():
        fd = yield sys.open("/dev/fbkv", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        yield sys.poke(buf + 256, b"k\0")
        for _ in range(2):
            yield sys.poke(buf, _kvreq(buf + 256, buf + 1024, 8))
            r = yield sys.ioctl(fd, KV_GET, buf)
            assert r in (0, -errno.ENOENT), r
            if r == 0:
                v = yield sys.peek(buf + 1024, 8)
                assert v in (b"AAAAAAAA", b"BBBBBBBB"), v
        yield sys.close(fd)
    w.spawn("setter", setter())
    w.spawn("getter", getter())


# ---------------------------------------------------------------- fbpipe

def _pipe_two_by_two(w):
    """Two writers, two readers: each reader gets one whole cooked message."""
    got = []
    opened = []

    def writer(msg):
        # a last close drops what nobody read: the readers open first
        yield from _until(lambda: len(opened) == 2)
        fd = yield sys.open("/dev/fbpipe", sys.O_WRONLY)
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, msg)
        assert (yield sys.write(fd, buf, len(msg))) == len(msg)
        yield sys.close(fd)

    def reader():
        fd = yield sys.open("/dev/fbpipe", sys.O_RDONLY)
        opened.append(fd)
        buf = yield sys.mmap(4096)
        r = yield sys.read(fd, buf, 128)
        assert r > 0, r
        got.append((yield sys.peek(buf, r)))
        yield sys.close(fd)
        if len(got) == 2:
            assert sorted(got) == [b"HELLO", b"WORLD"], got
    # the readers hold the device open first, so no last close drops a message
    w.spawn("reader1", reader())
    w.spawn("reader2", reader())
    w.spawn("writer1", writer(b"hello"))
    w.spawn("writer2", writer(b"world"))


def _pipe_full(w):
    """A queue of one: three writers wait for room (mtx_sleep, wakeup_one);
    one reader takes all three."""
    ready = []

    def main():
        fd = yield sys.open("/dev/fbpipe", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, struct.pack("<i", 1))
        assert (yield sys.ioctl(fd, PIPE_SETMAX, buf)) == 0
        ready.append(1)
        yield sys.poke(buf, struct.pack("<i", 0))
        assert (yield sys.ioctl(fd, 0x20005077)) == -errno.ENOTTY
        seen = []
        while len(seen) < 3:
            r = yield sys.read(fd, buf, 128)
            assert r == 3, r
            seen.append((yield sys.peek(buf, 3)))
        assert sorted(seen) == [b"AAA", b"BBB", b"CCC"], seen
        yield sys.close(fd)

    def writer(msg):
        yield from _until(lambda: ready)
        fd = yield sys.open("/dev/fbpipe", sys.O_WRONLY)
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, msg)
        assert (yield sys.write(fd, buf, 3)) == 3
        yield sys.close(fd)
    w.spawn("main", main())
    for m in (b"aaa", b"bbb", b"ccc"):
        w.spawn("w" + m[:1].decode(), writer(m))


def _pipe_timeout(w):
    """A read with a 5 ms timeout and no writer: EWOULDBLOCK (cv_timedwait_sig);
    an O_NONBLOCK read: EAGAIN."""
    def timed():
        fd = yield sys.open("/dev/fbpipe", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, struct.pack("<i", 5))
        assert (yield sys.ioctl(fd, PIPE_SETTIMEO, buf)) == 0
        t0 = yield sys.gettime()
        r = yield sys.read(fd, buf, 16)
        assert r == -errno.EWOULDBLOCK, r
        assert (yield sys.gettime()) - t0 >= 5_000_000
        yield sys.close(fd)

    def nb():
        fd = yield sys.open("/dev/fbpipe", sys.O_RDONLY | sys.O_NDELAY)
        buf = yield sys.mmap(4096)
        assert (yield sys.read(fd, buf, 16)) == -errno.EAGAIN
        yield sys.close(fd)

    def killer():
        fd = yield sys.open("/dev/fbpipe", sys.O_RDONLY)
        buf = yield sys.mmap(4096)
        assert (yield sys.ioctl(fd, PIPE_NREADY, buf)) == 0
        yield sys.close(fd)
    w.spawn("timed", timed())
    w.spawn("nb", nb())
    w.spawn("killer", killer())


def _pipe_signal(w):
    """A signal ends a blocking read (cv_wait_sig): EINTR."""
    def reader():
        fd = yield sys.open("/dev/fbpipe", sys.O_RDONLY)
        buf = yield sys.mmap(4096)
        r = yield sys.read(fd, buf, 16)
        assert r == -errno.EINTR, r
        yield sys.close(fd)

    def killer():
        yield sys.kill("reader")
    w.spawn("reader", reader())
    w.spawn("killer", killer())


def _pipe_unload_open(w):
    """kldunload while a reader and a writer sleep in the driver (the
    queue is full): the unload wakes them, they leave with ENXIO, and
    destroy_dev waits for them; once it returns every call on their files
    is ENXIO from devfs, their closes 0."""
    unloaded = []

    def until_unloaded(flags, io):
        """Reads or writes 3-byte messages until the unload ends it."""
        fd = yield sys.open("/dev/fbpipe", flags)
        if fd < 0:
            assert fd in (-errno.ENXIO, -errno.ENOENT), fd
            return
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, b"abc")
        for _ in range(50):
            gone = bool(unloaded)
            r = yield io(fd, buf)
            assert r == 3 or r == -errno.ENXIO, r
            assert not gone or r == -errno.ENXIO, f"{r} after the unload returned"  # devfs
            if r < 0:
                break
        # the driver's own ENXIO (dying) can come before destroy_dev, and a
        # call that gets in meanwhile still moves a message
        r = yield io(fd, buf)
        assert r in (3, -errno.ENXIO), r
        assert (yield sys.close(fd)) == 0

    def reader():
        yield from until_unloaded(sys.O_RDONLY, lambda fd, buf: sys.read(fd, buf, 16))

    def writer():
        yield from until_unloaded(sys.O_WRONLY, lambda fd, buf: sys.write(fd, buf, 3))

    def unloader():
        assert (yield sys.modunload(PIPE)) == 0
        unloaded.append(1)
        assert (yield sys.modunload(PIPE)) == -errno.ENOENT
    w.spawn("reader", reader())
    w.spawn("writer", writer())
    w.spawn("unloader", unloader())


# ---------------------------------------------------------------- fbreopen

def _reopen(w):
    """Two threads open, read and close, twice each: an open can meet
    the other's last close."""
    def user():
        buf = yield sys.mmap(4096)
        for _ in range(2):
            fd = yield sys.open("/dev/fbreopen", sys.O_RDONLY)
            assert fd >= 0, fd
            r = yield sys.read(fd, buf, 8)
            assert r == 8, r
            assert (yield sys.peek(buf, 8)) == b"fbreopen"
            yield sys.close(fd)

    w.spawn("u1", user())
    w.spawn("u2", user())


# ---------------------------------------------------------------- declarations

def _declare(body, driver, name):
    return kernsim.scenario_of(body, mod(driver), name)


tick_read = _declare(_tick_read, "fbtick", "tick_read")
tick_signal_unload = _declare(_tick_signal_unload, "fbtick", "tick_signal_unload")
tick_close_stops = _declare(_tick_close_stops, "fbtick", "tick_close_stops")
tick_wait = _declare(_tick_wait, "fbtick", "tick_wait")
tick_unload = _declare(_tick_unload, "fbtick", "tick_unload")
kv_ops = _declare(_kv_ops, "fbkv", "kv_ops")
kv_get_del = _declare(_kv_get_del, "fbkv", "kv_get_del")
kv_list = _declare(_kv_list, "fbkv", "kv_list")
pipe_two_by_two = _declare(_pipe_two_by_two, "fbpipe", "pipe_two_by_two")
pipe_full = _declare(_pipe_full, "fbpipe", "pipe_full")
pipe_timeout = _declare(_pipe_timeout, "fbpipe", "pipe_timeout")
pipe_signal = _declare(_pipe_signal, "fbpipe", "pipe_signal")
pipe_unload_open = _declare(_pipe_unload_open, "fbpipe", "pipe_unload_open")

# the race-instrumented builds, for --detect-races (a path names the file)
RACES = {name: _declare(body, "race/" + drv, name + "_race")
         for name, body, drv in (("tick_read", _tick_read, "fbtick"),
                                 ("tick_unload", _tick_unload, "fbtick"),
                                 ("kv_ops", _kv_ops, "fbkv"),
                                 ("kv_get_del", _kv_get_del, "fbkv"),
                                 ("pipe_two_by_two", _pipe_two_by_two, "fbpipe"),
                                 ("pipe_full", _pipe_full, "fbpipe"),
                                 ("pipe_unload_open", _pipe_unload_open, "fbpipe"))}
globals().update({s.name: s for s in RACES.values()})

CORRECT = ["tick_read", "tick_signal_unload", "tick_close_stops", "tick_wait",
           "tick_unload", "kv_ops", "kv_get_del", "kv_list",
           "pipe_two_by_two", "pipe_full", "pipe_timeout", "pipe_signal",
           "pipe_unload_open"]

# the bugs: the same scenario on the -D twin
tick_read_tsleep = _declare(_tick_read, "fbtick_tsleep", "tick_read_tsleep")
tick_unload_nodrain = _declare(_tick_unload, "fbtick_nodrain", "tick_unload_nodrain")
kv_get_del_noref = _declare(_kv_get_del, "fbkv_noref", "kv_get_del_noref")
pipe_two_by_two_if = _declare(_pipe_two_by_two, "fbpipe_if", "pipe_two_by_two_if")
# WITNESS's lock classes: an rwlock held across malloc(M_WAITOK), a plain
# rmlock across copyinstr, an sx taken under the proc mutex
pipe_two_by_two_rwsleep = _declare(_pipe_two_by_two, "fbpipe_rwsleep",
                                   "pipe_two_by_two_rwsleep")
kv_ops_rmsleep = _declare(_kv_ops, "fbkv_rmsleep", "kv_ops_rmsleep")
kv_ops_sxmtx = _declare(_kv_ops, "fbkv_sxmtx", "kv_ops_sxmtx")
# d_close at the last close only, and an open during it (FreeBSD's devfs)
reopen = _declare(_reopen, "fbreopen", "reopen")
reopen_track = _declare(_reopen, "fbreopen_track", "reopen_track")


# ---------------------------------------------------------------- a Program

@kernsim.program_scenario(driver=mod("fbpipe"), ranges={"clients": (1, 8)})
def pipe_program(clients=3):
    """The fast kind: each client opens the pipe, writes "abc", reads one
    cooked message ("ABC", whoever wrote it) and closes; a last close in
    between drops nothing a reader is owed (every message has a reader
    still open)."""
    prog = pb.Program()
    prog.proc.add(name="user", model="lp64")
    for i in range(clients):
        t = prog.thread.add(name=f"client{i}", proc="user")
        kernsim.program_call(t, "open", sys.O_RDWR, path="/dev/fbpipe", out=f"fd{i}")
        kernsim.program_call(t, "mmap", 4096, sys.PROT_READ | sys.PROT_WRITE, out=f"buf{i}")
        kernsim.program_call(t, "poke", f"buf{i}", data=b"abc")
        kernsim.program_call(t, "write", f"fd{i}", f"buf{i}", 3, expect=3)
        kernsim.program_call(t, "read", f"fd{i}", (f"buf{i}", 64), 64, expect=3)
        kernsim.program_call(t, "check", (f"buf{i}", 64), data=b"ABC")
        kernsim.program_call(t, "close", f"fd{i}", expect=0)
    return prog

