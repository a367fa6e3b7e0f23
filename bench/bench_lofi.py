"""lofi figures, as JSON: executions per second of the forced-unmap scenario
through the Program path (an admin and three I/O threads, correct driver,
PCT, one core), and a long correct-driver PCT campaign of every lofi
scenario (runs completed, failures: must be none).

    PYTHONPATH=build/python /usr/bin/python3 bench/bench_lofi.py [--long-runs N]
"""

import argparse
import json
import os
import sys

import kernsim

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, "scenarios", "lofi", "lofi.py")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=200000, help="Program-path throughput runs")
    ap.add_argument("--long-runs", type=int, default=100000,
                    help="correct-driver PCT runs per scenario")
    a = ap.parse_args()
    out = {}
    prog = kernsim.resolve(f"{SCRIPT}:forced_unmap_program")
    r = kernsim.explore(prog, strategy="pct", runs=a.runs, seed=11, variant="none",
                        params={"readers": 2, "writers": 1})
    out["forced_unmap_program_threads"] = 4
    out["forced_unmap_program_execs_per_sec"] = round(r.runs_per_sec)
    out["forced_unmap_program_failure"] = str(r.failure) if r.failure else None
    long = {}
    for name, params in [("forced_unmap_program", {}), ("forced_unmap", {}), ("dkiocstate", {}),
                         ("dkiocstate", {"signal": True}), ("two_admins", {}),
                         ("busy_unmap", {}), ("minors", {}), ("bad_input", {}),
                         ("integrity", {})]:
        s = kernsim.resolve(f"{SCRIPT}:{name}")
        r = kernsim.explore(s, strategy="pct", runs=a.long_runs, seed=101, variant="none",
                            params=params)
        key = name + ("-signal" if params else "")
        long[key] = {"runs": r.runs, "distinct": r.distinct,
                     "execs_per_sec": round(r.runs_per_sec),
                     "failure": str(r.failure) if r.failure else None}
    out["correct_driver_pct"] = long
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
