"""STREAMS scenarios: the lp driver (drivers/streams_lp) and the watch
module (drivers/streams_watch) through the stream head: I_STR with and
without data and with a timeout that expires, TRANSPARENT ioctls in both
data models, close racing with loaned buffers coming back, two ioctls of
one command where the first times out, a module pushed and popped during
an ioctl.

    python3 -m kernsim explore scenarios/streams/lp.py:close_race \\
        --variant close_no_wait --strategy pct --runs 10000

Every scenario is a Program (executed in C++): a thread's calls name the
results they use, `expect` checks a call's result (a value or -errno) and
`check` the bytes the driver wrote back.
"""

import struct

import kernsim
from kernsim import kernsim_pb2 as pb
from kernsim import sys

DEVICE = "/dev/lp"
PAGE = 4096
EINVAL, EAGAIN, ETIME = 22, 11, 62

# <sys/stropts.h>
STR = ord("S") << 8
I_PUSH, I_POP, I_FLUSH, I_STR = STR | 0o2, STR | 0o3, STR | 0o5, STR | 0o10
FLUSHR, FLUSHW, FLUSHRW = 1, 2, 3
INFTIM = -1
# <sys/filio.h>: illumos's encoding, _IOW('f', 126, int)
FIONBIO = 0x8004667e
STRIOCTL = {"lp64": struct.Struct("<iii4xQ"), "ilp32": struct.Struct("<iiiI")}

# drivers/streams_lp/lp_io.h
LPIOC = ord("L") << 8
LPSETOPTS, LPGETOPTS, LPSTATUS, LPSLOW = LPIOC | 1, LPIOC | 2, LPIOC | 3, LPIOC | 4
OPTIONS = struct.Struct("<ii")                   # lp_options: lo_width, lo_flags
STATUS = {"lp64": struct.Struct("<i4xq"), "ilp32": struct.Struct("<ii")}  # ls_req, ls_jobs
SEQ = struct.Struct("<I")

# drivers/streams_watch/watch_io.h
WATCHLAST = (ord("W") << 8) | 1
WATCH_LAST = struct.Struct("<iIiiII")            # cmd, id, rval, error, acks, stale

DATA = 256  # where an I_STR's data sits in the thread's page


call = kernsim.program_call


def program(model="lp64", modules=()):
    prog = pb.Program()
    for m in modules:
        prog.driver.add(name=m)
    prog.proc.add(name="user", model=model)
    return prog


def opened(prog, name, fd="fd", buf="buf"):
    t = prog.thread.add(name=name, proc="user")
    call(t, "open", sys.O_RDWR, path=DEVICE, out=fd)
    call(t, "mmap", PAGE, 3, out=buf)
    return t


def i_str(t, cmd, data=b"", timeout=0, length=None, model="lp64", buf="buf", fd="fd",
          expect=None, out=""):
    """An I_STR of cmd: the strioctl at buf, its data at buf + DATA."""
    n = len(data) if length is None else length
    call(t, "poke", buf, data=STRIOCTL[model].pack(cmd, timeout, n, 0))
    call(t, "poke_int", (buf, 16 if model == "lp64" else 12), (buf, DATA),
         8 if model == "lp64" else 4, expect=0)
    if data:
        call(t, "poke", (buf, DATA), data=data)
    return call(t, "ioctl", fd, I_STR, buf, expect=expect, out=out)


def push(t, name, buf="buf", fd="fd", expect=0):
    call(t, "poke", (buf, 128), data=name.encode() + b"\0")
    call(t, "ioctl", fd, I_PUSH, (buf, 128), expect=expect)


@kernsim.program_scenario(driver="streams_lp")
def istr():
    """I_STR with data (LPSETOPTS, then LPGETOPTS reads it back), without
    data (LPGETOPTS with ic_len 0 and LPSETOPTS, which needs data:
    EINVAL), an unknown command (NAKed with no error: EINVAL), and LPSLOW
    number 0, which the printer never acks, with ic_timout 1 s: ETIME."""
    prog = program()
    t = opened(prog, "client")
    i_str(t, LPSETOPTS, OPTIONS.pack(100, 3), expect=0)
    i_str(t, LPGETOPTS, length=OPTIONS.size, expect=0)
    call(t, "check", ("buf", DATA), data=OPTIONS.pack(100, 3))
    i_str(t, LPGETOPTS, expect=0)
    i_str(t, LPSETOPTS, expect=-EINVAL)
    i_str(t, LPIOC | 99, b"x", expect=-EINVAL)
    i_str(t, LPSETOPTS, OPTIONS.pack(0, 0), expect=-EINVAL)
    i_str(t, LPSLOW, SEQ.pack(0), timeout=1, expect=-ETIME)
    call(t, "close", "fd", expect=0)
    return prog


