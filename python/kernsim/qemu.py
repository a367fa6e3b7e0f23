"""The full-system check: the same driver source and the same Programs, run
on Debian's Linux kernel under QEMU through the Linux backend of the
illumos personality (qemu/linux_ddi), compared with the simulator's runs.

    img = build()                             # modules, agent, initramfs (cached)
    out = boot(img, [(program, 1)])           # one boot, several Programs
    cmp = compare(program)                    # sequential: equal, or a diff
    rep = stress(program, iterations=20)      # concurrent: -smp 2, failures

The guest agent (qemu/agent/agent.c) reads each Program's bytes from the
initramfs and writes text lines ("KSA R thread call op value", ...) to the
second serial port; qemu/agent/README says what each line means. A boot
that fails, a module that does not load, a guest that hangs or oopses is a
QemuError with the tail of the serial console; QEMU never outlives a call.
"""

import dataclasses
import hashlib
import io
import os
import re
import shutil
import stat
import subprocess
import tempfile
import time

from . import kernsim_pb2 as pb
from .errors import KernsimError

DRIVERS = ("sample", "lofi")
BUSYBOX = "/bin/busybox"
QEMU = "qemu-system-x86_64"
# An open of a file the simulator would make is a syscall; these are the ops
# whose results the simulator's trace records (kernel_model/program.cc's
# enters_kernel), in the same order per thread.
SYSCALL_OPS = ("open", "close", "ioctl", "read", "write", "pread", "pwrite", "mmap",
               "munmap", "mprotect", "kill")
# Results that are addresses or times: equal when both succeeded.
ADDRESS_OPS = ("mmap", "gettime")
OOPS = re.compile(r"(BUG: |Oops|general protection fault|Kernel panic|WARNING: CPU|"
                  r"kernsim: failure|kernel BUG at|unable to handle|INFO: task .* blocked)")


class QemuError(KernsimError):
    """A guest that did not do its job: the message says what, and ends
    with the tail of the serial console."""

    def __init__(self, what, console_tail=""):
        self.what = what
        self.console_tail = console_tail
        msg = what
        if console_tail:
            msg += "\n--- serial console (last lines) ---\n" + console_tail
        super().__init__(msg)


def root():
    """The kernsim source tree (KERNSIM_ROOT, else the one this package was
    built from)."""
    r = os.environ.get("KERNSIM_ROOT")
    if r:
        return os.path.abspath(r)
    here = os.path.dirname(os.path.abspath(__file__))
    for cand in (os.path.join(here, "..", ".."), os.path.join(here, "..", "..", "..")):
        if os.path.isfile(os.path.join(cand, "qemu", "build_module.sh")):
            return os.path.abspath(cand)
    raise KernsimError("qemu: cannot find the kernsim source tree (set KERNSIM_ROOT)")


def cache_dir():
    return os.environ.get("KERNSIM_QEMU_CACHE") or os.path.join(root(), "out", "qemu")


# ---- what this host has ----

