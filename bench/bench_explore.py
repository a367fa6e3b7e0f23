#!/usr/bin/python3
"""Figures of issue 5 on the sample scenario (Program path), JSON on stdout:
executions/s of exhaustive search, executions with and without DPOR, time
to exhaust at bound 2 (DPOR), and the --jobs 2 speed-up over --jobs 1.
Run: PYTHONPATH=build/python /usr/bin/python3 bench/bench_explore.py"""

import json
import os
import sys
import time

import kernsim
from kernsim import parallel

ROOT = os.environ.get("KERNSIM_ROOT", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    scn = kernsim.resolve(os.path.join(ROOT, "scenarios/sample/handshake.py:submit_program"))
    out = {}
    for b in (0, 1):
        full = kernsim.search(scn, bound=b, iterative=False)
        dpor = kernsim.search(scn, bound=b, iterative=False, dpor=True)
        if full.failure or dpor.failure or not (full.exhausted and dpor.exhausted):
            sys.exit("bench: the fixed sample failed or was not exhausted")
        out[f"bound{b}"] = {"full_executions": full.executions, "dpor_executions": dpor.executions,
                            "dpor_redundant": dpor.redundant,
                            "ratio_dpor_over_full": round(dpor.executions / full.executions, 5),
                            "full_execs_per_s": round(full.runs_per_sec),
                            "dpor_execs_per_s": round(dpor.runs_per_sec)}
    t = time.monotonic()
    r = kernsim.search(scn, bound=2, dpor=True)
    out["exhaust_bound2_dpor"] = {"seconds": round(time.monotonic() - t, 3),
                                  "executions": r.executions, "exhausted": r.exhausted,
                                  "per_bound": r.per_bound}
    runs = int(os.environ.get("BENCH_JOBS_RUNS", "400000"))
    secs = {}
    for j in (1, 2):
        p = parallel.explore_parallel(scn, jobs=j, strategy="random", runs=runs, seed=1,
                                      stop_on_failure=False)
        secs[j] = p.seconds
        out[f"jobs{j}_random_runs_per_s"] = round(p.runs_per_sec)
    out["jobs2_speedup"] = round(secs[1] / secs[2], 2)
    out["load_average"] = os.getloadavg()[0]
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