def _transparent(model):
    prog = program(model)
    t = opened(prog, "client")
    call(t, "mmap", PAGE, 3, out="job")
    call(t, "poke", "job", data=b"hello, printer\n")
    call(t, "write", "fd", "job", 15, expect=15)
    call(t, "read", "fd", "job", 64, expect=len(b"lp: job 1, 15 bytes\n"))
    call(t, "check", "job", data=b"lp: job 1, 15 bytes\n")
    call(t, "poke", "buf", data=STATUS[model].pack(41, 0))
    call(t, "ioctl", "fd", LPSTATUS, "buf", expect=0)
    call(t, "check", "buf", data=STATUS[model].pack(41, 1))
    call(t, "close", "fd", expect=0)
    return prog


@kernsim.program_scenario(driver="streams_lp")
def transparent_lp64():
    """LPSTATUS (TRANSPARENT) from a 64-bit caller: M_COPYIN of its
    struct lp_status, M_COPYOUT of the answer (ls_jobs: 1 job printed)."""
    return _transparent("lp64")


@kernsim.program_scenario(driver="streams_lp")
def transparent_ilp32():
    """The same from a 32-bit caller: struct lp_status32."""
    return _transparent("ilp32")


@kernsim.program_scenario(driver="streams_lp", ranges={"jobs": (1, 16)})
def close_race(jobs=3):
    """A writer queues `jobs` print jobs, reads the first status line and
    closes at once: the close races the service procedures carrying the
    other status lines (loaned buffers) up; the driver's close must wait
    until every one came back."""
    prog = program()
    t = opened(prog, "writer")
    call(t, "poke", "buf", data=b"job\n")
    for _ in range(jobs):
        call(t, "write", "fd", "buf", 4, expect=4)
    call(t, "read", "fd", ("buf", 64), 64)
    call(t, "close", "fd", expect=0)
    return prog


@kernsim.program_scenario(driver="streams_watch")
def late_ack():
    """With the watch module pushed: LPSLOW times out (ETIME), a second
    LPSLOW waits for its own ack (rval 2); the first's late ack reaches
    the module while the second is pending (or before it went down) and
    must not be taken for the second's. WATCHLAST then names the second:
    id 2, rval 2."""
    prog = program(modules=("streams_lp",))
    t = opened(prog, "client")
    push(t, "watch")
    # Usually ETIME; an ack that is there before the caller first sleeps
    # still counts (a user thread may be held up any time in its call).
    i_str(t, LPSLOW, SEQ.pack(1), timeout=1)
    i_str(t, LPSLOW, SEQ.pack(2), timeout=INFTIM, expect=2)
    i_str(t, WATCHLAST, length=WATCH_LAST.size, expect=0)
    # The counts depend on whether the late ack came before or after the
    # second ioctl went down; the last match is always the second's.
    call(t, "check", ("buf", DATA), data=WATCH_LAST.pack(LPSLOW, 2, 2, 0, 0, 0)[:16])
    call(t, "close", "fd", expect=0)
    return prog


@kernsim.program_scenario(driver="streams_watch")
def nodata():
    """With the watch module pushed, I_STR with no data (LPGETOPTS,
    ic_len 0) and with data: the module must not assume a b_cont."""
    prog = program(modules=("streams_lp",))
    t = opened(prog, "client")
    push(t, "watch")
    i_str(t, LPGETOPTS, expect=0)
    i_str(t, LPSETOPTS, OPTIONS.pack(72, 0), expect=0)
    call(t, "close", "fd", expect=0)
    return prog


