"""A RAM disk written as an illumos engineer writes a small block driver,
with no kernsim line (tests/drivers/ilrd.c, the ilrd probe): a block node
and its raw twin, strategy(9E) handing each buf to a taskq, a soft
interrupt calling biodone(9F), physio(9F) reads and writes, an I/O kstat,
a resize that upgrades its reader hold of an rwlock. The correct driver
gets no report; its bug twin (the taskq trusting the bounds strategy
checked, so a shrink between the two lets a write run past the end) is
found and replays.

Before: <sys/aio_req.h> did not exist (aread(9E)/awrite(9E) did not
build), and ddi_intr_remove_softint waited only for the soft interrupt's
last run: a trigger while a run was in progress starts another (illumos
keeps the pending mark per CPU), and detach freed the handler's lock under
the first (sync_unload: a use-after-destroy report on a correct driver)."""
import os
import struct
import subprocess

import kernsim
from kernsim import build_driver, sys

_TEST_DRIVERS = os.path.join(os.path.dirname(build_driver.config()["driver_dir"]),
                             "test_drivers")
SOURCE = os.path.join(os.path.dirname(__file__), "..", "drivers", "ilrd.c")
RD_GETSIZE, RD_RESIZE, RD_GETSTATS, RD_SYNC = [(ord("d") << 8) | i for i in (1, 2, 3, 4)]
DKIOCGMEDIAINFO = (0x04 << 8) | 42


def io_resize_body(w, name):
    """A write over the last two blocks, a read over the last four, and a
    shrink to 15 blocks, at once; then RD_SYNC."""
    raw = f"/dev/r{name}/a"

    def writer(fd):
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, b"A" * 1024)
        n = yield sys.pwrite(fd, buf, 1024, 7168)
        assert n in (1024, 512), n  # 512: the shrink came first

    def reader(fd):
        buf = yield sys.mmap(4096)
        n = yield sys.pread(fd, buf, 2048, 6144)
        assert n in (2048, 1536), n

    def resizer(fd):
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, struct.pack("<Q", 15))
        assert (yield sys.ioctl(fd, RD_RESIZE, buf)) == 0

    def main():
        fd = yield sys.open(raw, sys.O_RDWR)
        w.spawn("writer", writer(fd))
        w.spawn("reader", reader(fd))
        w.spawn("resizer", resizer(fd))
        assert (yield sys.ioctl(fd, RD_SYNC, 0)) == 0
    w.spawn("main", main())


@kernsim.scenario(driver=os.path.join(_TEST_DRIVERS, "ilrd.so"))
def io_resize(w):
    io_resize_body(w, "ilrd")


@kernsim.scenario(driver=os.path.join(_TEST_DRIVERS, "ilrd_norecheck.so"))
def io_resize_norecheck(w):
    io_resize_body(w, "ilrd_norecheck")


@kernsim.scenario(driver=os.path.join(_TEST_DRIVERS, "ilrd.so"))
def sync_unload(w):
    """Two I/Os whose completions overlap in the soft interrupt, then a
    close and modunload: detach removes the soft interrupt, which must wait
    for every run of its handler still in progress."""
    def io():
        fd = yield sys.open("/dev/rilrd/a", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        assert (yield sys.write(fd, buf, 512)) == 512
        assert (yield sys.ioctl(fd, RD_SYNC, 0)) == 0
        yield sys.close(fd)
        assert (yield sys.modunload("ilrd")) in (0, -sys.EBUSY)

    def blk():
        fd = yield sys.open("/dev/ilrd/a", sys.O_RDWR)
        if fd < 0:  # the driver was unloaded first
            return
        buf = yield sys.mmap(4096)
        assert (yield sys.read(fd, buf, 512)) == 512
        yield sys.close(fd)
    w.spawn("io", io())
    w.spawn("blk", blk())


@kernsim.scenario(driver=os.path.join(_TEST_DRIVERS, "ilrd.so"))
def open_types(w):
    """The block and the raw node open at once (close(9E) once per type, at
    that type's last close); an exclusive open is refused meanwhile, and
    modunload is refused until both are closed."""
    def main():
        b = yield sys.open("/dev/ilrd/a", sys.O_RDWR)
        c = yield sys.open("/dev/rilrd/a", sys.O_RDONLY)
        c2 = yield sys.open("/dev/rilrd/a", sys.O_RDWR)
        assert (yield sys.open("/dev/rilrd/a", sys.O_RDWR | sys.O_EXCL)) == -sys.EBUSY
        buf = yield sys.mmap(4096)
        assert (yield sys.ioctl(b, DKIOCGMEDIAINFO, buf)) == 0
        media, lbsize, cap = struct.unpack("<IIQ", (yield sys.peek(buf, 16)))
        assert (lbsize, cap) == (512, 16), (media, lbsize, cap)
        yield sys.close(c)
        assert (yield sys.modunload("ilrd")) == -sys.EBUSY
        yield sys.close(c2)
        yield sys.close(b)
        assert (yield sys.modunload("ilrd")) == 0
    w.spawn("main", main())


def test_the_ram_disk_gets_no_report():
    for scn in (io_resize, sync_unload, open_types):
        for strategy in ("pct", "random"):
            r = kernsim.explore(scn, strategy=strategy, runs=1500, seed=3)
            assert r.failure is None, (scn.name, strategy, r.failure)


def test_a_shrink_between_strategy_and_the_copy_is_found_and_replays(tmp_path):
    r = kernsim.explore(io_resize_norecheck, strategy="pct", runs=2000, seed=3)
    assert r.failure is not None
    assert "written past its end" in r.failure.message, r.failure
    path = str(tmp_path / "norecheck.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    rep = kernsim.replay(path)
    assert rep.matched, rep.mismatches


def test_the_ram_disk_builds_without_a_warning(tmp_path):
    cmd = build_driver.command("illumos", str(tmp_path / "ilrd.so"), [SOURCE])
    r = subprocess.run(cmd, capture_output=True, text=True)
    assert r.returncode == 0 and "warning:" not in r.stderr, r.stderr


def test_a_leak_of_load_and_unload_alone_replays_from_an_empty_program(tmp_path):
    # The fuzzer minimizes a leak that no call is needed for to a Program
    # with no thread; its repro was refused ("exactly one of scenario or
    # program") and the finding said it did not replay.
    from kernsim import fuzz_desc, fuzz_engine
    desc = fuzz_desc.load(os.path.join(os.path.dirname(SOURCE), "ilrd.ioctl.txtpb"))
    desc.driver = os.path.join(_TEST_DRIVERS, "ilrd_keepsoftint.so")
    fz = fuzz_engine.Fuzzer(desc, "none", seed=1, out_dir=str(tmp_path))
    fz.run(executions=200, stop_on_find=True)
    (f,) = fz.findings.values()
    assert f.signature == "leak:ddi_intr_add_softint" and f.calls == 0, f
    assert f.replayed, f
    assert kernsim.replay(f.repro_path).matched
