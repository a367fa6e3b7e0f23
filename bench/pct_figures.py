"""A Program scenario's executions/s as a ratio against lofi's forced-unmap
Program, measured in alternating rounds in one process (the figure the
personalities' benches quote: an absolute rate measures the machine)."""

import os
import statistics

import kernsim

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOFI = os.path.join(ROOT, "scenarios", "lofi", "lofi.py")


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
