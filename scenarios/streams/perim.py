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
        # len(MSG) bytes: the head reads a byte stream (RNORM)
        call(t, "read", fd, (buf, 64), len(MSG), expect=len(MSG))
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


# M_SETOPTS (drivers/streams_perim/perim_io.h, illumos <sys/stream.h>,
# <sys/stropts.h>)
PERIMSETOPTS, PERIMHEADQ = (ord("P") << 8) | 2, (ord("P") << 8) | 3
# po_flags, po_readopt, po_hiwat, po_lowat, po_minpsz, po_maxpsz, po_count
OPTS = struct.Struct("<IiIIiiI")
SO_READOPT, SO_MINPSZ, SO_MAXPSZ, SO_HIWAT, SO_LOWAT = 0x1, 0x4, 0x8, 0x10, 0x20
RNORM, RMSGD, RMSGN, RPROTNORM = 0, 1, 2, 0x10
I_SRDOPT, I_GRDOPT = (ord("S") << 8) | 0o6, (ord("S") << 8) | 0o7
DATA = 256


def opts_ioctl(t, cmd, opts, expect=0, fd="fd", buf="buf"):
    """An I_STR of cmd carrying a struct perim_opts at buf + DATA."""
    call(t, "poke", (buf, DATA), data=opts)
    call(t, "poke", buf, data=STRIOCTL.pack(cmd, -1, len(opts), 0))
    call(t, "poke_int", (buf, 16), (buf, DATA), 8, expect=0)
    call(t, "ioctl", fd, I_STR, buf, expect=expect)


def _flow(hiwat, echoes):
    fd = yield sys.open("/dev/perim0", sys.O_RDWR)
    assert fd >= 0, f"open returned {fd}"
    buf = yield sys.mmap(PAGE)

    def headq(opts):
        yield sys.poke(buf + DATA, opts)
        yield sys.poke(buf, STRIOCTL.pack(PERIMHEADQ if opts == bytes(OPTS.size)
                                          else PERIMSETOPTS, -1, OPTS.size, buf + DATA))
        r = yield sys.ioctl(fd, I_STR, buf)
        assert r == 0, f"ioctl returned {r}"
        return OPTS.unpack((yield sys.peek(buf + DATA, OPTS.size)))

    if hiwat:
        yield from headq(OPTS.pack(SO_HIWAT | SO_LOWAT, 0, hiwat, 0, 0, 0, 0))
    yield sys.poke(buf + 1024, MSG)
    for _ in range(echoes):
        r = yield sys.write(fd, buf + 1024, len(MSG))
        assert r == len(MSG), f"write returned {r}"
    got = 0
    while got < echoes * len(MSG):
        count = (yield from headq(bytes(OPTS.size)))[6]
        assert count <= len(MSG), f"{count} bytes queued at the head (hiwat {hiwat or 'default'})"
        r = yield sys.read(fd, buf + 2048, 64)
        assert r > 0, f"read returned {r}"
        got += r
    assert got == echoes * len(MSG), f"read {got} bytes"
    r = yield sys.close(fd)
    assert r == 0, f"close returned {r}"


@kernsim.scenario(driver="streams_perim", ranges={"hiwat": (0, 64), "echoes": (1, 6)})
def setopts_flow(w, hiwat=5, echoes=3):
    """The driver sets the head's read queue marks (M_SETOPTS SO_HIWAT
    `hiwat`, SO_LOWAT 0; hiwat 0: no M_SETOPTS), then `echoes` echoes are
    read in 64-byte reads: with hiwat 5 the head is full after one echo
    and the driver's read service procedure holds the rest (canputnext)
    until a read drains the head and back-enables it: the head never holds
    more than one echo (PERIMHEADQ reads its q_count before each read;
    with the default marks it may hold them all, which the check reports).
    The reads get every byte (a lost back-enable would leave it stuck)."""
    w.proc("user", "lp64")
    w.spawn("client", _flow(hiwat, echoes))


