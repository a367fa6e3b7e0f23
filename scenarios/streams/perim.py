"""STREAMS perimeters: the loopback drivers streams_perim and streams_permod
(drivers/streams_perim/perim.c), whose state no lock guards, only the
perimeters they declare. Each scenario needs one kind of perimeter: run
with detect_races, the correct driver has no race and the variant that
declares too weak a perimeter races (tests/python/test_streams_perim.py).
`start` is the qwriter scenario: a PERIMSTART while another stream's
procedures are inside the outer perimeter defers the callback.

    python3 -m kernsim explore scenarios/streams/perim.py:pair \\
        --variant perq --strategy pct --runs 2000 --detect-races
"""

import struct

import kernsim
from kernsim import kernsim_pb2 as pb
from kernsim import sys

PAGE = 4096
I_STR = (ord("S") << 8) | 0o10
STRIOCTL = struct.Struct("<iii4xQ")
PERIMSTART = (ord("P") << 8) | 1   # drivers/streams_perim/perim_io.h
MSG = b"echo\n"

call = kernsim.program_call


def program():
    prog = pb.Program()
    prog.proc.add(name="user", model="lp64")
    return prog


def echo(prog, name, node, n):
    """A thread that writes n messages to node and reads n echoes back
    (any thread's, when two share a stream: each reads as many as it wrote)."""
    t = prog.thread.add(name=name, proc="user")
    call(t, "open", sys.O_RDWR, path=node, out=name + "_fd")
    fd, buf = name + "_fd", name + "_buf"
    call(t, "mmap", PAGE, 3, out=buf)
    call(t, "poke", buf, data=MSG)
    for _ in range(n):
        call(t, "write", fd, buf, len(MSG), expect=len(MSG))
    for _ in range(n):
        call(t, "read", fd, (buf, 64), 64, expect=len(MSG))
    call(t, "close", fd, expect=0)
    return t


@kernsim.program_scenario(driver="streams_perim", ranges={"n": (1, 4)})
def queue(n=2):
    """Two writers on one stream: their write put procedures update the
    queue's count (pi_down); any inner perimeter keeps them apart."""
    prog = program()
    echo(prog, "a", "/dev/perim0", n)
    echo(prog, "b", "/dev/perim0", n)
    return prog


@kernsim.program_scenario(driver="streams_perim", ranges={"n": (2, 6)})
def pair(n=3):
    """One writer: its write put procedure and the read service procedure
    carrying earlier echoes up share the pair's count (pi_pair); a
    perimeter per queue pair (D_MTQPAIR) keeps them apart, one per queue
    does not."""
    prog = program()
    echo(prog, "writer", "/dev/perim0", n)
    return prog


@kernsim.program_scenario(driver="streams_perim")
def opens():
    """Two streams opened and closed at once: open and close link and
    unlink the module-wide instance list, exclusive at the outer perimeter
    (D_MTOUTPERIM | D_MTOCEXCL); put procedures read its count shared."""
    prog = program()
    echo(prog, "a", "/dev/perim0", 1)
    echo(prog, "b", "/dev/perim1", 1)
    return prog


def start_ioctl(t, expect):
    # ic_timout -1 (INFTIM): a deferred callback acks whenever the last
    # procedure leaves the perimeter, however long the echo thread is held up.
    call(t, "poke", "buf", data=STRIOCTL.pack(PERIMSTART, -1, 0, 0))
    call(t, "ioctl", "fd", I_STR, "buf", expect=expect)


@kernsim.program_scenario(driver="streams_perim")
def start():
    """qwriter(PERIM_OUTER): `starter` asks PERIMSTART twice on one stream
    (acked with the count, 1 then 2) while `echo` writes through the other
    stream: when an echo procedure is inside the outer perimeter the upgrade
    is deferred, and the callback runs when the last one leaves."""
    prog = program()
    echo(prog, "echo", "/dev/perim1", 3)
    t = prog.thread.add(name="starter", proc="user")
    call(t, "open", sys.O_RDWR, path="/dev/perim0", out="fd")
    call(t, "mmap", PAGE, 3, out="buf")
    start_ioctl(t, 1)
    start_ioctl(t, 2)
    call(t, "close", "fd", expect=0)
    return prog


@kernsim.program_scenario(driver="streams_permod", ranges={"n": (1, 4)})
def permod(n=2):
    """Two streams of streams_permod (D_MTPERMOD | D_MTPUTSHARED): the
    service procedures count module-wide (exclusive, one perimeter for the
    whole module); the write put procedures run shared and count through
    qwriter(PERIM_INNER)."""
    prog = program()
    echo(prog, "a", "/dev/permod0", n)
    echo(prog, "b", "/dev/permod1", n)
    return prog
