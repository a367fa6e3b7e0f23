"""lofi (drivers/lofi): the loopback file driver's scenarios.

    python3 -m kernsim explore scenarios/lofi/lofi.py:forced_unmap \\
        --variant unmap_no_wait --strategy random --runs 2000

Threads that need the device mapped first retry their open a bounded number
of times (a scheduling point each), so every interleaving of the admin's
map with them is explored. `forced_unmap_program` is the forced-unmap
scenario as a Program (executed entirely in C++: the fast one).
"""

import os
import struct

import kernsim
from kernsim import kernsim_pb2 as pb
from kernsim import sys

# The commands and struct lofi_ioctl, from the driver's ioctl description
# (drivers/lofi/lofi.ioctl.txtpb), not copied by hand.
IOCTLS = kernsim.ioctls("lofi", near=os.path.dirname(os.path.abspath(__file__)))
LOFI_MAP_FILE = IOCTLS.LOFI_MAP_FILE
LOFI_MAP_FILE_MINOR = IOCTLS.LOFI_MAP_FILE_MINOR
LOFI_UNMAP_FILE = IOCTLS.LOFI_UNMAP_FILE
LOFI_UNMAP_FILE_MINOR = IOCTLS.LOFI_UNMAP_FILE_MINOR
LOFI_GET_FILENAME = IOCTLS.LOFI_GET_FILENAME
LOFI_GET_MINOR = IOCTLS.LOFI_GET_MINOR
LOFI_GET_MAXMINOR = IOCTLS.LOFI_GET_MAXMINOR
LOFI_MAX_MINOR = 4
LI = IOCTLS.struct("LOFI_MAP_FILE")  # every LOFI_* command passes one
# illumos <sys/dkio.h>
DKIOC = 0x04 << 8
DKIOCGGEOM, DKIOCINFO, DKIOCGVTOC, DKIOCSTATE = DKIOC | 1, DKIOC | 3, DKIOC | 11, DKIOC | 13
DKIO_NONE, DKIO_EJECTED, DKIO_INSERTED, DKIO_DEV_GONE = 0, 1, 2, 3
EPERM, ENOENT, EINTR, EIO, ENXIO, EBADF, EAGAIN, EFAULT, EBUSY, EEXIST, EINVAL = \
    1, 2, 4, 5, 6, 9, 11, 14, 16, 17, 22
CTL = "/dev/lofictl"
FILE = "/var/tmp/disk"
BS = 512
PAGE = 4096
BAD = 0x1000  # never mapped: below every process's mappings


def li(filename="", minor=0, force=0, cleanup=0, readonly=0):
    return LI.pack(li_id=minor, li_force=force, li_cleanup=cleanup, li_readonly=readonly,
                   li_filename=filename)