@kernsim.program_scenario(driver="streams_lp")
def push_pop():
    """A module pushed and popped while an ioctl is under way: `slow`
    waits for LPSLOW's ack (2 s), `plumber` pushes and pops watch on
    the same stream meanwhile (its own open of /dev/lp)."""
    prog = program(modules=("streams_watch",))
    t = opened(prog, "slow")
    i_str(t, LPSLOW, SEQ.pack(7), timeout=INFTIM, expect=7)
    call(t, "close", "fd", expect=0)
    t = opened(prog, "plumber", fd="pfd", buf="pbuf")
    push(t, "watch", buf="pbuf", fd="pfd")
    call(t, "ioctl", "pfd", I_POP, 0, expect=0)
    push(t, "nosuchmod", buf="pbuf", fd="pfd", expect=-EINVAL)
    call(t, "ioctl", "pfd", I_POP, 0, expect=-EINVAL)
    call(t, "close", "pfd", expect=0)
    return prog


@kernsim.program_scenario(driver="streams_lp")
def two_ioctls():
    """One ioctl at a time per stream: two threads (each its own open of
    the one stream) ask LPSLOW with different numbers at once; the second
    sleeps until the first is answered, and each gets its own ack's rval
    (the printer acks 2 s later, by the number it was given)."""
    prog = program()
    for name, seq in (("first", 5), ("second", 6)):
        t = opened(prog, name, fd=name + "_fd", buf=name + "_buf")
        i_str(t, LPSLOW, SEQ.pack(seq), timeout=INFTIM, expect=seq,
              buf=name + "_buf", fd=name + "_fd")
        call(t, "close", name + "_fd", expect=0)
    return prog


@kernsim.program_scenario(driver="streams_lp")
def lock_order():
    """With watch pushed: two jobs (the module frees its copy of the first
    status line, a loaned buffer, under its lock: the driver's free routine
    takes sp_lock there), then LPSETOPTS (acked up through the module)."""
    prog = program(modules=("streams_watch",))
    t = opened(prog, "client")
    push(t, "watch")
    call(t, "poke", ("buf", 512), data=b"job\n")
    call(t, "write", "fd", ("buf", 512), 4, expect=4)
    call(t, "read", "fd", ("buf", 1024), 64, expect=len(b"lp: job 1, 4 bytes\n"))
    call(t, "write", "fd", ("buf", 512), 4, expect=4)
    call(t, "read", "fd", ("buf", 1024), 64, expect=len(b"lp: job 2, 4 bytes\n"))
    i_str(t, LPSETOPTS, OPTIONS.pack(132, 1), expect=0)
    call(t, "close", "fd", expect=0)
    return prog


@kernsim.program_scenario(driver="streams_lp")
def close_pending_ack():
    """LPSLOW with ic_timout 1 s times out (its ack is due at 2 s), then
    the stream closes at once: the close races the printer's ack, which
    must be cancelled (or waited for) before the driver turns its
    procedures off."""
    prog = program()
    t = opened(prog, "client")
    i_str(t, LPSLOW, SEQ.pack(3), timeout=1)
    call(t, "close", "fd", expect=0)
    return prog


def _client(model, jobs):
    """A client as a Python generator: prints `jobs` jobs, reads their
    status lines, sets and reads back options with I_STR, asks LPSTATUS."""
    fd = yield sys.open(DEVICE, sys.O_RDWR)
    assert fd >= 0, f"open {DEVICE} failed: {fd}"
    buf = yield sys.mmap(PAGE)
    for i in range(jobs):
        yield sys.poke(buf, b"page %d\n" % i)
        r = yield sys.write(fd, buf, 7)
        assert r == 7, f"write returned {r}"
    # The head reads a byte stream (RNORM): one read may take several
    # status lines that are already there, never part of one still to come.
    want = b"".join(b"lp: job %d, 7 bytes\n" % (i + 1) for i in range(jobs))
    got = b""
    while len(got) < len(want):
        r = yield sys.read(fd, buf + 512, 256)
        assert r > 0, f"read after {got!r} returned {r}"
        got += yield sys.peek(buf + 512, r)
    assert got == want, f"status lines {got!r}, want {want!r}"
    si = STRIOCTL[model]
    yield sys.poke(buf + DATA, OPTIONS.pack(66, 2))
    yield sys.poke(buf, si.pack(LPSETOPTS, 0, OPTIONS.size, buf + DATA))
    r = yield sys.ioctl(fd, I_STR, buf)
    assert r == 0, f"LPSETOPTS returned {r}"
    yield sys.poke(buf + DATA, bytes(OPTIONS.size))
    yield sys.poke(buf, si.pack(LPGETOPTS, 0, OPTIONS.size, buf + DATA))
    r = yield sys.ioctl(fd, I_STR, buf)
    assert r == 0, f"LPGETOPTS returned {r}"
    got = yield sys.peek(buf + DATA, OPTIONS.size)
    assert OPTIONS.unpack(got) == (66, 2), f"LPGETOPTS gave {OPTIONS.unpack(got)}"
    st = STATUS[model]
    yield sys.poke(buf, st.pack(9, 0))
    r = yield sys.ioctl(fd, LPSTATUS, buf)
    assert r == 0, f"LPSTATUS returned {r}"
    got = st.unpack((yield sys.peek(buf, st.size)))
    assert got == (9, jobs), f"LPSTATUS gave {got}, want (9, {jobs})"
    r = yield sys.close(fd)
    assert r == 0, f"close returned {r}"


