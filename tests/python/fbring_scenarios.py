"""Scenarios of tests/drivers/fbring.c, a FreeBSD driver written as FreeBSD
drivers are (see the driver): non-blocking reads by open flag and by
FIONBIO, and readers woken through the system taskqueue_thread."""
import errno
import os
import struct

import kernsim
from kernsim import build_driver, sys

FBRING = os.path.join(os.path.dirname(build_driver.config()["driver_dir"]), "test_drivers",
                      "fbring.so")
FIONBIO = 0x8004667E          # _IOW('f', 126, int), FreeBSD <sys/filio.h>
FBRING_LEN = 0x40045201       # _IOR('R', 1, int)
FBRING_WAIT = 0x20005202      # _IO('R', 2)
FBRING_NAP = 0x20005203       # _IO('R', 3)
FBRING_FLUSH = 0x20005204     # _IO('R', 4)
FBRING_DESCR = 0x40405205     # _IOR('R', 5, char[64])


@kernsim.scenario(driver=FBRING)
def nonblocking_open(w):
    """A read of an empty ring on an O_NONBLOCK open returns EWOULDBLOCK."""
    def reader():
        fd = yield sys.open("/dev/fbring", sys.O_RDWR | sys.O_NDELAY)
        buf = yield sys.mmap(4096)
        r = yield sys.read(fd, buf, 16)
        assert r == -errno.EWOULDBLOCK, f"read on a non-blocking open returned {r}"
        yield sys.close(fd)
    w.spawn("reader", reader())


@kernsim.scenario(driver=FBRING)
def fionbio(w):
    """FIONBIO turns blocking off for that open, and back on: the kernel
    keeps the flag in the file, the driver only reads d_read's ioflag."""
    def reader():
        fd = yield sys.open("/dev/fbring", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, struct.pack("<i", 1))
        r = yield sys.ioctl(fd, FIONBIO, buf)
        assert r == 0, f"FIONBIO returned {r}"
        r = yield sys.read(fd, buf, 16)
        assert r == -errno.EWOULDBLOCK, f"read after FIONBIO on returned {r}"
        yield sys.poke(buf, struct.pack("<i", 0))
        yield sys.ioctl(fd, FIONBIO, buf)
        fd2 = yield sys.open("/dev/fbring", sys.O_RDWR)
        yield sys.poke(buf, b"xyz")
        yield sys.write(fd2, buf, 3)
        r = yield sys.read(fd, buf, 16)   # blocking again: data is there
        assert r == 3, f"read after FIONBIO off returned {r}"
        yield sys.close(fd2)
        yield sys.close(fd)
    w.spawn("reader", reader())


@kernsim.scenario(driver=FBRING)
def wakeup_by_task(w):
    """Two readers sleep for data; a writer's task (on taskqueue_thread,
    enqueued holding the softc mutex) wakes them."""
    def reader():
        fd = yield sys.open("/dev/fbring", sys.O_RDONLY)
        buf = yield sys.mmap(4096)
        r = yield sys.read(fd, buf, 2)
        assert r == 2, f"read returned {r}"
        yield sys.close(fd)

    def writer():
        fd = yield sys.open("/dev/fbring", sys.O_WRONLY)
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, b"abcd")
        r = yield sys.write(fd, buf, 4)
        assert r == 4, f"write returned {r}"
        yield sys.close(fd)
    w.spawn("reader1", reader())
    w.spawn("reader2", reader())
    w.spawn("writer", writer())



@kernsim.scenario(driver=FBRING)
def wait_for_data(w):
    """One thread waits (FBRING_WAIT: msleep on the ring), another writes
    (wakeup), a third naps ten ticks (tsleep that only times out)."""
    def waiter():
        fd = yield sys.open("/dev/fbring", sys.O_RDONLY)
        r = yield sys.ioctl(fd, FBRING_WAIT, 0)
        assert r == 0, f"FBRING_WAIT returned {r}"
        yield sys.close(fd)

    def writer():
        fd = yield sys.open("/dev/fbring", sys.O_WRONLY)
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, b"w")
        yield sys.write(fd, buf, 1)
        yield sys.close(fd)

    def napper():
        fd = yield sys.open("/dev/fbring", sys.O_RDONLY)
        r = yield sys.ioctl(fd, FBRING_NAP, 0)
        assert r == 0, f"FBRING_NAP returned {r}"
        yield sys.close(fd)
    w.spawn("waiter", waiter())
    w.spawn("writer", writer())
    w.spawn("napper", napper())


@kernsim.scenario(driver=FBRING)
def flush_by_uid(w):
    """FBRING_FLUSH is root's: a uid 100 process gets EPERM, root 0."""
    w.proc("root", uid=0)
    w.proc("user", uid=100)

    def flusher(expect):
        def body():
            fd = yield sys.open("/dev/fbring", sys.O_RDWR)
            r = yield sys.ioctl(fd, FBRING_FLUSH, 0)
            assert r == expect, f"FBRING_FLUSH returned {r}, expected {expect}"
            yield sys.close(fd)
        return body()
    w.spawn("rootflush", flusher(0), proc="root")
    w.spawn("userflush", flusher(-errno.EPERM), proc="user")


@kernsim.scenario(driver=FBRING)
def describe(w):
    """Two writes of 3 bytes, then FBRING_DESCR's sbuf-built text."""
    def client():
        fd = yield sys.open("/dev/fbring", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, b"abc")
        yield sys.write(fd, buf, 3)
        yield sys.write(fd, buf, 3)
        r = yield sys.ioctl(fd, FBRING_DESCR, buf)
        assert r == 0, f"FBRING_DESCR returned {r}"
        text = (yield sys.peek(buf, 64)).split(b"\0")[0]
        assert text == b"fbring: 6 bytes, 2 writes", text
        yield sys.close(fd)
    w.spawn("client", client())
