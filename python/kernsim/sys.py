"""System calls a scenario thread yields. Each returns a small tuple that the
simulator runs on that thread's fiber inside the kernel; the result (an int,
negative -errno on error; bytes for peek) is sent back into the generator.

    def client(t):
        fd = yield sys.open("/dev/sample", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, struct.pack("<QQ", 20, 0))
        r = yield sys.ioctl(fd, SAMPLE_SUBMIT, buf)
"""

import errno as _errno

# The error numbers a result's -errno is made of (sys.EAGAIN, sys.ENOENT
# ...): every personality's driver is built against the host's <errno.h>
# (their numbers mean the same there), so the host's table is theirs.
globals().update({_k: _v for _k, _v in vars(_errno).items()
                  if _k.startswith("E") and isinstance(_v, int)})

O_RDONLY, O_WRONLY, O_RDWR = 0, 1, 2
O_EXCL = 0o200
O_NDELAY = 0o4000
PROT_READ, PROT_WRITE = 1, 2
SIGINT, SIGKILL, SIGUSR1, SIGTERM = 2, 9, 10, 15
RS_HIPRI = 1                 # putmsg/getmsg: a high-priority message
MORECTL, MOREDATA = 1, 2     # getmsg: parts left for the next call
# poll(2) events: the values FreeBSD and illumos share
POLLIN, POLLPRI, POLLOUT = 0x1, 0x2, 0x4
POLLERR, POLLHUP, POLLNVAL = 0x8, 0x10, 0x20
POLLRDNORM, POLLRDBAND, POLLWRBAND = 0x40, 0x80, 0x100
POLLWRNORM = POLLOUT
INFTIM = -1
POLLFD_SIZE = 8              # struct pollfd: int fd; short events; short revents
# kqueue(2)/kevent(2): FreeBSD's <sys/event.h>
EVFILT_READ, EVFILT_WRITE, EVFILT_VNODE, EVFILT_TIMER = -1, -2, -4, -7
EV_ADD, EV_DELETE, EV_ENABLE, EV_DISABLE = 0x1, 0x2, 0x4, 0x8
EV_ONESHOT, EV_CLEAR, EV_RECEIPT, EV_DISPATCH = 0x10, 0x20, 0x40, 0x80
EV_ERROR, EV_EOF = 0x4000, 0x8000
KEVENT_SIZE = 64             # struct kevent of an LP64 process (56 for ILP32)


def open(path, flags=O_RDWR):  # noqa: A001 - the system call's own name
    return ("open", str(path), int(flags))


def close(fd):
    return ("close", fd)


def ioctl(fd, cmd, arg=0):
    return ("ioctl", fd, cmd, arg)


def read(fd, addr, length):
    return ("read", fd, addr, length)


def write(fd, addr, length):
    return ("write", fd, addr, length)


def pread(fd, addr, length, offset):
    return ("pread", fd, addr, length, offset)


def pwrite(fd, addr, length, offset):
    return ("pwrite", fd, addr, length, offset)


MAP_SHARED = 0x1
MAP_PRIVATE = 0x2


def mmap(length, prot=PROT_READ | PROT_WRITE, fd=None, offset=0, flags=MAP_SHARED):
    """Anonymous memory, or with fd a mapping of that device's memory at
    `offset` (the driver's d_mmap says which; MAP_SHARED only, as the
    kernels give a device no private mapping)."""
    if fd is None:
        return ("mmap", length, prot)
    return ("mmap_dev", fd, length, prot, flags, offset)


def munmap(addr, length):
    return ("munmap", addr, length)


def mprotect(addr, length, prot):
    return ("mprotect", addr, length, prot)


def putmsg(fd, ctl, data, flags=0):
    """STREAMS putmsg(2): ctl and data are addresses of struct strbuf in
    the caller's data model (0: no such part); flags 0 or RS_HIPRI."""
    return ("putmsg", fd, ctl, data, flags)


def getmsg(fd, ctl, data, flagsp):
    """STREAMS getmsg(2): strbuf addresses (0: that part is not taken) and
    the address of the int flags word (0 or RS_HIPRI in, the message's out);
    the result is MORECTL|MOREDATA, or -errno."""
    return ("getmsg", fd, ctl, data, flagsp)


def poll(fds, nfds, timeout=INFTIM):
    """poll(2): fds is the user address of nfds struct pollfd (pack them
    with pollfds(), poke them in, peek the revents back); timeout in ms on
    the simulated clock (-1 forever, 0 never sleeps). The result is the
    count of descriptors with revents, or -errno (EFAULT for an unmapped
    array, EINVAL for timeout < -1 or too many fds; a closed descriptor is
    POLLNVAL in its revents). Character drivers only: a stream's or a QNX
    server's descriptor ends the run as not_modelled:poll."""
    return ("poll", fds, nfds, timeout)


def pollfds(*pairs):
    """The bytes of a struct pollfd array: pollfds((fd, POLLIN), ...)."""
    import struct as _struct
    return b"".join(_struct.pack("<ihh", fd, events, 0) for fd, events in pairs)


