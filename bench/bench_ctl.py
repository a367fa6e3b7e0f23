#!/usr/bin/python3
"""Executions per second of the CTL wakeup-before-wait scenario
(scenarios/ctl/wakeup.py) on the correct ctl_ioctl frontend, through the
Program path (and the Python generator path for comparison), PCT, one core.
Prints JSON. Run: PYTHONPATH=build/python /usr/bin/python3 bench/bench_ctl.py [runs]"""

import json
import os
import sys

import kernsim

ROOT = os.environ.get("KERNSIM_ROOT", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def rate(spec, runs):
    scn = kernsim.resolve(os.path.join(ROOT, spec))
    r = kernsim.explore(scn, strategy="pct", runs=runs, seed=1, variant="none")
    if r.failure:
        sys.exit(f"bench: the correct frontend failed: {r.failure}")
    return {"runs": r.runs, "execs_per_s": round(r.runs_per_sec), "distinct": r.distinct}


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    out = {
        "ctl_wakeup_program_pct": rate("scenarios/ctl/wakeup.py:wakeup_program", runs),
        "ctl_wakeup_python_generators_pct": rate("scenarios/ctl/wakeup.py:wakeup",
                                                 max(1, runs // 10)),
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
