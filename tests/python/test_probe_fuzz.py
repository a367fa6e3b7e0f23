"""The fuzzer on the drivers written as outsiders write them (the ilprobe,
fbprobe and later audits: tests/drivers/*.c with an *.ioctl.txtpb beside
them): a seeded campaign from an empty corpus on each correct driver finds
nothing. Fuzzing these drivers found five kernel-model false reports on
2026-12-07 that no scenario had reached (two timeouts armed at once
sharing an id, a taskq's re-armed timer running the clock for ever, a long
timed wait taken for a livelock, a hang beside a periodic reported as the
step budget, an munmap never running a cleanup registered after it began);
a new one of that kind fails here. Budgets, not wall time: a campaign with
a seed and an execution budget is deterministic. Not here: ilpool (its
blocking GET on an exhausted pool sleeps uninterruptibly, a hang a
hung-task detector reports) and ilpin (its cleanup ignores a cookie not yet
stored: a real race), whose findings are their own. stecho (the stprobe
audit, a STREAMS driver) is fuzzed through its stream head: I_STR and
TRANSPARENT ioctls, I_FLUSH, I_PUSH/I_POP of streams_watch, reads and writes
on clone opens. qxring (a QNX resource manager, the qnxprobe audit) found
two on 2026-12-07: a read blocked on an empty device reported stuck though
a signal would reach the server's io_unblock, and a write-after-free of an
OCB closed by one client thread while another's write was in its handler
(QNX's library runs handlers under lock_ocb, which the model did not)."""
import os

import pytest

from kernsim import build_driver, fuzz_desc, fuzz_engine, repro

_HERE = os.path.dirname(__file__)
_TEST_DRIVERS = os.path.join(os.path.dirname(build_driver.config()["driver_dir"]),
                             "test_drivers")

DRIVERS = ["ilring", "ilsoft", "illyr", "ilrd", "fbkv", "fbtick", "fbjob", "fbpipe", "fbsxtab",
           "fbshm", "stecho", "qxring", "fbzone"]


@pytest.mark.parametrize("driver", DRIVERS)
def test_an_outsiders_correct_driver_gives_the_fuzzer_nothing(driver, tmp_path, monkeypatch):
    # by name from the test drivers' directory (illyr's also_load: illower)
    monkeypatch.setenv("KERNSIM_DRIVER_PATH", _TEST_DRIVERS)
    desc = fuzz_desc.load(os.path.join(_HERE, "..", "drivers", f"{driver}.ioctl.txtpb"))
    fz = fuzz_engine.Fuzzer(desc, "none", seed=1, out_dir=str(tmp_path))
    fz.run(executions=20000)
    assert not fz.findings, (driver, list(fz.findings))
    assert fz.stats.executions == 20000 and fz.stats.corpus > 1, fz.stats


def test_with_unloads_the_fuzzer_finds_an_open_racing_the_unload(tmp_path, monkeypatch):
    """fbtick's MOD_UNLOAD checks its reader count under its mutex, drops
    it, then calls destroy_dev: an open in between succeeds, and that
    file's close runs its cdevpriv destructor into the softc MOD_UNLOAD
    freed (FreeBSD's destroy_dev runs the destructors still on the cdev's
    list but does not wait for one a close has already taken off it:
    devfs_destroy_cdevpriv, read). A real race, reached only when the
    description lets the fuzzer unload (`modunload: true`); fbtick's own
    description leaves it off, so the campaign above finds nothing."""
    monkeypatch.setenv("KERNSIM_DRIVER_PATH", _TEST_DRIVERS)
    desc = fuzz_desc.load(os.path.join(_HERE, "..", "drivers", "fbtick.ioctl.txtpb"))
    assert not desc.modunload
    desc.modunload = True
    fz = fuzz_engine.Fuzzer(desc, "none", seed=0, out_dir=str(tmp_path))
    fz.run(executions=50000, stop_on_find=True)
    assert fz.findings, fz.stats
    for f in fz.findings.values():  # one batch may hold two
        assert f.replayed, f
        r = repro.load(f.repro_path)
        ops = [c.op for t in r.program.thread for c in t.call]
        assert "modunload" in ops and "open" in ops, (f, ops)
