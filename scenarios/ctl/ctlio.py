"""Helpers for the CTL ioctl frontend's scenarios (drivers/ctl_ioctl):
the user ABI of drivers/ctl_ioctl/ctl_ioctl.h packed with struct, the RAM
LUN's initial bytes, and generator pieces the scenarios share."""

import struct

from kernsim import sys

DEVICE = "/dev/cam/ctl"
PAGE = 4096
BLOCK = 512
LUN_BLOCKS = 64

# FreeBSD ioctl encoding (sys/ioccom.h): IOC_INOUT | size << 16 | group << 8 | num
IOC_INOUT = 0xC0000000
CTL_MINOR = 225


def _iowr(num, size):
    return IOC_INOUT | (size << 16) | (CTL_MINOR << 8) | num


CTL_IO_S = struct.Struct("<II16sIIQIIIIBBBBI")        # struct ctl_io, 64 bytes
CTL_REQ_S = struct.Struct("<16sIIQIi128s")            # struct ctl_req, 168 bytes
SG = struct.Struct("<QQ")                             # struct ctl_sg_entry
CTL_IO = _iowr(0x00, CTL_IO_S.size)
CTL_PORT_REQ = _iowr(0x26, CTL_REQ_S.size)

CTL_FLAG_DATA_IN, CTL_FLAG_DATA_OUT, CTL_FLAG_DATA_NONE = 1, 2, 3
CTL_FLAG_EDPTR_SGLIST = 0x10
CTL_SUCCESS, CTL_ERROR, CTL_SCSI_ERROR = 1, 3, 4
CTL_PS_OK, CTL_PS_SGLIST_COPYIN, CTL_PS_DATA_COPYIN, CTL_PS_DATA_COPYOUT = 0, 31337, 31338, 31339
CTL_REQ_CREATE, CTL_REQ_REMOVE, CTL_REQ_MODIFY = 0, 1, 2
CTL_LUN_OK, CTL_LUN_ERROR = 0, 1
TEST_UNIT_READY, INQUIRY, READ_10, WRITE_10 = 0x00, 0x12, 0x28, 0x2A
EPERM, ENXIO, ENOENT, ENOTTY, EINVAL = 1, 6, 2, 25, 22


def lun_pattern(off, n):
    """The LUN's initial bytes [off, off + n) (ctl.c: ctl_lun_pattern)."""
    return bytes(((i * 7 + i // BLOCK) & 0xFF) for i in range(off, off + n))


def cdb10(op, lba, nblocks):
    return struct.pack(">BBIBHB", op, 0, lba, 0, nblocks, 0).ljust(16, b"\0")


def ctl_io(op, lba=0, nblocks=0, data_ptr=0, data_len=0, sg_entries=0, flags=None):
    if flags is None:
        flags = {READ_10: CTL_FLAG_DATA_IN, INQUIRY: CTL_FLAG_DATA_IN,
                 WRITE_10: CTL_FLAG_DATA_OUT}.get(op, CTL_FLAG_DATA_NONE)
    if sg_entries:
        flags |= CTL_FLAG_EDPTR_SGLIST
    cdb = cdb10(op, lba, nblocks)
    if op == INQUIRY:
        cdb = bytes([INQUIRY, 0, 0, 0, data_len, 0]).ljust(16, b"\0")
    return CTL_IO_S.pack(1, flags, cdb, 10 if op != INQUIRY else 6, sg_entries,
                         data_ptr, data_len, 0, 0, 0, 0, 0, 0, 0, 0)


def unpack_io(b):
    f = CTL_IO_S.unpack(b)
    return dict(flags=f[1], filled=f[7], status=f[8], port_status=f[9],
                scsi_status=f[10], sense_key=f[11], asc=f[12], residual=f[14])


def nv_pack(**kw):
    """A packed nvlist (kernel_model/freebsd/sys/nv.h): numbers and strings."""
    out = b""
    for k, v in kw.items():
        if isinstance(v, int):
            out += bytes([2]) + k.encode() + b"\0" + struct.pack("<Q", v & (2**64 - 1))
        else:
            out += bytes([3]) + k.encode() + b"\0" + v.encode() + b"\0"
    return out


def ctl_req(reqtype, args_ptr=0, args_len=0, driver=b"ioctl"):
    return CTL_REQ_S.pack(driver, reqtype, args_len, args_ptr, 0, 0, b"")


def unpack_req(b):
    f = CTL_REQ_S.unpack(b)
    return dict(status=f[4], port_id=f[5], error=f[6].split(b"\0")[0].decode())


def port_req(fd, page, reqtype, **args):
    """Sends CTL_PORT_REQ with `args` (the request at page, args at page+512);
    returns (ioctl result, answer dict)."""
    nv = nv_pack(**args)
    yield sys.poke(page + 512, nv)
    yield sys.poke(page, ctl_req(reqtype, page + 512, len(nv)))
    r = yield sys.ioctl(fd, CTL_PORT_REQ, page)
    ans = unpack_req((yield sys.peek(page, CTL_REQ_S.size)))
    return r, ans


def scsi(fd, io_addr, op, **kw):
    """Runs one command with the struct ctl_io at io_addr; returns
    (ioctl result, outcome dict)."""
    yield sys.poke(io_addr, ctl_io(op, **kw))
    r = yield sys.ioctl(fd, CTL_IO, io_addr)
    return r, unpack_io((yield sys.peek(io_addr, CTL_IO_S.size)))


def sg_list(base, sizes, gap=0):
    """Entries of `sizes` laid out from base, `gap` bytes apart, and the packed list."""
    entries, a = [], base
    for s in sizes:
        entries.append((a, s))
        a += s + gap
    return entries, b"".join(SG.pack(a, s) for a, s in entries)
