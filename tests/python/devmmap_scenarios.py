"""Scenarios of mmap(2) of a FreeBSD character device (tests/drivers/fbshm.c):
a ring in one malloc'd page that the driver fills from an ioctl and user
code reads, and writes, in place through its mapping. fbshm keeps the
ring from load to unload; its twin fbshm_closefree frees it in d_close,
which devfs calls at the last close(2) even while a mapping remains."""
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


def _ioc(inout, group, num, size):
    return inout | ((size & 0x1FFF) << 16) | (ord(group) << 8) | num


IOC_OUT, IOC_IN = 0x40000000, 0x80000000
SHM_PUT = _ioc(IOC_IN, 'S', 1, 4)
SHM_HEAD = _ioc(IOC_OUT, 'S', 2, 4)
SHM_SLOT = _ioc(IOC_IN | IOC_OUT, 'S', 3, 4)
PAGE = 4096


def _ring(w):
    """`owner` maps the ring, puts two records and reads them in place,
    writes slot 5 through the mapping and has the driver read it back,
    passes an ioctl an argument inside the ring (copyin and copyout at a
    device-mapped address),
    closes its descriptor and reads the ring again through the mapping
    (which outlives the close), then unmaps. `peer` opens, asks the head
    and closes, twice: its close may be the last one, while the mapping
    is still there."""
    def owner():
        fd = yield sys.open("/dev/fbshm", sys.O_RDWR)
        assert fd >= 0, fd
        ring = yield sys.mmap(PAGE, fd=fd)
        assert ring > 0, ring
        arg = yield sys.mmap(PAGE)
        for v in (7, 8):
            yield sys.poke(arg, struct.pack("<I", v))
            assert (yield sys.ioctl(fd, SHM_PUT, arg)) == 0
        head, s0, s1 = struct.unpack("<III", (yield sys.peek(ring, 12)))
        assert (head, s0, s1) == (2, 7, 8), (head, s0, s1)
        assert (yield sys.poke(ring + 4 + 4 * 5, struct.pack("<I", 42))) == 0
        yield sys.poke(arg, struct.pack("<I", 5))
        assert (yield sys.ioctl(fd, SHM_SLOT, arg)) == 0
        assert struct.unpack("<I", (yield sys.peek(arg, 4)))[0] == 42
        # the ioctl's copyout lands in the ring itself, through the mapping
        assert (yield sys.ioctl(fd, SHM_HEAD, ring + 4 + 4 * 10)) == 0
        assert struct.unpack("<I", (yield sys.peek(ring + 4 + 4 * 10, 4)))[0] == 2
        arg2 = ring + 4 + 4 * 10
        assert (yield sys.ioctl(fd, SHM_SLOT, arg2)) == 0  # copyin of 2, copyout of slot 2
        assert struct.unpack("<I", (yield sys.peek(arg2, 4)))[0] == 0
        assert (yield sys.close(fd)) == 0
        head, = struct.unpack("<I", (yield sys.peek(ring, 4)))
        assert head == 2, head
        assert (yield sys.munmap(ring, PAGE)) == 0

    def peer():
        arg = yield sys.mmap(PAGE)
        for _ in range(2):
            fd = yield sys.open("/dev/fbshm", sys.O_RDONLY)
            assert fd >= 0, fd
            r = yield sys.ioctl(fd, SHM_HEAD, arg)
            assert r in (0, -errno.ENXIO), r
            assert (yield sys.close(fd)) == 0

    w.spawn("owner", owner())
    w.spawn("peer", peer())


def _ring_exit_mapped(w):
    """The owner leaves its mapping to exit: process exit unmaps it after
    closing the descriptor, before the driver unloads."""
    def owner():
        fd = yield sys.open("/dev/fbshm", sys.O_RDWR)
        ring = yield sys.mmap(PAGE, fd=fd)
        arg = yield sys.mmap(PAGE)
        yield sys.poke(arg, struct.pack("<I", 3))
        assert (yield sys.ioctl(fd, SHM_PUT, arg)) == 0
        assert struct.unpack("<I", (yield sys.peek(ring, 4)))[0] == 1

    w.spawn("owner", owner())


def _ring_unsynced(w):
    """A reader polls the head in place while another thread puts a record:
    user code's plain load against the driver's store, nothing ordering
    them (a real ring reader needs an acquire load and a barrier)."""
    def reader():
        fd = yield sys.open("/dev/fbshm", sys.O_RDONLY)
        ring = yield sys.mmap(PAGE, prot=sys.PROT_READ, fd=fd)
        assert ring > 0, ring
        for _ in range(2):
            yield sys.peek(ring, 4)
        yield sys.close(fd)

    def writer():
        fd = yield sys.open("/dev/fbshm", sys.O_RDWR)
        arg = yield sys.mmap(PAGE)
        yield sys.poke(arg, struct.pack("<I", 9))
        assert (yield sys.ioctl(fd, SHM_PUT, arg)) == 0
        yield sys.close(fd)

    w.spawn("reader", reader())
    w.spawn("writer", writer())


def _touch_after_close(w):
    """The owner maps the ring, closes its descriptor and only then touches
    the mapping for the first time: the page's fault asks d_mmap again."""
    def owner():
        fd = yield sys.open("/dev/fbshm", sys.O_RDWR)
        ring = yield sys.mmap(PAGE, fd=fd)
        assert ring > 0, ring
        assert (yield sys.close(fd)) == 0
        assert struct.unpack("<I", (yield sys.peek(ring, 4)))[0] == 0

    w.spawn("owner", owner())


