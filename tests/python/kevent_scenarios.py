"""kqueue(2)/kevent(2) scenarios on tests/drivers/fbring.c, whose
d_kqfilter attaches EVFILT_READ knotes to a knlist locked by the ring's
mutex, KNOTE_LOCKED by a write (tests/python/test_kevent.py)."""
import errno
import os
import struct

import kernsim
from kernsim import build_driver, sys
from kernsim import kernsim_pb2 as pb

_TEST_DRIVERS = os.path.join(os.path.dirname(build_driver.config()["driver_dir"]),
                             "test_drivers")
FBRING = os.path.join(_TEST_DRIVERS, "fbring.so")
EVENTS = 2048  # offset of the event list in the scratch page


def _kevent(kq, buf, changes, nevents, timeout):
    """kevent with `changes` (tuples for sys.kevents) at buf and room for
    nevents at buf + EVENTS; returns (result, [event dicts])."""
    if changes:
        yield sys.poke(buf, sys.kevents(*changes))
    n = yield sys.kevent(kq, buf, len(changes), buf + EVENTS, nevents, timeout)
    evs = []
    if n > 0:
        data = yield sys.peek(buf + EVENTS, n * sys.KEVENT_SIZE)
        evs = [sys.kevent_at(data, i) for i in range(n)]
    return n, evs


def _write(fd, buf, data):
    yield sys.poke(buf, data)
    r = yield sys.write(fd, buf, len(data))
    assert r == len(data), f"write returned {r}"


@kernsim.scenario(driver=FBRING)
def fb_kevent_reader_and_writer(w):
    """A reader waits in kevent (for ever) for EVFILT_READ on the ring; a
    writer appends a byte, KNOTE_LOCKED under the ring's mutex. The reader
    must get the event, whatever the order."""
    def reader():
        fd = yield sys.open("/dev/fbring", sys.O_RDONLY)
        kq = yield sys.kqueue()
        buf = yield sys.mmap(4096)
        n, evs = yield from _kevent(kq, buf, [(fd, sys.EVFILT_READ, sys.EV_ADD)], 4, -1)
        assert n == 1, f"kevent returned {n}"
        e = evs[0]
        assert (e["ident"], e["filter"]) == (fd, sys.EVFILT_READ), e
        assert e["data"] >= 1 and not e["flags"] & sys.EV_ERROR, e
        yield sys.close(kq)
        yield sys.close(fd)

    def writer():
        fd = yield sys.open("/dev/fbring", sys.O_WRONLY)
        buf = yield sys.mmap(4096)
        yield from _write(fd, buf, b"x")
        yield sys.close(fd)
    w.spawn("reader", reader())
    w.spawn("writer", writer())


