"""Concurrent Programs shaped for real vCPUs (`kernsim qemu ... --mode
stress`): a Program has no loops, so a thread that must catch a window in
real time makes many attempts in a row. The simulator runs the same
Program, so its find time stands beside the guest's.

    kernsim qemu qemu/scenarios/races.py:lofi_unmap_during_io --variant unmap_no_wait
"""

import os

import kernsim
from kernsim import kernsim_pb2 as pb
from kernsim import sys
from kernsim.scenario import load_module

_seq = load_module(os.path.join(os.path.dirname(os.path.abspath(__file__)), "sequential.py"))
BS, CTL, FILE, PAGE = _seq.BS, _seq.CTL, _seq.FILE, _seq.PAGE
LOFI_MAP_FILE, LOFI_UNMAP_FILE, _Thread, li = (_seq.LOFI_MAP_FILE, _seq.LOFI_UNMAP_FILE,
                                                _seq._Thread, _seq.li)


@kernsim.program_scenario(driver="lofi", ranges={"tries": (1, 200), "readers": (1, 4)})
def lofi_unmap_during_io(tries=40, readers=2):
    """The admin maps the file and force-unmaps it at once; each reader
    tries `tries` times to open /dev/rlofi/1 and read two blocks, so some
    read is in flight when the unmap comes (a failed open makes its reads
    EBADF; descriptors left open are closed at the end)."""
    prog = pb.Program()
    prog.file.add(path=FILE, size=4 * BS)
    prog.proc.add(name="user", model="lp64")
    a = _Thread(prog.thread.add(name="admin", proc="user"))
    a("open", sys.O_RDWR, path=CTL, out="ctl")
    a("mmap", 2 * PAGE, 3, out="buf")
    a("poke", "buf", data=li(FILE))
    a("ioctl", "ctl", LOFI_MAP_FILE, "buf", expect=1)
    a("poke", "buf", data=li(FILE, force=1))
    a("ioctl", "ctl", LOFI_UNMAP_FILE, "buf", expect=0)
    a("close", "ctl", expect=0)
    for i in range(readers):
        r = _Thread(prog.thread.add(name=f"reader{i}", proc="user"))
        r("mmap", PAGE, 3, out=f"io{i}")
        for k in range(tries):
            fd = f"fd{i}_{k}"
            r("open", sys.O_RDONLY, path="/dev/rlofi/1", out=fd)
            r("pread", fd, f"io{i}", BS, ((i + k) % 4) * BS)
            r("pread", fd, f"io{i}", BS, ((i + k + 1) % 4) * BS)
    return prog
