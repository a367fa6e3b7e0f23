"""Reads and writes of many sizes through uneven user scatter/gather lists
(drivers/ctl_ioctl), every byte checked against the RAM LUN.

The backend moves a command in rounds of 2048 bytes, each described by a
kernel S/G list of uneven entries (1000, 24, 512, 300, 212 bytes, rotated
per round); the user's lists below cut the same bytes at other places, so
the frontend's two watermarks rarely line up. Variant sg_watermark
addresses the user's entry with the kernel's watermark: the data check
fails.

    python3 -m kernsim explore scenarios/ctl/rw.py:rw_sizes --variant sg_watermark --runs 50
"""

import os
import sys as _sys

_sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # ctlio, beside us

import kernsim  # noqa: E402
from kernsim import sys  # noqa: E402

from ctlio import (BLOCK, CTL_SUCCESS, DEVICE, PAGE, READ_10, WRITE_10,  # noqa: E402
                   lun_pattern, scsi, sg_list)

# (lba, nblocks, user S/G entry sizes: they sum to nblocks * 512)
CASES = [
    (0, 1, [512]),
    (1, 1, [100, 412]),
    (2, 3, [1, 1000, 535]),
    (5, 4, [700, 700, 648]),
    (9, 5, [2049, 1, 510]),
    (14, 8, [333, 1500, 77, 2186]),
    (22, 2, [24, 1000]),
]


def sizes_data(off, n):
    """What a write puts on the LUN: distinct from the initial pattern."""
    return bytes(((i * 13 + 5) & 0xFF) for i in range(off, off + n))


def rw_client(cases, write):
    fd = yield sys.open(DEVICE, sys.O_RDWR)
    assert fd >= 0, fd
    io = yield sys.mmap(PAGE)
    data = yield sys.mmap(8 * PAGE)
    for lba, nblocks, sizes in cases:
        n = nblocks * BLOCK
        assert sum(sizes) == n
        # entries 8 bytes apart, so an entry's end is never the next's start
        entries, packed = sg_list(data + 256, sizes, gap=8)
        yield sys.poke(io + 1024, packed)
        want = lun_pattern(lba * BLOCK, n)
        if write:
            want = sizes_data(lba * BLOCK, n)
            o = 0
            for a, s in entries:
                yield sys.poke(a, want[o:o + s])
                o += s
            r, out = yield from scsi(fd, io, WRITE_10, lba=lba, nblocks=nblocks,
                                     data_ptr=io + 1024, data_len=n, sg_entries=len(sizes))
            assert r == 0 and out["status"] == CTL_SUCCESS and out["filled"] == n, (r, out)
            # read it back through a flat buffer
            r, out = yield from scsi(fd, io, READ_10, lba=lba, nblocks=nblocks,
                                     data_ptr=data + 4 * PAGE, data_len=n)
            assert r == 0 and out["status"] == CTL_SUCCESS, (r, out)
            got = yield sys.peek(data + 4 * PAGE, n)
        else:
            r, out = yield from scsi(fd, io, READ_10, lba=lba, nblocks=nblocks,
                                     data_ptr=io + 1024, data_len=n, sg_entries=len(sizes))
            assert r == 0 and out["status"] == CTL_SUCCESS and out["filled"] == n, (r, out)
            got = b""
            for a, s in entries:
                got += yield sys.peek(a, s)
        assert got == want, (f"{'WRITE' if write else 'READ'}(10) of {nblocks} blocks at "
                             f"lba {lba} through S/G {sizes}: data differs from the LUN's "
                             f"at byte {next(i for i in range(n) if got[i] != want[i])}")
    assert (yield sys.close(fd)) == 0


@kernsim.scenario(driver="ctl_ioctl")
def rw_sizes(w):
    """A reader and a writer at once, on disjoint blocks: the reader reads
    every case's blocks shifted past the writer's (lba + 32)."""
    w.spawn("reader", rw_client([(lba + 32, nb, s) for lba, nb, s in CASES], False))
    w.spawn("writer", rw_client(CASES, True))
