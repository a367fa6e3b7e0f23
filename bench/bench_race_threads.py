#!/usr/bin/python3
"""The data-race detector's cost against the threads one execution starts,
printed as JSON: a 1 ms callout (each run a thread) fired N times in one
execution, with and without detect_races, seconds per execution and per
thousand runs. fbtick (tests/drivers/fbtick.c, a FreeBSD callout posting
an event per 1 ms tick under its mutex; a race build) is the scenario: its
race build's every load and store is checked. Linear in N when a clock's width stays bounded (sim/hb.h:
clock slots); before, each new thread's clock spanned every thread so far
and the time grew with N squared.

Run: PYTHONPATH=build/python KERNSIM_ROOT=. /usr/bin/python3 bench/bench_race_threads.py [N ...]"""

import json
import os
import sys
import time

import struct

import kernsim
from kernsim import build_driver
from kernsim import sys as ksys

FBTICK = os.path.join(os.path.dirname(build_driver.config()["driver_dir"]), "test_drivers",
                      "fbtick.so")
TICK_START, TICK_WAIT = 0x80085401, 0x80045404  # _IOW('T', 1, int[2]), _IOW('T', 4, int)


@kernsim.scenario(driver=FBTICK)
def ticks(w, fires=10):
    """One run of `fires` ticks 1 ms apart, waited for to its end."""
    def client():
        fd = yield ksys.open("/dev/fbtick", ksys.O_RDWR)
        buf = yield ksys.mmap(4096)
        yield ksys.poke(buf, struct.pack("<ii", 1, fires))
        assert (yield ksys.ioctl(fd, TICK_START, buf)) == 0
        yield ksys.poke(buf, struct.pack("<i", 2 * fires + 100))
        assert (yield ksys.ioctl(fd, TICK_WAIT, buf)) == 0
        yield ksys.close(fd)
    w.spawn("client", client())


def seconds(scn, fires, detect):
    t0 = time.perf_counter()
    r = kernsim.explore(scn, strategy="random", runs=1, seed=1, params={"fires": fires},
                        max_steps=50_000_000, detect_races=detect)
    if r.failure:
        sys.exit(f"bench: {fires} fires, detect_races={detect}: {r.failure}")
    return time.perf_counter() - t0


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [10000, 30000, 100000]
    scn = ticks
    seconds(scn, 10, True)  # warm: the first execution maps what later ones reuse
    out = {}
    for n in sizes:
        plain, detecting = seconds(scn, n, False), seconds(scn, n, True)
        out[str(n)] = {"plain_s": round(plain, 3), "detecting_s": round(detecting, 3),
                       "detecting_ms_per_1000_runs": round(detecting * 1e6 / n, 1),
                       "slowdown": round(detecting / plain, 2)}
    if len(sizes) > 1:
        a, b = str(sizes[0]), str(sizes[-1])
        out["growth"] = {"runs_ratio": round(sizes[-1] / sizes[0], 1),
                         "detecting_time_ratio": round(out[b]["detecting_s"] / out[a]["detecting_s"], 1)}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
