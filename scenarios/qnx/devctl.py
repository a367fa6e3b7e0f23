"""QNX Neutrino resource manager scenarios: qnx_devctl (drivers/qnx_devctl),
a pool of two server threads answering devctl() (a QNX client's ioctl())
over message passing. Direction and size of a dcmd against the command's
own, an unknown dcmd (ENOTTY at the client), a read-only open that may not
format, several clients at once, and a client killed while REPLY-blocked;
read() and write() (_IO_READ/_IO_WRITE messages) of the device's data at
the OCB's offset and pread()/pwrite() at their own, and a read-only open
that may not write.

    python3 -m kernsim explore scenarios/qnx/devctl.py:concurrent \\
        --variant config_unlocked --strategy pct --runs 10000

Every scenario is a Program (executed in C++): `expect` checks a call's
result (a value or -errno) and `check` the bytes the server replied.
"""

import struct

import kernsim
from kernsim import kernsim_pb2 as pb
from kernsim import sys

DEVICE = "/dev/qd0"
PAGE = 4096
EBADF, EINVAL, ENOTTY, EINTR, ENOSPC = 9, 22, 25, 4, 28

# <devctl.h>: direction in the top two bits, size in the 14 above the low 16
TO, FROM, NONE = 0x80000000, 0x40000000, 0


def dcmd(direction, cls, cmd, size):
    return direction | ((size & 0x3fff) << 16) | (cls << 8) | cmd


# drivers/qnx_devctl/qd_io.h
QD = 0x71
CONFIG = struct.Struct("<IIII")      # block_size, cache_mode, generation, reserved
STATS = struct.Struct("<QIIII")      # devctls, sets, generation, formats, reserved
FORMAT = struct.Struct("<II")        # pattern, flags
GET_CONFIG = dcmd(FROM, QD, 1, CONFIG.size)
SET_CONFIG = dcmd(TO, QD, 2, CONFIG.size)
XCHG_CONFIG = dcmd(TO | FROM, QD, 3, CONFIG.size)
GET_STATS = dcmd(FROM, QD, 4, STATS.size)
FORMAT_DEV = dcmd(TO, QD, 5, FORMAT.size)
SYNC = dcmd(NONE, QD, 6, 0)
GETFLAGS = dcmd(FROM, 1, 1, 4)       # DCMD_ALL_GETFLAGS
DATA_SIZE = 8192                     # QD_DATA_SIZE
RECEIVE = 2048                       # the server's receive buffer (msg_max_size)

call = kernsim.program_call


def program(procs=("user",)):
    prog = pb.Program()
    for p in procs:
        prog.proc.add(name=p, uid=100)
    return prog


def client(prog, name, mode=sys.O_RDWR, proc="user", fd="fd", buf="buf"):
    t = prog.thread.add(name=name, proc=proc)
    call(t, "open", mode, path=DEVICE, out=fd, expect=None)
    call(t, "mmap", PAGE, 3, out=buf)
    return t


def set_config(t, bs, mode, cmd=SET_CONFIG, extra=b"", expect=0, buf="buf", fd="fd"):
    call(t, "poke", buf, data=CONFIG.pack(bs, mode, 0, 0) + extra)
    return call(t, "ioctl", fd, cmd, buf, expect=expect)


@kernsim.program_scenario(driver="qnx_devctl")
def basic():
    """One client: set, get, exchange (both directions: the old one comes
    back), the library's own DCMD_ALL_GETFLAGS (the open mode), a sync
    with no data, and the statistics."""
    prog = program()
    t = client(prog, "client")
    set_config(t, 4096, 1)
    call(t, "ioctl", "fd", GET_CONFIG, "buf", expect=0)
    call(t, "check", "buf", data=CONFIG.pack(4096, 1, 1, 0))
    set_config(t, 1024, 0, cmd=XCHG_CONFIG)
    call(t, "check", "buf", data=CONFIG.pack(4096, 1, 1, 0))
    call(t, "ioctl", "fd", GETFLAGS, "buf", expect=0)
    call(t, "check", "buf", data=struct.pack("<i", sys.O_RDWR))
    call(t, "ioctl", "fd", SYNC, 0, expect=0)
    call(t, "ioctl", "fd", GET_STATS, "buf", expect=0)
    call(t, "check", "buf", data=STATS.pack(5, 2, 2, 0, 0))
    call(t, "close", "fd", expect=0)
    return prog


