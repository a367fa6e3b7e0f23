"""Scenarios of mmap(2) of an illumos device (tests/drivers/ilshm.c): a
ring in ddi_umem_alloc memory that the driver maps through devmap(9E) and
fills from an ioctl, and user code reads and writes in place. ilshm makes
the ring at the first open and frees it in close(9E), which specfs defers
until the last mapping is gone; its twin ilshm_grow frees a ring a process
still maps when ILSHM_GROW replaces it."""
import errno
import os
import struct

import kernsim
from kernsim import build_driver, sys
from kernsim import kernsim_pb2 as pb

_TEST_DRIVERS = os.path.join(os.path.dirname(build_driver.config()["driver_dir"]),
                             "test_drivers")


def mod(name):
    return os.path.join(_TEST_DRIVERS, name + ".so")


_IOC = ord('H') << 8
PUT, SLOT, GROW, STAT, MODEL = _IOC | 1, _IOC | 2, _IOC | 3, _IOC | 4, _IOC | 5
DDI_MODEL_ILP32, DDI_MODEL_LP64 = 0x00100000, 0x00200000
PAGE = 4096
DEV = "/dev/ilshm"


def _u32(b):
    return struct.unpack("<I", b)[0]


def _ring(w):
    """`owner` maps the ring, puts two records and reads them in place,
    writes slot 5 through the mapping and has the driver read it back,
    closes its descriptor and reads the ring again (close(9E), which frees
    the ring, waits for the mapping), then unmaps. `peer` opens, reads a
    slot and closes, twice: its close is never the device's last while
    the mapping remains."""
    def owner():
        fd = yield sys.open(DEV, sys.O_RDWR)
        assert fd >= 0, fd
        ring = yield sys.mmap(PAGE, fd=fd)
        assert ring > 0, ring
        arg = yield sys.mmap(PAGE)
        for v in (7, 8):
            yield sys.poke(arg, struct.pack("<I", v))
            assert (yield sys.ioctl(fd, PUT, arg)) == 0
        head, s0, s1 = struct.unpack("<III", (yield sys.peek(ring, 12)))
        assert (head, s0, s1) == (2, 7, 8), (head, s0, s1)
        assert (yield sys.poke(ring + 4 + 4 * 5, struct.pack("<I", 42))) == 0
        yield sys.poke(arg, struct.pack("<I", 5))
        assert (yield sys.ioctl(fd, SLOT, arg)) == 0
        assert _u32((yield sys.peek(arg, 4))) == 42
        assert (yield sys.close(fd)) == 0
        assert _u32((yield sys.peek(ring, 4))) == 2
        assert (yield sys.munmap(ring, PAGE)) == 0

    def peer():
        arg = yield sys.mmap(PAGE)
        for _ in range(2):
            fd = yield sys.open(DEV, sys.O_RDONLY)
            assert fd >= 0, fd
            yield sys.poke(arg, struct.pack("<I", 0))
            assert (yield sys.ioctl(fd, SLOT, arg)) == 0
            assert (yield sys.close(fd)) == 0

    w.spawn("owner", owner())
    w.spawn("peer", peer())


def _close_deferred(w):
    """close(9E) runs when the last open and the last mapped page are gone
    (spec_close, spec_delmap): ILSHM_STAT counts its calls."""
    def user():
        arg = yield sys.mmap(PAGE)
        fd = yield sys.open(DEV, sys.O_RDWR)
        ring = yield sys.mmap(PAGE, fd=fd)
        assert ring > 0, ring
        assert (yield sys.close(fd)) == 0
        fd2 = yield sys.open(DEV, sys.O_RDWR)
        assert (yield sys.ioctl(fd2, STAT, arg)) == 0
        assert _u32((yield sys.peek(arg, 4))) == 0  # the mapping holds it open
        assert (yield sys.munmap(ring, PAGE)) == 0
        assert (yield sys.ioctl(fd2, STAT, arg)) == 0
        assert _u32((yield sys.peek(arg, 4))) == 0  # fd2 still open
        fd3 = yield sys.open(DEV, sys.O_RDWR)
        ring = yield sys.mmap(PAGE, fd=fd3)
        assert (yield sys.close(fd3)) == 0
        assert (yield sys.close(fd2)) == 0  # the mapping remains
        assert _u32((yield sys.peek(ring, 4))) == 0
        assert (yield sys.munmap(ring, PAGE)) == 0  # the last reference: close(9E)
        fd = yield sys.open(DEV, sys.O_RDWR)
        assert (yield sys.ioctl(fd, STAT, arg)) == 0
        assert _u32((yield sys.peek(arg, 4))) == 1
        assert (yield sys.close(fd)) == 0

    w.spawn("user", user())


def _exit_mapped(w):
    """The owner exits with its mapping: process exit closes the descriptor
    and then unmaps, which is the last reference: close(9E) frees the
    ring after the mapping is gone."""
    def owner():
        fd = yield sys.open(DEV, sys.O_RDWR)
        ring = yield sys.mmap(PAGE, fd=fd)
        arg = yield sys.mmap(PAGE)
        yield sys.poke(arg, struct.pack("<I", 3))
        assert (yield sys.ioctl(fd, PUT, arg)) == 0
        assert _u32((yield sys.peek(ring, 4))) == 1

    w.spawn("owner", owner())