@kernsim.program_scenario(driver="streams_perim")
def setopts():
    """M_SETOPTS's other options and the read modes: SO_MINPSZ/SO_MAXPSZ
    show in the head read queue the driver sees (PERIMHEADQ, with the
    marks); SO_READOPT RMSGD discards what a read leaves of a message;
    I_SRDOPT RMSGN keeps it for the next read; I_GRDOPT reads the mode."""
    prog = program()
    t = prog.thread.add(name="client", proc="user")
    call(t, "open", sys.O_RDWR, path="/dev/perim0", out="fd")
    call(t, "mmap", PAGE, 3, out="buf")
    opts_ioctl(t, PERIMSETOPTS,
               OPTS.pack(SO_MINPSZ | SO_MAXPSZ | SO_HIWAT | SO_LOWAT, 0, 4000, 1000, 2, 100, 0))
    opts_ioctl(t, PERIMHEADQ, bytes(OPTS.size))
    call(t, "check", ("buf", DATA), data=OPTS.pack(0, 0, 4000, 1000, 2, 100, 0))
    opts_ioctl(t, PERIMSETOPTS, OPTS.pack(SO_READOPT, RMSGD, 0, 0, 0, 0, 0))
    call(t, "poke", ("buf", 1024), data=b"first\n")
    call(t, "write", "fd", ("buf", 1024), 6, expect=6)
    call(t, "poke", ("buf", 1024), data=b"second\n")
    call(t, "write", "fd", ("buf", 1024), 7, expect=7)
    call(t, "read", "fd", ("buf", 2048), 2, expect=2)       # "fi", "rst\n" discarded
    call(t, "read", "fd", ("buf", 2048), 64, expect=7)      # "second\n", one message
    call(t, "check", ("buf", 2048), data=b"second\n")
    call(t, "ioctl", "fd", I_SRDOPT, RMSGN, expect=0)
    call(t, "ioctl", "fd", I_GRDOPT, ("buf", 512), expect=0)
    call(t, "check", ("buf", 512), data=struct.pack("<i", RMSGN | RPROTNORM))
    call(t, "poke", ("buf", 1024), data=b"third\n")
    call(t, "write", "fd", ("buf", 1024), 6, expect=6)
    call(t, "read", "fd", ("buf", 2048), 2, expect=2)       # "th", the rest stays
    call(t, "read", "fd", ("buf", 2048), 64, expect=4)
    call(t, "check", ("buf", 2048), data=b"ird\n")
    call(t, "ioctl", "fd", I_SRDOPT, 3, expect=-22)         # no such read mode: EINVAL
    call(t, "close", "fd", expect=0)
    return prog


# putmsg(2)/getmsg(2): struct strbuf { int maxlen; int len; char *buf; }
STRBUF = {"lp64": struct.Struct("<iiQ"), "ilp32": struct.Struct("<iiI")}
EBADMSG, ERANGE = 74, 34


def _msgs(model):
    sb = STRBUF[model]
    fd = yield sys.open("/dev/perim0", sys.O_RDWR)
    assert fd >= 0, f"open returned {fd}"
    buf = yield sys.mmap(PAGE)
    ctl, data, flags = buf, buf + 64, buf + 128      # two strbufs and the flags word
    cbuf, dbuf = buf + 512, buf + 1024

    def put(c, d, fl=0):
        if c is not None:
            yield sys.poke(cbuf, c)
            yield sys.poke(ctl, sb.pack(0, len(c), cbuf))
        if d is not None:
            yield sys.poke(dbuf, d)
            yield sys.poke(data, sb.pack(0, len(d), dbuf))
        return (yield sys.putmsg(fd, ctl if c is not None else 0, data if d is not None else 0, fl))

    def get(cmax, dmax, fl=0):
        yield sys.poke(ctl, sb.pack(cmax, 0, cbuf + 256))
        yield sys.poke(data, sb.pack(dmax, 0, dbuf + 256))
        yield sys.poke(flags, struct.pack("<i", fl))
        r = yield sys.getmsg(fd, ctl, data, flags)
        clen = sb.unpack((yield sys.peek(ctl, sb.size)))[1]
        dlen = sb.unpack((yield sys.peek(data, sb.size)))[1]
        c = (yield sys.peek(cbuf + 256, clen)) if clen > 0 else clen
        d = (yield sys.peek(dbuf + 256, dlen)) if dlen > 0 else dlen
        got = struct.unpack("<i", (yield sys.peek(flags, 4)))[0]
        return r, c, d, got

    # A control and a data part come back as they went (M_PROTO, then M_DATA).
    assert (yield from put(b"HDR1", b"payload")) == 0
    got = yield from get(64, 64)
    assert got == (0, b"HDR1", b"payload", 0), got
    # RS_HIPRI: an M_PCPROTO; getmsg RS_HIPRI takes only such a message.
    assert (yield from put(b"URG", None, sys.RS_HIPRI)) == 0
    assert (yield from put(None, b"plain")) == 0
    got = yield from get(64, 64, sys.RS_HIPRI)
    assert got == (0, b"URG", -1, sys.RS_HIPRI), got
    # A small data buffer: MOREDATA, the rest at the next getmsg.
    got = yield from get(64, 2)
    assert got == (sys.MOREDATA, -1, b"pl", 0), got
    got = yield from get(64, 64)
    assert got == (0, -1, b"ain", 0), got
    # A control part left for later (maxlen -1): MORECTL; read(2) of a
    # message with a control part is EBADMSG (RPROTNORM).
    assert (yield from put(b"P", b"x")) == 0
    got = yield from get(-1, 64)
    assert got == (sys.MORECTL, 0, b"x", 0), got
    r = yield sys.read(fd, dbuf, 64)
    assert r == -EBADMSG, f"read of a control part returned {r}"
    got = yield from get(64, 64)
    assert got == (0, b"P", -1, 0), got
    # Errors: RS_HIPRI without a control part, a control part over 1024.
    assert (yield from put(None, b"d", sys.RS_HIPRI)) == -22
    assert (yield from put(b"c" * 1025, None)) == -ERANGE
    r = yield sys.close(fd)
    assert r == 0, f"close returned {r}"


