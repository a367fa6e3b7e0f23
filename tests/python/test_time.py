"""A scenario reads virtual time (sys.gettime(): the process's
clock_gettime(CLOCK_MONOTONIC), nanoseconds since boot) and asserts on it:
time starts at zero, never goes back, and a wrong assertion on it is a
scenario failure like any other."""

import kernsim

SCRIPT = '''
import kernsim
from kernsim import sys


def reader(out):
    t0 = yield sys.gettime()
    fd = yield sys.open("/dev/sample", sys.O_RDWR)
    yield sys.close(fd)
    t1 = yield sys.gettime()
    assert isinstance(t0, int) and 0 <= t0 <= t1, (t0, t1)
    out.append(t0)


@kernsim.scenario(driver="sample")
def clock(w):
    w.spawn("reader", reader([]))


def wrong():
    t = yield sys.gettime()
    assert t > 0, f"virtual time at boot is {t}"


@kernsim.scenario(driver="sample")
def clock_wrong(w):
    w.spawn("wrong", wrong())
'''


def test_scenarios_read_and_assert_on_virtual_time(tmp_path):
    path = tmp_path / "clock.py"
    path.write_text(SCRIPT)
    r = kernsim.explore(kernsim.resolve(f"{path}:clock"), strategy="random", runs=50, seed=1)
    assert r.failure is None, r.failure and r.failure.message
    r = kernsim.explore(kernsim.resolve(f"{path}:clock_wrong"), strategy="random", runs=5, seed=1)
    assert r.failure is not None and r.failure.kind == "scenario", r.failure
    assert "virtual time at boot is 0" in r.failure.message, r.failure.message