def kernel_paths():
    """{'KVER', 'VMLINUZ', 'KBUILD'} of the guest kernel, named explicitly
    (the host's `uname -r` is another kernel), or a QemuError."""
    p = subprocess.run(["bash", os.path.join(root(), "qemu", "kernel_paths.sh")],
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise QemuError("qemu: " + (p.stderr.strip() or "no guest kernel"))
    return dict(line.split("=", 1) for line in p.stdout.split())


def missing():
    """Why the full-system check cannot run here ("" when it can): the
    Debian packages scripts/setup.sh installs."""
    need = []
    if not shutil.which(QEMU):
        need.append("qemu-system-x86")
    if not os.path.exists(BUSYBOX):
        need.append("busybox-static")
    if not shutil.which("protoc-c") or not os.path.exists(
            "/usr/lib/x86_64-linux-gnu/libprotobuf-c.a"):
        need.append("libprotobuf-c-dev protobuf-c-compiler")
    try:
        kernel_paths()
    except (QemuError, KernsimError):
        need.append("linux-image-amd64 linux-headers-amd64")
    if not need:
        return ""
    return "missing Debian packages: " + ", ".join(need) + " (scripts/setup.sh installs them)"


# ---- the image: modules, agent, initramfs, cached by content ----

@dataclasses.dataclass
class Image:
    dir: str
    key: str
    kernel: str
    initrd: str
    drivers: tuple
    built: bool          # False: found in the cache
    seconds: float       # the build's wall time (0 when cached)


def _inputs(drivers):
    """Every file the image is made from, for its content key."""
    r = root()
    files = []
    for d in ("qemu/linux_ddi", "qemu/agent", "kernel_model/illumos/sys", "kernel_model/abi"):
        for base, _, names in os.walk(os.path.join(r, d)):
            files += [os.path.join(base, n) for n in names if not n.endswith(".pyc")]
    for drv in drivers:
        dd = os.path.join(r, "drivers", drv)
        if not os.path.isdir(dd):
            raise QemuError(f"qemu: no driver directory drivers/{drv}")
        files += [os.path.join(dd, n) for n in os.listdir(dd) if n.endswith((".c", ".h"))]
    files += [os.path.join(r, "qemu", "build_module.sh"), os.path.join(r, "sim/proto/kernsim.proto")]
    return sorted(files)


def image_key(drivers=DRIVERS):
    h = hashlib.sha256()
    kp = kernel_paths()
    h.update(("kernel=" + kp["KVER"] + "\n").encode())
    st = os.stat(BUSYBOX)
    h.update(f"busybox={st.st_size}:{int(st.st_mtime)}\n".encode())
    r = root()
    for f in _inputs(drivers):
        h.update(os.path.relpath(f, r).encode() + b"\0")
        with open(f, "rb") as fh:
            h.update(hashlib.sha256(fh.read()).digest())
    return h.hexdigest()[:16]


def _run(cmd, what, cwd=None):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if p.returncode != 0:
        out = (p.stdout + p.stderr).strip().splitlines()
        raise QemuError(f"qemu: {what} failed (exit {p.returncode}):\n" + "\n".join(out[-30:]))
    return p


def _build_agent(out):
    r = root()
    ag = os.path.join(r, "qemu", "agent")
    work = os.path.join(out, "agent")
    os.makedirs(work, exist_ok=True)
    _run(["python3", os.path.join(ag, "program_proto.py"), os.path.join(r, "sim/proto/kernsim.proto"),
          os.path.join(work, "program.proto")], "making the agent's proto")
    _run(["protoc-c", "--c_out=.", "program.proto"], "protoc-c", cwd=work)
    _run(["gcc", "-static", "-O2", "-Wall", "-I", work, "-o", os.path.join(out, "agent.bin"),
          os.path.join(ag, "agent.c"), os.path.join(work, "program.pb-c.c"),
          "-lprotobuf-c", "-lpthread"], "building the guest agent")


INIT = """#!/bin/busybox sh
# kernsim guest: mount what the agent needs, run it, power off.
B=/bin/busybox
$B mkdir -p /proc /sys /dev /tmp /var/tmp
$B mount -t proc proc /proc
$B mount -t sysfs sys /sys
$B mount -t devtmpfs dev /dev
echo "kernsim guest: agent starting"
KSA_HANG_SECONDS=$($B cat /programs/hang 2>/dev/null || echo 20) /agent /dev/ttyS1
echo "kernsim guest: agent done"
$B poweroff -f
"""


class _Cpio:
    """A newc cpio archive, written in order (the kernel's initramfs
    format; several archives may be concatenated)."""

    def __init__(self):
        self.buf = io.BytesIO()
        self.ino = 1

    def _entry(self, name, mode, data=b""):
        name_b = name.encode() + b"\0"
        hdr = "070701" + "".join(f"{x:08x}" for x in (
            self.ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name_b), 0))
        self.ino += 1
        self.buf.write(hdr.encode() + name_b)
        self.buf.write(b"\0" * ((4 - (110 + len(name_b)) % 4) % 4))
        self.buf.write(data)
        self.buf.write(b"\0" * ((4 - len(data) % 4) % 4))

    def dir(self, name):
        self._entry(name, stat.S_IFDIR | 0o755)

    def file(self, name, data, mode=0o644):
        self._entry(name, stat.S_IFREG | mode, data)

    def bytes(self):
        self._entry("TRAILER!!!", 0)
        return self.buf.getvalue()


