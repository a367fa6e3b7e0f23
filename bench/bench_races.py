#!/usr/bin/python3
"""The data-race detector's figures (issue 16), printed as JSON:

  - slowdown: executions/s of the lofi forced-unmap and CTL wakeup Program
    scenarios, PCT, on the plain driver builds against the race-instrumented
    builds with detect_races, interleaved in one run (rounds of each), as
    the ratio plain / detecting;
  - executions to the first data_race report of each variant of the test
    driver (tests/drivers/racy.c), under PCT (median over seeds) and DFS;
  - executions to the unlocked reference count's consequence (its lost
    update panics detach) under PCT with preempt_at_access.

Run: PYTHONPATH=build/python KERNSIM_ROOT=. /usr/bin/python3 bench/bench_races.py [runs]"""

import json
import os
import statistics
import sys
import time

import kernsim

ROOT = os.environ.get("KERNSIM_ROOT", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RACY = os.path.join(ROOT, "tests", "python", "race_scenarios.py")
VARIANTS = [("refs", "unlocked_refs"), ("callout_flag", "callout_flag"),
            ("read_after_exit", "read_after_exit"), ("taskq", "no_taskq_wait"),
            ("sema", "no_sema"), ("condvar", "signal_before_write"),
            ("callout_arm", "write_after_arm"), ("atomics", "plain_counter"),
            ("user_page", "no_copyin"), ("rwlock", "bump_as_reader")]


def rate(scn, runs, detect):
    t0 = time.perf_counter()
    r = kernsim.explore(scn, strategy="pct", runs=runs, seed=1, detect_races=detect)
    if r.failure:
        sys.exit(f"bench: {scn.name} failed: {r.failure}")
    return r.runs / (time.perf_counter() - t0)


def slowdown(spec, runs, rounds=3):
    scn = kernsim.resolve(os.path.join(ROOT, spec))
    plain, detecting = [], []
    for _ in range(rounds):
        plain.append(rate(scn, runs, False))
        detecting.append(rate(scn, runs, True))
    p, d = statistics.median(plain), statistics.median(detecting)
    return {"plain_execs_per_s": round(p), "detecting_execs_per_s": round(d),
            "slowdown": round(p / d, 2)}


def to_first(name, variant, **opts):
    scn = kernsim.resolve(f"{RACY}:{name}")
    pct = []
    for seed in range(9):
        r = kernsim.explore(scn, strategy="pct", runs=100000, seed=seed, variant=variant, **opts)
        pct.append(r.failure.execution + 1 if r.failure else None)
    d = kernsim.explore(scn, strategy="dfs", runs=100000, variant=variant, dpor=True, **opts)
    found = [x for x in pct if x is not None]
    return {"pct_median": statistics.median(found) if found else None,
            "pct_found": f"{len(found)}/{len(pct)}",
            "dfs_dpor": d.runs if d.failure else None,
            "kind": d.failure.kind if d.failure else None}


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    out = {
        "slowdown_lofi_forced_unmap_program": slowdown(
            "scenarios/lofi/lofi.py:forced_unmap_program", runs),
        "slowdown_ctl_wakeup_program": slowdown("scenarios/ctl/wakeup.py:wakeup_program", runs),
        "executions_to_first_race": {f"{n}/{v}": to_first(n, v, detect_races=True)
                                     for n, v in VARIANTS},
        "executions_to_lost_update_panic": to_first("refs", "unlocked_refs",
                                                    preempt_at_access=True),
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
