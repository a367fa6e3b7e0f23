"""The README's out-of-tree walk, timed (issue 12's figure): from
`kernsim build-driver` of examples/own_driver/tally.c, in a directory
outside the checkout, to the first finding of its split_bump lost update
under the README's explore command. Prints JSON.

    PYTHONPATH=build/python /usr/bin/python3 bench/bench_own_driver.py
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def kernsim(cwd, *args):
    t0 = time.monotonic()
    r = subprocess.run([sys.executable, "-m", "kernsim", *args], cwd=cwd, capture_output=True,
                       text=True)
    return r, time.monotonic() - t0


def main():
    with tempfile.TemporaryDirectory() as d:
        for f in ("tally.c", "scenarios.py"):
            shutil.copy(os.path.join(ROOT, "examples", "own_driver", f), d)
        t0 = time.monotonic()
        r, build_s = kernsim(d, "build-driver", "--personality", "illumos", "-o", "build/tally.so",
                             "tally.c")
        assert r.returncode == 0, r.stderr
        r, explore_s = kernsim(d, "explore", "scenarios.py:two_bumps", "--variant", "split_bump",
                               "--runs", "10000", "--out", "out/bump.repro.txtpb")
        total = time.monotonic() - t0
        assert r.returncode == 1, r.stdout + r.stderr
        line = next(x for x in r.stdout.splitlines() if x.startswith("runs="))
        runs = int(line.split()[0].split("=")[1])
        print(json.dumps({"build_driver_s": round(build_s, 3), "explore_s": round(explore_s, 3),
                          "build_to_first_finding_s": round(total, 3),
                          "executions_to_find": runs}, indent=2))


if __name__ == "__main__":
    main()