@kernsim.scenario(driver=FBRING)
def fb_kevent_semantics(w):
    """One thread, in order: timeouts, level triggering, EV_DELETE,
    EV_CLEAR, EV_ONESHOT, EV_DISABLE/EV_ENABLE, EV_RECEIPT, the errors (as
    EV_ERROR entries and as the call's), and close(2) detaching."""
    def user():
        rd = yield sys.open("/dev/fbring", sys.O_RDONLY)
        wr = yield sys.open("/dev/fbring", sys.O_WRONLY)
        kq = yield sys.kqueue()
        buf = yield sys.mmap(4096)
        R = sys.EVFILT_READ
        # Empty ring: nothing at once, nothing after 5 ms of simulated time.
        t0 = yield sys.gettime()
        n, _ = yield from _kevent(kq, buf, [(rd, R, sys.EV_ADD, 0, 0, 77)], 4, 0)
        t1 = yield sys.gettime()
        assert n == 0 and t1 == t0, (n, t1 - t0)
        n, _ = yield from _kevent(kq, buf, [], 4, 5)
        t2 = yield sys.gettime()
        assert n == 0 and t2 - t1 >= 5_000_000, (n, t2 - t1)
        # Level triggered: reported while the ring holds data.
        yield from _write(wr, buf, b"ab")
        for _ in range(2):
            n, evs = yield from _kevent(kq, buf, [], 4, 0)
            assert n == 1 and evs[0]["data"] == 2 and evs[0]["udata"] == 77, (n, evs)
        # EV_DELETE: gone; a second delete is ENOENT, as an EV_ERROR entry.
        n, _ = yield from _kevent(kq, buf, [(rd, R, sys.EV_DELETE)], 4, 0)
        assert n == 0, n
        n, evs = yield from _kevent(kq, buf, [(rd, R, sys.EV_DELETE)], 4, 0)
        assert n == 1 and evs[0]["flags"] == sys.EV_ERROR, (n, evs)
        assert evs[0]["data"] == errno.ENOENT and evs[0]["ident"] == rd, evs
        # ... or, with no room for it, the call's error.
        n, _ = yield from _kevent(kq, buf, [(rd, R, sys.EV_DELETE)], 0, 0)
        assert n == -errno.ENOENT, n
        # EV_CLEAR: reported once, then not until the next KNOTE.
        n, evs = yield from _kevent(kq, buf, [(rd, R, sys.EV_ADD | sys.EV_CLEAR)], 4, 0)
        assert n == 1 and evs[0]["flags"] & sys.EV_CLEAR, (n, evs)
        n, _ = yield from _kevent(kq, buf, [], 4, 0)
        assert n == 0, f"EV_CLEAR knote reported again: {n}"
        yield from _write(wr, buf, b"c")
        n, evs = yield from _kevent(kq, buf, [], 4, 0)
        assert n == 1 and evs[0]["data"] == 3, (n, evs)
        # EV_ONESHOT: reported once, then dropped (a delete is ENOENT).
        yield from _kevent(kq, buf, [(rd, R, sys.EV_DELETE)], 0, 0)
        n, evs = yield from _kevent(kq, buf, [(rd, R, sys.EV_ADD | sys.EV_ONESHOT)], 4, 0)
        assert n == 1 and evs[0]["flags"] & sys.EV_ONESHOT, (n, evs)
        n, _ = yield from _kevent(kq, buf, [], 4, 0)
        assert n == 0, n
        n, _ = yield from _kevent(kq, buf, [(rd, R, sys.EV_DELETE)], 0, 0)
        assert n == -errno.ENOENT, f"a oneshot knote outlived its event: {n}"
        # EV_DISABLE keeps it quiet; EV_ENABLE brings the pending event back.
        n, _ = yield from _kevent(kq, buf, [(rd, R, sys.EV_ADD | sys.EV_DISABLE)], 4, 0)
        assert n == 0, n
        n, evs = yield from _kevent(kq, buf, [(rd, R, sys.EV_ENABLE)], 4, 0)
        assert n == 1 and evs[0]["data"] == 3, (n, evs)
        # EV_RECEIPT: an EV_ERROR entry with data 0, and no scan.
        n, evs = yield from _kevent(kq, buf, [(rd, R, sys.EV_ADD | sys.EV_RECEIPT)], 4, 0)
        assert n == 1 and evs[0]["flags"] == sys.EV_ERROR and evs[0]["data"] == 0, (n, evs)
        # Errors: fbring's d_kqfilter refuses EVFILT_WRITE (EINVAL); a
        # filter outside the system's is EINVAL; a bad descriptor EBADF.
        n, evs = yield from _kevent(kq, buf, [(rd, sys.EVFILT_WRITE, sys.EV_ADD),
                                              (rd, -40, sys.EV_ADD),
                                              (99, R, sys.EV_ADD)], 4, 0)
        assert n == 3, (n, evs)
        assert [e["data"] for e in evs] == [errno.EINVAL, errno.EINVAL, errno.EBADF], evs
        assert (yield sys.kevent(rd, 0, 0, buf, 1, 0)) == -errno.EBADF  # not a kqueue
        assert (yield sys.kevent(kq, 0, -1, buf, 1, 0)) == -errno.EINVAL
        # The reader drains the ring: the level knote is no longer ready.
        r = yield sys.read(rd, buf, 64)
        assert r == 3, r
        n, _ = yield from _kevent(kq, buf, [], 4, 0)
        assert n == 0, n
        # close(2) detaches the descriptor's knotes (knote_fdclose).
        yield from _write(wr, buf, b"d")
        yield sys.close(rd)
        n, _ = yield from _kevent(kq, buf, [], 4, 0)
        assert n == 0, f"a closed descriptor's knote still reports: {n}"
        yield sys.close(kq)
        assert (yield sys.kevent(kq, 0, 0, buf, 1, 0)) == -errno.EBADF
        yield sys.close(wr)
    w.spawn("user", user())