def revents(data, i=0):
    """The revents of entry i of a struct pollfd array peeked back."""
    import struct as _struct
    return _struct.unpack_from("<h", data, i * POLLFD_SIZE + 6)[0]


def kqueue():
    """kqueue(2) (FreeBSD's): a new kqueue descriptor of the calling process."""
    return ("kqueue",)


def kevent(kq, changelist, nchanges, eventlist, nevents, timeout=INFTIM):
    """kevent(2): changelist and eventlist are user addresses of struct
    kevent arrays (pack changes with kevents(), poke them in; peek the
    events back and read them with kevent_at()); timeout in ms on the
    simulated clock (-1 forever, as a NULL timespec; 0 never sleeps). The
    changes are applied first: EVFILT_READ/EVFILT_WRITE on a FreeBSD
    device's descriptor call its d_kqfilter. A failed change (or one with
    EV_RECEIPT) is an EV_ERROR entry in the eventlist while it has room,
    and the result is then their count; without room the call fails with
    that error. Otherwise the result is the count of events returned
    (0 at the timeout), or -errno (EBADF: kq is not a kqueue). A
    descriptor of another personality's device ends the run as a scenario
    error (kqueue is FreeBSD's)."""
    return ("kevent", kq, changelist, nchanges, eventlist, nevents, timeout)


def kevents(*changes):
    """The bytes of a struct kevent array (LP64): kevents((fd, EVFILT_READ,
    EV_ADD), (fd, EVFILT_READ, EV_DELETE, fflags, data, udata), ...)."""
    import struct as _struct
    out = b""
    for c in changes:
        ident, filt, flags = c[0], c[1], c[2]
        fflags, data, udata = (tuple(c[3:]) + (0, 0, 0))[:3]
        out += _struct.pack("<QhHIqQ32x", ident, filt, flags, fflags, data, udata)
    return out


def kevent_at(data, i=0):
    """Entry i of a struct kevent array peeked back (LP64), as a dict:
    ident, filter, flags, fflags, data, udata."""
    import struct as _struct
    ident, filt, flags, fflags, d, udata = _struct.unpack_from("<QhHIqQ", data, i * KEVENT_SIZE)
    return {"ident": ident, "filter": filt, "flags": flags, "fflags": fflags, "data": d,
            "udata": udata}


def sysctl(name, old=0, oldlenp=0, new=0, newlen=0):
    """sysctlbyname(3) (FreeBSD's __sysctlbyname): the oid named by `name`
    ("hw.fbknob.limit"), its handler run on this thread. old and new are
    user addresses (0 for none); oldlenp the user address of a size_t (8
    bytes, 4 in an ILP32 process) holding the old buffer's length, which
    the call replaces with the length of the value (with old 0: the length
    it needs). The result is 0 or -errno: ENOENT no such name, EISDIR a
    node, EPERM a write to a read-only oid or by a process that is not
    root (without CTLFLAG_ANYBODY), ENOMEM the old buffer was too short
    (*oldlenp then unchanged: __sysctlbyname writes it only on success),
    EFAULT a bad address, EINVAL an empty name or a new value of the wrong
    size, or whatever the handler returned. A World with no FreeBSD module
    ends the run as a scenario error (sysctl is FreeBSD's)."""
    return ("sysctl", str(name), int(old), int(oldlenp), int(new), int(newlen))


def kill(thread, sig=SIGINT):
    """Signal the scenario thread named `thread`. SIGKILL kills its whole
    process: each of its threads makes no call after the one it is in, and
    the process's files are closed when the last of them leaves the kernel
    (a QNX server gets their closes then), not at the end of the run."""
    return ("kill", str(thread), int(sig))


def poke(addr, data):
    """The process stores bytes at a user address (no system call)."""
    return ("poke", addr, bytes(data))


def peek(addr, length):
    """The process loads bytes from a user address; the result is bytes (or a
    negative errno if the memory is not mapped)."""
    return ("peek", addr, length)


def gettime():
    """The virtual clock, in nanoseconds since boot (the process's
    clock_gettime(CLOCK_MONOTONIC)): a scenario asserts on time with it."""
    return ("gettime",)


def modunload(module):
    """Unload the driver module named `module` (its registered name, as the
    scenario loaded it) while the run goes on, as modunload(1M) or
    kldunload(8) would from a shell: its detach/_fini or MOD_QUIESCE and
    MOD_UNLOAD run on this thread. The result is 0 or -errno, the real
    system's: illumos EBUSY while one of its devices is open or when detach
    or _fini refuses, 0 for a module already unloaded; FreeBSD the error of
    MOD_QUIESCE or MOD_UNLOAD, ENOENT once it is gone; ENOTSUP for a QNX
    resource manager or a STREAMS module. Work the module leaves behind
    (an armed callout, a queued task, a live kernel thread) fails the run
    at once as an `unload:` failure."""
    return ("modunload", str(module))

