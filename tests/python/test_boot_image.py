"""Boot once (DESIGN.md): a Program campaign boots in its first execution
and starts every later one from that execution's booted kernel. Each must
still be the execution a new World runs alone, booting: the same trace
hashes and the same failure, for every personality's drivers, with the
race detector on, and with the image refused where the boot is not the
same in every execution."""

import os

import pytest

import kernsim

ROOT = os.environ.get("KERNSIM_ROOT", os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))

PROGRAMS = [
    ("scenarios/sample/handshake.py:submit_program", {}),
    ("scenarios/lofi/lofi.py:forced_unmap_program", {"readers": 1, "writers": 1}),
    ("scenarios/ctl/wakeup.py:wakeup_program", {}),
    ("scenarios/streams/lp.py:flush", {}),  # a driver and a module
    ("scenarios/streams/perim.py:pair", {}),
    ("scenarios/qnx/devctl.py:concurrent", {}),  # a pool of server threads at boot
]


def resolve(spec):
    return kernsim.resolve(os.path.join(ROOT, spec))


@pytest.mark.parametrize("spec,params", PROGRAMS, ids=[p[0].split(":")[1] for p in PROGRAMS])
def test_campaign_is_the_booting_worlds(spec, params):
    scn, n = resolve(spec), 60
    r = kernsim.explore(scn, strategy="random", seed=3, runs=n, params=params)
    assert r.runs == n and not r.failure, r.failure
    assert r.boot_images == n - 1
    alone = [kernsim.run(scn, strategy="random", seed=3, execution=ex, params=params)
             for ex in range(n)]
    assert {f.kind for f in alone} == {"pass"}
    assert r.distinct == len({f.hash for f in alone}) > 1
    off = kernsim.explore(scn, strategy="random", seed=3, runs=n, params=params,
                          no_boot_image=True)
    assert off.boot_images == 0 and off.distinct == r.distinct


def test_failure_from_an_image_replays_booting():
    scn = resolve("scenarios/ctl/wakeup.py:wakeup_program")
    r = kernsim.explore(scn, strategy="random", seed=5, runs=3000, variant="no_state_check")
    assert r.failure and r.failure.execution > 0 and r.boot_images > 0
    off = kernsim.explore(scn, strategy="random", seed=5, runs=3000, variant="no_state_check",
                          no_boot_image=True)
    assert (off.failure.execution, off.failure.hash) == (r.failure.execution, r.failure.hash)
    replayed = kernsim.run_repro(r.repro)
    assert (replayed.kind, replayed.signature, replayed.hash) == \
        (r.failure.kind, r.failure.signature, r.failure.hash)


def test_race_detector_state_is_in_the_image():
    scn = resolve("scenarios/lofi/lofi.py:forced_unmap_program")
    params = {"readers": 1, "writers": 1}
    on = kernsim.explore(scn, strategy="pct", seed=2, runs=80, params=params, detect_races=True)
    off = kernsim.explore(scn, strategy="pct", seed=2, runs=80, params=params, detect_races=True,
                          no_boot_image=True)
    assert on.boot_images == 79 and off.boot_images == 0
    assert on.distinct == off.distinct and not on.failure and not off.failure


def test_a_boot_with_injected_faults_boots_every_time():
    # attach's allocations may fail: each execution's boot is its own.
    scn = resolve("scenarios/streams/lp.py:close_race_faults")
    r = kernsim.explore(scn, strategy="random", seed=1, runs=50, inject_faults=True)
    assert r.boot_images == 0
