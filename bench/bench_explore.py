#!/usr/bin/python3
"""Figures of issue 5 on the sample scenario (Program path), JSON on stdout:
executions/s of exhaustive search, executions with and without DPOR, time
to exhaust at bound 2 (DPOR), and the speed-up of --jobs 2 over --jobs 1,
for the seed split (random, 400,000 runs) and for the DFS split (plain DFS
at bound 1, 727,904 executions; DPOR at bound 4, 242,716), with the
machine's load (uptime) before and after: other work on the machine eats
into a 2-core speed-up. jobs2_handed_on: parts cut short to hand their
work to an idle process. Each speed-up is the median of BENCH_REPEAT (3)
pairs of runs, jobs 1 and jobs 2 in turn; "speedups" lists each pair.
Run: PYTHONPATH=build/python /usr/bin/python3 bench/bench_explore.py"""

import json
import os
import statistics
import subprocess
import sys
import time

import kernsim
from kernsim import dfs_split, parallel

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
    out["uptime_before_jobs"] = _uptime()
    runs = int(os.environ.get("BENCH_JOBS_RUNS", "400000"))

    def seed_split(j):
        p = parallel.explore_parallel(scn, jobs=j, strategy="random", runs=runs, seed=1,
                                      stop_on_failure=False)
        return p.seconds, p
    t1, t2, one, two, speedups = _paired(seed_split, seed_split)
    out["jobs1_random_runs_per_s"] = round(one.runs_per_sec)
    out["jobs2_random_runs_per_s"] = round(two.runs_per_sec)
    out["jobs2_speedup"] = round(t1 / t2, 2)
    out["jobs2_speedups"] = speedups
    out["dfs_split_bound1"] = _dfs_split(scn, bound=1, dpor=False)
    out["dfs_split_bound4_dpor"] = _dfs_split(scn, bound=4, dpor=True)
    out["uptime_after_jobs"] = _uptime()
    out["load_average"] = os.getloadavg()[0]
    print(json.dumps(out, indent=2))


def _uptime():
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))


def _paired(run1, run2):
    """--jobs 1 then --jobs 2, REPEAT times in turn (a shared 2-core machine
    is noisy): the median seconds of each, their last results, and each
    pair's speed-up."""
    s1, s2, speedups = [], [], []
    for _ in range(REPEAT):
        a, one = run1(1)
        b, two = run2(2)
        s1.append(a)
        s2.append(b)
        speedups.append(round(a / b, 2))
    return statistics.median(s1), statistics.median(s2), one, two, speedups


def _dfs_split(scn, bound, dpor):
    """--jobs 1 (one search in this process) against --jobs 2 (the split,
    prefix enumeration and forks included), each exhausting the bound."""
    def timed(fn):
        def run(_):
            t = time.monotonic()
            r = fn()
            return time.monotonic() - t, r
        return run
    t1, t2, one, two, speedups = _paired(
        timed(lambda: kernsim.search(scn, bound=bound, dpor=dpor, stop_on_failure=False)),
        timed(lambda: dfs_split.search_parallel(scn, jobs=2, bound=bound, dpor=dpor,
                                                stop_on_failure=False)))
    if not (one.exhausted and two.exhausted) or one.failure or two.failure:
        sys.exit("bench: the fixed sample failed or was not exhausted")
    return {"jobs1_executions": one.executions, "jobs2_executions": two.executions,
            "jobs1_seconds": round(t1, 3), "jobs2_seconds": round(t2, 3),
            "jobs2_prefixes": two.prefixes, "jobs2_split_depth": two.split_depth,
            "jobs2_parts": two.slices, "jobs2_handed_on": two.handed_on,
            "speedup": round(t1 / t2, 2), "speedups": speedups}


if __name__ == "__main__":
    main()