@kernsim.scenario(driver="streams_perim", ranges={"ilp32": (0, 1)})
def msgs_py(w, ilp32=0):
    """putmsg/getmsg through the echo: control and data parts, RS_HIPRI
    (M_PCPROTO) and getmsg's RS_HIPRI, MORECTL/MOREDATA with small or
    absent buffers, read(2) failing EBADMSG at a control part, and putmsg's
    EINVAL and ERANGE; in a 32-bit process with ilp32=1 (strbufs of 12
    bytes)."""
    model = "ilp32" if ilp32 else "lp64"
    w.proc("user", model)
    w.spawn("client", _msgs(model))


@kernsim.program_scenario(driver="streams_perim")
def msgs():
    """The Program form: putmsg of a control and a data part, getmsg of
    both back (the lengths and bytes checked), in a 64-bit process."""
    sb = STRBUF["lp64"]
    prog = program()
    t = prog.thread.add(name="client", proc="user")
    call(t, "open", sys.O_RDWR, path="/dev/perim0", out="fd")
    call(t, "mmap", PAGE, 3, out="buf")
    call(t, "poke", ("buf", 512), data=b"HDR")
    call(t, "poke", ("buf", 1024), data=b"body!")
    call(t, "poke", "buf", data=sb.pack(0, 3, 0))
    call(t, "poke_int", ("buf", 8), ("buf", 512), 8, expect=0)
    call(t, "poke", ("buf", 64), data=sb.pack(0, 5, 0))
    call(t, "poke_int", ("buf", 72), ("buf", 1024), 8, expect=0)
    call(t, "putmsg", "fd", "buf", ("buf", 64), 0, expect=0)
    call(t, "poke", "buf", data=sb.pack(64, 0, 0))
    call(t, "poke_int", ("buf", 8), ("buf", 2048), 8, expect=0)
    call(t, "poke", ("buf", 64), data=sb.pack(64, 0, 0))
    call(t, "poke_int", ("buf", 72), ("buf", 3072), 8, expect=0)
    call(t, "poke", ("buf", 128), data=struct.pack("<i", 0))
    call(t, "getmsg", "fd", "buf", ("buf", 64), ("buf", 128), expect=0)
    call(t, "check", ("buf", 4), data=struct.pack("<i", 3))
    call(t, "check", ("buf", 68), data=struct.pack("<i", 5))
    call(t, "check", ("buf", 2048), data=b"HDR")
    call(t, "check", ("buf", 3072), data=b"body!")
    call(t, "close", "fd", expect=0)
    return prog


@kernsim.program_scenario(driver="sample")
def enostr():
    """putmsg and getmsg on a device that is not a stream: ENOSTR."""
    prog = program()
    t = prog.thread.add(name="client", proc="user")
    call(t, "open", sys.O_RDWR, path="/dev/sample", out="fd")
    call(t, "putmsg", "fd", 0, 0, 0, expect=-60)
    call(t, "getmsg", "fd", 0, 0, 0, expect=-60)
    call(t, "close", "fd", expect=0)
    return prog


PERIMTICK = (ord("P") << 8) | 4


@kernsim.program_scenario(driver="streams_perim", ranges={"n": (0, 4)})
def tick(n=2):
    """qtimeout(9F): PERIMTICK arms a tick (1 clock tick) whose callback
    counts in the pair's count, which the write put and read service
    procedures of `n` echoes update too: qtimeout runs it inside the
    perimeter (deferred on the syncq while a procedure is inside), and
    close's quntimeout cancels it wherever it is, even waiting on the
    syncq behind the close itself."""
    prog = program()
    t = prog.thread.add(name="client", proc="user")
    call(t, "open", sys.O_RDWR, path="/dev/perim0", out="fd")
    call(t, "mmap", PAGE, 3, out="buf")
    call(t, "poke", "buf", data=STRIOCTL.pack(PERIMTICK, -1, 0, 0))
    call(t, "ioctl", "fd", I_STR, "buf", expect=0)
    call(t, "poke", ("buf", 1024), data=MSG)
    for _ in range(n):
        call(t, "write", "fd", ("buf", 1024), len(MSG), expect=len(MSG))
    for _ in range(n):
        call(t, "read", "fd", ("buf", 2048), len(MSG), expect=len(MSG))
    call(t, "close", "fd", expect=0)
    return prog
