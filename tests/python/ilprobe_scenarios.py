"""Scenarios of illumos drivers written as illumos engineers write them
(the ilprobe audit), and of their bug twins, the same source built with a
-D switch: tests/drivers/ilpool.c, a lease pool on a counting semaphore,
and ilpool_doubleput (POOL_PUT unlinks a lease it looked up before
dropping the lock: two PUTs of one id both free it); tests/drivers/ilsoft.c,
clone minors from a bitmap with soft state and a taskq, and ilsoft_nowait
(close(9E) frees the soft state under a queued task)."""
import errno
import os
import struct

import kernsim
from kernsim import build_driver, sys

_TEST_DRIVERS = os.path.join(os.path.dirname(build_driver.config()["driver_dir"]),
                             "test_drivers")


def mod(name):
    return os.path.join(_TEST_DRIVERS, name + ".so")


POOL_GET, POOL_PUT, POOL_WAITIDLE, POOL_SETDELAY = 0x5001, 0x5002, 0x5003, 0x5004
PR_NOWAIT = 1
POOL = "ilpool"     # registered module name (modunload)
DEV = "/dev/pool"


def _req(lease=0, flags=0, ms=0):
    return struct.pack("<IIiI", lease, flags, ms, 0)


def _until(cond):
    """Wait for another thread's progress: poll(2) of no descriptors is a
    1 ms sleep on the simulated clock."""
    while not cond():
        r = yield sys.poll(0, 0, 1)
        assert r == 0, r


def _get(fd, buf, flags=0):
    """POOL_GET: (result, lease id)."""
    yield sys.poke(buf, _req(flags=flags))
    r = yield sys.ioctl(fd, POOL_GET, buf)
    lease = struct.unpack_from("<I", (yield sys.peek(buf, 4)))[0] if r == 0 else 0
    return r, lease


def _put(fd, buf, lease):
    yield sys.poke(buf, _req(lease=lease))
    return (yield sys.ioctl(fd, POOL_PUT, buf))


# ---------------------------------------------------------------- ilpool

def _pool_share(w):
    """Three users share two leases (pool-size's default): blocking GETs
    always get one, a PR_NOWAIT GET one or EAGAIN; a poller is told when
    one is free; ids are never given twice at once. One user slows GET
    down (POOL_SETDELAY: delay(9F) under nothing)."""
    held = set()

    def user(tag, flags, rounds):
        fd = yield sys.open(DEV, sys.O_RDWR)
        assert fd >= 0, fd
        buf = yield sys.mmap(4096)
        if tag == "slow":
            yield sys.poke(buf, _req(ms=2))
            assert (yield sys.ioctl(fd, POOL_SETDELAY, buf)) == 0
        for _ in range(rounds):
            r, lease = yield from _get(fd, buf, flags)
            if flags & PR_NOWAIT and r == -errno.EAGAIN:
                continue
            assert r == 0, r
            assert lease not in held, f"lease {lease} given twice"
            assert len(held) < 2, f"a third lease out: {held}"
            held.add(lease)
            r = yield sys.poll(0, 0, 1)
            # out of the set before PUT's sema_v lets another GET in
            held.discard(lease)
            assert (yield from _put(fd, buf, lease)) == 0
        assert (yield sys.ioctl(fd, 0x50ff, buf)) == -errno.ENOTTY
        yield sys.close(fd)

    def poller():
        fd = yield sys.open(DEV, sys.O_RDONLY)
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, sys.pollfds((fd, sys.POLLOUT)))
        r = yield sys.poll(buf, 1, 20)
        assert r in (0, 1), r
        if r == 1:
            assert sys.revents((yield sys.peek(buf, 8)), 0) & sys.POLLOUT
        # a read-only open may not change the tunables
        yield sys.poke(buf, _req(ms=1))
        assert (yield sys.ioctl(fd, POOL_SETDELAY, buf)) == -errno.EBADF
        yield sys.close(fd)

    w.spawn("a", user("slow", 0, 2))
    w.spawn("b", user("b", 0, 2))
    w.spawn("c", user("c", PR_NOWAIT, 2))
    w.spawn("poller", poller())