@kernsim.program_scenario(driver="qnx_devctl")
def direction_mismatch():
    """A command's number with another direction: a GET sent as __DIOT, a
    SET as __DIOF or __DION, an exchange one way only: EINVAL, and nothing
    changed."""
    prog = program()
    t = client(prog, "client")
    call(t, "poke", "buf", data=CONFIG.pack(2048, 1, 0, 0))
    call(t, "ioctl", "fd", dcmd(TO, QD, 1, CONFIG.size), "buf", expect=-EINVAL)
    call(t, "ioctl", "fd", dcmd(FROM, QD, 2, CONFIG.size), "buf", expect=-EINVAL)
    call(t, "ioctl", "fd", dcmd(NONE, QD, 2, 0), "buf", expect=-EINVAL)
    call(t, "ioctl", "fd", dcmd(TO, QD, 3, CONFIG.size), "buf", expect=-EINVAL)
    call(t, "ioctl", "fd", GET_CONFIG, "buf", expect=0)
    call(t, "check", "buf", data=CONFIG.pack(512, 0, 0, 0))
    call(t, "close", "fd", expect=0)
    return prog


@kernsim.program_scenario(driver="qnx_devctl")
def nbytes_sizes():
    """nbytes smaller than the command's data (EINVAL) and larger: a SET
    of 64 bytes takes its first 16; a GET_STATS into a 64-byte buffer gets
    the statistics and nothing else (the rest of the buffer stays as the
    client left it, zeros). A configuration the device cannot take is
    EINVAL."""
    prog = program()
    t = client(prog, "client")
    set_config(t, 4096, 0, cmd=dcmd(TO, QD, 2, 8), expect=-EINVAL)
    set_config(t, 4096, 0, cmd=dcmd(TO, QD, 2, 64), extra=bytes(48))
    set_config(t, 1000, 0, expect=-EINVAL)
    call(t, "poke", "buf", data=bytes(64))
    call(t, "ioctl", "fd", dcmd(FROM, QD, 4, 64), "buf", expect=0)
    call(t, "check", "buf", data=STATS.pack(3, 1, 1, 0, 0) + bytes(64 - STATS.size))
    call(t, "ioctl", "fd", dcmd(FROM, QD, 4, 8), "buf", expect=-EINVAL)
    call(t, "close", "fd", expect=0)
    return prog


@kernsim.program_scenario(driver="qnx_devctl")
def unknown_dcmd():
    """Commands the server does not know (another number of its class,
    another class) go back to the library: ENOSYS, which devctl() and
    ioctl() turn into ENOTTY."""
    prog = program()
    t = client(prog, "client")
    call(t, "ioctl", "fd", dcmd(FROM, QD, 99, 4), "buf", expect=-ENOTTY)
    call(t, "ioctl", "fd", dcmd(NONE, 0x42, 1, 0), 0, expect=-ENOTTY)
    call(t, "ioctl", "fd", dcmd(TO, 1, 77, 4), "buf", expect=-ENOTTY)
    call(t, "close", "fd", expect=0)
    return prog


@kernsim.program_scenario(driver="qnx_devctl")
def readonly_format():
    """A read-only open may read the configuration but not format: the
    handler checks the OCB's open mode (nothing in the library does).
    A write-only open formats."""
    prog = program()
    t = client(prog, "reader", mode=sys.O_RDONLY)
    call(t, "poke", "buf", data=FORMAT.pack(0xa5a5a5a5, 0))
    call(t, "ioctl", "fd", FORMAT_DEV, "buf", expect=-EBADF)
    call(t, "ioctl", "fd", GET_STATS, "buf", expect=0)
    call(t, "check", ("buf", 16), data=struct.pack("<I", 0))  # formats: none
    call(t, "close", "fd", expect=0)
    call(t, "open", sys.O_WRONLY, path=DEVICE, out="wfd")
    call(t, "poke", "buf", data=FORMAT.pack(0, 0))
    call(t, "ioctl", "wfd", FORMAT_DEV, "buf", expect=0)
    call(t, "ioctl", "wfd", GET_STATS, "buf", expect=0)
    call(t, "check", ("buf", 16), data=struct.pack("<I", 1))
    call(t, "close", "wfd", expect=0)
    return prog


