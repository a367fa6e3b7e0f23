"""poll(2) scenarios on two drivers written as their kernels' engineers
write them: tests/drivers/fbring.c (FreeBSD d_poll, selrecord/selwakeup)
and tests/drivers/ilmbox.c (illumos chpoll, pollwakeup/pollhead_clean).
A poller and a producer; timeouts on the simulated clock; EFAULT and
POLLNVAL (tests/python/test_poll.py)."""
import errno
import os

import struct

import kernsim
from kernsim import build_driver, sys
from kernsim import kernsim_pb2 as pb

_TEST_DRIVERS = os.path.join(os.path.dirname(build_driver.config()["driver_dir"]),
                             "test_drivers")
FBRING = os.path.join(_TEST_DRIVERS, "fbring.so")
ILMBOX = os.path.join(_TEST_DRIVERS, "ilmbox.so")
MBOX_POST, MBOX_TAKE, MBOX_RESET = 0x6D01, 0x6D02, 0x6D03


def _poll_one(fd, events, timeout):
    """Polls fd for events; returns (result, revents)."""
    buf = yield sys.mmap(4096)
    yield sys.poke(buf, sys.pollfds((fd, events)))
    n = yield sys.poll(buf, 1, timeout)
    data = yield sys.peek(buf, sys.POLLFD_SIZE)
    return n, sys.revents(data)


@kernsim.scenario(driver=FBRING)
def fb_poller_and_writer(w):
    """A poller waits for data (poll forever); a writer appends a byte,
    which selwakeups the ring's readers. The poller must see POLLIN."""
    def poller():
        fd = yield sys.open("/dev/fbring", sys.O_RDONLY)
        n, rev = yield from _poll_one(fd, sys.POLLIN, sys.INFTIM)
        assert n == 1 and rev & sys.POLLIN, f"poll returned {n}, revents {rev:#x}"
        yield sys.close(fd)

    def writer():
        fd = yield sys.open("/dev/fbring", sys.O_WRONLY)
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, b"x")
        r = yield sys.write(fd, buf, 1)
        assert r == 1, f"write returned {r}"
        yield sys.close(fd)
    w.spawn("poller", poller())
    w.spawn("writer", writer())


@kernsim.scenario(driver=FBRING)
def fb_timeouts(w):
    """An empty ring: timeout 0 returns 0 at once, without moving the
    clock; 5 ms returns 0 after 5 ms of simulated time; POLLOUT is ready
    (there is room) whatever the timeout."""
    def poller():
        fd = yield sys.open("/dev/fbring", sys.O_RDWR)
        t0 = yield sys.gettime()
        n, rev = yield from _poll_one(fd, sys.POLLIN, 0)
        t1 = yield sys.gettime()
        assert n == 0 and rev == 0, f"poll(0) returned {n}, revents {rev:#x}"
        assert t1 == t0, f"poll(0) took {t1 - t0} ns"
        n, rev = yield from _poll_one(fd, sys.POLLIN, 5)
        t2 = yield sys.gettime()
        assert n == 0 and rev == 0, f"poll(5) returned {n}, revents {rev:#x}"
        assert t2 - t1 >= 5_000_000, f"poll(5) returned after {t2 - t1} ns"
        n, rev = yield from _poll_one(fd, sys.POLLIN | sys.POLLOUT, -1)
        assert n == 1 and rev == sys.POLLOUT, f"poll(POLLOUT) returned {n}, revents {rev:#x}"
        yield sys.close(fd)
    w.spawn("poller", poller())


