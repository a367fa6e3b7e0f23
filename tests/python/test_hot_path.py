"""The scheduling path sits where cmake/hot_path.ld puts it: first in the
core module's code, from a page boundary, every function it lists there.
The script names functions by their mangled names, so renaming one (or
changing its parameters) would silently drop it from the list and bring
back figures that follow the link layout; this test names the pattern
that matches nothing."""
import fnmatch
import glob
import os
import re
import subprocess

import kernsim

ROOT = os.environ.get("KERNSIM_ROOT") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "cmake", "hot_path.ld")


def core_module():
    core = glob.glob(os.path.join(os.path.dirname(kernsim.__file__), "_core*.so"))
    assert core, "no kernsim/_core*.so beside the package"
    return core[0]


def sections(path):
    """name -> (address, size) of each section."""
    out = subprocess.run(["readelf", "-SW", path], capture_output=True, text=True,
                         check=True).stdout
    found = {}
    for m in re.finditer(r"\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)", out):
        found[m.group(1)] = (int(m.group(2), 16), int(m.group(3), 16))
    return found


def functions_in(path, lo, hi):
    out = subprocess.run(["nm", "--defined-only", path], capture_output=True, text=True,
                         check=True).stdout
    names = []
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and f[1] in "tT" and lo <= int(f[0], 16) < hi:
            names.append(f[2])
    return names


def patterns():
    """The function patterns the script lists (`*(.text.NAME)`), in order."""
    with open(SCRIPT) as f:
        text = re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)
    return re.findall(r"\*\(\.text\.([^)\s]+)\)", text)


def hosts():
    """The core module, and bench_core where the build has it (the figures
    are measured there): a function one of them inlines everywhere is
    out of line in the other."""
    found = [core_module()]
    bench = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(kernsim.__file__))),
                         "bench", "bench_core")
    if os.path.exists(bench):
        found.append(bench)
    return found


def hot_functions(path):
    secs = sections(path)
    assert ".text.ks_hot" in secs, f"{path}: no .text.ks_hot: linked without the script"
    hot, text = secs[".text.ks_hot"], secs[".text"]
    assert hot[0] % 4096 == 0, f"{path}: .text.ks_hot at {hot[0]:#x}, not on a page boundary"
    assert hot[0] < text[0], f"{path}: .text.ks_hot comes after .text"
    return functions_in(path, hot[0], hot[0] + hot[1])


def test_every_listed_function_is_first_from_a_page_boundary():
    names = {h: hot_functions(h) for h in hosts()}
    for h, fns in names.items():
        assert "jump_fcontext" in fns, f"{h}: Boost.Context's jump_fcontext is not in .text.ks_hot"
    pats = patterns()
    assert len(pats) > 20, f"{SCRIPT}: read only {len(pats)} patterns"
    missing = [p for p in pats if not any(fnmatch.filter(fns, p) for fns in names.values())]
    assert not missing, (f"{SCRIPT} lists functions no host has out of line "
                         f"(renamed? mangled names): {missing}")
