"""User scatter/gather lists with an unmapped entry or an unmapped list
(drivers/ctl_ioctl): CTL_IO returns 0 with status CTL_ERROR and the
port_status of the copy that faulted; nothing leaks (teardown checks kmem
by malloc type) and the port keeps working. Also the CTL_IO errors:
EINVAL for a malformed request, ENOTTY for an unknown ioctl, EPERM when
the port is offline."""

import os
import sys as _sys

_sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # ctlio, beside us

import kernsim  # noqa: E402
from kernsim import sys  # noqa: E402

from ctlio import (BLOCK, CTL_ERROR, CTL_IO, CTL_LUN_OK, CTL_PS_DATA_COPYIN,  # noqa: E402
                   CTL_PS_DATA_COPYOUT, CTL_PS_SGLIST_COPYIN, CTL_REQ_MODIFY, CTL_SUCCESS,
                   DEVICE, EINVAL, ENOTTY, EPERM, PAGE, READ_10, TEST_UNIT_READY, WRITE_10,
                   ctl_io, lun_pattern, port_req, scsi, sg_list)


def faulter():
    fd = yield sys.open(DEVICE, sys.O_RDWR)
    io = yield sys.mmap(PAGE)
    data = yield sys.mmap(4 * PAGE)
    hole = data + 2 * PAGE
    assert (yield sys.munmap(hole, PAGE)) == 0
    # an entry in the hole: the read faults on its copyout, the write on its copyin
    entries, packed = sg_list(data + 100, [600, 424], gap=0)
    packed = packed + sg_list(hole + 16, [512])[1]
    yield sys.poke(io + 1024, packed)
    for op, ps in ((READ_10, CTL_PS_DATA_COPYOUT), (WRITE_10, CTL_PS_DATA_COPYIN)):
        r, out = yield from scsi(fd, io, op, lba=4, nblocks=3, data_ptr=io + 1024,
                                 data_len=3 * BLOCK, sg_entries=3)
        assert r == 0, r
        assert out["status"] == CTL_ERROR and out["port_status"] == ps, out
        assert out["filled"] < 3 * BLOCK, out
    # the list itself in the hole
    r, out = yield from scsi(fd, io, READ_10, lba=0, nblocks=1, data_ptr=hole,
                             data_len=BLOCK, sg_entries=1)
    assert r == 0 and out["status"] == CTL_ERROR, (r, out)
    assert out["port_status"] == CTL_PS_SGLIST_COPYIN, out
    # a flat buffer across into the hole
    r, out = yield from scsi(fd, io, READ_10, lba=0, nblocks=2, data_ptr=hole - BLOCK,
                             data_len=2 * BLOCK)
    assert r == 0 and out["status"] == CTL_ERROR, (r, out)
    assert out["port_status"] == CTL_PS_DATA_COPYOUT and out["filled"] < 2 * BLOCK, out
    # the port still works, and the failed write left whole blocks alone
    r, out = yield from scsi(fd, io, READ_10, lba=0, nblocks=1, data_ptr=data, data_len=BLOCK)
    assert r == 0 and out["status"] == CTL_SUCCESS, (r, out)
    assert (yield sys.peek(data, BLOCK)) == lun_pattern(0, BLOCK)
    # malformed requests and unknown ioctls
    yield sys.poke(io, ctl_io(READ_10, lba=0, nblocks=1, data_ptr=data, data_len=BLOCK,
                              sg_entries=1000))
    assert (yield sys.ioctl(fd, CTL_IO, io)) == -EINVAL
    assert (yield sys.ioctl(fd, 0xC040E1FF, io)) == -ENOTTY
    # offline: EPERM; online again: served
    r, ans = yield from port_req(fd, io + 2048, CTL_REQ_MODIFY, port_id=0, online=0)
    assert r == 0 and ans["status"] == CTL_LUN_OK, ans
    yield sys.poke(io, ctl_io(TEST_UNIT_READY))
    assert (yield sys.ioctl(fd, CTL_IO, io)) == -EPERM
    r, ans = yield from port_req(fd, io + 2048, CTL_REQ_MODIFY, port_id=0, online=1)
    assert r == 0 and ans["status"] == CTL_LUN_OK, ans
    r, out = yield from scsi(fd, io, TEST_UNIT_READY)
    assert r == 0 and out["status"] == CTL_SUCCESS, (r, out)
    assert (yield sys.close(fd)) == 0


@kernsim.scenario(driver="ctl_ioctl")
def unmapped_sg(w):
    """One client: faults of every kind, then the port still serves."""
    w.spawn("client", faulter())
