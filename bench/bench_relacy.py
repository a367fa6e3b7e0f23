#!/usr/bin/python3
"""Issue 14's anchor figure: the two-thread lost wakeup in kernsim against
the same test in Relacy, in one run. Each side runs in its own process on
the same pinned core, alternating for `--rounds` rounds, both timed by
thread CPU time; prints JSON with the medians, the ratio, and each side in
raw `jump_fcontext` times (bench_core's raw switch, measured in the same
rounds). Relacy comes from Debian's relacy-dev (scripts/setup.sh); the
harness is bench/relacy/lost_wakeup_relacy.cc.

    /usr/bin/python3 bench/bench_relacy.py [--build build] [--rounds 5]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_json(argv, cpu):
    out = subprocess.run(["taskset", "-c", str(cpu)] + argv, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--cpu", type=int, default=0)
    a = ap.parse_args()
    core = os.path.join(a.build, "bench", "bench_core")
    relacy = os.path.join(a.build, "bench", "lost_wakeup_relacy")
    if not os.path.exists(relacy):
        sys.exit(f"bench_relacy: {relacy} was not built: install relacy-dev "
                 "(scripts/setup.sh does) and re-run cmake")
    sides = {
        "kernsim": lambda: run_json([core, "lost_wakeup"], a.cpu)["lost_wakeup_execs_per_s"],
        "relacy": lambda: run_json([relacy], a.cpu)["relacy_lost_wakeup_execs_per_s"],
        "relacy_var": lambda: run_json([relacy, "var"], a.cpu)["relacy_lost_wakeup_execs_per_s"],
        "raw_switch_ns": lambda: run_json([core, "points"], a.cpu)["raw_switch_ns"],
    }
    rows = {k: [] for k in sides}
    names = list(sides)
    for r in range(a.rounds):
        # Rotate the order: a drift in the load hits every side alike.
        for name in names[r % len(names):] + names[:r % len(names)]:
            rows[name].append(sides[name]())
    med = {k: statistics.median(v) for k, v in rows.items()}
    raw = med["raw_switch_ns"]

    def switches(rate):
        return round(1e9 / rate / raw, 1)

    print(json.dumps({
        "rounds": a.rounds,
        "raw_switch_ns": raw,
        "execs_per_s": {k: round(med[k]) for k in ("kernsim", "relacy", "relacy_var")},
        "raw_switches_per_execution": {k: switches(med[k]) for k in ("kernsim", "relacy", "relacy_var")},
        "kernsim_over_relacy": round(med["kernsim"] / med["relacy"], 2),
        "kernsim_over_relacy_var": round(med["kernsim"] / med["relacy_var"], 2),
        "each_round": rows,
    }, indent=1))


if __name__ == "__main__":
    main()