def build(drivers=DRIVERS, force=False, progress=None):
    """Builds the driver modules, the agent and the base initramfs into the
    cache (keyed by the content of every input), or finds them there."""
    why = missing()
    if why:
        raise QemuError("qemu: " + why)
    drivers = tuple(drivers)
    key = image_key(drivers)
    out = os.path.join(cache_dir(), key)
    initrd = os.path.join(out, "base.cpio")
    kp = kernel_paths()
    if os.path.exists(initrd) and not force:
        return Image(out, key, kp["VMLINUZ"], initrd, drivers, False, 0.0)
    t0 = time.monotonic()
    tmp = out + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    mods = {}
    for drv in drivers:
        if progress:
            progress(f"building module ks_{drv}")
        _run(["bash", os.path.join(root(), "qemu", "build_module.sh"),
              os.path.join(root(), "drivers", drv), os.path.join(tmp, "mod_" + drv), kp["KBUILD"]],
             f"building driver {drv} as a Linux module")
        with open(os.path.join(tmp, "mod_" + drv, f"ks_{drv}.ko"), "rb") as f:
            mods[drv] = f.read()
    if progress:
        progress("building the guest agent")
    _build_agent(tmp)
    c = _Cpio()
    for d in ("bin", "modules", "programs", "proc", "sys", "dev", "tmp", "var", "var/tmp"):
        c.dir(d)
    with open(BUSYBOX, "rb") as f:
        c.file("bin/busybox", f.read(), 0o755)
    c.file("bin/sh", b"", 0o755)  # replaced below by a link-less copy is not needed: init uses $B
    c.file("init", INIT.encode(), 0o755)
    with open(os.path.join(tmp, "agent.bin"), "rb") as f:
        c.file("agent", f.read(), 0o755)
    for drv, ko in mods.items():
        c.file(f"modules/ks_{drv}.ko", ko)
    with open(os.path.join(tmp, "base.cpio"), "wb") as f:
        f.write(c.bytes())
    shutil.rmtree(out, ignore_errors=True)
    os.rename(tmp, out)
    return Image(out, key, kp["VMLINUZ"], initrd, drivers, True, time.monotonic() - t0)


# ---- booting ----

def _kvm_works():
    """KVM only where a guest really runs under it (here /dev/kvm exists but
    guests hang): the verdict of one short probe boot, kept in the cache."""
    if os.environ.get("KERNSIM_QEMU_ACCEL") in ("tcg", "kvm"):
        return os.environ["KERNSIM_QEMU_ACCEL"] == "kvm"
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return False
    verdict = os.path.join(cache_dir(), "kvm_verdict")
    try:
        with open(verdict) as f:
            return f.read().strip() == "works"
    except OSError:
        pass
    works = False
    try:
        kp = kernel_paths()
        with tempfile.TemporaryDirectory() as td:
            c = _Cpio()
            c.file("bin/busybox", open(BUSYBOX, "rb").read(), 0o755)
            c.file("init", b"#!/bin/busybox sh\necho KVM-PROBE-OK\n/bin/busybox poweroff -f\n",
                   0o755)
            rd = os.path.join(td, "probe.cpio")
            with open(rd, "wb") as f:
                f.write(c.bytes())
            log = os.path.join(td, "probe.log")
            cmd = [QEMU, "-accel", "kvm", "-m", "256", "-smp", "1", "-kernel", kp["VMLINUZ"],
                   "-initrd", rd, "-append", "console=ttyS0 quiet panic=-1", "-display", "none",
                   "-no-reboot", "-nodefaults", "-serial", f"file:{log}", "-monitor", "none"]
            p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
            works = "KVM-PROBE-OK" in open(log, errors="replace").read()
    except OSError:
        works = False
    os.makedirs(cache_dir(), exist_ok=True)
    with open(verdict, "w") as f:
        f.write("works\n" if works else "hangs\n")
    return works


@dataclasses.dataclass
class CallResult:
    thread: int
    call: int
    op: str
    value: int


@dataclasses.dataclass
class RunResult:
    """One iteration of one Program in the guest."""
    program: int
    iteration: int
    results: list = dataclasses.field(default_factory=list)     # CallResult
    failures: list = dataclasses.field(default_factory=list)    # "thread call kind message"
    modules: list = dataclasses.field(default_factory=list)     # "load sample 0"
    status: str = ""     # done, hang, module_load_failed, "" (never ended)
    ns: int = 0
    hung: list = dataclasses.field(default_factory=list)        # "thread call name"


@dataclasses.dataclass
class BootResult:
    runs: list            # RunResult
    console: str          # the serial console (kernel messages)
    oopses: list          # console lines that report a kernel failure
    accel: str            # "tcg" or "kvm"
    smp: int
    wall: float           # seconds, QEMU start to exit
    agent_ok: bool        # the agent said BYE ok


def _program_bytes(prog):
    if isinstance(prog, (bytes, bytearray)):
        return bytes(prog)
    return prog.SerializeToString()


def parse_agent(text):
    runs, cur, bye = [], None, None
    for line in text.splitlines():
        if not line.startswith("KSA "):
            continue
        f = line.split(" ")
        tag = f[1]
        if tag == "BEGIN":
            cur = RunResult(int(f[2]), int(f[3]))
            runs.append(cur)
        elif tag == "R" and cur:
            cur.results.append(CallResult(int(f[2]), int(f[3]), f[4], int(f[5])))
        elif tag == "FAIL" and cur:
            cur.failures.append(" ".join(f[2:]))
        elif tag == "MODULE" and cur:
            cur.modules.append(" ".join(f[2:]))
        elif tag == "HUNG" and cur:
            cur.hung.append(" ".join(f[2:]))
        elif tag == "END" and cur:
            cur.ns, cur.status = int(f[4]), f[5]
        elif tag == "BYE":
            bye = f[2]
    return runs, bye


