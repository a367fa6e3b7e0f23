"""The race detector over one long execution: fbtick's race build
(tests/drivers/fbtick.c) posts an event per 1 ms tick from a FreeBSD
callout, each run a thread, 100,000 times, every load and store checked.
No report, the same one each replay. The detector's clocks are dense by
slot (sim/hb.h), a slot given to a later thread once the shadow forgets
its thread; dense by thread id, each new run's clock spanned every run
before it and this took some 90 s (tests/cpp/test_freebsd_callout.cc
checks the clocks' width; bench/bench_race_threads.py times it)."""
import os
import struct

import kernsim
from kernsim import build_driver, sys

FBTICK = os.path.join(os.path.dirname(build_driver.config()["driver_dir"]), "test_drivers",
                      "fbtick.so")
TICK_START, TICK_WAIT = 0x80085401, 0x80045404  # _IOW('T', 1, int[2]), _IOW('T', 4, int)
TICK_STAT = 0x40105403  # _IOR('T', 3, struct tick_stat)


@kernsim.scenario(driver=FBTICK)
def ticks(w, fires=10):
    """One run of `fires` ticks 1 ms apart, waited for to its end, and the
    driver's count of events posted."""
    def client():
        fd = yield sys.open("/dev/fbtick", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, struct.pack("<ii", 1, fires))
        assert (yield sys.ioctl(fd, TICK_START, buf)) == 0
        yield sys.poke(buf, struct.pack("<i", 2 * fires + 100))
        assert (yield sys.ioctl(fd, TICK_WAIT, buf)) == 0
        assert (yield sys.ioctl(fd, TICK_STAT, buf)) == 0
        posted = struct.unpack("<I", (yield sys.peek(buf, 4)))[0]
        assert posted == fires, posted
        yield sys.close(fd)
    w.spawn("client", client())


def test_a_hundred_thousand_callout_runs_with_races_detected_are_no_report():
    for strategy in ("random", "pct"):
        r = kernsim.explore(ticks, strategy=strategy, runs=1, seed=1, detect_races=True,
                            params={"fires": 100000}, max_steps=50_000_000)
        assert r.runs == 1 and r.failure is None, r.failure


def test_many_short_executions_with_races_detected_are_no_report():
    # Slots come back within an execution and the detector is reset between.
    r = kernsim.explore(ticks, strategy="pct", runs=300, seed=3, detect_races=True,
                        params={"fires": 50})
    assert r.runs == 300 and r.failure is None, r.failure
