"""Port create/remove under concurrent I/O (drivers/ctl_ioctl).

`admin` creates port 1.0 (/dev/cam/ctl1.0), checks that a duplicate is
refused and that the default port cannot be removed, then removes port 1.0
while `io` may be in a CTL_IO on it. Removal destroys the node first, which
waits for the submitters inside it; variant port_remove_inflight frees the
port first, and the in-flight I/O's backend then locks the freed port.

    python3 -m kernsim explore scenarios/ctl/ports.py:port_churn \\
        --variant port_remove_inflight --strategy pct --runs 2000
"""

import os
import sys as _sys

_sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # ctlio, beside us

import kernsim  # noqa: E402
from kernsim import sys  # noqa: E402

from ctlio import (BLOCK, CTL_LUN_ERROR, CTL_LUN_OK, CTL_REQ_CREATE,  # noqa: E402
                   CTL_REQ_REMOVE, CTL_SUCCESS, DEVICE, ENOENT, ENXIO, EPERM, PAGE, READ_10,
                   lun_pattern, port_req, scsi)

PORT_DEV = "/dev/cam/ctl1.0"


def admin():
    fd = yield sys.open(DEVICE, sys.O_RDWR)
    page = yield sys.mmap(PAGE)
    r, ans = yield from port_req(fd, page, CTL_REQ_CREATE, pp=1, vp=0)
    assert r == 0 and ans["status"] == CTL_LUN_OK, ans
    port_id = ans["port_id"]
    assert port_id == 1, ans
    r, ans = yield from port_req(fd, page, CTL_REQ_CREATE, pp=1, vp=0)
    assert r == 0 and ans["status"] == CTL_LUN_ERROR and "exists" in ans["error"], ans
    r, ans = yield from port_req(fd, page, CTL_REQ_REMOVE, port_id=0)
    assert r == 0 and ans["status"] == CTL_LUN_ERROR and "default" in ans["error"], ans
    r, ans = yield from port_req(fd, page, CTL_REQ_REMOVE, port_id=port_id)
    assert r == 0 and ans["status"] == CTL_LUN_OK, ans
    r, ans = yield from port_req(fd, page, CTL_REQ_REMOVE, port_id=port_id)
    assert r == 0 and ans["status"] == CTL_LUN_ERROR, ans
    assert (yield sys.close(fd)) == 0


def io_user(tries):
    """Opens the port's node once it exists (or gives up), then reads."""
    for _ in range(tries):
        fd = yield sys.open(PORT_DEV, sys.O_RDWR)
        if fd >= 0:
            break
        assert fd in (-ENOENT, -ENXIO), fd
    else:
        return
    page = yield sys.mmap(2 * PAGE)
    for lba in (7, 8):
        r, out = yield from scsi(fd, page, READ_10, lba=lba, nblocks=1,
                                 data_ptr=page + PAGE, data_len=BLOCK)
        # the port may be offline or its node gone by now
        assert r in (0, -EPERM, -ENXIO), r
        if r == 0:
            assert out["status"] == CTL_SUCCESS, out
            assert (yield sys.peek(page + PAGE, BLOCK)) == lun_pattern(lba * BLOCK, BLOCK)
    assert (yield sys.close(fd)) == 0


@kernsim.scenario(driver="ctl_ioctl")
def port_churn(w, tries=6):
    w.spawn("admin", admin())
    w.spawn("io", io_user(tries))
