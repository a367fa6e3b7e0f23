#!/usr/bin/env python3
"""Fails on an #include that runs upward or sideways through kernsim's
layers (DESIGN.md, "Layers"): data flows down, never up. Run by the build
(target check_layers), so a violation stops it:

    python3 scripts/check_layers.py [ROOT]

A layer may include itself and the layers listed for it, nothing else.
Quoted includes name a path from the repository root ("sim/sim.h") or a
file beside the includer ("lofi.h", "illumos/il_state.h" from
kernel_model/ is the personality's file and judged as such).

The personalities' headers sit at the real systems' paths (<sys/ddi.h>),
so an angle include is checked too where it could reach one: in the kernel
model (which includes no personality) and in a personality (which includes
no other), an angle include naming a personality's header that is not the
host's own (the kernel model's <sys/uio.h> is the host's) is rejected.
Drivers include their personality's headers; that is their business.
"""
import os
import re
import sys

# layer (a path prefix) -> the prefixes it may include besides itself.
# The most specific prefix of a file decides its layer.
BELOW = {
    "sim/": [],
    "kernel_model/": ["sim/", "kernsim/"],
    "kernel_model/illumos/": ["kernel_model/", "sim/", "kernsim/"],
    "kernel_model/freebsd/": ["kernel_model/", "sim/", "kernsim/"],
    # The places the design keeps for the other personalities (shared
    # DESIGN.md: illumos, freebsd, streams, qnx): STREAMS semantics live in
    # the neutral kernel model (kernel_model/stream*.cc), not here.
    "kernel_model/streams/": ["kernel_model/", "sim/", "kernsim/"],
    "kernel_model/qnx/": ["kernel_model/", "sim/", "kernsim/"],
    "drivers/": [],
    "runner/": ["kernel_model/", "sim/", "kernsim/"],
    "fuzz/": ["runner/", "kernel_model/", "sim/", "kernsim/"],
    "bench/": ["runner/", "drivers/", "kernel_model/", "sim/", "kernsim/"],
    "python/": ["fuzz/", "runner/", "kernel_model/", "sim/", "kernsim/"],
}
# Personalities are siblings: each one's headers are its own. tests/ is
# above everything and checked by nobody.
PERSONALITIES = ("kernel_model/illumos/", "kernel_model/freebsd/", "kernel_model/streams/",
                 "kernel_model/qnx/")
TARGETS = list(BELOW) + ["tests/"]
SOURCES = (".c", ".cc", ".h")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
ANGLE = re.compile(r'^\s*#\s*include\s+<([^>]+)>', re.M)
# Where the host's own headers are: a personality header with the same path
# as one of these is what the kernel model's compiler finds.
HOST_INCLUDE = ("/usr/include", "/usr/include/x86_64-linux-gnu", "/usr/local/include")


def layer_of(rel, layers=BELOW):
    best = None
    for prefix in layers:
        if rel.startswith(prefix) and (best is None or len(prefix) > len(best)):
            best = prefix
    return best


def target_layer(inc):
    """The layer an include names, or None for one that names no layer
    (a file beside the includer)."""
    if inc.startswith("kernsim/"):
        return "kernsim/"
    return layer_of(inc, TARGETS)


def allowed(mine, theirs):
    if theirs is None or theirs == mine:
        return True
    if theirs in PERSONALITIES:
        return False  # only a personality itself reaches into its files
    return any(theirs.startswith(a) for a in BELOW[mine])


def resolve(root, rel, inc):
    """The repository path a quoted include names: beside the includer if
    such a file exists there, else from the root."""
    beside = os.path.normpath(os.path.join(os.path.dirname(rel), inc)).replace(os.sep, "/")
    if not beside.startswith("../") and os.path.isfile(os.path.join(root, beside)):
        return beside
    return inc


def personality_header(root, mine, inc):
    """The personality whose header <inc> names, if the includer (kernel model
    or a personality) may not reach it; None otherwise."""
    if mine != "kernel_model/" and mine not in PERSONALITIES:
        return None
    if any(os.path.isfile(os.path.join(d, inc)) for d in HOST_INCLUDE):
        return None
    if mine in PERSONALITIES and os.path.isfile(os.path.join(root, mine, inc)):
        return None  # its own header at that path comes first
    for p in PERSONALITIES:
        if p != mine and os.path.isfile(os.path.join(root, p, inc)):
            return p
    return None


def violations(root):
    out = []
    for top in BELOW:
        if top.count("/") > 1:
            continue  # visited under its parent
        for dirpath, _, files in os.walk(os.path.join(root, top)):
            for name in sorted(files):
                if not name.endswith(SOURCES):
                    continue
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, root).replace(os.sep, "/")
                mine = layer_of(rel)
                with open(path, errors="replace") as f:
                    text = f.read()
                for m in INCLUDE.finditer(text):
                    inc = m.group(1)
                    theirs = target_layer(resolve(root, rel, inc))
                    if allowed(mine, theirs):
                        continue
                    line = text.count("\n", 0, m.start()) + 1
                    out.append(f"{rel}:{line}: includes \"{inc}\" ({theirs.rstrip('/')}), "
                               f"which {mine.rstrip('/')} may not: a layer includes only "
                               f"those below it (DESIGN.md, Layers)")
                for m in ANGLE.finditer(text):
                    inc = m.group(1)
                    theirs = personality_header(root, mine, inc)
                    if theirs is None:
                        continue
                    line = text.count("\n", 0, m.start()) + 1
                    out.append(f"{rel}:{line}: includes <{inc}>, a header of "
                               f"{theirs.rstrip('/')}, which {mine.rstrip('/')} may not: the "
                               f"kernel model includes no personality, and a personality "
                               f"no other (DESIGN.md, Layers)")
    return out


def main(argv):
    root = os.path.abspath(argv[1] if len(argv) > 1 else
                           os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    bad = violations(root)
    for v in bad:
        print(v, file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
