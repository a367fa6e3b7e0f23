#!/usr/bin/python3
"""Which C symbols of the illumos personality the simulator gives and the
Linux backend (qemu/linux_ddi) does not: a driver calling one builds for
the simulator and fails to build as a Linux module (modpost: undefined).

  declared: every function the personality's headers declare extern
            (kernel_model/illumos/*/*.h and kernsim/abi.h, read with gcc
            -aux-info) and every extern object of them;
  simulator: of those, the ones the simulator's host binary defines
            (BUILD/python/kernsim/_core*.so), its C library's string
            family aside;
  backend:  the symbols a module built through qemu/build_module.sh defines
            (nm of a .ko: --ko, or the cached QEMU image's ks_sample.ko).
Nothing is run and nothing is booted. Prints JSON: the counts, and with
--list the names the backend lacks (and, apart, those of them the STREAMS
headers declare: the backend has no stream framework).

  scripts/qemu_parity.py [--build build] [--ko out/qemu/KEY/ks_sample.ko] [--list]
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import personality_coverage as pc  # noqa: E402  (headers_of, defined_in, host_of)

# The personality's own glue the backend implements differently (a header
# macro bottoms out in it on one side only) is still listed: a name either
# side lacks is a name a driver cannot count on.


# STREAMS (sys/stream.h, sys/strsun.h, sys/stropts.h, sys/strlog.h): the backend has no
# stream framework at all, so these names are listed apart (streams_names).
STREAMS_HEADERS = ("sys/stream.h", "sys/strsun.h", "sys/stropts.h", "sys/strlog.h")


def declared(cc, hdir, streams=None):
    """Functions and objects declared extern by the illumos headers; the
    functions the STREAMS headers declare are added to `streams`."""
    root = os.path.join(hdir, "illumos")
    prelude = "".join(f"#include <{h}>\n" for h in pc.headers_of(hdir, "illumos"))
    flags = ["-std=gnu11", "-I", root, "-I", os.path.join(hdir, "abi")]
    fns = set()
    with tempfile.TemporaryDirectory() as work:
        c = os.path.join(work, "decl.c")
        aux = os.path.join(work, "decl.aux")
        with open(c, "w") as f:
            f.write(prelude)
        r = pc.run([cc, *flags, "-aux-info", aux, "-fsyntax-only", c])
        if r.returncode:
            sys.exit("qemu_parity: the personality headers do not compile:\n" + r.stderr)
        with open(aux) as f:
            for line in f:
                m = re.match(r"/\* (\S+):\d+:(\w)(\w) \*/ (.*)", line)
                if not m or m.group(3) != "C" or "kernel_model" not in m.group(1):
                    continue
                decl = m.group(4)
                if re.match(r"\s*(static|inline)\b", decl):
                    continue
                n = re.search(r"\b([A-Za-z_]\w*)\s*\(", decl.split("__attribute__")[0])
                if n:
                    fns.add(n.group(1))
                    if streams is not None and m.group(1).endswith(STREAMS_HEADERS):
                        streams.add(n.group(1))
        pre = pc.run([cc, *flags, "-E", "-P", c]).stdout
    objs = set()
    for m in re.finditer(r"^\s*extern\s+[^();{}]*?\b([A-Za-z_]\w*)\s*(\[[^\]]*\])?\s*;",
                         pre, re.M):
        objs.add(m.group(1))
    return fns, objs


def cached_ko():
    found = sorted(glob.glob(os.path.join(os.path.dirname(HERE), "out", "qemu", "*",
                                          "mod_sample", "ks_sample.ko")), key=os.path.getmtime)
    return found[-1] if found else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    root = os.path.dirname(HERE)
    ap.add_argument("--source", default=root, help="repository root (its kernel_model)")
    ap.add_argument("--build", default=os.path.join(root, "build"))
    ap.add_argument("--ko", help="a module built through qemu/build_module.sh "
                    "(default: the newest cached image's mod_sample/ks_sample.ko)")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--cc", default=os.environ.get("CC", "cc"))
    a = ap.parse_args()
    ko = a.ko or cached_ko()
    if not ko or not os.path.exists(ko):
        sys.exit("qemu_parity: no module to read: build one (qemu/build_module.sh "
                 "drivers/sample DIR) and pass --ko DIR/ks_sample.ko")
    hdir = os.path.join(a.source, "kernel_model")
    streams = set()
    fns, objs = declared(a.cc, hdir, streams)
    sim = pc.defined_in([pc.host_of(a.build)])
    backend = pc.defined_in([ko])
    # the module's own symbols are local in a .ko; nm lists them lowercase
    for line in pc.run(["nm", "--defined-only", ko]).stdout.splitlines():
        f = line.split()
        if len(f) == 3:
            backend.add(f[2])
    # The string family resolves against the Linux kernel's own exports,
    # which mean there what they mean in the simulator.
    kbuild = pc.run(["bash", os.path.join(root, "qemu", "kernel_paths.sh")]).stdout
    m = re.search(r"^KBUILD=(.*)$", kbuild, re.M)
    symvers = os.path.join(m.group(1), "Module.symvers") if m else ""
    if os.path.exists(symvers):
        with open(symvers) as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 2 and parts[1] in pc.LIBC_SAME | {"strlcpy", "strlcat"}:
                    backend.add(parts[1])
    names = (fns | objs) & sim
    missing = sorted(names - backend)
    out = {"module": os.path.relpath(ko, root) if ko.startswith(root) else ko,
           "declared": len(fns | objs), "simulator": len(names),
           "backend": len(names) - len(missing), "missing": len(missing)}
    if a.list:
        out["missing_names"] = missing
        out["given_names"] = sorted(names - set(missing))
        out["streams_names"] = sorted(streams & set(missing))
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == "__main__":
    main()