def _grow(w):
    """`owner` maps the ring and reads it while `grower` asks the driver to
    replace it: ilshm refuses while a mapping exists (EBUSY), its twin
    frees the ring under the mapping."""
    def owner():
        fd = yield sys.open(DEV, sys.O_RDWR)
        ring = yield sys.mmap(PAGE, fd=fd)
        assert ring > 0, ring
        for _ in range(2):
            yield sys.peek(ring, 4)
        assert (yield sys.munmap(ring, PAGE)) == 0
        assert (yield sys.close(fd)) == 0

    def grower():
        fd = yield sys.open(DEV, sys.O_RDWR)
        r = yield sys.ioctl(fd, GROW, 0)
        assert r in (0, -errno.EBUSY), r
        assert (yield sys.close(fd)) == 0

    w.spawn("owner", owner())
    w.spawn("grower", grower())


def _unload_while_mapped(w):
    """A mapping holds the driver (spec_addmap: ddi_hold_installed_driver):
    an unload is refused until the last page goes."""
    def owner():
        fd = yield sys.open(DEV, sys.O_RDWR)
        ring = yield sys.mmap(PAGE, fd=fd)
        assert _u32((yield sys.peek(ring, 4))) == 0
        assert (yield sys.close(fd)) == 0
        assert (yield sys.modunload("ilshm")) == -errno.EBUSY
        assert _u32((yield sys.peek(ring, 4))) == 0
        assert (yield sys.munmap(ring, PAGE)) == 0
        assert (yield sys.modunload("ilshm")) == 0

    w.spawn("owner", owner())


def _declare(body, driver, name):
    return kernsim.scenario_of(body, mod(driver), name)


ring = _declare(_ring, "ilshm", "ring")
close_deferred = _declare(_close_deferred, "ilshm", "close_deferred")
exit_mapped = _declare(_exit_mapped, "ilshm", "exit_mapped")
grow = _declare(_grow, "ilshm", "grow")
grow_bug = _declare(_grow, "ilshm_grow", "grow_bug")
grow_latecount = _declare(_grow, "ilshm_latecount", "grow_latecount")
unload_while_mapped = _declare(_unload_while_mapped, "ilshm", "unload_while_mapped")


def _mapper(model):
    """Maps the ring and asks what devmap(9E) was told: the data model of
    the process that maps."""
    fd = yield sys.open(DEV, sys.O_RDWR)
    arg = yield sys.mmap(PAGE)
    ring = yield sys.mmap(PAGE, fd=fd)
    assert ring > 0, ring
    assert (yield sys.ioctl(fd, MODEL, arg)) == 0
    assert _u32((yield sys.peek(arg, 4))) == model
    assert (yield sys.munmap(ring, PAGE)) == 0
    yield sys.close(fd)


@kernsim.scenario(driver=mod("ilshm"))
def model_lp64(w):
    w.spawn("user", _mapper(DDI_MODEL_LP64))


@kernsim.scenario(driver=mod("ilshm"))
def model_ilp32(w):
    w.proc("p32", model="ilp32")
    w.spawn("user", _mapper(DDI_MODEL_ILP32), proc="p32")


@kernsim.scenario(driver=mod("ilshm"))
def errors(w):
    """What mmap(2) of an illumos devmap device refuses."""
    def user():
        rw = yield sys.open(DEV, sys.O_RDWR)
        ro = yield sys.open(DEV, sys.O_RDONLY)
        assert (yield sys.mmap(PAGE, fd=rw, flags=sys.MAP_PRIVATE)) == -errno.EINVAL
        # beyond the ring: the driver's devmap(9E) refuses, devmap_setup's ENXIO
        assert (yield sys.mmap(2 * PAGE, fd=rw)) == -errno.ENXIO
        assert (yield sys.mmap(PAGE, fd=rw, offset=PAGE)) == -errno.ENXIO
        assert (yield sys.mmap(PAGE, fd=ro)) == -errno.EACCES
        m = yield sys.mmap(PAGE, prot=sys.PROT_READ, fd=ro)
        assert m > 0, m
        assert (yield sys.munmap(m, PAGE)) == 0
        assert (yield sys.peek(m, 4)) == -errno.EFAULT
        for fd in (rw, ro):
            yield sys.close(fd)

    w.spawn("user", user())


def _grow_program():
    prog = pb.Program()
    prog.proc.add(name="user", model="lp64")
    t = prog.thread.add(name="owner", proc="user")
    kernsim.program_call(t, "open", sys.O_RDWR, path=DEV, out="fd")
    kernsim.program_call(t, "mmap_dev", "fd", PAGE, sys.PROT_READ | sys.PROT_WRITE,
                         sys.MAP_SHARED, 0, out="ring")
    kernsim.program_call(t, "mmap", PAGE, sys.PROT_READ | sys.PROT_WRITE, out="arg")
    kernsim.program_call(t, "poke", "arg", data=struct.pack("<I", 5))
    kernsim.program_call(t, "ioctl", "fd", PUT, "arg", expect=0)
    kernsim.program_call(t, "check", "ring", data=struct.pack("<II", 1, 5))
    kernsim.program_call(t, "ioctl", "fd", GROW, 0)
    kernsim.program_call(t, "munmap", "ring", PAGE, expect=0)
    kernsim.program_call(t, "close", "fd", expect=0)
    return prog


@kernsim.program_scenario(driver=mod("ilshm"))
def grow_program():
    """The fast kind: a record read through the mapping, then a refused
    ILSHM_GROW."""
    return _grow_program()


@kernsim.program_scenario(driver=mod("ilshm_grow"))
def grow_bug_program():
    """The same on the twin: ILSHM_GROW frees the ring under the mapping."""
    return _grow_program()