def _pool_signal(w):
    """A holder takes both leases; a GET then blocks in sema_p_sig and is
    signalled (EINTR); a WAITIDLE waits for the holder's PUTs; a short
    WAITIDLE times out (ETIME); a bad id is ENOENT."""
    st = {"held": False, "waiter_done": False}

    def holder():
        fd = yield sys.open(DEV, sys.O_RDWR)
        buf = yield sys.mmap(4096)
        r1, l1 = yield from _get(fd, buf)
        r2, l2 = yield from _get(fd, buf)
        assert (r1, r2) == (0, 0), (r1, r2)
        assert (yield from _get(fd, buf, PR_NOWAIT))[0] == -errno.EAGAIN
        yield sys.poke(buf, _req(ms=5))
        assert (yield sys.ioctl(fd, POOL_WAITIDLE, buf)) == -errno.ETIME
        st["held"] = True
        yield from _until(lambda: st["waiter_done"])
        assert (yield from _put(fd, buf, l1)) == 0
        assert (yield from _put(fd, buf, l2)) == 0
        assert (yield from _put(fd, buf, l2)) == -errno.ENOENT
        yield sys.close(fd)

    def waiter():
        fd = yield sys.open(DEV, sys.O_RDWR)
        buf = yield sys.mmap(4096)
        yield from _until(lambda: st["held"])
        st["getting"] = True    # a signal from here on is pending at the GET
        r, _ = yield from _get(fd, buf)
        assert r == -errno.EINTR, r
        st["waiter_done"] = True
        yield sys.close(fd)

    def idler():
        fd = yield sys.open(DEV, sys.O_RDONLY)
        buf = yield sys.mmap(4096)
        yield from _until(lambda: st["held"])
        yield sys.poke(buf, _req(ms=10000))
        r = yield sys.ioctl(fd, POOL_WAITIDLE, buf)
        # virtual time may pass while a thread runs in the kernel
        assert r in (0, -errno.ETIME), r
        yield sys.close(fd)

    def killer():
        yield from _until(lambda: st.get("getting"))
        yield sys.kill("waiter")

    w.spawn("holder", holder())
    w.spawn("waiter", waiter())
    w.spawn("idler", idler())
    w.spawn("killer", killer())


def _pool_unload(w):
    """A lease outlives its open: modunload is refused while the device is
    open (EBUSY) and while a lease is out (detach's DDI_FAILURE: EBUSY),
    and succeeds once it is back; the periodic runs meanwhile."""
    def client():
        fd = yield sys.open(DEV, sys.O_RDWR)
        buf = yield sys.mmap(4096)
        r, lease = yield from _get(fd, buf)
        assert r == 0, r
        assert (yield sys.modunload(POOL)) == -errno.EBUSY
        yield sys.close(fd)
        assert (yield sys.modunload(POOL)) == -errno.EBUSY
        fd = yield sys.open(DEV, sys.O_RDWR)
        assert fd >= 0, fd
        assert (yield from _put(fd, buf, lease)) == 0
        yield sys.close(fd)
        assert (yield sys.modunload(POOL)) == 0
    w.spawn("client", client())


def _pool_close_in_ioctl(w):
    """One thread blocks in POOL_GET on a descriptor another thread of the
    process closes; close(2) does not wait, the GET goes on and gets the
    lease a third open puts back; close(9E) comes after."""
    st = {"fd": None, "lease": [], "closed": False}

    def getter():
        fd = yield sys.open(DEV, sys.O_RDWR)
        buf = yield sys.mmap(4096)
        r1, l1 = yield from _get(fd, buf)
        r2, l2 = yield from _get(fd, buf)
        assert (r1, r2) == (0, 0), (r1, r2)
        st["lease"] = [l1, l2]
        st["fd"] = fd
        r, l3 = yield from _get(fd, buf)
        # the close may come first: then the descriptor is gone (EBADF)
        assert r in (0, -errno.EBADF), r
        back = [l2]
        if r == 0:
            assert l3 not in (l1, l2), l3
            back.append(l3)
        fd2 = yield sys.open(DEV, sys.O_RDWR)
        for lease in back:
            assert (yield from _put(fd2, buf, lease)) == 0
        yield sys.close(fd2)

    def closer():
        yield from _until(lambda: st["fd"] is not None)
        assert (yield sys.close(st["fd"])) == 0
        fd = yield sys.open(DEV, sys.O_RDWR)
        buf = yield sys.mmap(4096)
        assert (yield from _put(fd, buf, st["lease"][0])) == 0
        yield sys.close(fd)

    w.spawn("getter", getter())
    w.spawn("closer", closer())


def _pool_double_put(w):
    """Two threads give back the same lease: one PUT frees it, the other
    finds no such lease (ENOENT)."""
    st = {"lease": None}

    def owner():
        fd = yield sys.open(DEV, sys.O_RDWR)
        buf = yield sys.mmap(4096)
        r, lease = yield from _get(fd, buf)
        assert r == 0, r
        st["lease"] = lease
        r = yield from _put(fd, buf, lease)
        st["r1"] = r
        yield sys.close(fd)

    def other():
        fd = yield sys.open(DEV, sys.O_RDWR)
        buf = yield sys.mmap(4096)
        yield from _until(lambda: st["lease"] is not None)
        r = yield from _put(fd, buf, st["lease"])
        yield from _until(lambda: "r1" in st)
        assert sorted((r, st["r1"])) == [-errno.ENOENT, 0], (r, st["r1"])
        yield sys.close(fd)

    w.spawn("owner", owner())
    w.spawn("other", other())


# ---------------------------------------------------------------- ilsoft

SOFT_SETNAME, SOFT_GETNAME, SOFT_PING, SOFT_NOPEN, SOFT_KNAME, SOFT_NPINGS = (
    0x5301, 0x5302, 0x5303, 0x5304, 0x5305, 0x5306)
