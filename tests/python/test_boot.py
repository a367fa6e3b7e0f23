"""The boot (the module loads a set-up starts) runs on a fixed schedule
(Sim::set_fixed): the strategy decides nothing there, so every execution of
a set-up boots alike, a search spends no executions on interleavings of
user threads waiting at the boot gate, and PCT spends no priority change
there. What a driver's _init races with is still seen by the race detector
(test_races.py, the boot_* variants)."""

import os

import kernsim

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WAKEUP = os.path.join(ROOT, "scenarios/ctl/wakeup.py:wakeup_program")
LOFI = os.path.join(ROOT, "scenarios/lofi/lofi.py:forced_unmap_program")


def boot(trace):
    """The events up to the last module load's end, as (thread, kind, object)."""
    ends = [i for i, e in enumerate(trace) if e["kind"] == "modload" and e["a0"] == 0]
    assert ends, "no module load finished"
    return [(e["thread_name"], e["kind"], e["object"]) for e in trace[:ends[-1] + 1]]


def test_every_execution_boots_alike():
    for spec in (WAKEUP, LOFI):
        scn = kernsim.resolve(spec)
        boots = set()
        for strategy in ("random", "pct"):
            for seed in range(4):
                r = kernsim.run(scn, strategy=strategy, seed=seed)
                boots.add(tuple(boot(r.trace)))
        assert len(boots) == 1, f"{spec}: {len(boots)} different boots"
        # the Program's threads do nothing but wait at the gate
        kernel = ("modload:", "ctl_be", "lofi_taskq")
        assert not [e for e in next(iter(boots)) if not e[0].startswith(kernel)
                    and e[1] not in ("thread_start", "block")]


def test_a_search_spends_nothing_on_the_boot():
    """CTL's wakeup Program, plain DFS at bound 1: 43 executions (158 when
    the user threads' runs to the boot gate were interleaved with the load)."""
    r = kernsim.search(kernsim.resolve(WAKEUP), bound=1, max_executions=10000)
    assert r.exhausted and r.executions < 100, r.executions