@kernsim.program_scenario(driver="qnx_devctl", ranges={"clients": (2, 6)})
def concurrent(clients=3):
    """`clients` clients at once against a pool of two server threads: each
    sets its own configuration, exchanges it and reads the statistics.
    Every set makes exactly one generation (the server checks it at its
    stop); a third client waits SEND-blocked while both threads work."""
    prog = program()
    for i in range(clients):
        t = client(prog, f"client{i}", fd=f"fd{i}", buf=f"b{i}")
        set_config(t, 512 << i, i & 1, buf=f"b{i}", fd=f"fd{i}")
        set_config(t, 512 << i, i & 1, cmd=XCHG_CONFIG, buf=f"b{i}", fd=f"fd{i}")
        call(t, "ioctl", f"fd{i}", GET_STATS, f"b{i}", expect=0)
        call(t, "close", f"fd{i}", expect=0)
    return prog


@kernsim.program_scenario(driver="qnx_devctl")
def killed_reply_blocked():
    """A client is killed while REPLY-blocked in a slow SYNC (5 ms): its
    ioctl ends with EINTR, the server's reply finds no one (ESRCH, nothing
    to report), and its process's death closes its open (the kernel
    detaches the connection; the server's library closes the OCB). The
    victim is a process of its own: SIGKILL kills the whole process. The
    killer reads the configuration first, so the kill comes at any point
    of the victim's calls; another client goes on."""
    prog = program(procs=("user", "victim"))
    t = client(prog, "victim", proc="victim")
    call(t, "ioctl", "fd", SYNC, 0)  # EINTR, or 0 if the kill came late
    t = client(prog, "killer", fd="kfd", buf="kbuf")
    call(t, "ioctl", "kfd", GET_CONFIG, "kbuf", expect=0)
    call(t, "kill", sys.SIGKILL, path="victim")
    call(t, "close", "kfd", expect=0)
    t = client(prog, "other", fd="ofd", buf="obuf")
    set_config(t, 8192, 1, buf="obuf", fd="ofd")
    call(t, "close", "ofd", expect=0)
    return prog


def pattern(n, seed):
    return bytes((seed + 7 * i) & 0xff for i in range(n))


@kernsim.program_scenario(driver="qnx_devctl")
def rw_roundtrip():
    """write() and read() move the device's data at the OCB's offset,
    which each call advances: two writes, then a pread of both from 0; a
    write longer than the server's receive buffer (its handler reads the
    rest with resmgr_msgread) comes back whole; a read at the end is short,
    one past it is 0 (the end of the file)."""
    prog = program()
    t = client(prog, "client")
    call(t, "mmap", PAGE, 3, out="rbuf")
    call(t, "poke", "buf", data=pattern(64, 1) + pattern(32, 2))
    call(t, "write", "fd", "buf", 64, expect=64)
    call(t, "write", "fd", ("buf", 64), 32, expect=32)
    call(t, "pread", "fd", "rbuf", 96, 0, expect=96)
    call(t, "check", "rbuf", data=pattern(64, 1) + pattern(32, 2))
    call(t, "read", "fd", "rbuf", 16, expect=16)  # at 96: never written
    call(t, "check", "rbuf", data=bytes(16))
    big = pattern(PAGE, 3)
    assert len(big) > RECEIVE
    call(t, "poke", "buf", data=big)
    call(t, "pwrite", "fd", "buf", PAGE, DATA_SIZE - PAGE, expect=PAGE)
    call(t, "poke", "rbuf", data=bytes(PAGE))
    call(t, "pread", "fd", "rbuf", PAGE, DATA_SIZE - PAGE, expect=PAGE)
    call(t, "check", "rbuf", data=big)
    call(t, "pread", "fd", "rbuf", 64, DATA_SIZE - 16, expect=16)
    call(t, "check", "rbuf", data=big[-16:])
    call(t, "pread", "fd", "rbuf", 64, DATA_SIZE, expect=0)
    call(t, "pwrite", "fd", "buf", 8, DATA_SIZE, expect=-ENOSPC)
    call(t, "close", "fd", expect=0)
    return prog