@kernsim.scenario(driver="streams_lp", ranges={"jobs": (0, 4), "ilp32": (0, 1)})
def client_py(w, jobs=2, ilp32=0):
    """The Python form: one client (in a 32-bit process with ilp32=1)
    prints `jobs` jobs and checks their status lines, sets and reads back
    options with I_STR and checks LPSTATUS's count."""
    model = "ilp32" if ilp32 else "lp64"
    w.proc("user", model)
    w.spawn("client", _client(model, jobs))


@kernsim.program_scenario(driver="streams_lp")
def flush():
    """Jobs queued, then I_FLUSH FLUSHRW while the service procedures run:
    the driver flushes its queues and turns the M_FLUSH up (FLUSHW
    cleared), the head discards unread status lines; an I_FLUSH FLUSHW
    goes no further than the driver, which frees it; the loaned buffers
    all come back (close waits for them). A later job is answered again."""
    prog = program(modules=("streams_watch",))
    t = opened(prog, "client")
    push(t, "watch")
    call(t, "poke", ("buf", 512), data=b"job\n")
    for _ in range(3):
        call(t, "write", "fd", ("buf", 512), 4, expect=4)
    call(t, "ioctl", "fd", I_FLUSH, FLUSHRW, expect=0)
    call(t, "ioctl", "fd", I_FLUSH, FLUSHW, expect=0)  # the driver frees it (flush_leak: not)
    call(t, "ioctl", "fd", I_FLUSH, 4, expect=-EINVAL)
    call(t, "write", "fd", ("buf", 512), 4, expect=4)
    # One line's bytes: a line printed before the flush may still come
    # after it, and the head reads a byte stream (RNORM).
    line = len(b"lp: job 4, 4 bytes\n")
    call(t, "read", "fd", ("buf", 1024), line, expect=line)
    call(t, "close", "fd", expect=0)
    return prog


@kernsim.program_scenario(driver="streams_lp")
def nonblocking():
    """FIONBIO on a stream: the stream head answers it without sending it
    down (lp naks commands it does not know), and the ioctl call sets the
    file's FNDELAY, so a read with nothing queued fails with EAGAIN
    instead of sleeping; FIONBIO 0 clears it, and a job's status line is
    read as usual."""
    prog = program()
    t = opened(prog, "client")
    call(t, "poke_int", ("buf", 64), 1, 4, expect=0)
    call(t, "ioctl", "fd", FIONBIO, ("buf", 64), expect=0)
    call(t, "read", "fd", ("buf", 1024), 64, expect=-EAGAIN)
    call(t, "poke_int", ("buf", 64), 0, 4, expect=0)
    call(t, "ioctl", "fd", FIONBIO, ("buf", 64), expect=0)
    call(t, "poke", ("buf", 512), data=b"job\n")
    call(t, "write", "fd", ("buf", 512), 4, expect=4)
    line = len(b"lp: job 1, 4 bytes\n")
    call(t, "read", "fd", ("buf", 1024), line, expect=line)
    call(t, "close", "fd", expect=0)
    return prog


@kernsim.program_scenario(driver="streams_lp", ranges={"jobs": (1, 16)})
def close_race_faults(jobs=3):
    """close_race without result checks, for runs with injected faults
    (--inject-faults: the driver's esballoc may fail, and its bufcall;
    attach may fail too, and every call then fails): whatever fails, no
    memory, lock or hang failure may come of it."""
    prog = program()
    t = opened(prog, "writer")
    call(t, "poke", "buf", data=b"job\n")
    for _ in range(jobs):
        call(t, "write", "fd", "buf", 4)
    call(t, "read", "fd", ("buf", 64), 64)
    call(t, "close", "fd")
    return prog
