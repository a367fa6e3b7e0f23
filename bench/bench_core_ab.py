#!/usr/bin/python3
"""Issue 14's core figures (`bench_core reset`) for this build against a
baseline build, side by side: each build's bench_core in its own process,
pinned to one core, alternating for `--rounds` rounds; prints JSON with each
build's median of every figure and the ratio this/baseline. bench_core times
by thread CPU time, so the load of a shared machine moves both builds alike.

    /usr/bin/python3 bench/bench_core_ab.py --baseline /work/main/build [--rounds 3]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The figures compared: (name, path into bench_core's JSON).
FIGURES = [
    ("raw_switch_ns", ("raw_switch_ns",)),
    ("lost_wakeup_reset_execs_per_s", ("lost_wakeup_execs_per_s", "reset")),
    ("raw_switches_per_execution", ("lost_wakeup_execs_per_s", "raw_switches_per_execution")),
    ("fixed_ns", ("fixed_cost", "reset", "fixed_ns")),
    ("ns_per_step", ("fixed_cost", "reset", "ns_per_step")),
    ("ns_per_step_2_threads", ("threads_ns_per_step", "2")),
    ("16_over_2", ("threads_ns_per_step", "16_over_2")),
    ("mallocs_reset", ("mallocs_per_execution", "reset")),
]


def measure(build, cpu):
    exe = os.path.join(build, "bench", "bench_core")
    out = subprocess.run(["taskset", "-c", str(cpu), exe, "reset"], check=True,
                         capture_output=True, text=True).stdout
    doc = json.loads(out)
    row = {}
    for name, path in FIGURES:
        v = doc
        for k in path:
            v = v[k]
        row[name] = v
    return row


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", required=True, help="the baseline's build directory")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"), help="this build")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--cpu", type=int, default=0)
    a = ap.parse_args()
    rows = {"this": [], "baseline": []}
    for r in range(a.rounds):
        # Alternate which goes first: a drift in the load hits both alike.
        order = [("this", a.build), ("baseline", a.baseline)]
        if r % 2:
            order.reverse()
        for name, build in order:
            rows[name].append(measure(build, a.cpu))
            print(f"round {r + 1} {name}: {json.dumps(rows[name][-1])}", file=sys.stderr)
    med = {k: {f: statistics.median(x[f] for x in v) for f, _ in FIGURES}
           for k, v in rows.items()}
    ratio = {f: (med["this"][f] / med["baseline"][f] if med["baseline"][f] else None)
             for f, _ in FIGURES}
    print(json.dumps({"rounds": a.rounds, "median": med, "this_over_baseline": ratio},
                     indent=1))


if __name__ == "__main__":
    main()
