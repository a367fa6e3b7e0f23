#!/usr/bin/python3
"""Issue 14's driver figures against a baseline build, in one run: the lofi
forced-unmap and CTL wakeup Program paths (PCT, correct drivers, one core),
each build in its own process, alternating for `--rounds` rounds; prints
JSON with each build's median executions per second of CPU time (this
process's: on a machine shared with other work, wall time measured the
load more than the build) and their ratio.

    /usr/bin/python3 bench/bench_reset.py --baseline /work/main/build [--rounds 3]

With --baseline-driver-path DIR the baseline loads its drivers from DIR
first (KERNSIM_DRIVER_PATH): `--baseline build --baseline-driver-path
build/drivers/cov` measures the drivers built as the fuzzer's build (edge
coverage, a call per basic block) against the plain ones, on one host.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# One measurement, run in a child whose PYTHONPATH is the build's.
CHILD = r"""
import json, os, sys, time, kernsim
spec, runs, params = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {0})
scn = kernsim.resolve(spec)
t0 = time.process_time()
r = kernsim.explore(scn, strategy="pct", runs=runs, seed=11, variant="none", params=params)
cpu = time.process_time() - t0
if r.failure:
    sys.exit(f"bench: the correct driver failed: {r.failure}")
print(r.runs / cpu)
"""

CASES = {
    "lofi_forced_unmap_program": (os.path.join(ROOT, "scenarios/lofi/lofi.py:forced_unmap_program"),
                                  60000, {"readers": 2, "writers": 1}),
    "ctl_wakeup_program": (os.path.join(ROOT, "scenarios/ctl/wakeup.py:wakeup_program"), 8000, {}),
}


def rate(build, spec, runs, params, driver_path=None):
    # Each build runs its own checkout's scenarios (the build directory's
    # parent), as the scenarios may use what only that build has.
    root = os.path.dirname(os.path.abspath(build))
    spec = os.path.join(root, os.path.relpath(spec, ROOT))
    env = dict(os.environ, PYTHONPATH=os.path.join(build, "python"), KERNSIM_ROOT=root)
    env.pop("KERNSIM_DRIVER_PATH", None)
    if driver_path:
        env["KERNSIM_DRIVER_PATH"] = os.path.abspath(driver_path)
    out = subprocess.run([sys.executable, "-c", CHILD, spec, str(runs), json.dumps(params)],
                         env=env, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"bench: {build}: {out.stderr.strip()}")
    return float(out.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline", required=True, help="the baseline's build directory")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"), help="this build's directory")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--baseline-driver-path", help="drivers the baseline loads first")
    a = ap.parse_args()
    res = {}
    for name, (spec, runs, params) in CASES.items():
        this, base = [], []
        for _ in range(a.rounds):  # alternating: drift in the machine's load hits both
            base.append(rate(a.baseline, spec, runs, params, a.baseline_driver_path))
            this.append(rate(a.build, spec, runs, params))
        res[name] = {"runs": runs, "this_execs_per_s": round(statistics.median(this)),
                     "baseline_execs_per_s": round(statistics.median(base)),
                     "ratio": round(statistics.median(this) / statistics.median(base), 3),
                     "this_all": [round(x) for x in this], "baseline_all": [round(x) for x in base]}
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