@kernsim.scenario(driver=FBRING)
def fb_kevent_eof_at_unload(w):
    """A queued knote when the module unloads: MOD_UNLOAD's knlist_clear
    sets EV_EOF|EV_ONESHOT, and the next kevent returns it once (without
    calling the unloaded driver's filter) and drops it. A kqueue left with
    no knote then times out."""
    def user():
        rd = yield sys.open("/dev/fbring", sys.O_RDONLY)
        wr = yield sys.open("/dev/fbring", sys.O_WRONLY)
        kq = yield sys.kqueue()
        buf = yield sys.mmap(4096)
        yield from _write(wr, buf, b"z")
        n, _ = yield from _kevent(kq, buf, [(rd, sys.EVFILT_READ, sys.EV_ADD)], 4, 0)
        assert n == 1, n
        yield sys.close(wr)
        r = yield sys.modunload("fbring")
        assert r == 0, f"modunload returned {r}"
        n, evs = yield from _kevent(kq, buf, [], 4, 0)
        assert n == 1 and evs[0]["flags"] & sys.EV_EOF, (n, evs)
        n, _ = yield from _kevent(kq, buf, [], 4, 3)
        assert n == 0, n
        yield sys.close(kq)
        yield sys.close(rd)
    w.spawn("user", user())


@kernsim.scenario(driver="sample")
def kevent_of_an_illumos_device(w):
    """kqueue is FreeBSD's: an illumos device has no d_kqfilter."""
    def user():
        fd = yield sys.open("/dev/sample", sys.O_RDWR)
        kq = yield sys.kqueue()
        buf = yield sys.mmap(4096)
        yield from _kevent(kq, buf, [(fd, sys.EVFILT_READ, sys.EV_ADD)], 4, 0)
    w.spawn("user", user())


@kernsim.program_scenario(driver=FBRING)
def fb_kevent_program():
    """The Program ops: a knote on an empty ring times out; after a write
    the event is returned."""
    prog = pb.Program()
    prog.proc.add(name="user", model="lp64")
    t = prog.thread.add(name="client", proc="user")
    call = kernsim.program_call
    call(t, "open", sys.O_RDWR, path="/dev/fbring", out="fd")
    call(t, "kqueue", out="kq")
    call(t, "mmap", 4096, 3, out="buf")
    call(t, "poke", "buf", data=sys.kevents((0, sys.EVFILT_READ, sys.EV_ADD)))
    call(t, "kevent", "kq", "buf", 1, ("buf", EVENTS), 1, 2, expect=0)
    call(t, "poke", ("buf", 1024), data=b"q")
    call(t, "write", "fd", ("buf", 1024), 1, expect=1)
    call(t, "kevent", "kq", 0, 0, ("buf", EVENTS), 1, -1, expect=1)
    call(t, "check", ("buf", EVENTS), data=struct.pack("<QhH", 0, sys.EVFILT_READ, 0))
    call(t, "close", "kq", expect=0)
    call(t, "close", "fd", expect=0)
    return prog


@kernsim.program_scenario(driver=FBRING)
def fb_kevent_program_reader_and_writer():
    """The Program form of the race: a reader in kevent for ever on fd 0,
    a writer appending a byte."""
    prog = pb.Program()
    prog.proc.add(name="user", model="lp64")
    call = kernsim.program_call
    r = prog.thread.add(name="reader", proc="user")
    call(r, "open", sys.O_RDWR, path="/dev/fbring", out="fd")
    call(r, "kqueue", out="kq")
    call(r, "mmap", 4096, 3, out="buf")
    call(r, "poke", "buf", data=sys.kevents((0, sys.EVFILT_READ, sys.EV_ADD)))
    call(r, "kevent", "kq", "buf", 1, ("buf", EVENTS), 1, -1, expect=1)
    wr = prog.thread.add(name="writer", proc="user")
    call(wr, "open", sys.O_RDWR, path="/dev/fbring", out="wfd")
    call(wr, "mmap", 4096, 3, out="wbuf")
    call(wr, "write", "wfd", "wbuf", 1, expect=1)
    return prog


