"""Scenarios of the two drivers beside this file (README, "Run your own
driver"). Build the modules first, from this directory:

    kernsim build-driver --personality illumos -o build/tally.so tally.c
    kernsim build-driver --personality freebsd -o build/ping.so ping.c
"""
import struct

import kernsim
from kernsim import sys

TALLY_BUMP = 0x7401
PING_OPENS = 0x40047001  # _IOR('p', 1, int)


@kernsim.scenario(driver="build/tally.so")
def two_bumps(w):
    """Two threads bump the count once each: they must see 1 and 2."""
    seen = []

    def bumper():
        fd = yield sys.open("/dev/tally", sys.O_RDWR)
        seen.append((yield sys.ioctl(fd, TALLY_BUMP)))
        yield sys.close(fd)
        if len(seen) == 2:
            assert sorted(seen) == [1, 2], f"the bumps returned {seen}"
    w.spawn("bumper1", bumper())
    w.spawn("bumper2", bumper())


@kernsim.scenario(driver="build/ping.so")
def opens(w):
    """One open, then PING_OPENS: the module counts from its load."""
    def client():
        fd = yield sys.open("/dev/ping", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        assert (yield sys.ioctl(fd, PING_OPENS, buf)) == 0
        assert struct.unpack("<i", (yield sys.peek(buf, 4)))[0] == 1
        yield sys.close(fd)
    w.spawn("client", client())
