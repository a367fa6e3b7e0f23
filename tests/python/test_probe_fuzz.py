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
stored: a real race), whose findings are their own."""
import os

import pytest

from kernsim import build_driver, fuzz_desc, fuzz_engine

_HERE = os.path.dirname(__file__)
_TEST_DRIVERS = os.path.join(os.path.dirname(build_driver.config()["driver_dir"]),
                             "test_drivers")

DRIVERS = ["ilring", "ilsoft", "illyr", "ilrd", "fbkv", "fbtick", "fbjob", "fbpipe", "fbsxtab",
           "fbshm"]


@pytest.mark.parametrize("driver", DRIVERS)
def test_an_outsiders_correct_driver_gives_the_fuzzer_nothing(driver, tmp_path, monkeypatch):
    # by name from the test drivers' directory (illyr's also_load: illower)
    monkeypatch.setenv("KERNSIM_DRIVER_PATH", _TEST_DRIVERS)
    desc = fuzz_desc.load(os.path.join(_HERE, "..", "drivers", f"{driver}.ioctl.txtpb"))
    fz = fuzz_engine.Fuzzer(desc, "none", seed=1, out_dir=str(tmp_path))
    fz.run(executions=20000)
    assert not fz.findings, (driver, list(fz.findings))
    assert fz.stats.executions == 20000 and fz.stats.corpus > 1, fz.stats
