"""Scenarios of user memory an illumos driver locks (tests/drivers/ilpin.c,
DESIGN.md, User memory: locked pages): ddi_umem_lock(9F) and
umem_lockmemory with a cleanup callback, and what the process's munmap,
mprotect and exit do to pages a driver holds."""
import errno
import os
import struct

import kernsim
from kernsim import build_driver, sys

_TEST_DRIVERS = os.path.join(os.path.dirname(build_driver.config()["driver_dir"]),
                             "test_drivers")


def mod(name):
    return os.path.join(_TEST_DRIVERS, name + ".so")


_IOC = ord('P') << 8
REG, RELEASE, STAT = _IOC | 1, _IOC | 2, _IOC | 3
READ, WRITE, LONGTERM = 0x01, 0x02, 0x04
SHORT, LONG, LONG_NOCB = 0, 1, 2
PAGE = 4096
DEV = "/dev/ilpin"


def reg(addr, length, flags=READ | WRITE, how=SHORT):
    return struct.pack("<QQii", addr, length, flags, how)


def stat(b):
    """(registrations, releases, cleanups, pinned now)"""
    return struct.unpack("<IIII", b)


def _pin_unpin(w):
    """Lock two pages, release them, unmap: nothing waits."""
    def user():
        fd = yield sys.open(DEV, sys.O_RDWR)
        buf = yield sys.mmap(2 * PAGE)
        arg = yield sys.mmap(PAGE)
        yield sys.poke(arg, reg(buf, 2 * PAGE))
        assert (yield sys.ioctl(fd, REG, arg)) == 0
        assert (yield sys.ioctl(fd, RELEASE, 0)) == 0
        assert (yield sys.munmap(buf, 2 * PAGE)) == 0
        assert (yield sys.ioctl(fd, STAT, arg)) == 0
        assert stat((yield sys.peek(arg, 16))) == (1, 1, 0, 0)
        assert (yield sys.close(fd)) == 0

    w.spawn("user", user())


def _unmap_waits(op):
    """`owner` locks a page of its buffer and then unmaps (or protects)
    it: illumos's as_unmap (as_setprot) sleeps until the driver unlocks,
    here when `releaser`'s ILPIN_RELEASE does; so once the call returns
    the driver has counted the release."""
    def body(w):
        def owner():
            fd = yield sys.open(DEV, sys.O_RDWR)
            buf = yield sys.mmap(PAGE)
            arg = yield sys.mmap(PAGE)
            yield sys.poke(arg, reg(buf, PAGE))
            assert (yield sys.ioctl(fd, REG, arg)) == 0
            if op == "munmap":
                assert (yield sys.munmap(buf, PAGE)) == 0
            else:
                assert (yield sys.mprotect(buf, PAGE, sys.PROT_READ)) == 0
            assert (yield sys.ioctl(fd, STAT, arg)) == 0
            regs, releases, cleanups, pinned = stat((yield sys.peek(arg, 16)))
            assert (regs, releases, cleanups, pinned) == (1, 1, 0, 0), (regs, releases)
            assert (yield sys.close(fd)) == 0

        def releaser():
            fd = yield sys.open(DEV, sys.O_RDWR)
            assert (yield sys.ioctl(fd, RELEASE, 0)) == 0
            assert (yield sys.close(fd)) == 0

        w.proc("other")
        w.spawn("owner", owner())
        w.spawn("releaser", releaser(), proc="other")
    body.__name__ = "_unmap_waits_" + op
    return body


def _longterm(op):
    """A long-term lock (umem_lockmemory, LONGTERM, a cleanup callback):
    the unmap (or protect, or exit) runs the driver's cleanup, which
    unlocks, and goes on without waiting. (At exit, close(9E) comes
    first and ilpin's unlocks: the exit case runs ilpin_keep, whose
    close(9E) leaves the lock to the cleanup.)"""
    def body(w):
        def owner():
            fd = yield sys.open(DEV, sys.O_RDWR)
            buf = yield sys.mmap(PAGE)
            arg = yield sys.mmap(PAGE)
            yield sys.poke(arg, reg(buf, PAGE, how=LONG))
            assert (yield sys.ioctl(fd, REG, arg)) == 0
            if op == "munmap":
                assert (yield sys.munmap(buf, PAGE)) == 0
            elif op == "mprotect":
                assert (yield sys.mprotect(buf, PAGE, sys.PROT_READ)) == 0
            else:
                return  # exit with the lock held
            assert (yield sys.ioctl(fd, STAT, arg)) == 0
            assert stat((yield sys.peek(arg, 16))) == (1, 0, 1, 0)
            assert (yield sys.close(fd)) == 0

        w.spawn("owner", owner())
    body.__name__ = "_longterm_" + op
    return body


def _exit_locked(w):
    """The process exits holding a lock: exit closes the descriptor first,
    and ilpin's close(9E) unlocks, so the exit's unmapping need not wait.
    Its twin ilpin_keep leaves the range locked in close(9E): illumos's
    exit (as_free) then sleeps for ever."""
    def owner():
        fd = yield sys.open(DEV, sys.O_RDWR)
        buf = yield sys.mmap(PAGE)
        arg = yield sys.mmap(PAGE)
        yield sys.poke(arg, reg(buf, PAGE))
        assert (yield sys.ioctl(fd, REG, arg)) == 0

    w.spawn("owner", owner())


