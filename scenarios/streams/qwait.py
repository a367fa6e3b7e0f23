"""qwait(9F) in a close routine: the module qwmod (drivers/streams_qwait),
pushed on the loopback driver streams_perim, sends a last question down
when it closes and waits inside its perimeter (D_MTQPAIR) for the answer,
which streams_perim echoes back through its service procedures. The
answer's put procedure runs while the closer is in qwait, either on the
closer's own thread (it was deferred to the syncq, which qwait drains) or
on the driver's read service thread (qwait left the perimeter open).
Echoes of data written before the close reach the module first and wake
qwait too: the close must loop until the answer is there.

    python3 -m kernsim explore scenarios/streams/qwait.py:close_answer \\
        --variant no_loop --strategy pct --runs 2000
"""

import struct

import kernsim
from kernsim import kernsim_pb2 as pb
from kernsim import sys

PAGE = 4096
DATA = 256
I_PUSH = (ord("S") << 8) | 0o2
I_STR = (ord("S") << 8) | 0o10
STRIOCTL = struct.Struct("<iii4xQ")
QWMODE = (ord("Q") << 8) | 1   # drivers/streams_qwait/qwait_io.h
QW_ECHO, QW_NOREPLY = 0, 1
MSG = b"echo\n"

call = kernsim.program_call


def program():
    prog = pb.Program()
    prog.driver.add(name="streams_perim")
    prog.proc.add(name="user", model="lp64")
    return prog


def pushed(prog, name, node="/dev/perim0", mode=QW_ECHO):
    """A thread with node open (its results `<name>_fd`, `<name>_buf`),
    qwmod pushed and its close's question set."""
    t = prog.thread.add(name=name, proc="user")
    fd, buf = name + "_fd", name + "_buf"
    call(t, "open", sys.O_RDWR, path=node, out=fd)
    call(t, "mmap", PAGE, 3, out=buf)
    call(t, "poke", (buf, 128), data=b"qwmod\0")
    call(t, "ioctl", fd, I_PUSH, (buf, 128), expect=0)
    call(t, "poke", (buf, DATA), data=struct.pack("<i", mode))
    call(t, "poke", buf, data=STRIOCTL.pack(QWMODE, -1, 4, 0))
    call(t, "poke_int", (buf, 16), (buf, DATA), 8, expect=0)
    call(t, "ioctl", fd, I_STR, buf, expect=0)
    return t, fd, buf


@kernsim.program_scenario(driver="streams_qwait", ranges={"n": (0, 4)})
def close_answer(n=2):
    """One stream: n messages written and not read, then close. Their
    echoes are still on the way up when the module's close sends its
    question: each wakes the qwait before the answer does."""
    prog = program()
    t, fd, buf = pushed(prog, "closer")
    call(t, "poke", buf, data=MSG)
    for _ in range(n):
        call(t, "write", fd, buf, len(MSG), expect=len(MSG))
    call(t, "close", fd, expect=0)
    return prog


@kernsim.program_scenario(driver="streams_qwait")
def two_streams():
    """Two streams closing at once, each waiting in qwait for its own
    answer while the other's procedures run (a perimeter per queue pair:
    one stream's exits do not wake the other's qwait)."""
    prog = program()
    for name, node in (("a", "/dev/perim0"), ("b", "/dev/perim1")):
        t, fd, buf = pushed(prog, name, node)
        call(t, "poke", buf, data=MSG)
        call(t, "write", fd, buf, len(MSG), expect=len(MSG))
        call(t, "close", fd, expect=0)
    return prog


@kernsim.program_scenario(driver="streams_qwait", ranges={"kill": (0, 1)})
def close_signalled(kill=1):
    """The question nobody answers (M_CTL, which streams_perim frees): the
    close waits in qwait_sig until `killer` signals the closer (before the
    wait or during it), then gives up (the module's close returns EINTR,
    which close(2) does not pass on: the stream is closed all the same).
    kill=0: nobody signals it, and the close sleeps for ever."""
    prog = program()
    t, fd, _ = pushed(prog, "closer", mode=QW_NOREPLY)
    call(t, "close", fd, expect=0)
    if kill:
        k = prog.thread.add(name="killer", proc="user")
        call(k, "kill", sys.SIGINT, path="closer", expect=0)
    return prog