def _unload_while_mapped(w):
    """The owner touches its mapping, closes the descriptor, unloads the
    module and touches the mapping again: MOD_UNLOAD freed the ring after
    destroy_dev, which waits for threads inside the cdev, not for mappings
    (the device pager holds a dev_ref only)."""
    def owner():
        fd = yield sys.open("/dev/fbshm", sys.O_RDWR)
        ring = yield sys.mmap(PAGE, fd=fd)
        assert struct.unpack("<I", (yield sys.peek(ring, 4)))[0] == 0
        assert (yield sys.close(fd)) == 0
        assert (yield sys.modunload("fbshm")) == 0
        yield sys.peek(ring, 4)

    w.spawn("owner", owner())


def _declare(body, driver, name):
    return kernsim.scenario_of(body, mod(driver), name)


ring = _declare(_ring, "fbshm", "ring")
ring_exit_mapped = _declare(_ring_exit_mapped, "fbshm", "ring_exit_mapped")
ring_race = _declare(_ring, "race/fbshm", "ring_race")
ring_unsynced = _declare(_ring_unsynced, "race/fbshm", "ring_unsynced")
ring_closefree = _declare(_ring, "fbshm_closefree", "ring_closefree")
touch_after_close = _declare(_touch_after_close, "fbshm", "touch_after_close")
touch_after_closefree = _declare(_touch_after_close, "fbshm_closefree", "touch_after_closefree")
unload_while_mapped = _declare(_unload_while_mapped, "fbshm", "unload_while_mapped")
ring_exit_closefree = _declare(_ring_exit_mapped, "fbshm_closefree", "ring_exit_closefree")


@kernsim.scenario(driver=mod("fbshm"))
def errors(w):
    """What mmap(2) of a device refuses, FreeBSD's way (vm_mmap_cdev,
    old_dev_pager_ctor)."""
    def user():
        rw = yield sys.open("/dev/fbshm", sys.O_RDWR)
        ro = yield sys.open("/dev/fbshm", sys.O_RDONLY)
        rd = sys.PROT_READ
        assert (yield sys.mmap(PAGE, fd=rw, flags=sys.MAP_PRIVATE)) == -errno.EINVAL
        assert (yield sys.mmap(PAGE, fd=rw, flags=0)) == -errno.EINVAL
        assert (yield sys.mmap(PAGE, fd=rw, offset=PAGE)) == -errno.EINVAL  # d_mmap refuses
        assert (yield sys.mmap(2 * PAGE, fd=rw)) == -errno.EINVAL  # its second page
        assert (yield sys.mmap(PAGE, fd=rw, offset=12)) == -errno.EINVAL
        assert (yield sys.mmap(0, fd=rw)) == -errno.EINVAL
        assert (yield sys.mmap(PAGE, fd=ro)) == -errno.EACCES  # PROT_WRITE, read-only open
        assert (yield sys.mmap(PAGE, fd=99)) == -errno.EBADF
        kq = yield sys.kqueue()
        assert (yield sys.mmap(PAGE, prot=rd, fd=kq)) == -errno.ENODEV
        m = yield sys.mmap(PAGE, prot=rd, fd=ro)
        assert m > 0, m
        assert (yield sys.munmap(m, PAGE)) == 0
        assert (yield sys.peek(m, 4)) == -errno.EFAULT
        for fd in (rw, ro, kq):
            yield sys.close(fd)

    w.spawn("user", user())


def _ring_program(closefree_order=False):
    prog = pb.Program()
    prog.proc.add(name="user", model="lp64")
    t = prog.thread.add(name="owner", proc="user")
    kernsim.program_call(t, "open", sys.O_RDWR, path="/dev/fbshm", out="fd")
    kernsim.program_call(t, "mmap_dev", "fd", PAGE, sys.PROT_READ | sys.PROT_WRITE,
                         sys.MAP_SHARED, 0, out="ring")
    kernsim.program_call(t, "mmap", PAGE, sys.PROT_READ | sys.PROT_WRITE, out="arg")
    kernsim.program_call(t, "poke", "arg", data=struct.pack("<I", 5))
    kernsim.program_call(t, "ioctl", "fd", SHM_PUT, "arg", expect=0)
    kernsim.program_call(t, "check", "ring", data=struct.pack("<II", 1, 5))
    if closefree_order:  # the mapping outlives the close: fine for fbshm only
        kernsim.program_call(t, "close", "fd", expect=0)
        kernsim.program_call(t, "munmap", "ring", PAGE, expect=0)
    else:
        kernsim.program_call(t, "munmap", "ring", PAGE, expect=0)
        kernsim.program_call(t, "close", "fd", expect=0)
    return prog


@kernsim.program_scenario(driver=mod("fbshm"))
def ring_program():
    """The fast kind: put a record, read it through a device mapping."""
    return _ring_program()


@kernsim.program_scenario(driver=mod("fbshm_closefree"))
def ring_closefree_program():
    """The same, unmapping after the close: the twin freed the ring."""
    return _ring_program(closefree_order=True)


@kernsim.scenario(driver=os.path.join(_TEST_DRIVERS, "race", "racy.so"))
def illumos_no_mapping(w):
    """An illumos device with no segmap, devmap or mmap entry point (nodev,
    NULL) has no mapping: ENODEV (spec_map)."""
    def user():
        fd = yield sys.open("/dev/racy", sys.O_RDWR)
        assert fd >= 0, fd
        assert (yield sys.mmap(PAGE, fd=fd)) == -errno.ENODEV
        yield sys.close(fd)

    w.spawn("user", user())
