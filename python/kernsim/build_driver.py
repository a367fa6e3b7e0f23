"""kernsim build-driver: builds a driver module from its C sources, in the
user's own directory, exactly as the shipped drivers are built (the flags
come from the build, cmake/KernsimDriver.cmake, via build_config.json)."""

import functools
import json
import os
import re
import subprocess
import sys

from .errors import KernsimError

PERSONALITIES = ("illumos", "freebsd", "qnx")


def config():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "build_config.json")
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise KernsimError(f"cannot read {path} (made by kernsim's build): {e}") from e


def cov_path(out):
    """Where the edge-coverage build of module `out` goes: cov/ beside it,
    where a fuzzing World looks for it (kernel_model/module.h)."""
    d, f = os.path.split(out)
    return os.path.join(d, "cov", f)


REGISTRATION_MACROS = ("KS_ILLUMOS_DRIVER(", "KS_FREEBSD_DRIVER(", "KS_QNX_DRIVER(")


def registration(personality, out, sources, defines):
    """The sources and definitions to build with. A driver whose sources
    name no registration macro (KS_<PERSONALITY>_DRIVER, which also lists
    its bug variants) is registered from what it declares for its own
    kernel: KS_MODULE_NAME (the module's file name, as illumos names
    modules) makes FreeBSD's DECLARE_MODULE register it, and illumos's
    kernel_model/illumos/ks_module_auto.c names its _init and _fini."""
    for s in sources:
        with open(s, errors="replace") as f:
            if any(m in f.read() for m in REGISTRATION_MACROS):
                return list(sources), list(defines)
    name = os.path.basename(out)
    if name.endswith(".so"):
        name = name[:-3]
    extra = config().get("registration", {}).get(personality)
    return (list(sources) + ([extra] if extra else []),
            list(defines) + [f'KS_MODULE_NAME="{name}"'])


def commands(personality, out, sources, defines=(), includes=(), cc=None, coverage=True,
             cwd=None, race=False):
    """(command lines, temporary files) that build `out` from `sources`: one
    line that compiles and links the plain build, and with coverage one
    more for the fuzzer's build (cov_path(out)); with race, one per source
    compiling to the temporary `out`.N.o with the race instrumentation (and
    no edge coverage), then the link, without it: the compiler would link
    its own TSan runtime, and kernsim is the runtime."""
    sources, defines = registration(personality, out, sources, defines)
    if not race:
        cmds = [command(personality, out, sources, defines, includes, cc, False, cwd)]
        if coverage:
            cmds.append(command(personality, cov_path(out), sources, defines, includes, cc,
                                True, cwd))
        return cmds, []
    objs = [f"{out}.{i}.o" for i in range(len(sources))]
    cmds = [_compile(personality, cc, defines, includes, cwd, config()["race_flags"])
            + ["-c", "-o", o, s] for o, s in zip(objs, sources)]
    return cmds + [[_cc(cc)] + config()["ldflags"] + ["-o", out] + objs], objs


def _cc(cc):
    return cc or os.environ.get("CC") or config()["cc"]


# Clang before 16 takes -ftrivial-auto-var-init=zero only with this flag
# beside it, which GCC and later clang refuse (KernsimDriver.cmake adds it
# for the build's own compiler; --cc or $CC may name another).
_ZERO_INIT_ENABLER = "-enable-trivial-auto-var-init-zero-knowing-it-will-be-removed-from-clang"


@functools.lru_cache(maxsize=None)
def _clang_major(cc):
    """The compiler's clang major version; 0 when it is not clang."""
    try:
        out = subprocess.run([cc, "-dM", "-E", "-x", "c", os.devnull], capture_output=True,
                             text=True).stdout
    except OSError:
        return 0  # the build command names it when it does not run
    m = re.search(r"^#define __clang_major__ (\d+)$", out, re.M)
    return int(m.group(1)) if m else 0


def _cflags(cc):
    flags = [f for f in config()["cflags"] if f != _ZERO_INIT_ENABLER]
    if "-ftrivial-auto-var-init=zero" in flags and 0 < _clang_major(cc) < 16:
        flags.append(_ZERO_INIT_ENABLER)
    return flags


def _compile(personality, cc, defines, includes, cwd, extra):
    if personality not in PERSONALITIES:
        raise KernsimError(f"unknown personality '{personality}' "
                           f"(personalities: {', '.join(PERSONALITIES)})")
    cfg = config()
    cwd = os.path.abspath(cwd or os.getcwd())
    cmd = [_cc(cc)] + _cflags(_cc(cc)) + list(extra)
    cmd += [f"-I{d}" for d in includes] + [f"-I{d}" for d in cfg["include"][personality]]
    cmd += [f"-D{d}" for d in defines]
    # Sources named relative to the user's directory, as the in-tree build
    # names them relative to the checkout: the module's bytes do not
    # depend on where the directory is.
    return cmd + [f"-ffile-prefix-map={cwd}/="]


# Host headers a kernel driver may include itself: the compiler's own
# (freestanding C), and those the personalities take from the host on
# purpose (errno values and the S_IF* file types mean the same there).
# A kernel namespace header the personality lacks (sys/, vm/, machine/,
# net/ ...) must not fall through to the host's: its functions are the
# host's, not the kernel's (glibc's <sys/random.h> gave drivers getrandom:
# the host's entropy, and no run replayed). Another host header is a
# warning. QNX resource managers are processes: the C library is theirs.
_HOST_OK = {"errno.h", "sys/errno.h", "sys/stat.h", "string.h", "strings.h", "stdio.h"}
_KERNEL_DIRS = ("sys/", "vm/", "machine/", "net/", "netinet/", "dev/", "cam/", "geom/",
                "inet/", "vm/", "fs/", "rpc/")


