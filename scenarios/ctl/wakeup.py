"""The wakeup that arrives before the wait (drivers/ctl_ioctl).

A client's CTL_IO READ(10) of one block: the submitter queues the I/O to
the backend thread (ctl_be) and sleeps on its request's condvar (`sem`, named
"ctlioccv"); the
backend calls back fe_datamove (the submitter copies the block out and
answers be_move_done) and then fe_done. Either callback may come before the
submitter has gone to sleep. The correct frontend checks the state first;
variant no_state_check sleeps regardless and never wakes (stuck on ctlioccv).

    python3 -m kernsim explore scenarios/ctl/wakeup.py:wakeup \\
        --variant no_state_check --strategy pct --runs 2000

`wakeup_script` is the race pinned: the client queues the I/O (its
mutex_exit of "CTL backend"), ctl_be runs until it broadcasts on
ctlioccv, then the client runs into cv_wait on ctlioccv. `wakeup_program` is the same scenario as a
Program, executed entirely in C++ (the benchmark's path).
"""

import os
import struct
import sys as _sys

_sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # ctlio, beside us

import kernsim  # noqa: E402
from kernsim import kernsim_pb2 as pb
from kernsim import sys

from ctlio import (BLOCK, CTL_IO, CTL_IO_S, CTL_SUCCESS, DEVICE, PAGE, READ_10, ctl_io,
                   lun_pattern, scsi)

SCRIPT = [("client", "mutex_exit", "CTL backend"),
          ("ctl_be", "cv_broadcast", "ctlioccv"),
          ("client", "cv_wait", "ctlioccv")]


def client(lba, nblocks):
    fd = yield sys.open(DEVICE, sys.O_RDWR)
    assert fd >= 0, f"open {DEVICE}: {fd}"
    page = yield sys.mmap(PAGE * 2)
    n = nblocks * BLOCK
    r, out = yield from scsi(fd, page, READ_10, lba=lba, nblocks=nblocks,
                             data_ptr=page + PAGE, data_len=n)
    assert r == 0, f"CTL_IO returned {r}"
    assert out["status"] == CTL_SUCCESS, out
    assert out["filled"] == n, out
    data = yield sys.peek(page + PAGE, n)
    assert data == lun_pattern(lba * BLOCK, n), "READ(10) data differs from the LUN's"
    assert (yield sys.close(fd)) == 0


@kernsim.scenario(driver="ctl_ioctl")
def wakeup(w, lba=3, nblocks=1):
    """One client reads `nblocks` blocks at `lba` through /dev/cam/ctl."""
    w.spawn("client", client(lba, nblocks))


def _arg(call, value=None, ref=None):
    a = call.arg.add()
    if ref is not None:
        a.ref = ref
    else:
        a.value = value
    return a


USER_BASE = 0xC0000000  # a process's first mmap (kernel_model/user_mem.cc)


@kernsim.program_scenario(driver="ctl_ioctl")
def wakeup_program(lba=3, nblocks=1):
    """`wakeup` as a Program. The client's first mapping is at USER_BASE
    (deterministic: one thread maps), so the ctl_io can hold the data
    buffer's address as a constant."""
    n = nblocks * BLOCK
    prog = pb.Program()
    prog.proc.add(name="user", model="lp64")
    t = prog.thread.add(name="client", proc="user")
    c = t.call.add(op="open", path=DEVICE, out="fd")
    _arg(c, sys.O_RDWR)
    c = t.call.add(op="mmap", out="page", expect=USER_BASE)
    _arg(c, PAGE * 2)
    _arg(c, sys.PROT_READ | sys.PROT_WRITE)
    c = t.call.add(op="poke", data=ctl_io(READ_10, lba=lba, nblocks=nblocks,
                                          data_ptr=USER_BASE + PAGE, data_len=n))
    _arg(c, ref="page")
    c = t.call.add(op="ioctl", expect=0)
    _arg(c, ref="fd")
    _arg(c, CTL_IO)
    _arg(c, ref="page")
    c = t.call.add(op="check", data=lun_pattern(lba * BLOCK, n))
    _arg(c, USER_BASE + PAGE)
    # status CTL_SUCCESS and n bytes moved (ext_data_filled, status)
    c = t.call.add(op="check", data=struct.pack("<II", n, CTL_SUCCESS))
    _arg(c, USER_BASE + 44)
    c = t.call.add(op="close", expect=0)
    _arg(c, ref="fd")
    return prog