def _tail(text, n=25):
    return "\n".join(text.rstrip().splitlines()[-n:])


def boot(image, programs, smp=1, timeout=None, hang_seconds=20, accel="auto", progress=None):
    """Boots the image once and runs each (Program, iterations) in order.
    Raises QemuError when the guest never reaches the agent, a module does
    not load, or QEMU outlives `timeout` seconds; a hang or an oops during
    a Program is reported in the result (BootResult.runs, .oopses)."""
    if accel == "auto":
        accel = "kvm" if _kvm_works() else "tcg"
    n_iters = sum(int(it) for _, it in programs)
    if timeout is None:
        timeout = 60 + 30 * smp + n_iters * 2 + hang_seconds
    with tempfile.TemporaryDirectory(prefix="kernsim-qemu-") as td:
        c = _Cpio()
        listing = []
        for i, (prog, iters) in enumerate(programs):
            c.file(f"programs/{i}.pb", _program_bytes(prog))
            listing.append(f"/programs/{i}.pb {int(iters)}")
        c.file("programs/list", ("\n".join(listing) + "\n").encode())
        c.file("programs/hang", f"{int(hang_seconds)}\n".encode())
        initrd = os.path.join(td, "initrd.cpio")
        with open(initrd, "wb") as f, open(image.initrd, "rb") as base:
            f.write(base.read())
            f.write(c.bytes())
        console, agent = os.path.join(td, "console.log"), os.path.join(td, "agent.log")
        cmd = [QEMU, "-accel", accel if accel == "kvm" else "tcg,thread=multi",
               "-m", "512", "-smp", str(smp),
               "-kernel", image.kernel, "-initrd", initrd,
               "-append", "console=ttyS0 quiet panic=-1 oops=panic_on_warn=0 "
                          "rdinit=/init mitigations=off nokaslr",
               "-display", "none", "-no-reboot", "-nodefaults", "-monitor", "none",
               "-serial", f"file:{console}", "-serial", f"file:{agent}"]
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if progress:
            progress(f"booting ({accel}, {smp} vCPU{'s' if smp > 1 else ''})")
        timed_out = False
        try:
            qout = p.communicate(timeout=timeout)[0].decode(errors="replace")
        except subprocess.TimeoutExpired:
            timed_out = True
            p.kill()
            qout = p.communicate()[0].decode(errors="replace")
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        wall = time.monotonic() - t0
        con = open(console, errors="replace").read() if os.path.exists(console) else ""
        ag = open(agent, errors="replace").read() if os.path.exists(agent) else ""
    runs, bye = parse_agent(ag)
    oopses = [ln for ln in con.splitlines() if OOPS.search(ln)]
    if "KSA HELLO" not in ag:
        if timed_out:
            raise QemuError(f"qemu: the guest did not reach the agent within {timeout} s "
                            f"({accel}): a boot failure or hang", _tail(con))
        raise QemuError(f"qemu: the guest never started the agent (QEMU exit {p.returncode}"
                        f"{': ' + qout.strip() if qout.strip() else ''})", _tail(con))
    for r in runs:
        if r.status == "module_load_failed":
            raise QemuError(f"qemu: a driver module did not load in Program {r.program}: "
                            f"{'; '.join(r.modules)}", _tail(con))
    if timed_out and bye is None and not any(r.status == "hang" for r in runs):
        raise QemuError(f"qemu: the guest hung: no result within {timeout} s "
                        f"({len(runs)} of {n_iters} runs began)", _tail(con))
    if bye is None and not timed_out and not any(r.status == "hang" for r in runs):
        raise QemuError("qemu: the guest stopped before the agent finished (a panic?)", _tail(con))
    return BootResult(runs, con, oopses, accel, smp, wall, bye == "ok")


# ---- the simulator's side ----

def sim_run(prog, variant=None):
    """One execution of the Program in the simulator (round robin):
    (per-thread syscall results in order, the Failure record)."""
    from . import api
    from .scenario import Scenario
    p = pb.Program()
    p.CopyFrom(prog)
    if variant is not None:
        for d in p.driver:
            d.variant = variant
    scn = Scenario(name="qemu_compare", fn=lambda: p, driver=p.driver[0].name if p.driver else "",
                   program=True)
    f = api.run(scn)
    names = [t.name for t in p.thread]
    per = {n: [] for n in names}
    for e in f.trace:
        kind = e["kind"] if isinstance(e, dict) else e.kind
        if kind != "syscall_exit":
            continue
        tn = e["thread_name"] if isinstance(e, dict) else e.thread_name
        res = e["result"] if isinstance(e, dict) else e.result
        if tn in per:
            per[tn].append(res)
    return per, f