SDEV = "/dev/soft"


def _soft_names(w):
    """Two clone opens in a 64-bit and a 32-bit process: each names its own
    minor through a struct holding a user pointer (the ILP32 one 8 bytes
    at the very end of its mapping) and reads its own name back; one is
    renamed by the driver's own FKIOCTL call; the open count sees both."""
    def client(tag, ilp32):
        fd = yield sys.open(SDEV, sys.O_RDWR)
        assert fd >= 0, fd
        page = yield sys.mmap(4096)
        name = page + 64
        yield sys.poke(name, tag)
        if ilp32:
            arg = page + 4096 - 8
            pack = lambda p, n: struct.pack("<II", p, n)   # noqa: E731
        else:
            arg = page
            pack = lambda p, n: struct.pack("<QQ", p, n)   # noqa: E731
        yield sys.poke(arg, pack(name, len(tag)))
        assert (yield sys.ioctl(fd, SOFT_SETNAME, arg)) == 0
        out = page + 256
        yield sys.poke(arg, pack(out, 32))
        n = yield sys.ioctl(fd, SOFT_GETNAME, arg)
        assert n == len(tag), n
        assert (yield sys.peek(out, n)) == tag
        n = yield sys.ioctl(fd, SOFT_NOPEN, 0)
        assert 1 <= n <= 2, n
        if tag == b"beta":
            assert (yield sys.ioctl(fd, SOFT_KNAME, 0)) == 0
            n = yield sys.ioctl(fd, SOFT_GETNAME, arg)
            assert (yield sys.peek(out, n)) == b"kernel"
        yield sys.poke(arg, pack(0x10, 4))
        assert (yield sys.ioctl(fd, SOFT_SETNAME, arg)) == -errno.EFAULT
        yield sys.close(fd)
    w.proc("p32", model="ilp32")
    w.spawn("a", client(b"alpha", False))
    w.spawn("b", client(b"beta", True), proc="p32")


def _soft_ping_close(w, module="ilsoft"):
    """Pings queued on the taskq, then close at once: close(9E) waits for
    them; a second open gets the freed minor; the module unloads after."""
    st = {"done": False}

    def client():
        fd = yield sys.open(SDEV, sys.O_RDWR)
        for _ in range(2):
            assert (yield sys.ioctl(fd, SOFT_PING, 0)) == 0
        n = yield sys.ioctl(fd, SOFT_NPINGS, 0)
        assert 0 <= n <= 2, n
        yield sys.close(fd)
        st["done"] = True

    def other():
        fd = yield sys.open(SDEV, sys.O_RDWR)
        assert (yield sys.ioctl(fd, SOFT_PING, 0)) == 0
        yield sys.close(fd)
        fd = yield sys.open(SDEV, sys.O_RDWR)
        assert fd >= 0, fd
        yield sys.close(fd)
        yield from _until(lambda: st["done"])
        assert (yield sys.modunload(module)) == 0

    w.spawn("client", client())
    w.spawn("other", other())


# ---------------------------------------------------------------- declarations

def _pool_greedy(w):
    """One user takes both leases, then a third with a blocking GET: it
    sleeps in sema_p for ever (uninterruptibly: its own deadlock), while
    the pool's ddi_periodic_add housekeeping runs on beside it."""
    def greedy():
        fd = yield sys.open(DEV, sys.O_RDWR)
        buf = yield sys.mmap(4096)
        for _ in range(3):
            r, _lease = yield from _get(fd, buf)
            assert r == 0, r
    w.spawn("greedy", greedy())


def _declare(body, driver, name):
    takes_module = "module" in body.__code__.co_varnames[:body.__code__.co_argcount]

    def fn(w):
        return body(w, module=driver) if takes_module else body(w)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = body.__doc__
    return kernsim.scenario(driver=mod(driver))(fn)


pool_share = _declare(_pool_share, "ilpool", "pool_share")
pool_signal = _declare(_pool_signal, "ilpool", "pool_signal")
pool_unload = _declare(_pool_unload, "ilpool", "pool_unload")
pool_close_in_ioctl = _declare(_pool_close_in_ioctl, "ilpool", "pool_close_in_ioctl")
pool_double_put = _declare(_pool_double_put, "ilpool", "pool_double_put")
pool_greedy = _declare(_pool_greedy, "ilpool", "pool_greedy")

soft_names = _declare(_soft_names, "ilsoft", "soft_names")
soft_ping_close = _declare(_soft_ping_close, "ilsoft", "soft_ping_close")

CORRECT = ["pool_share", "pool_signal", "pool_unload", "pool_close_in_ioctl",
           "pool_double_put", "soft_names", "soft_ping_close"]

# the bugs: the same scenario on the -D twin
pool_double_put_bug = _declare(_pool_double_put, "ilpool_doubleput", "pool_double_put_bug")
soft_ping_close_bug = _declare(_soft_ping_close, "ilsoft_nowait", "soft_ping_close_bug")
