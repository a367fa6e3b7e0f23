"""The figures the personalities' benches quote for their Program
scenarios: executions/s as a ratio against lofi's forced-unmap Program,
measured in alternating rounds in one process (an absolute rate measures
the machine), and PCT executions to a variant's first find over seeds."""

import argparse
import os
import statistics

import kernsim

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOFI = os.path.join(ROOT, "scenarios", "lofi", "lofi.py")


def parse_args():
    """The options both benches take: throughput against lofi, then PCT finds."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=100000, help="throughput runs per round")
    ap.add_argument("--rounds", type=int, default=5, help="alternating rounds")
    ap.add_argument("--seeds", type=int, default=10, help="seeds per variant")
    ap.add_argument("--budget", type=int, default=100000, help="PCT runs allowed per find")
    return ap.parse_args()


def rate(script, name, runs, seed):
    r = kernsim.explore(kernsim.resolve(f"{script}:{name}"), strategy="pct", runs=runs,
                        seed=seed, variant="none")
    if r.failure:
        raise SystemExit(f"{name}: the correct driver failed: {r.failure}")
    return r.runs_per_sec


def against_lofi(script, name, runs, rounds):
    """{name}_execs_per_sec_median, lofi's, and their ratio's median and range."""
    ratios, mine, lofi = [], [], []
    for i in range(rounds):
        m = rate(script, name, runs, 11 + i)
        f = rate(LOFI, "forced_unmap_program", runs, 11 + i)
        mine.append(m)
        lofi.append(f)
        ratios.append(m / f)
    return {f"{name}_execs_per_sec_median": round(statistics.median(mine)),
            "lofi_forced_unmap_program_execs_per_sec_median": round(statistics.median(lofi)),
            f"{name}_over_lofi_ratio_median": round(statistics.median(ratios), 3),
            f"{name}_over_lofi_ratio_range": [round(min(ratios), 3), round(max(ratios), 3)]}


def execs_to_find(script, name, variant, seeds, budget, **world):
    """PCT executions to the first failure of `variant` for seeds 0..seeds-1
    (median, max, seeds that missed within `budget`) and its signature."""
    scn = kernsim.resolve(f"{script}:{name}")
    counts, missed, sig = [], 0, None
    for seed in range(seeds):
        r = kernsim.explore(scn, strategy="pct", runs=budget, seed=seed, variant=variant, **world)
        if r.failure is None:
            missed += 1
        else:
            counts.append(r.runs)
            sig = r.failure.signature
    return {"scenario": name, "signature": sig,
            "execs_to_find_median": statistics.median(counts) if counts else None,
            "execs_to_find_max": max(counts) if counts else None,
            "seeds": seeds, "missed": missed}
