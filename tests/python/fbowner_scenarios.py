"""Scenarios of tests/drivers/fbowner.c, a FreeBSD device owned by its
first opener: what a driver reads of struct thread, proc and ucred."""
import errno
import os
import struct

import kernsim
from kernsim import build_driver, sys

FBOWNER = os.path.join(os.path.dirname(build_driver.config()["driver_dir"]), "test_drivers",
                       "fbowner.so")
DEV = "/dev/fbowner"
SELF_FMT = "<iiIi20s20sQ"                     # struct fbown_self
FBOWN_SELF = 0x40000000 | struct.calcsize(SELF_FMT) << 16 | ord("O") << 8 | 1
FBOWN_OWNER = 0x40084f02                      # _IOR('O', 2, struct fbown_owner)
FBOWN_PRIV = 0x20004f03                       # _IO('O', 3)
PID_MAX = 99999
# (thread name, struct thread address) of every self_view execution in this
# process: the records' addresses are to be the same in every one.
TD_SEEN = set()


def cstr(b):
    return b.split(b"\0", 1)[0].decode()


def who(fd, buf):
    """FBOWN_SELF: (pid, tid, uid, kproc, comm, name, td address) as the
    kernel says."""
    r = yield sys.ioctl(fd, FBOWN_SELF, buf)
    assert r == 0, f"FBOWN_SELF returned {r}: td, curthread and curproc disagree"
    pid, tid, uid, kproc, comm, name, td = struct.unpack(SELF_FMT, (yield sys.peek(
        buf, struct.calcsize(SELF_FMT))))
    return pid, tid, uid, kproc, cstr(comm), cstr(name), td


@kernsim.scenario(driver=FBOWNER)
def self_view(w):
    """Threads of two processes (root, pid 1, uid 0; user, pid 2, uid 100)
    open the device for reading (which owns nothing) and ask who they are: each gets its own process's pid, name and uid, its
    own thread's name and a thread id above the pids; only root holds
    PRIV_DRIVER."""
    w.proc("root", uid=0)
    w.proc("user", uid=100)

    def body(proc, pid, uid, thread):
        def gen():
            buf = yield sys.mmap(4096)
            fd = yield sys.open(DEV, sys.O_RDONLY)
            assert fd >= 0, f"{thread}: open returned {fd}"
            got = yield from who(fd, buf)
            assert got[0] == pid and got[2] == uid and got[3] == 0, got
            assert got[4] == proc and got[5] == thread, got
            assert got[1] > PID_MAX, got
            r = yield sys.ioctl(fd, FBOWN_PRIV, 0)
            assert r == (0 if uid == 0 else -errno.EPERM), f"{thread}: FBOWN_PRIV returned {r}"
            TD_SEEN.add((thread, got[6]))
            yield sys.close(fd)
        return gen()
    w.spawn("r1", body("root", 1, 0, "r1"), proc="root")
    w.spawn("u1", body("user", 2, 100, "u1"), proc="user")


@kernsim.scenario(driver=FBOWNER)
def owners(w):
    """Two processes of one uid and root open the device for writing at
    once. The first open owns it; another uid's open is refused with EBUSY unless root's;
    whoever got in sees one owner, of a pid that opened it; the last close
    gives the owner's credential back."""
    w.proc("root", uid=0)
    w.proc("user", uid=100)
    w.proc("user2", uid=100)

    def body():
        buf = yield sys.mmap(4096)
        fd = yield sys.open(DEV, sys.O_RDWR)
        if fd == -errno.EBUSY:
            return
        assert fd >= 0, f"open returned {fd}"
        r = yield sys.ioctl(fd, FBOWN_OWNER, buf)
        assert r == 0, f"FBOWN_OWNER returned {r} with the device open"
        pid, uid = struct.unpack("<iI", (yield sys.peek(buf, 8)))
        assert (pid, uid) in ((1, 0), (2, 100), (3, 100)), (pid, uid)
        yield sys.close(fd)
    w.spawn("r", body(), proc="root")
    w.spawn("u", body(), proc="user")
    w.spawn("v", body(), proc="user2")
