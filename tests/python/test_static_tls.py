"""The core module's thread-local block stays small. It holds initial-exec
variables (sim.h: one %fs load per primitive), so glibc must place the
module's whole block in the static TLS it keeps spare for dlopen'ed
modules, about 1.6 KiB in all; a larger block makes `import kernsim` fail
with "cannot allocate memory in static TLS block". A per-type
thread_local deque set in a header template once grew it to 1880 bytes;
the bound here leaves room for the other modules Python loads."""
import glob
import os
import subprocess

import kernsim


def tls_size(path):
    out = subprocess.run(["readelf", "-lW", path], capture_output=True, text=True,
                         check=True).stdout
    for line in out.splitlines():
        f = line.split()
        if f and f[0] == "TLS":
            return int(f[5], 16)  # MemSiz
    return 0


def test_the_core_modules_thread_local_block_fits_static_tls():
    core = glob.glob(os.path.join(os.path.dirname(kernsim.__file__), "_core*.so"))
    assert core, "no kernsim/_core*.so beside the package"
    size = tls_size(core[0])
    assert 0 < size <= 1024, f"{core[0]}: thread-local block of {size} bytes"
