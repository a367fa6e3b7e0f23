"""The ctest entry `libfuzzer` (fuzz/CMakeLists.txt): builds the clang tree
with -DKS_LIBFUZZER=ON (AddressSanitizer everywhere, libFuzzer coverage on
the drivers) under <build>/libfuzzer, incrementally, then checks

  - the C++ tests pass under ASan (the fiber annotations: switches, faults
    recovered by siglongjmp, abandoned fibers);
  - libFuzzer on the correct lofi, a fixed seed and run budget: no finding;
  - libFuzzer on lofi minor_overrun: a finding, its repro written to
    KERNSIM_REPRO_DIR, replayed by `python3 -m kernsim replay` of the main
    (gcc) build with the same outcome and trace hash, and its minimized input
    a finding again through the gcc build's ks_fuzz_lofi_run;
  - libFuzzer on sample stats_no_copyout: a driver fault (a store through a
    user pointer) recovered under ASan as fault:user_address, replayed the
    same by the gcc build.

Budgets are execution counts with a fixed -seed, never wall time. Exit 77
(ctest: skipped) when clang cannot build a libFuzzer binary here.

    ctest_libfuzzer.py --source REPO --build MAIN_BUILD [--build-only | --no-build]

The main build makes the tree (target libfuzzer_tree, --build-only), and
the ctest entry only runs the checks (--no-build; it fails, naming the
target, when the tree is missing): built inside the entry, on a loaded
2-core machine, the tree took 1,234 s of the entry's 1,500 s limit.
"""

import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile

SKIP = 77


def run(cmd, **kw):
    print("+", " ".join(cmd), flush=True)
    return subprocess.run(cmd, **kw)


def have_libfuzzer(tmp):
    src = os.path.join(tmp, "probe.cc")
    with open(src, "w") as f:
        f.write('#include <cstdint>\n#include <cstddef>\nextern "C" int LLVMFuzzerTestOneInput'
                '(const uint8_t*, size_t) { return 0; }\n')
    if not shutil.which("clang++") or not shutil.which("clang"):
        return False
    r = subprocess.run(["clang++", "-fsanitize=fuzzer,address", src, "-o", os.path.join(tmp, "probe")],
                       capture_output=True, text=True)
    return r.returncode == 0


def fail(msg):
    print("FAIL:", msg, flush=True)
    sys.exit(1)


def fuzz(binary, variant, runs, seed, tmp, name):
    """One libFuzzer campaign; (returncode, stderr, repro paths)."""
    out = os.path.join(tmp, name)
    os.makedirs(out)
    env = dict(os.environ, KERNSIM_VARIANT=variant, KERNSIM_REPRO_DIR=out)
    env.pop("KERNSIM_FUZZ_CONTINUE", None)
    r = run([binary, f"-runs={runs}", f"-seed={seed}", f"-artifact_prefix={out}/", "-print_final_stats=1"],
            env=env, capture_output=True, text=True, timeout=900)
    tail = "\n".join(r.stderr.splitlines()[-40:])
    print(tail, flush=True)
    return r.returncode, r.stderr, sorted(glob.glob(os.path.join(out, "*.repro.txtpb")))


def replay(build, source, repro):
    env = dict(os.environ, PYTHONPATH=os.path.join(build, "python"), KERNSIM_ROOT=source)
    r = run(["/usr/bin/python3", "-m", "kernsim", "replay", repro], env=env, capture_output=True,
            text=True, timeout=300)
    print(r.stdout, r.stderr, flush=True)
    return r