@kernsim.program_scenario(driver="qnx_devctl")
def readonly_write():
    """A read-only open may read the data but not write it, a write-only
    open the reverse: EBADF from the handler's iofunc_write_verify /
    iofunc_read_verify (the kernel leaves the open mode to the server).
    A writer's data stays as it wrote it."""
    prog = program()
    t = client(prog, "writer", mode=sys.O_WRONLY, fd="wfd", buf="wbuf")
    call(t, "poke", "wbuf", data=pattern(32, 5))
    call(t, "write", "wfd", "wbuf", 32, expect=32)
    call(t, "read", "wfd", "wbuf", 32, expect=-EBADF)
    call(t, "close", "wfd", expect=0)
    call(t, "open", sys.O_RDONLY, path=DEVICE, out="fd")
    call(t, "poke", "wbuf", data=bytes(32))
    call(t, "write", "fd", "wbuf", 32, expect=-EBADF)
    call(t, "pwrite", "fd", "wbuf", 32, 0, expect=-EBADF)
    call(t, "read", "fd", "wbuf", 32, expect=32)
    call(t, "check", "wbuf", data=pattern(32, 5))
    call(t, "close", "fd", expect=0)
    return prog


@kernsim.program_scenario(driver="qnx_devctl")
def pread_pwrite():
    """pread/pwrite (_IO_XTYPE_OFFSET) use their own offset and leave the
    OCB's alone: after a pwrite at 1000 a write lands at 0 and a read
    follows it; two clients' OCBs keep their own offsets."""
    prog = program()
    t = client(prog, "client")
    call(t, "mmap", PAGE, 3, out="rbuf")
    call(t, "poke", "buf", data=pattern(24, 9))
    call(t, "pwrite", "fd", "buf", 24, 1000, expect=24)
    call(t, "poke", "buf", data=pattern(8, 4))
    call(t, "write", "fd", "buf", 8, expect=8)
    call(t, "read", "fd", "rbuf", 8, expect=8)    # the OCB's offset: 8
    call(t, "check", "rbuf", data=bytes(8))
    call(t, "pread", "fd", "rbuf", 8, 0, expect=8)
    call(t, "check", "rbuf", data=pattern(8, 4))
    call(t, "pread", "fd", "rbuf", 24, 1000, expect=24)
    call(t, "check", "rbuf", data=pattern(24, 9))
    t2 = client(prog, "other", fd="ofd", buf="obuf")
    call(t2, "read", "ofd", "obuf", 8, expect=8)  # its own OCB: from 0
    call(t2, "close", "ofd", expect=0)
    call(t, "close", "fd", expect=0)
    return prog


# ---- the same from Python generators ----

def _py_client(i, st):
    fd = yield sys.open(DEVICE, sys.O_RDWR)
    assert fd >= 0, f"open: {fd}"
    buf = yield sys.mmap(PAGE)
    yield sys.poke(buf, CONFIG.pack(512 << i, i & 1, 0, 0))
    r = yield sys.ioctl(fd, SET_CONFIG, buf)
    assert r == 0, f"SET_CONFIG: {r}"
    r = yield sys.ioctl(fd, dcmd(FROM, QD, 99, 4), buf)
    assert r == -ENOTTY, f"an unknown dcmd: {r}"
    st["left"] -= 1
    if st["left"] == 0:
        # the last client: every set made exactly one generation
        r = yield sys.ioctl(fd, GET_STATS, buf)
        assert r == 0, f"GET_STATS: {r}"
        devctls, sets, gen, formats, _ = STATS.unpack((yield sys.peek(buf, STATS.size)))
        assert sets == st["clients"] and gen == sets, \
            f"{sets} sets made generation {gen}: an update was lost"
    assert (yield sys.close(fd)) == 0


@kernsim.scenario(driver="qnx_devctl")
def concurrent_py(w, clients=3):
    """`clients` Python clients each set a configuration and try an unknown
    dcmd (ENOTTY); the last one to finish checks that every set made one
    generation (the scenario's own invariant, beside the server's)."""
    st = {"left": clients, "clients": clients}
    for i in range(clients):
        w.spawn(f"client{i}", _py_client(i, st))