@kernsim.scenario(driver=FBRING)
def fb_bad_arguments(w):
    """An unmapped pollfd array is EFAULT; a closed descriptor is POLLNVAL
    (and counts as ready); a negative one is ignored; timeout -2 is EINVAL."""
    def poller():
        fd = yield sys.open("/dev/fbring", sys.O_RDONLY)
        buf = yield sys.mmap(4096)
        yield sys.munmap(buf, 4096)
        n = yield sys.poll(buf, 1, 0)
        assert n == -errno.EFAULT, f"poll of an unmapped array returned {n}"
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, sys.pollfds((fd, sys.POLLIN)))
        n = yield sys.poll(buf, 1, -2)
        assert n == -errno.EINVAL, f"poll with timeout -2 returned {n}"
        yield sys.close(fd)
        yield sys.poke(buf, sys.pollfds((fd, sys.POLLIN), (-1, sys.POLLIN)))
        n = yield sys.poll(buf, 2, -1)
        data = yield sys.peek(buf, 2 * sys.POLLFD_SIZE)
        assert n == 1, f"poll of a closed fd returned {n}"
        assert sys.revents(data, 0) == sys.POLLNVAL, f"revents {sys.revents(data, 0):#x}"
        assert sys.revents(data, 1) == 0, f"revents of fd -1: {sys.revents(data, 1):#x}"
    w.spawn("poller", poller())


@kernsim.scenario(driver=ILMBOX)
def il_poller_and_poster(w):
    """A poller waits for a message (poll forever); a poster posts one,
    which pollwakeups the mailbox's pollhead."""
    def poller():
        fd = yield sys.open("/dev/ilmbox", sys.O_RDWR)
        n, rev = yield from _poll_one(fd, sys.POLLIN, sys.INFTIM)
        assert n == 1 and rev & sys.POLLIN, f"poll returned {n}, revents {rev:#x}"
        r = yield sys.ioctl(fd, MBOX_TAKE, 0)
        assert r == 0, f"MBOX_TAKE returned {r}"
        yield sys.close(fd)

    def poster():
        fd = yield sys.open("/dev/ilmbox", sys.O_RDWR)
        r = yield sys.ioctl(fd, MBOX_POST, 0)
        assert r == 0, f"MBOX_POST returned {r}"
        yield sys.close(fd)
    w.spawn("poller", poller())
    w.spawn("poster", poster())


@kernsim.scenario(driver=ILMBOX)
def il_poller_and_two_posts(w):
    """A poller waits for a message; a poster posts twice: the poller's
    pass after the first wakeup may run while the second is posted."""
    def poller():
        fd = yield sys.open("/dev/ilmbox", sys.O_RDWR)
        n, rev = yield from _poll_one(fd, sys.POLLIN, sys.INFTIM)
        assert n == 1 and rev & sys.POLLIN, f"poll returned {n}, revents {rev:#x}"
        yield sys.close(fd)

    def poster():
        fd = yield sys.open("/dev/ilmbox", sys.O_RDWR)
        for _ in range(2):
            r = yield sys.ioctl(fd, MBOX_POST, 0)
            assert r == 0, f"MBOX_POST returned {r}"
        yield sys.close(fd)
    w.spawn("poller", poller())
    w.spawn("poster", poster())


@kernsim.scenario(driver=ILMBOX)
def il_reset_after_poll(w):
    """A poll that found nothing leaves the poller cached on the mailbox's
    pollhead (illumos's poll cache) while the descriptor stays open; the
    reset then frees that mailbox: pollhead_clean must come first."""
    def user():
        fd = yield sys.open("/dev/ilmbox", sys.O_RDWR)
        t0 = yield sys.gettime()
        n, rev = yield from _poll_one(fd, sys.POLLIN, 3)
        t1 = yield sys.gettime()
        assert n == 0 and rev == 0 and t1 - t0 >= 3_000_000, (n, rev, t1 - t0)
        r = yield sys.ioctl(fd, MBOX_RESET, 0)
        assert r == 0, f"MBOX_RESET returned {r}"
        r = yield sys.ioctl(fd, MBOX_POST, 0)
        n, rev = yield from _poll_one(fd, sys.POLLIN, 0)
        assert n == 1 and rev == sys.POLLIN, f"poll after a post returned {n}, {rev:#x}"
        yield sys.close(fd)
    w.spawn("user", user())


