"""The full-system check's figures, as JSON: the image's build time cold
(an empty cache) and warm (found by its content key), the wall time of one
boot-and-run with a warm cache (sequential Programs, 1 vCPU), and the
find-time table: for one race of each illumos driver, iterations and wall
time to the first failure under QEMU with 2 vCPUs (or none within the cap)
beside the simulator's runs and wall time (PCT) for the same bug.

    PYTHONPATH=build/python KERNSIM_ROOT=$PWD /usr/bin/python3 bench/bench_qemu.py \\
        [--iterations N] [--boots N] [--no-cold]
"""

import argparse
import json
import os
import tempfile
import time

from kernsim import qemu

ROOT = os.environ.get("KERNSIM_ROOT") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEQ = os.path.join(ROOT, "qemu", "scenarios", "sequential.py")
RACES = [("sample", "scenarios/sample/handshake.py:submit_program", "no_done_check"),
         ("lofi", "qemu/scenarios/races.py:lofi_unmap_during_io", "unmap_no_wait"),
         ("lofi", "qemu/scenarios/races.py:lofi_unmap_during_io", "late_iocount"),
         ("lofi", "qemu/scenarios/races.py:lofi_unmap_during_io", "free_before_drain"),
         ("lofi", "qemu/scenarios/races.py:lofi_unmap_during_io", "none"),
         ("lofi", "scenarios/lofi/lofi.py:forced_unmap_program", "unmap_no_wait")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iterations", type=int, default=200, help="guest iterations cap per race")
    ap.add_argument("--boots", type=int, default=3, help="warm boot-and-run repetitions")
    ap.add_argument("--sim-runs", type=int, default=100000, help="simulator runs cap per race")
    ap.add_argument("--no-cold", action="store_true", help="skip the cold build")
    a = ap.parse_args()
    why = qemu.missing()
    if why:
        print(json.dumps({"skipped": why}))
        return
    out = {}
    if not a.no_cold:
        with tempfile.TemporaryDirectory() as td:
            old = os.environ.get("KERNSIM_QEMU_CACHE")
            os.environ["KERNSIM_QEMU_CACHE"] = td
            t0 = time.monotonic()
            qemu.build()
            out["build_cold_s"] = round(time.monotonic() - t0, 2)
            if old is None:
                del os.environ["KERNSIM_QEMU_CACHE"]
            else:
                os.environ["KERNSIM_QEMU_CACHE"] = old
    img = qemu.build()
    t0 = time.monotonic()
    img = qemu.build()
    out["build_warm_s"] = round(time.monotonic() - t0, 3)
    progs = [qemu.load_input(SEQ + ":sample_sequence"), qemu.load_input(SEQ + ":lofi_sequence")]
    walls = []
    for _ in range(a.boots):
        t0 = time.monotonic()
        cs = qemu.compare_many(progs, image=img)
        walls.append(time.monotonic() - t0)
        out["sequential_equal"] = all(c.equal for c in cs)
        out["accel"] = cs[0].boot.accel
    walls.sort()
    out["boot_and_run_warm_s"] = {"median": round(walls[len(walls) // 2], 2),
                                  "min": round(walls[0], 2), "max": round(walls[-1], 2),
                                  "boots": a.boots, "programs_per_boot": len(progs)}
    table = []
    for drv, spec, variant in RACES:
        prog = qemu.load_input(os.path.join(ROOT, spec), variant)
        rep = qemu.stress(prog, iterations=a.iterations, smp=2, image=img,
                          sim_runs=a.sim_runs, hang_seconds=3)
        table.append({"driver": drv, "program": spec.split(":")[1], "variant": variant,
                      "guest_iterations": rep.iterations, "guest_failed": rep.failed,
                      "guest_first_failure_iteration": rep.first_failure,
                      "guest_first_failure_runs_s": round(rep.first_failure_seconds, 3),
                      "guest_boot_and_runs_s": round(rep.boot_seconds, 1),
                      "guest_kinds": rep.kinds,
                      "sim_runs_to_failure": rep.sim_runs if rep.sim_failure else None,
                      "sim_runs": rep.sim_runs, "sim_s": round(rep.sim_seconds, 3),
                      "sim_failure": rep.sim_failure})
    out["find_time"] = table
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
