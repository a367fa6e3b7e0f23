"""The sample driver's handshake (drivers/sample): clients submit requests
with SAMPLE_SUBMIT; a taskq serves each (result = value * 2 + 1) and wakes
the client sleeping on the request's r_cv.

With the bug variant no_done_check the client waits once without testing
r_done: when the taskq serves the request before the client sleeps, the
wakeup is lost and the client sleeps on r_cv forever (a 'stuck' failure).

    python3 -m kernsim explore scenarios/sample/handshake.py:submit \\
        --variant no_done_check --strategy pct --runs 10000

Two forms of the same scenario: `submit` (Python generator threads, the
easy one to write and extend) and `submit_program` (a declarative Program,
executed entirely in C++: the fast one for long campaigns).
"""

import struct

import kernsim
from kernsim import kernsim_pb2 as pb
from kernsim import sys

# drivers/sample/sample_io.h
SAMPLE_IOC = ord("S") << 8
SAMPLE_SUBMIT = SAMPLE_IOC | 1   # arg: struct sample_req_io *
SAMPLE_STATS = SAMPLE_IOC | 2    # arg: struct sample_stats *
REQ = struct.Struct("<QQ")       # struct sample_req_io { uint64 sr_value; uint64 sr_result; }
PAGE = 4096
DEVICE = "/dev/sample"


def expected_result(value):
    return value * 2 + 1


def client(value):
    """One client: open the device, submit `value` from a mapped page, check
    the driver's answer, close."""
    fd = yield sys.open(DEVICE, sys.O_RDWR)
    assert fd >= 0, f"open {DEVICE} failed: {fd}"
    buf = yield sys.mmap(PAGE)
    assert buf > 0, f"mmap failed: {buf}"
    yield sys.poke(buf, REQ.pack(value, 0))
    r = yield sys.ioctl(fd, SAMPLE_SUBMIT, buf)
    assert r == 0, f"SAMPLE_SUBMIT returned {r}"
    data = yield sys.peek(buf, REQ.size)
    assert isinstance(data, bytes), f"peek of the request failed: {data}"
    got_value, got_result = REQ.unpack(data)
    assert got_result == expected_result(value), \
        f"SAMPLE_SUBMIT of {value}: result {got_result}, want {expected_result(value)}"
    assert got_value == value, f"SAMPLE_SUBMIT changed sr_value from {value} to {got_value}"
    r = yield sys.close(fd)
    assert r == 0, f"close returned {r}"


@kernsim.scenario(driver="sample", ranges={"clients": (1, 64), "base": (0, 2**62)})
def submit(w, clients=2, base=20):
    """`clients` threads (client0, client1, ...) each submit one request, of
    value base + i, and check the result."""
    for i in range(clients):
        w.spawn(f"client{i}", client(base + i))


STATS = struct.Struct("<Q")      # struct sample_stats { uint64 ss_served; }


def watcher(clients):
    """Asks how many requests were served, while clients submit: the count
    can be anything from 0 to `clients`, never more."""
    fd = yield sys.open(DEVICE, sys.O_RDONLY)
    assert fd >= 0, f"open {DEVICE} failed: {fd}"
    buf = yield sys.mmap(PAGE)
    r = yield sys.ioctl(fd, SAMPLE_STATS, buf)
    assert r == 0, f"SAMPLE_STATS returned {r}"
    (served,) = STATS.unpack((yield sys.peek(buf, STATS.size)))
    assert 0 <= served <= clients, f"SAMPLE_STATS says {served} served of {clients}"
    yield sys.close(fd)


@kernsim.scenario(driver="sample", ranges={"clients": (0, 64), "base": (0, 2**62)})
def stats(w, clients=1, base=20):
    """Clients submit while a watcher reads the statistics (variant
    stats_no_copyout: the driver stores through the user pointer)."""
    for i in range(clients):
        w.spawn(f"client{i}", client(base + i))
    w.spawn("watcher", watcher(clients))


def _arg(call, value=None, ref=None, offset=0):
    a = call.arg.add()
    if ref is not None:
        a.ref = ref
    else:
        a.value = value
    if offset:
        a.offset = offset
    return a


@kernsim.program_scenario(driver="sample", ranges={"clients": (1, 64), "base": (0, 2**62)})
def submit_program(clients=2, base=20):
    """The same as `submit`, as a Program: each client's calls name the
    results they use (fd<i>, buf<i>), and a `check` call compares the
    request's bytes with the expected answer."""
    prog = pb.Program()
    prog.proc.add(name="user", model="lp64")
    for i in range(clients):
        value = base + i
        fd, buf = f"fd{i}", f"buf{i}"
        t = prog.thread.add(name=f"client{i}", proc="user")

        c = t.call.add(op="open", path=DEVICE, out=fd)
        _arg(c, sys.O_RDWR)

        c = t.call.add(op="mmap", out=buf)
        _arg(c, PAGE)
        _arg(c, sys.PROT_READ | sys.PROT_WRITE)

        c = t.call.add(op="poke", data=REQ.pack(value, 0))
        _arg(c, ref=buf)

        c = t.call.add(op="ioctl", expect=0)
        _arg(c, ref=fd)
        _arg(c, SAMPLE_SUBMIT)
        _arg(c, ref=buf)

        c = t.call.add(op="check", data=REQ.pack(value, expected_result(value)))
        _arg(c, ref=buf)

        c = t.call.add(op="close", expect=0)
        _arg(c, ref=fd)
    return prog
