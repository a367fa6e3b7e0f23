#!/usr/bin/python3
"""Which of the illumos 9F and FreeBSD section 9 man-page names each
personality provides, as a JSON table.

A name counts as provided when a driver that includes every header of its
personality (kernel_model/<p>/*/*.h) can use it:
  - it is a function-like macro of those headers (mutex_enter(mp)), or
  - `&name` compiles (declared: a function or an object, or an object-like
    macro onto one) and the symbol it refers to is defined: inline in the
    headers, in the personality's or the kernel model's library, or in the
    host C library (the kernel's string functions are the host's).
Nothing is run; one compile per personality, read with readelf and nm.

The name lists are the man-page indexes themselves (scripts/data/*.txt:
illumos-gate usr/src/man/man9f/Makefile MANFILES+MANLINKS, FreeBSD
share/man/man9/Makefile MAN+MLINKS). A few index entries name a page about
a topic, not an interface (`mutex`, `string`); they are listed in TOPICS
and left out of the counts.

  scripts/personality_coverage.py [--build build] [--source .] [--list]
  (--headers DIR --libs DIR measure another tree, e.g. an older commit's)
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

# Index entries that title an overview page, not a name a driver uses.
TOPICS = {
    "illumos": {"Intro", "intro", "atomic_ops", "avl", "condvar", "credentials",
                "ddi_cred", "ddi_dmae", "ddi_soft_state", "ddi_ufm", "ddi_ufm_image",
                "ddi_ufm_slot", "gld", "id_space", "kiconv", "kstat_queue",
                "membar_ops", "mt-streams", "mutex", "netinfo", "rwlock",
                "semaphore", "string", "taskq", "ddi_prop_lookup",
                "ddi_prop_update", "ddi_peek", "ddi_poke"},
    "freebsd": {"intro", "style", "style.lua", "cdefs", "locking", "device",
                "driver", "bus_space", "bus_dma", "byteorder", "callout",
                "condvar", "copy", "fetch", "store", "mutex", "rwlock", "sx",
                "sema", "sleep", "taskqueue", "uio", "malloc", "kthread",
                "kproc", "time", "module", "lock", "atomic", "nv", "dnv", "cnv",
                "bitset", "cpuset", "sysctl", "signal", "socket", "mbuf",
                "vnode", "ifnet", "pci", "zone", "vmem", "pmap", "counter",
                "refcount", "sbuf", "sglist", "unr", "epoch", "smr", "random",
                "hash", "stack", "crypto", "bhnd", "bhnd_erom", "ieee80211",
                "iflib", "iflibdd", "iflibdi", "iflibtxrx", "usbdi", "superio",
                "rman", "rmlock", "seqc", "sleepqueue", "printf", "panic",
                "sbintime", "microtime", "microuptime", "make_dev", "hz"},
}

# Host C library functions that mean in the kernel what they mean in libc
# (the string and memory functions, the printf family, strtol). Any other
# name that only the host C library defines (getenv, psignal, random ...)
# leaked in through a host header and is not the kernel's: missing.
LIBC_SAME = {
    "bcmp", "bcopy", "bzero", "memchr", "memcmp", "memcpy", "memmove", "memset",
    "strcasecmp", "strcat", "strchr", "strcmp", "strcpy", "strcspn", "strlen",
    "strncasecmp", "strncat", "strncmp", "strncpy", "strnlen", "strrchr", "strspn",
    "strstr", "strtol", "strtoul", "strtoll", "strtoull", "snprintf", "vsnprintf",
    "sprintf", "vsprintf", "va_arg", "va_copy", "va_end", "va_start", "ffs", "fls",
}

INDEXES = {"illumos": "illumos-9f.txt", "freebsd": "freebsd-9.txt"}
# Driver code's compile definitions (none: a module's _init is its own).
DEFINES = {"illumos": [], "freebsd": []}

IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def read_index(personality):
    with open(os.path.join(HERE, "data", INDEXES[personality])) as f:
        names = [l.strip() for l in f if l.strip() and not l.startswith("#")]
    return [n for n in names if n not in TOPICS[personality]]


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def headers_of(hdir, personality):
    """Every header at a real path of the personality (sys/*.h, vm/*.h ...)."""
    root = os.path.join(hdir, personality)
    return sorted(os.path.relpath(p, root) for p in glob.glob(os.path.join(root, "*", "*.h")))


def macros(cc, flags, prelude):
    """Function-like and object-like macros defined after the prelude."""
    out = run([cc, *flags, "-E", "-dM", "-x", "c", "-"], input=prelude)
    if out.returncode:
        sys.exit("the personality headers do not compile together:\n" + out.stderr)
    fn, obj = set(), set()
    for line in out.stdout.splitlines():
        m = re.match(r"#define ([A-Za-z_][A-Za-z0-9_]*)(\(?)", line)
        if m:
            (fn if m.group(2) else obj).add(m.group(1))
    return fn, obj


def probe(cc, flags, prelude, names, workdir):
    """names -> the symbol `&name` refers to (None: does not compile)."""
    pending = list(names)
    symbols = {}
    # Each failing line is dropped and the rest recompiled: an error can
    # hide others, and a name that is a type is a syntax error.
    for _ in range(50):
        src = prelude + "".join(
            f"__attribute__((section(\"ksprobe.{i}\"))) void *ks_probe_{i} = (void *)&{n};\n"
            for i, n in enumerate(pending))
        start = prelude.count("\n") + 1
        cfile = os.path.join(workdir, "probe.c")
        ofile = os.path.join(workdir, "probe.o")
        with open(cfile, "w") as f:
            f.write(src)
        out = run([cc, *flags, "-fmax-errors=0", "-w", "-c", cfile, "-o", ofile])
        bad = set()
        for m in re.finditer(r"probe\.c:(\d+):\d+: error", out.stderr):
            line = int(m.group(1))
            if line >= start:
                bad.add(line - start)
        if out.returncode == 0:
            break
        if not bad:
            sys.exit("probe failed outside the probe lines:\n" + out.stderr[:4000])
        for i in bad:
            symbols[pending[i]] = None
        pending = [n for i, n in enumerate(pending) if i not in bad]
    rel = run(["readelf", "-rW", ofile]).stdout
    section = None
    for line in rel.splitlines():
        m = re.match(r"Relocation section '\.relaksprobe\.(\d+)'", line)
        if m:
            section = int(m.group(1))
            continue
        if section is not None:
            f = line.split()
            if len(f) >= 5 and re.match(r"^[0-9a-f]+$", f[0]):
                symbols[pending[section]] = f[4].split("@")[0]
                section = None
    local = set()
    for line in run(["nm", "--defined-only", ofile]).stdout.splitlines():
        f = line.split()
        if len(f) == 3:
            local.add(f[2])
    for n in pending:
        symbols.setdefault(n, "")  # resolved in the section itself (a section symbol)
    return symbols, local


def defined_in(paths):
    names = set()
    for p in paths:
        dyn = ["-D"] if p.endswith(".so") or ".so." in p else []
        for line in run(["nm", *dyn, "--defined-only", p]).stdout.splitlines():
            f = line.split()
            # global, weak or indirect (libc's memcpy is an ifunc)
            if len(f) == 3 and f[1] in "TDBRWVGSCiuvw":
                names.add(f[2].split("@")[0])
    return names


def libc_path(cc):
    p = run([cc, "-print-file-name=libc.so.6"]).stdout.strip()
    return p if os.path.exists(p) else "/lib/x86_64-linux-gnu/libc.so.6"


def host_of(build):
    """A host binary: what a driver module resolves its kernel calls
    against is what a host exports (the Python extension here)."""
    found = sorted(glob.glob(os.path.join(build, "python", "kernsim", "_core*.so")))
    if not found:
        sys.exit(f"personality_coverage: no kernsim/_core*.so under {build}/python: build first")
    return found[0]


def measure(personality, hdir, host, cc):
    flags = ["-std=gnu11", "-I", os.path.join(hdir, personality), "-I", os.path.join(hdir, "abi"),
             *DEFINES[personality]]
    prelude = "".join(f"#include <{h}>\n" for h in headers_of(hdir, personality))
    names = read_index(personality)
    fn_macros, obj_macros = macros(cc, flags, prelude)
    with tempfile.TemporaryDirectory() as work:
        to_probe = [n for n in names if n not in fn_macros and IDENT.match(n)]
        symbols, local = probe(cc, flags, prelude, to_probe, work)
    defined = defined_in([host])
    libc = defined_in([libc_path(cc)])
    provided, missing, how = [], [], {}
    for n in names:
        if n in fn_macros:
            provided.append(n)
            how[n] = "macro"
            continue
        sym = symbols.get(n)
        if sym is None:
            missing.append(n)
        elif sym == "" or sym.startswith(".") or sym in local or sym in defined:
            provided.append(n)
            how[n] = "linked" if sym in defined else "inline"
        elif sym in libc and n in LIBC_SAME:
            provided.append(n)
            how[n] = "host libc"
        elif sym in libc:
            missing.append(n)
            how[n] = "declared, not defined: only the host C library's " + sym
        else:
            missing.append(n)
            how[n] = "declared, not defined: " + sym
    return {"index": INDEXES[personality], "names": len(names), "provided": len(provided),
            "missing": len(missing), "provided_names": provided, "missing_names": missing,
            "notes": {n: v for n, v in how.items() if v.startswith("declared")}}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    root = os.path.dirname(HERE)
    ap.add_argument("--source", default=root, help="repository root")
    ap.add_argument("--build", default=os.path.join(root, "build"), help="build directory")
    ap.add_argument("--headers", help="kernel_model directory (default: SOURCE/kernel_model)")
    ap.add_argument("--host", help="a host binary exporting the kernel API "
                    "(default: BUILD/python/kernsim/_core*.so)")
    ap.add_argument("--list", action="store_true", help="include the provided/missing lists")
    ap.add_argument("--cc", default=os.environ.get("CC", "cc"))
    a = ap.parse_args()
    hdir = a.headers or os.path.join(a.source, "kernel_model")
    host = a.host or host_of(a.build)
    table = {}
    for p in ("illumos", "freebsd"):
        r = measure(p, hdir, host, a.cc)
        if not a.list:
            r = {k: v for k, v in r.items() if not k.endswith("_names")}
        table[p] = r
    json.dump(table, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == "__main__":
    main()
