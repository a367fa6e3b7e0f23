"""A driver loop with no scheduling point (sample's stats_spin: SAMPLE_STATS
spins on sc_served) is a `hang` failure named with the driver's function and
source line, found by the watchdog (sim/watchdog.h); its repro replays to
the same outcome and hash, and the search around it goes on."""

import re

import pytest

import kernsim
from kernsim import api


@pytest.fixture
def short_hang_limit():
    api.set_hang_limit(0.05)  # the test stays fast; the default is 10 s
    yield
    api.set_hang_limit(None)


def test_spin_is_a_hang_with_its_line_and_replays(handshake, tmp_path, short_hang_limit):
    scn = kernsim.resolve(f"{handshake}:stats")
    r = kernsim.explore(scn, strategy="random", runs=50, seed=1, variant="stats_spin")
    f = r.failure
    assert f is not None and f.kind == "hang", f
    assert f.signature == "hang"
    assert "thread watcher ran more than 0.05 s of CPU time with no scheduling point" in f.message
    assert re.search(r"interrupted in sample_ioctl at \S*drivers/sample/sample\.c:\d+ ", f.message), \
        f.message
    path = str(tmp_path / "hang.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    assert "hang_ms: 50" in open(path).read()  # the replay needs no option
    api.set_hang_limit(None)
    again = kernsim.replay(path)
    assert again.matched, again.mismatches
    assert again.outcome.step == f.step and again.outcome.kind == "hang"


def test_spin_in_the_race_build_is_named_at_the_drivers_line(handshake, short_hang_limit):
    # Every access of the race-instrumented build calls kernsim's checks, so
    # the tick mostly lands in kernsim's code: the report still names the
    # driver's line first, then the function the driver was in a call to.
    scn = kernsim.resolve(f"{handshake}:stats")
    r = kernsim.explore(scn, strategy="random", runs=50, seed=1, variant="stats_spin",
                        detect_races=True)
    f = r.failure
    assert f is not None and f.kind == "hang", f
    assert re.search(r"interrupted in sample_ioctl at \S*sample\.c:\d+ ", f.message), f.message


def test_search_goes_on_after_hangs(handshake, short_hang_limit):
    scn = kernsim.resolve(f"{handshake}:stats")
    s = kernsim.search(scn, bound=1, max_executions=12, variant="stats_spin",
                       stop_on_failure=False)
    assert s.executions == 12
    assert 0 < s.failures < 12  # some schedules serve a request before the watcher asks
    assert [d.kind for d in s.distinct_failures] == ["hang"]
    ok = kernsim.explore(scn, strategy="pct", runs=200, seed=3, variant="none")
    assert ok.failure is None and ok.runs == 200


def test_fuzzer_finds_the_hang_at_the_drivers_line(cli, tmp_path):
    # With a coverage map attached the loop spends most of its time in the
    # coverage callback: the report still names the driver's line.
    p = cli("fuzz", "--driver", "sample", "--variant", "stats_spin", "--time", "20",
            "--hang-limit", "0.05", "--stop-on-find", "--quiet", "--out", tmp_path / "fz")
    assert p.returncode == 1, p.stdout + p.stderr
    assert "FAILURE hang hang" in p.stdout and "replay matches" in p.stdout, p.stdout
    assert re.search(r"interrupted in sample_ioctl at \S*sample\.c:\d+ ", p.stdout), p.stdout
    (repro,) = (tmp_path / "fz").glob("*.repro.txtpb")
    assert "hang_ms: 50" in repro.read_text()
    assert cli("replay", repro).returncode == 0