def expect_finding(build, source, rc, err, repros, signature, what):
    if rc == 0 or not repros:
        fail(f"{what}: libFuzzer reported no crash (rc {rc}) or wrote no repro")
    if f"({signature}" not in err:
        fail(f"{what}: the finding is not {signature}")
    if "replay matches" not in err:
        fail(f"{what}: the harness's own replay of the repro did not match")
    if len(repros) != 1:
        fail(f"{what}: expected one repro, got {repros}")
    r = replay(build, source, repros[0])
    if r.returncode != 0 or "MATCH" not in r.stdout:
        fail(f"{what}: `kernsim replay {repros[0]}` in the gcc build did not reproduce it")
    return repros[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", required=True)
    ap.add_argument("--build", required=True, help="the main (gcc) build: its Python package replays")
    ap.add_argument("--build-only", action="store_true",
                    help="configure and build the clang tree, then stop (the main build's "
                    "target libfuzzer_tree)")
    ap.add_argument("--no-build", action="store_true",
                    help="check the tree the main build made; build nothing (the ctest entry)")
    a = ap.parse_args()
    fz = os.path.join(a.build, "libfuzzer")
    tmp = tempfile.mkdtemp(prefix="kernsim-libfuzzer-")
    try:
        if not have_libfuzzer(tmp):
            print("SKIP: clang with libFuzzer and ASan (clang, libclang-rt-14-dev) is not installed")
            return 0 if a.build_only else SKIP
        if a.no_build:
            missing = [t for t in ("fuzz/ks_fuzz_lofi", "fuzz/ks_fuzz_sample",
                                   "tests/cpp/ks_cpp_tests")
                       if not os.path.exists(os.path.join(fz, t))]
            if missing:
                fail(f"the libFuzzer tree has no {', '.join(missing)}: the main build makes it "
                     f"(cmake --build {a.build}, target libfuzzer_tree)")
        else:
            build_tree(a, fz)
        if a.build_only:
            return 0
        run_checks(a, fz, tmp)
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def build_tree(a, fz):
    env = dict(os.environ, CC="clang", CXX="clang++")
    r = run(["cmake", "-S", a.source, "-B", fz, "-DCMAKE_BUILD_TYPE=RelWithDebInfo", "-DKS_LIBFUZZER=ON"],
            env=env, capture_output=True, text=True)
    if r.returncode != 0:
        fail("configuring the libFuzzer tree:\n" + r.stdout[-3000:] + r.stderr[-3000:])
    r = run(["cmake", "--build", fz, "-j2", "--target", "ks_fuzz_lofi", "ks_fuzz_sample", "ks_cpp_tests"],
            capture_output=True, text=True)
    if r.returncode != 0:
        fail("building the libFuzzer tree:\n" + r.stdout[-6000:] + r.stderr[-3000:])


def run_checks(a, fz, tmp):
    # The C++ tests under ASan. Leak checking is off: a stopped run
    # abandons its fibers mid-call by design (fuzz/entry.cc).
    r = run([os.path.join(fz, "tests", "cpp", "ks_cpp_tests"), "--gtest_brief=1"],
            env=dict(os.environ, ASAN_OPTIONS="detect_leaks=0"), capture_output=True, text=True,
            timeout=600)
    print(r.stdout[-3000:], r.stderr[-3000:], flush=True)
    if r.returncode != 0 or "ERROR: AddressSanitizer" in r.stderr:
        fail("the C++ tests under AddressSanitizer")

    lofi = os.path.join(fz, "fuzz", "ks_fuzz_lofi")
    rc, err, repros = fuzz(lofi, "none", 20000, 1, tmp, "lofi-none")
    if rc != 0 or repros or "Done 20000 runs" not in err:
        fail(f"correct lofi: rc {rc}, repros {repros}: a false positive, or the campaign did not finish")

    rc, err, repros = fuzz(lofi, "minor_overrun", 400000, 1, tmp, "lofi-minor_overrun")
    repro = expect_finding(a.build, a.source, rc, err, repros, "scenario:oracle:LOFI_MAP_FILE.minor",
                           "lofi minor_overrun")
    # The minimized input is a finding for the gcc build's entry point too.
    r = run([os.path.join(a.build, "fuzz", "ks_fuzz_lofi_run"), repro[:-len(".repro.txtpb")] + ".input"],
            env=dict(os.environ, KERNSIM_VARIANT="minor_overrun", KERNSIM_FUZZ_CONTINUE="1",
                     KERNSIM_REPRO_DIR=os.path.join(tmp, "gcc-rerun")),
            capture_output=True, text=True, timeout=300)
    print(r.stderr[-2000:], flush=True)
    if r.returncode != 1 or "scenario:oracle:LOFI_MAP_FILE.minor" not in r.stderr:
        fail("the minimized input is not a finding through ks_fuzz_lofi_run (gcc)")

    sample = os.path.join(fz, "fuzz", "ks_fuzz_sample")
    rc, err, repros = fuzz(sample, "stats_no_copyout", 20000, 1, tmp, "sample-stats_no_copyout")
    expect_finding(a.build, a.source, rc, err, repros, "fault:user_address", "sample stats_no_copyout")
    if "ERROR: AddressSanitizer" in err:
        fail("sample stats_no_copyout: ASan reported the fault instead of kernsim's handler")
    print("OK", flush=True)


if __name__ == "__main__":
    sys.exit(main())