@kernsim.scenario(driver="sample")
def nochpoll_fails_the_call(w):
    """A cb_ops whose cb_chpoll is nochpoll: illumos's poll(2) fails with
    chpoll's ENXIO (VOP_POLL's error ends pcache_insert), not a revents."""
    def user():
        fd = yield sys.open("/dev/sample", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, sys.pollfds((fd, sys.POLLIN)))
        n = yield sys.poll(buf, 1, 0)
        assert n == -errno.ENXIO, f"poll of a nochpoll device returned {n}"
        yield sys.close(fd)
    w.spawn("user", user())


@kernsim.scenario(driver="streams_perim")
def poll_of_a_stream(w):
    """STREAMS poll (strpoll) is not modelled: not_modelled:poll, not a crash."""
    def user():
        fd = yield sys.open("/dev/perim0", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, sys.pollfds((fd, sys.POLLIN)))
        yield sys.poll(buf, 1, 0)
    w.spawn("user", user())


@kernsim.program_scenario(driver=FBRING)
def fb_poll_program():
    """The Program op: POLLOUT ready at once, then EFAULT once the array
    is unmapped."""
    prog = pb.Program()
    prog.proc.add(name="user", model="lp64")
    t = prog.thread.add(name="client", proc="user")
    call = kernsim.program_call
    call(t, "open", sys.O_RDWR, path="/dev/fbring", out="fd")
    call(t, "mmap", 4096, 3, out="buf")
    call(t, "poke", "buf", data=struct.pack("<ihh", 0, sys.POLLOUT, 0))
    call(t, "poke_int", "buf", "fd", 4, expect=0)
    call(t, "poll", "buf", 1, 0, expect=1)
    call(t, "check", ("buf", 6), data=struct.pack("<h", sys.POLLOUT))
    call(t, "munmap", "buf", 4096, expect=0)
    call(t, "poll", "buf", 1, 0, expect=-errno.EFAULT)
    call(t, "close", "fd", expect=0)
    return prog


@kernsim.scenario(driver="qnx_devctl")
def poll_of_a_qnx_server(w):
    """QNX's io_notify is not modelled: not_modelled:poll, not a crash."""
    def user():
        fd = yield sys.open("/dev/qd0", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, sys.pollfds((fd, sys.POLLIN)))
        yield sys.poll(buf, 1, 0)
    w.spawn("user", user())


def _close_while_polled(path, timeout, expect_n, expect_revents):
    """Thread poller polls its fd 0 for POLLIN; thread closer (same
    process) sleeps 1 ms on the simulated clock (a poll of no fds), by
    then the poller sleeps in poll, and closes fd 0."""
    def scenario(w):
        def poller():
            fd = yield sys.open(path, sys.O_RDWR)
            assert fd == 0, f"open returned {fd}"
            n, rev = yield from _poll_one(fd, sys.POLLIN, timeout)
            assert (n, rev) == (expect_n, expect_revents), (
                f"poll of a descriptor closed meanwhile returned {n}, revents {rev:#x}")

        def closer():
            yield sys.poll(0, 0, 1)
            r = yield sys.close(0)
            assert r == 0, f"close returned {r}"
        w.spawn("poller", poller())
        w.spawn("closer", closer())
    return scenario


@kernsim.scenario(driver=ILMBOX)
def il_close_while_polled(w):
    """illumos: the close cleans the poll cache (pollwakeup POLLHUP, then
    off the pollhead), and the woken poller finds the descriptor gone:
    POLLNVAL."""
    _close_while_polled("/dev/ilmbox", -1, 1, sys.POLLNVAL)(w)


@kernsim.scenario(driver=FBRING)
def fb_close_while_polled(w):
    """FreeBSD: a close wakes no poller; the poll ends at its timeout, 0."""
    _close_while_polled("/dev/fbring", 5, 0, 0)(w)