def pattern(size, seed=0):
    return bytes((i * 7 + seed + i // BS) & 0xff for i in range(size))


def lofi_ioctl(fd, cmd, buf, arg):
    """Stores the lofi_ioctl at buf, makes the call; (result, li_id, filename)."""
    yield sys.poke(buf, arg)
    r = yield sys.ioctl(fd, cmd, buf)
    out = LI.unpack((yield sys.peek(buf, LI.size)))
    return r, out["li_id"], out["li_filename"].decode()


def open_when_mapped(path, flags=sys.O_RDWR, tries=8):
    """Opens a lofi device, retrying while it is not mapped yet (or gone)."""
    fd = -ENOENT
    for _ in range(tries):
        fd = yield sys.open(path, flags)
        if fd >= 0 or fd not in (-ENOENT, -ENXIO):
            break
    return fd


def admin_map(filename=FILE, check=True):
    ctl = yield sys.open(CTL, sys.O_RDWR)
    assert ctl >= 0, f"open {CTL}: {ctl}"
    buf = yield sys.mmap(2 * PAGE)
    r, minor, _ = yield from lofi_ioctl(ctl, LOFI_MAP_FILE, buf, li(filename))
    if check:
        assert r == 1 and minor == 1, f"LOFI_MAP_FILE {filename}: {r}, minor {minor}"
    return ctl, buf, r


# ---- forced unmap while several threads read and write the raw device ----
#
# What the real driver answers after a forced unmap: a transfer on a device
# that is still open fails with EIO (strategy sees the close request or the
# closed file); a new open fails with ENXIO (the device waits for its last
# close to be torn down) or ENOENT (its nodes are gone). Nothing else: a
# transfer that succeeds moved the file's bytes.

def block_pattern(b, writer=None):
    """Block b's bytes: the file's original ones, or those writer w writes."""
    whole = pattern(4 * BS)[b * BS:(b + 1) * BS]
    return whole if writer is None else bytes(x ^ (0x5a + writer) for x in whole)


def reader(i, st, blocks=2):
    fd = yield from open_when_mapped("/dev/rlofi/1")
    if fd >= 0:
        buf = yield sys.mmap(PAGE)
        for b in range(blocks):
            blk = (i + b) % 4
            r = yield sys.pread(fd, buf, BS, blk * BS)
            assert r in (BS, -EIO), f"pread of block {blk}: {r}"
            if r == BS:
                got = yield sys.peek(buf, BS)
                # a writer's block holds the old bytes or the writer's, never a mix
                ok = [block_pattern(blk)] + [block_pattern(blk, w) for w in st["writes"].get(blk, ())]
                assert got in ok, f"pread of block {blk}: wrong data"
        assert (yield sys.close(fd)) == 0
    yield from finish(st)


def writer(i, st):
    blk = (2 + i) % 4
    st["writes"].setdefault(blk, []).append(i)
    fd = yield from open_when_mapped("/dev/rlofi/1")
    if fd >= 0:
        buf = yield sys.mmap(PAGE)
        yield sys.poke(buf, block_pattern(blk, i))
        r = yield sys.pwrite(fd, buf, BS, blk * BS)
        assert r in (BS, -EIO), f"pwrite of block {blk}: {r}"
        if r == BS:
            st["written"][blk] = i
            yield sys.poke(buf, b"\0" * BS)
            r = yield sys.pread(fd, buf, BS, blk * BS)
            assert r in (BS, -EIO), f"pread after pwrite of block {blk}: {r}"
            if r == BS:
                assert (yield sys.peek(buf, BS)) == block_pattern(blk, i), \
                    f"block {blk} does not read back what was written"
        assert (yield sys.close(fd)) == 0
    yield from finish(st)


def finish(st):
    """The last thread to finish maps the file afresh and checks every block:
    a write that returned success is in the file, a failed one left nothing."""
    st["left"] -= 1
    if st["left"]:
        return
    ctl = yield sys.open(CTL, sys.O_RDWR)
    assert ctl >= 0, f"open {CTL}: {ctl}"
    buf = yield sys.mmap(PAGE + 4 * BS)
    r, _, _ = yield from lofi_ioctl(ctl, LOFI_MAP_FILE, buf, li(FILE))
    assert r >= 1, f"map for the check: {r}"
    fd = yield sys.open(f"/dev/rlofi/{r}", sys.O_RDONLY)
    assert fd >= 0, f"open for the check: {fd}"
    assert (yield sys.pread(fd, buf + PAGE, 4 * BS, 0)) == 4 * BS
    got = yield sys.peek(buf + PAGE, 4 * BS)
    for b in range(4):
        want = block_pattern(b, st["written"].get(b))
        assert got[b * BS:(b + 1) * BS] == want, f"the file's block {b} is wrong"
    assert (yield sys.close(fd)) == 0
    r, _, _ = yield from lofi_ioctl(ctl, LOFI_UNMAP_FILE, buf, li(FILE))
    assert r == 0, f"unmap after the check: {r}"
    assert (yield sys.close(ctl)) == 0


def force_unmapper(st=None):
    ctl, buf, _ = yield from admin_map()
    r, minor, _ = yield from lofi_ioctl(ctl, LOFI_UNMAP_FILE, buf, li(FILE, force=1))
    assert r == 0 and minor == 1, f"forced LOFI_UNMAP_FILE: {r}, minor {minor}"
    assert (yield sys.close(ctl)) == 0
    if st is not None:
        yield from finish(st)


@kernsim.scenario(driver="lofi")
def forced_unmap(w, readers=2, writers=1):
    """An admin maps a file and force-unmaps it while `readers` and
    `writers` threads read and write /dev/rlofi/1 (writer i its own block,
    with its own bytes; readers overlap it): every transfer either moves the
    right bytes or fails with EIO, nothing is used after the file is closed,
    and at the end the file holds exactly the writes that succeeded."""
    w.file(FILE, data=pattern(4 * BS))
    st = {"left": 1 + readers + writers, "writes": {}, "written": {}}
    w.spawn("admin", force_unmapper(st))
    for i in range(readers):
        w.spawn(f"reader{i}", reader(i, st))
    for i in range(writers):
        w.spawn(f"writer{i}", writer(i, st))


# ---- DKIOCSTATE ----

def state_waiter(allow_eintr):
    fd = yield from open_when_mapped("/dev/rlofi/1", tries=12)
    if fd < 0:
        return
    buf = yield sys.mmap(PAGE)
    yield sys.poke(buf, struct.pack("<i", DKIO_INSERTED))
    r = yield sys.ioctl(fd, DKIOCSTATE, buf)
    if r == -EINTR:
        assert allow_eintr, "DKIOCSTATE interrupted with nobody signalling"
    else:
        assert r == 0, f"DKIOCSTATE: {r}"
        st = struct.unpack("<i", (yield sys.peek(buf, 4)))[0]
        assert st == DKIO_DEV_GONE, f"DKIOCSTATE woke with state {st}"
    assert (yield sys.close(fd)) == 0


def signaller():
    for _ in range(6):
        r = yield sys.kill("waiter", sys.SIGINT)
        if r != 0:
            break


@kernsim.scenario(driver="lofi")
def dkiocstate(w, signal=False):
    """A thread sleeps in DKIOCSTATE (DKIO_INSERTED) on /dev/rlofi/1 until
    the admin's forced unmap wakes it with DKIO_DEV_GONE; with signal=True
    another thread interrupts the sleep (EINTR)."""
    w.file(FILE, data=pattern(4 * BS))
    w.spawn("admin", force_unmapper())
    w.spawn("waiter", state_waiter(signal))
    if signal:
        w.spawn("signaller", signaller())


# ---- two admins map the same file ----

@kernsim.scenario(driver="lofi")
def two_admins(w):
    """Two admins map the same file at once: exactly one gets a minor, the
    other EBUSY (while the winner has not unmapped)."""
    w.file(FILE, data=pattern(4 * BS))
    results = []
    unmapped = []

    def admin(name):
        ctl = yield sys.open(CTL, sys.O_RDWR)
        assert ctl >= 0
        buf = yield sys.mmap(2 * PAGE)
        r, minor, _ = yield from lofi_ioctl(ctl, LOFI_MAP_FILE, buf, li(FILE))
        if not unmapped:
            results.append(r)
        for _ in range(6):
            if len(results) == 2 or unmapped:
                break
            yield sys.ioctl(ctl, LOFI_GET_MAXMINOR, buf)
        if len(results) == 2:
            assert sorted(results) == [-EBUSY, 1], f"two maps of one file: {results}"
        if r > 0:
            unmapped.append(name)
            r2, _, _ = yield from lofi_ioctl(ctl, LOFI_UNMAP_FILE_MINOR, buf, li(minor=r))
            assert r2 == 0, f"unmap: {r2}"
        yield sys.close(ctl)

    w.spawn("admin0", admin("admin0"))
    w.spawn("admin1", admin("admin1"))


# ---- unmap without force of an open device ----

@kernsim.scenario(driver="lofi")
def busy_unmap(w):
    """Unmap without force of an open device is EBUSY; after the close it
    succeeds; the device is gone after."""
    w.file(FILE, data=pattern(4 * BS))

    def body():
        ctl, buf, _ = yield from admin_map()
        fd = yield sys.open("/dev/rlofi/1", sys.O_RDWR)
        assert fd >= 0, f"open /dev/rlofi/1: {fd}"
        r, _, _ = yield from lofi_ioctl(ctl, LOFI_UNMAP_FILE, buf, li(FILE))
        assert r == -EBUSY, f"unmap of an open device: {r}"
        assert (yield sys.close(fd)) == 0
        r, _, _ = yield from lofi_ioctl(ctl, LOFI_UNMAP_FILE, buf, li(FILE))
        assert r == 0, f"unmap after close: {r}"
        r = yield sys.open("/dev/rlofi/1", sys.O_RDWR)
        assert r < 0, f"open after unmap: {r}"
        assert (yield sys.close(ctl)) == 0

    w.spawn("admin", body())


# ---- map until minors run out; filename/minor round trips ----

@kernsim.scenario(driver="lofi")
def minors(w):
    """Maps files until the minors run out (EAGAIN after LOFI_MAX_MINOR),
    checks LOFI_GET_FILENAME/LOFI_GET_MINOR/LOFI_GET_MAXMINOR round trips,
    and a minor out of range (EINVAL) or taken (EEXIST), then unmaps all."""
    n = LOFI_MAX_MINOR
    for i in range(n + 1):
        w.file(f"/var/tmp/f{i}", size=BS)

    def body():
        ctl = yield sys.open(CTL, sys.O_RDWR)
        buf = yield sys.mmap(2 * PAGE)
        r, mx, _ = yield from lofi_ioctl(ctl, LOFI_GET_MAXMINOR, buf, li())
        assert r == n and mx == n, f"LOFI_GET_MAXMINOR: {r} {mx}"
        got = []
        for i in range(n + 1):
            r, minor, _ = yield from lofi_ioctl(ctl, LOFI_MAP_FILE, buf, li(f"/var/tmp/f{i}"))
            got.append(r)
        assert got == list(range(1, n + 1)) + [-EAGAIN], f"maps until minors run out: {got}"
        for m in range(1, n + 1):
            r, _, name = yield from lofi_ioctl(ctl, LOFI_GET_FILENAME, buf, li(minor=m))
            assert r == 0 and name == f"/var/tmp/f{m - 1}", f"GET_FILENAME {m}: {r} {name}"
            r, minor, _ = yield from lofi_ioctl(ctl, LOFI_GET_MINOR, buf, li(name))
            assert r == m and minor == m, f"GET_MINOR {name}: {r} {minor}"
        r, _, _ = yield from lofi_ioctl(ctl, LOFI_MAP_FILE_MINOR, buf, li(f"/var/tmp/f{n}", minor=n + 1))
        assert r == -EINVAL, f"MAP_FILE_MINOR out of range: {r}"
        for m in range(1, n + 1):
            r, _, _ = yield from lofi_ioctl(ctl, LOFI_UNMAP_FILE_MINOR, buf, li(minor=m))
            assert r == 0, f"unmap {m}: {r}"
        r, _, _ = yield from lofi_ioctl(ctl, LOFI_MAP_FILE_MINOR, buf, li(f"/var/tmp/f{n}", minor=n))
        assert r == n, f"MAP_FILE_MINOR {n}: {r}"
        r, _, _ = yield from lofi_ioctl(ctl, LOFI_MAP_FILE_MINOR, buf, li("/var/tmp/f0", minor=n))
        assert r == -EEXIST, f"MAP_FILE_MINOR of a taken minor: {r}"
        r, _, _ = yield from lofi_ioctl(ctl, LOFI_UNMAP_FILE_MINOR, buf, li(minor=n))
        assert r == 0
        yield sys.close(ctl)

    w.spawn("admin", body())


# ---- bad user pointers, a read-only control open, a 32-bit caller ----

@kernsim.scenario(driver="lofi")
def bad_input(w):
    """Every ioctl with an unmapped argument is EFAULT and leaks nothing;
    a read-only control open cannot map (EPERM); a relative path, a file
    not a multiple of DEV_BSIZE, a lofi device as backing file: EINVAL;
    an unterminated filename: EINVAL; a 32-bit caller gets the ILP32 VTOC."""
    w.file(FILE, data=pattern(4 * BS))
    w.file("/var/tmp/odd", size=BS + 1)
    w.proc("old32", model="ilp32")

    def body():
        ro = yield sys.open(CTL, sys.O_RDONLY)
        buf = yield sys.mmap(2 * PAGE)
        r, _, _ = yield from lofi_ioctl(ro, LOFI_MAP_FILE, buf, li(FILE))
        assert r == -EPERM, f"map on a read-only control open: {r}"
        r, mx, _ = yield from lofi_ioctl(ro, LOFI_GET_MAXMINOR, buf, li())
        assert r == LOFI_MAX_MINOR
        yield sys.close(ro)
        ctl, buf, _ = yield from admin_map()
        for cmd in (LOFI_MAP_FILE, LOFI_MAP_FILE_MINOR, LOFI_UNMAP_FILE, LOFI_UNMAP_FILE_MINOR,
                    LOFI_GET_FILENAME, LOFI_GET_MINOR, LOFI_GET_MAXMINOR):
            r = yield sys.ioctl(ctl, cmd, BAD)
            assert r == -EFAULT, f"ioctl {cmd:#x} with a bad pointer: {r}"
        for bad in ("var/tmp/disk", "/var/tmp/odd", "/dev/lofi/1", "/dev/rlofi/1"):
            r, _, _ = yield from lofi_ioctl(ctl, LOFI_MAP_FILE, buf, li(bad))
            assert r == -EINVAL, f"map of {bad}: {r}"
        r, _, _ = yield from lofi_ioctl(ctl, LOFI_MAP_FILE, buf, li("/nonexistent"))
        assert r == -ENOENT, f"map of a missing file: {r}"
        r, _, _ = yield from lofi_ioctl(ctl, LOFI_MAP_FILE, buf, LI.pack(li_filename=b"x" * 1024))
        assert r == -EINVAL, f"unterminated filename: {r}"
        fd = yield sys.open("/dev/rlofi/1", sys.O_RDWR)
        for cmd in (DKIOCGGEOM, DKIOCINFO, DKIOCGVTOC, DKIOCSTATE):
            r = yield sys.ioctl(fd, cmd, BAD)
            assert r == -EFAULT, f"dkio {cmd:#x} with a bad pointer: {r}"
        r = yield sys.ioctl(fd, DKIOCGVTOC, buf)
        assert r == 0
        sanity = struct.unpack("<Q", (yield sys.peek(buf + 24, 8)))[0]
        assert sanity == 0x600DDEEE, f"LP64 v_sanity {sanity:#x}"
        r = yield sys.ioctl(fd, DKIOCGGEOM, buf)
        assert r == 0
        yield sys.close(fd)
        done.append(1)
        for _ in range(64):  # bounded: a strategy may starve old32
            if len(done) == 2:
                break
            yield sys.ioctl(ctl, LOFI_GET_MAXMINOR, buf)
        # forced: a starved old32 may still have the device open
        r, _, _ = yield from lofi_ioctl(ctl, LOFI_UNMAP_FILE, buf, li(FILE, force=1))
        assert r == 0, f"unmap: {r}"
        yield sys.close(ctl)

    def old32():
        fd = yield from open_when_mapped("/dev/rlofi/1", sys.O_RDONLY, tries=64)
        if fd >= 0:
            buf = yield sys.mmap(PAGE)
            yield sys.poke(buf, b"\xee" * 1024)
            r = yield sys.ioctl(fd, DKIOCGVTOC, buf)
            assert r in (0, -EIO), f"32-bit DKIOCGVTOC: {r}"  # EIO: force-unmapped
            if r == 0:
                v = yield sys.peek(buf, 512)
        if fd >= 0 and r == 0:
            assert struct.unpack_from("<I", v, 12)[0] == 0x600DDEEE, "ILP32 v_sanity"
            # struct vtoc32 is 456 bytes: nothing beyond it is written
            assert v[456:512] == b"\xee" * 56, "the 32-bit VTOC overran"
        if fd >= 0:
            yield sys.close(fd)
        done.append(2)

    done = []
    w.spawn("admin", body())
    w.spawn("old32", old32(), proc="old32")


# ---- data integrity ----

@kernsim.scenario(driver="lofi")
def integrity(w):
    """Bytes written through /dev/rlofi/1 are the file's bytes: they read
    back, and a fresh mapping of the file reads them too; the file's own
    bytes read through the device."""
    w.file(FILE, data=pattern(8 * BS))

    def body():
        ctl, buf, _ = yield from admin_map()
        fd = yield sys.open("/dev/rlofi/1", sys.O_RDWR)
        io = yield sys.mmap(PAGE)
        r = yield sys.pread(fd, io, 2 * BS, 0)
        assert r == 2 * BS and (yield sys.peek(io, 2 * BS)) == pattern(8 * BS)[:2 * BS]
        new = bytes(range(256)) * 4
        yield sys.poke(io, new)
        assert (yield sys.pwrite(fd, io, 2 * BS, 3 * BS)) == 2 * BS
        yield sys.poke(io, b"\0" * (2 * BS))
        assert (yield sys.pread(fd, io, 2 * BS, 3 * BS)) == 2 * BS
        assert (yield sys.peek(io, 2 * BS)) == new, "read back differs"
        assert (yield sys.pread(fd, io, BS, 8 * BS)) == 0, "read at the end"
        assert (yield sys.pread(fd, io, 100, 0)) == -EINVAL, "a partial block"
        yield sys.close(fd)
        r, _, _ = yield from lofi_ioctl(ctl, LOFI_UNMAP_FILE, buf, li(FILE))
        assert r == 0
        r, _, _ = yield from lofi_ioctl(ctl, LOFI_MAP_FILE, buf, li(FILE))
        assert r == 1
        fd = yield sys.open("/dev/lofi/1", sys.O_RDONLY)
        assert (yield sys.pread(fd, io, 2 * BS, 3 * BS)) == 2 * BS
        assert (yield sys.peek(io, 2 * BS)) == new, "the file does not hold the bytes"
        yield sys.close(fd)
        r, _, _ = yield from lofi_ioctl(ctl, LOFI_UNMAP_FILE, buf, li(FILE))
        assert r == 0
        yield sys.close(ctl)

    w.spawn("admin", body())


# ---- the forced-unmap scenario as a Program ----

call = kernsim.program_call

@kernsim.program_scenario(driver="lofi")
def forced_unmap_program(readers=2, writers=1):
    """forced_unmap as a Program: the admin maps and force-unmaps; readers
    and writers open /dev/rlofi/1 once (ENOENT if too early: their later
    calls then get EBADF) and transfer one block each."""
    prog = pb.Program()
    prog.file.add(path=FILE, size=4 * BS)
    prog.proc.add(name="user", model="lp64")
    t = prog.thread.add(name="admin", proc="user")
    call(t, "open", sys.O_RDWR, path=CTL, out="ctl")
    call(t, "mmap", 2 * PAGE, 3, out="buf")
    call(t, "poke", "buf", data=li(FILE))
    call(t, "ioctl", "ctl", LOFI_MAP_FILE, "buf", expect=1)
    call(t, "poke", "buf", data=li(FILE, force=1))
    call(t, "ioctl", "ctl", LOFI_UNMAP_FILE, "buf", expect=0)
    call(t, "close", "ctl", expect=0)
    for i in range(readers + writers):
        name = f"reader{i}" if i < readers else f"writer{i - readers}"
        t = prog.thread.add(name=name, proc="user")
        call(t, "open", sys.O_RDWR, path="/dev/rlofi/1", out="fd")
        call(t, "mmap", PAGE, 3, out="io")
        call(t, "pread" if i < readers else "pwrite", "fd", "io", BS, (i % 4) * BS)
        call(t, "close", "fd")
    return prog
