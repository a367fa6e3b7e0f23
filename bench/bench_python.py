#!/usr/bin/python3
"""Executions per second of the sample scenario through the Python generator
path and through the Program path, driven from Python, on one core. Prints
JSON. Run: PYTHONPATH=build/python /usr/bin/python3 bench/bench_python.py"""

import json
import os
import sys

import kernsim

ROOT = os.environ.get("KERNSIM_ROOT", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def rate(spec, runs, strategy="pct"):
    scn = kernsim.resolve(os.path.join(ROOT, spec))
    r = kernsim.explore(scn, strategy=strategy, runs=runs, seed=1, variant="none")
    if r.failure:
        sys.exit(f"bench: the fixed driver failed: {r.failure}")
    return {"runs": r.runs, "execs_per_s": round(r.runs_per_sec), "distinct": r.distinct}


def main():
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    out = {
        "sample_python_generators_pct": rate("scenarios/sample/handshake.py:submit", 20000),
        "sample_program_pct": rate("scenarios/sample/handshake.py:submit_program", 200000),
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