def _include_name(path):
    """The name an #include gave for a host header's path."""
    m = re.match(r".*?/include(?:-fixed)?/(?:x86_64-linux-gnu/)?(.*)$", path)
    return m.group(1) if m else path


def host_includes(personality, sources, defines=(), includes=(), cc=None):
    """(errors, warnings): the host headers the driver's own files include
    (a source, or a header beside it or in `includes`) that are not the
    personality's, each as "source: <name> is the host's path"."""
    if personality == "qnx":
        return [], []
    cfg = config()
    kernel = [os.path.abspath(d) + os.sep for d in cfg["include"][personality]]
    compiler = _cc(cc)
    errors, warnings = [], []
    for src in sources:
        mine = [os.path.dirname(os.path.abspath(src)) + os.sep] + \
               [os.path.abspath(d) + os.sep for d in includes]
        cmd = _compile(personality, cc, defines, includes, None, []) + \
            ["-E", "-H", "-o", os.devnull, src]
        try:
            r = subprocess.run(cmd, capture_output=True, text=True)
        except OSError:
            return [], []  # the build itself names a compiler that does not run
        stack = [os.path.abspath(src)]
        for line in r.stderr.splitlines():
            m = re.match(r"^(\.+) (.*)$", line)
            if not m:
                continue
            depth, path = len(m.group(1)), os.path.abspath(m.group(2))
            del stack[depth:]
            parent = stack[-1]
            stack.append(path)
            if any(parent.startswith(k) for k in kernel) or \
                    not any(parent.startswith(d) for d in mine):
                continue  # not the driver's own #include
            if any(path.startswith(d) for d in kernel + mine) or "/gcc/" in path or \
                    "/clang/" in path:
                continue
            name = _include_name(path)
            if name in _HOST_OK:
                continue
            msg = (f"{src}: <{name}> is the host's {path}, not a header of kernsim's "
                   f"{personality} personality")
            (errors if name.startswith(_KERNEL_DIRS) else warnings).append(msg)
    return sorted(set(errors)), sorted(set(warnings))


def command(personality, out, sources, defines=(), includes=(), cc=None, coverage=False,
            cwd=None):
    """The compiler command line that builds `out` from `sources` (with
    coverage: the fuzzer's edge coverage)."""
    cfg = config()
    cmd = _compile(personality, cc, defines, includes, cwd,
                   cfg["coverage_flags"] if coverage else [])
    return cmd + cfg["ldflags"] + ["-o", out] + list(sources)


def build(personality, out, sources, defines=(), includes=(), cc=None, coverage=True,
          race=False):
    """Builds the module (and, with coverage and not race, its edge-coverage
    build, cov_path(out)), then loads each once to check it (its
    registration, every kernel function it calls resolved). Returns the
    module's description; a failure is a KernsimError, with the compiler's
    own messages on stderr."""
    if not sources:
        raise KernsimError("build-driver: no source files")
    for s in sources:
        if not os.path.isfile(s):
            raise KernsimError(f"build-driver: source {s} does not exist")
    errors, warnings = host_includes(personality, *registration(personality, out, sources,
                                                                 defines), includes, cc)
    for w in warnings:
        print(f"build-driver: warning: {w}: a kernel driver's code should not depend on the "
              f"host's C library", file=sys.stderr)
    if errors:
        raise KernsimError("build-driver: " + "; ".join(errors) + ": the kernel's header of "
                           "that name is not modelled, and the host's would put the host's "
                           "functions into the driver (an interface kernsim lacks is a "
                           "kernsim issue to report)")
    outs = [out] if race or not coverage else [out, cov_path(out)]
    for o in outs:
        os.makedirs(os.path.dirname(os.path.abspath(o)), exist_ok=True)
    cmds, temporaries = commands(personality, out, sources, defines, includes, cc, coverage,
                                 race=race)
    try:
        for cmd in cmds:
            try:
                rc = subprocess.run(cmd).returncode
            except OSError as e:
                raise KernsimError(f"build-driver: cannot run the compiler {cmd[0]}: "
                                   f"{e.strerror}") from e
            if rc != 0:
                raise KernsimError(f"build-driver: {cmd[0]} failed (exit status {rc}); its "
                                   f"messages are above")
    finally:
        for t in temporaries:
            if os.path.exists(t):
                os.unlink(t)
    from . import _core
    for o in reversed(outs):  # the plain build's description is the answer
        try:
            info = _core.module_info(os.path.abspath(o))
        except ValueError as e:
            for x in outs:  # never leave a module behind that cannot load
                if os.path.exists(x):
                    os.unlink(x)
            raise KernsimError(str(e)) from e
        if info["personality"] != personality:
            for x in outs:
                os.unlink(x)
            raise KernsimError(f"build-driver: {o} registers a {info['personality']} driver, "
                               f"but was built with --personality {personality}")
    info["conf"] = install_conf(personality, info["name"], out, sources) if not race else None
    return info


def install_conf(personality, name, out, sources):
    """An illumos driver's <name>.conf (driver.conf(5)) beside its first
    source is put beside the module, where a scenario finds it (as
    installing a driver puts it in /kernel/drv). Returns its new path, or
    None when there is none."""
    if personality != "illumos":
        return None
    src = os.path.join(os.path.dirname(os.path.abspath(sources[0])), name + ".conf")
    dst = os.path.join(os.path.dirname(os.path.abspath(out)), name + ".conf")
    if not os.path.isfile(src) or os.path.abspath(src) == dst:
        return dst if os.path.isfile(dst) else None
    try:
        with open(src, "rb") as f:
            data = f.read()
        with open(dst, "wb") as f:
            f.write(data)
    except OSError as e:
        raise KernsimError(f"build-driver: cannot copy {src} to {dst}: {e.strerror}") from e
    return dst
