#!/usr/bin/python3
"""Where a Program execution's instructions go, and how much of them is the
Program's set-up after the boot (issue 14, "boot once": the part a deeper
image, taken after the set-up, could skip). Counted by callgrind, which is
deterministic (an instruction count, not a time), over the execution loop
only (`run_campaign`); the per-execution figure is the loop's total over
its runs, so the first execution's boot is spread over them (run enough).

    /usr/bin/python3 bench/bench_prefix.py [--build build] [--runs 2000]

Prints JSON: instructions per execution, the set-up's parts (the boot
image's restore, the backing files, the processes, the threads' spawns)
with their share, and the execution's exclusive cost grouped by layer.
Needs valgrind (Debian's `valgrind` package).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CASES = {
    "lofi_forced_unmap_program": ("scenarios/lofi/lofi.py:forced_unmap_program",
                                  {"readers": 2, "writers": 1}),
    "ctl_wakeup_program": ("scenarios/ctl/wakeup.py:wakeup_program", {}),
}

CHILD = r"""
import json, sys, kernsim
scn = kernsim.resolve(sys.argv[1])
r = kernsim.explore(scn, strategy="pct", runs=int(sys.argv[2]), seed=11, variant="none",
                    params=json.loads(sys.argv[3]))
if r.failure:
    sys.exit(f"bench: the correct driver failed: {r.failure}")
"""

# The set-up's parts: functions that run on the host (never on a fiber),
# so the cost of the calls made to them is theirs alone. program_load is
# the whole set-up.
SETUP = {
    "program_load": r"ks::km::program_load\(",
    "boot_image_restore": r"ks::km::World::restore_boot\(",
    "backing_files": r"ks::km::vfs_create\(",
    "processes": r"ks::km::proc_create\(",
}

# Exclusive cost by layer, by the function a line was compiled into. First
# match wins; what matches none is "other".
LAYERS = [
    ("scheduler", r"ks::sim::|jump_fcontext|make_fcontext|ontop_fcontext"),
    ("kmem", r"ks::km::kmem_|KmemState|World::kmem|redzone|ks_kmem_"),
    ("user_memory", r"user_mem|copy_pages|copyin|copyout|as_map|user_write|user_read|"
                    r"ks_copy|ddi_copy|UserPage|AddressSpace|page_put"),
    ("driver", r"^build/drivers/|/drivers/"),
    ("libc_string", r"__mem|__str|strlen|strcmp"),
    ("setup_teardown", r"program_load|restore_boot|World::reset|on_quiescent|teardown|"
                       r"vfs_create|proc_create|DriverRecordOf|WorldReuse|run_once|run_world"),
    ("locks", r"mutex|condvar|rwlock|sema_|witness|check_sleep|check_block|assert_may"),
    ("system_calls", r"syscalls\.cc|program\.cc|ks::km::sys_|getf|curproc|user_process|"
                     r"wait_for_boot|program_syscall"),
    ("devices_and_personality", r"devsw|ddi_|vn_|vnode|kstat|illumos|instances|props|"
                                r"taskq|kernel_printf|kernel_vsnprintf"),
]


def callgrind(build, spec, params, runs, out):
    root = os.path.dirname(os.path.abspath(build))
    env = dict(os.environ, PYTHONPATH=os.path.join(build, "python"), KERNSIM_ROOT=root)
    env.pop("KERNSIM_DRIVER_PATH", None)
    cmd = ["valgrind", "--tool=callgrind", "--toggle-collect=ks::runner::run_campaign*",
           "--callgrind-out-file=" + out, sys.executable, "-c", CHILD,
           os.path.join(root, spec), str(runs), json.dumps(params)]
    r = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"bench: callgrind of {spec} failed: {r.stderr.strip()[-2000:]}")


def functions(out):
    """{file:function: exclusive instructions} from callgrind_annotate."""
    r = subprocess.run(["callgrind_annotate", "--auto=no", "--threshold=100",
                        "--inclusive=no", out], capture_output=True, text=True, check=True)
    table = {}
    for line in r.stdout.splitlines():
        m = re.match(r"\s*([\d,]+) \([ \d.]+%\)\s+(.*)$", line)
        if not m:
            continue
        name = re.sub(r" \[[^\]]*\]$", "", m.group(2))
        table[name] = table.get(name, 0) + int(m.group(1).replace(",", ""))
    return table


def calls_into(out, patterns):
    """{part: instructions of every call made to a function matching its
    pattern}, from the profile's call records (the cost a `calls=` line's
    next line gives is the call's inclusive cost). Read from the calls, not
    from callgrind_annotate's inclusive table, which lists a function once
    per file its inlined code came from."""
    names, total = {}, {k: 0 for k in patterns}
    callee, after_calls = None, False
    with open(out) as f:
        for line in f:
            if after_calls:
                after_calls = False
                cost = line.split()
                if callee is not None and len(cost) >= 2:
                    for part, pat in patterns.items():
                        if re.match(pat, callee):
                            total[part] += int(cost[1])
                continue
            if line.startswith(("fn=", "cfn=")):
                m = re.match(r"c?fn=\((\d+)\)(?: (.*))?", line.rstrip("\n"))
                if m:
                    if m.group(2) is not None:
                        names[m.group(1)] = m.group(2)
                    name = names.get(m.group(1))
                else:
                    name = line.split("=", 1)[1].rstrip("\n")
                if line.startswith("cfn="):
                    callee = name
            elif line.startswith("calls="):
                after_calls = True
    return total


def measure(build, spec, params, runs):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "callgrind.out")
        callgrind(build, spec, params, runs, out)
        excl = functions(out)
        parts = calls_into(out, SETUP)
    total = excl.pop("PROGRAM TOTALS", 0)
    per = total / runs
    res = {"runs": runs, "instructions_per_execution": round(per)}
    setup = {}
    for part, v in parts.items():
        setup[part] = {"per_execution": round(v / runs), "share": round(v / total, 4)}
    # What the set-up does after the boot's restore: the part a deeper image
    # would copy back instead (files, processes, the threads' spawns, the
    # run's own records).
    after = setup["program_load"]["per_execution"] - setup["boot_image_restore"]["per_execution"]
    setup["after_boot"] = {"per_execution": after, "share": round(after / per, 4)}
    before_spawn = (setup["backing_files"]["per_execution"] +
                    setup["processes"]["per_execution"])
    setup["before_first_spawn"] = {"per_execution": before_spawn,
                                   "share": round(before_spawn / per, 4)}
    res["setup"] = setup
    layers = {name: 0 for name, _ in LAYERS}
    layers["other"] = 0
    for f, n in excl.items():
        for name, pat in LAYERS:
            if re.search(pat, f):
                layers[name] += n
                break
        else:
            layers["other"] += n
    res["exclusive_by_layer"] = {k: {"per_execution": round(v / runs),
                                     "share": round(v / total, 4)} for k, v in layers.items()}
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"), help="the build directory")
    ap.add_argument("--runs", type=int, default=2000)
    ap.add_argument("--case", choices=sorted(CASES), action="append",
                    help="one case (repeatable); all by default")
    a = ap.parse_args()
    for tool in ("valgrind", "callgrind_annotate"):
        if not shutil.which(tool):
            sys.exit(f"bench: {tool} is not installed (Debian package valgrind)")
    res = {}
    for name in a.case or sorted(CASES):
        spec, params = CASES[name]
        res[name] = measure(os.path.abspath(a.build), spec, params, a.runs)
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