@kernsim.scenario(driver=FBRING)
def fb_kevent_unload_race(w):
    """A reader registers a ready knote and scans (level triggered) while
    another thread unloads the module: MOD_UNLOAD's knlist_clear waits for
    a knote the scan or the registration has in flux, so the driver's
    f_event always runs under its lock, and never once the module is gone
    (a cleared knote is EV_ONESHOT: returned without asking f_event)."""
    def reader():
        rd = yield sys.open("/dev/fbring", sys.O_RDONLY)
        wr = yield sys.open("/dev/fbring", sys.O_WRONLY)
        if rd < 0 or wr < 0:
            return  # the module went first
        kq = yield sys.kqueue()
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, b"r")
        yield sys.write(wr, buf, 1)
        n, evs = yield from _kevent(kq, buf, [(rd, sys.EVFILT_READ, sys.EV_ADD)], 4, 0)
        assert n in (0, 1), (n, evs)
        if n == 1 and evs[0]["flags"] & sys.EV_ERROR:
            assert evs[0]["data"] == errno.ENXIO, evs  # destroy_dev came first
            return
        eof = 0
        for _ in range(3):
            n, evs = yield from _kevent(kq, buf, [], 4, 0)
            assert n in (0, 1), n
            if n and evs[0]["flags"] & sys.EV_EOF:
                eof += 1
        assert eof <= 1, f"EV_EOF returned {eof} times"

    def unloader():
        r = yield sys.modunload("fbring")
        assert r == 0, f"modunload returned {r}"
    w.spawn("reader", reader())
    w.spawn("unloader", unloader())


FBPRIV = os.path.join(_TEST_DRIVERS, "fbpriv.so")


@kernsim.scenario(driver=FBPRIV)
def fb_kevent_without_d_kqfilter(w):
    """A FreeBSD cdevsw without d_kqfilter: devfs gives it no_kqfilter,
    whose answer is ENODEV (kern_conf.c), an EV_ERROR entry."""
    def user():
        fd = yield sys.open("/dev/fbpriv", sys.O_RDWR)
        kq = yield sys.kqueue()
        buf = yield sys.mmap(4096)
        n, evs = yield from _kevent(kq, buf, [(fd, sys.EVFILT_READ, sys.EV_ADD)], 4, 0)
        assert n == 1 and evs[0]["flags"] == sys.EV_ERROR, (n, evs)
        assert evs[0]["data"] == errno.ENODEV, evs
        yield sys.close(kq)
        yield sys.close(fd)
    w.spawn("user", user())


@kernsim.scenario(driver=FBRING)
def kevent_timer_filter(w):
    """EVFILT_TIMER has no driver behind it: not modelled, and says so."""
    def user():
        kq = yield sys.kqueue()
        buf = yield sys.mmap(4096)
        yield from _kevent(kq, buf, [(1, sys.EVFILT_TIMER, sys.EV_ADD, 0, 10)], 4, 0)
    w.spawn("user", user())


@kernsim.scenario(driver=FBRING)
def fb_kevent_waiter_at_unload(w):
    """A reader asleep in kevent on the empty ring when the module unloads:
    knlist_clear sets EV_EOF on its knote but, as on FreeBSD, does not
    activate it, so nothing wakes the reader (a driver that wants its
    waiters woken KNOTEs an end-of-file its f_event reports first)."""
    def reader():
        rd = yield sys.open("/dev/fbring", sys.O_RDONLY)
        kq = yield sys.kqueue()
        buf = yield sys.mmap(4096)
        yield from _kevent(kq, buf, [(rd, sys.EVFILT_READ, sys.EV_ADD)], 4, -1)

    def unloader():
        yield sys.poll(0, 0, 1)  # 1 ms: the reader sleeps by then
        r = yield sys.modunload("fbring")
        assert r == 0, f"modunload returned {r}"
    w.spawn("reader", reader())
    w.spawn("unloader", unloader())