def _release_then_close(w):
    """ILPIN_RELEASE then close(9E): its twin ilpin_twice unlocks the same
    cookie again in close(9E)."""
    def owner():
        fd = yield sys.open(DEV, sys.O_RDWR)
        buf = yield sys.mmap(PAGE)
        arg = yield sys.mmap(PAGE)
        yield sys.poke(arg, reg(buf, PAGE))
        assert (yield sys.ioctl(fd, REG, arg)) == 0
        assert (yield sys.ioctl(fd, RELEASE, 0)) == 0
        assert (yield sys.close(fd)) == 0

    w.spawn("owner", owner())


def _unload_locked(module):
    """A long-term lock left by close(9E), then the driver unloaded: ilpin
    (whose close unlocks) unloads cleanly; its twin ilpin_detach leaves the
    lock and its cleanup callback registered, which the process's next
    munmap would call in the unloaded module."""
    def body(w):
        w.spawn("owner", owner())

    def owner():
        fd = yield sys.open(DEV, sys.O_RDWR)
        buf = yield sys.mmap(PAGE)
        arg = yield sys.mmap(PAGE)
        yield sys.poke(arg, reg(buf, PAGE, how=LONG))
        assert (yield sys.ioctl(fd, REG, arg)) == 0
        assert (yield sys.close(fd)) == 0
        assert (yield sys.modunload(module)) == 0
        assert (yield sys.munmap(buf, PAGE)) == 0

    body.__name__ = "_unload_locked_" + module
    return body


def _errors(w):
    """ddi_umem_lock's and umem_lockmemory's refusals, as sunddi.c and
    as_pagelock give them."""
    def user():
        fd = yield sys.open(DEV, sys.O_RDWR)
        buf = yield sys.mmap(2 * PAGE)
        ro = yield sys.mmap(PAGE, prot=sys.PROT_READ)
        arg = yield sys.mmap(PAGE)
        holed = yield sys.mmap(2 * PAGE)
        assert (yield sys.munmap(holed + PAGE, PAGE)) == 0

        def try_reg(*a, **k):
            yield sys.poke(arg, reg(*a, **k))
            return (yield sys.ioctl(fd, REG, arg))

        bad = [
            ((buf, PAGE, 0), -errno.EINVAL),                     # neither READ nor WRITE
            ((buf, PAGE, READ | LONGTERM), -errno.EINVAL),       # LONGTERM: not ddi_umem_lock's
            ((buf, PAGE, READ | 0x8), -errno.EINVAL),            # an unknown flag
            ((buf + 16, PAGE, READ), -errno.EINVAL),             # address not page-aligned
            ((buf, PAGE + 1, READ), -errno.EINVAL),              # length not a page multiple
            ((buf, PAGE, READ, LONG_NOCB), -errno.EINVAL),       # LONGTERM without a cleanup
            ((holed, 2 * PAGE, READ), -errno.EFAULT),            # its second page unmapped
            ((0xE0000000, PAGE, READ), -errno.EFAULT),           # nothing mapped there
            ((0xE0000000, 0, READ), -errno.EFAULT),              # nor for no length
            ((ro, PAGE, WRITE), -errno.EACCES),                  # read-only, locked for writing
        ]
        for args, want in bad:
            got = yield from try_reg(*args)
            assert got == want, (args, got, want)
        assert (yield from try_reg(ro, PAGE, READ)) == 0       # read-only, for reading
        assert (yield sys.ioctl(fd, RELEASE, 0)) == 0
        assert (yield sys.munmap(ro, PAGE)) == 0
        assert (yield sys.ioctl(fd, STAT, arg)) == 0
        assert stat((yield sys.peek(arg, 16))) == (1, 1, 0, 0)
        assert (yield sys.close(fd)) == 0

    w.spawn("user", user())


def _declare(body, driver, name):
    return kernsim.scenario_of(body, mod(driver), name)


pin_unpin = _declare(_pin_unpin, "ilpin", "pin_unpin")
munmap_waits = _declare(_unmap_waits("munmap"), "ilpin", "munmap_waits")
mprotect_waits = _declare(_unmap_waits("mprotect"), "ilpin", "mprotect_waits")
longterm_munmap = _declare(_longterm("munmap"), "ilpin", "longterm_munmap")
longterm_mprotect = _declare(_longterm("mprotect"), "ilpin", "longterm_mprotect")
longterm_exit = _declare(_longterm("exit"), "ilpin_keep", "longterm_exit")
exit_locked = _declare(_exit_locked, "ilpin", "exit_locked")
exit_locked_keep = _declare(_exit_locked, "ilpin_keep", "exit_locked_keep")
release_then_close = _declare(_release_then_close, "ilpin", "release_then_close")
release_then_close_twice = _declare(_release_then_close, "ilpin_twice",
                                    "release_then_close_twice")
unload_locked = _declare(_unload_locked("ilpin"), "ilpin", "unload_locked")
unload_locked_detach = _declare(_unload_locked("ilpin_detach"), "ilpin_detach",
                                "unload_locked_detach")
errors = _declare(_errors, "ilpin", "errors")
