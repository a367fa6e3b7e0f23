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

DRIVERS = ("sample", "lofi", "ddiparity")
BUSYBOX = "/bin/busybox"
QEMU = "qemu-system-x86_64"
# An open of a file the simulator would make is a syscall; these are the ops
# whose results the simulator's trace records (kernel_model/program.cc's
# enters_kernel), in the same order per thread.
SYSCALL_OPS = ("open", "close", "ioctl", "read", "write", "pread", "pwrite", "mmap",
               "munmap", "mprotect", "kill")
# Results that are handles, addresses or times (a guest's file descriptors
# start after the agent's own): equal when both succeeded.
ADDRESS_OPS = {"mmap": "addr", "gettime": "time", "open": "fd"}
# Ops the guest agent does not run, and why.
GUEST_UNSUPPORTED_OPS = {
    "modunload": "the guest agent does not unload modules (a Linux rmmod of a driver "
                 "with open files waits or fails where illumos and FreeBSD answer "
                 "EBUSY or ENXIO); run it in the simulator only",
    "poll": "the guest agent does not run poll (the Linux backend of the illumos "
            "personality, qemu/linux_ddi, has no chpoll); run it in the simulator only",
    "mmap_dev": "the guest agent does not map devices (the Linux backend of the illumos "
                "personality, qemu/linux_ddi, has no devmap); run it in the simulator only",
    "kqueue": "kqueue(2) is FreeBSD's: the guest runs drivers as Linux modules through the "
              "illumos personality's backend (qemu/linux_ddi), which has neither kqueue nor "
              "d_kqfilter; run it in the simulator only",
    "sysctl": "sysctl(2) is FreeBSD's: the guest runs drivers as Linux modules through the "
              "illumos personality's backend (qemu/linux_ddi), which has no sysctl MIB; run it "
              "in the simulator only",
    "kevent": "kevent(2) is FreeBSD's: the guest runs drivers as Linux modules through the "
              "illumos personality's backend (qemu/linux_ddi), which has neither kqueue nor "
              "d_kqfilter; run it in the simulator only",
}
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
    # this module too: it writes the init script and the initramfs
    with open(os.path.abspath(__file__), "rb") as fh:
        h.update(b"qemu.py\0" + hashlib.sha256(fh.read()).digest())
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


def cached_image(drivers=DRIVERS):
    """The image of these inputs when the cache has it (the build made it:
    CMake's qemu_image target), else None; builds nothing."""
    drivers = tuple(drivers)
    key = image_key(drivers)
    out = os.path.join(cache_dir(), key)
    if not os.path.exists(os.path.join(out, "base.cpio")):
        return None
    return Image(out, key, kernel_paths()["VMLINUZ"], os.path.join(out, "base.cpio"), drivers,
                 False, 0.0)


def build(drivers=DRIVERS, force=False, progress=None):
    """Builds the driver modules, the agent and the base initramfs into the
    cache (keyed by the content of every input), or finds them there."""
    why = missing()
    if why:
        raise QemuError("qemu: " + why)
    drivers = tuple(drivers)
    found = cached_image(drivers)
    if found is not None and not force:
        return found
    key = image_key(drivers)
    out = os.path.join(cache_dir(), key)
    kp = kernel_paths()
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
    c.file("init", INIT.encode(), 0o755)
    with open(os.path.join(tmp, "agent.bin"), "rb") as f:
        c.file("agent", f.read(), 0o755)
    for drv, ko in mods.items():
        c.file(f"modules/ks_{drv}.ko", ko)
    with open(os.path.join(tmp, "base.cpio"), "wb") as f:
        f.write(c.bytes())
    shutil.rmtree(out, ignore_errors=True)
    os.rename(tmp, out)
    # older images of this tree: their inputs changed, nobody boots them
    for old in os.listdir(cache_dir()):
        full = os.path.join(cache_dir(), old)
        if old != key and os.path.isdir(full) and re.fullmatch(r"[0-9a-f]{16}(\.tmp)?", old):
            shutil.rmtree(full, ignore_errors=True)
    return Image(out, key, kp["VMLINUZ"], os.path.join(out, "base.cpio"), drivers, True,
                 time.monotonic() - t0)


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
            c.dir("bin")
            with open(BUSYBOX, "rb") as f:
                c.file("bin/busybox", f.read(), 0o755)
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
    died: list = dataclasses.field(default_factory=list)        # killed in the kernel (an oops)
    kmsg: list = dataclasses.field(default_factory=list)        # the kernel's failure reports

    @property
    def failed(self):
        return bool(self.status != "done" or self.failures or self.died or self.kmsg)


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
        try:
            cur, bye = _agent_line(f, runs, cur, bye)
        except (ValueError, IndexError):
            if cur:  # a torn line: the run's result is in doubt, say so
                cur.failures.append(f"-1 -1 torn_line {line[:80]}")
    return runs, bye


def _agent_line(f, runs, cur, bye):
    """One line of the results channel (qemu/agent/README)."""
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
    elif tag == "DIED" and cur:
        cur.died.append(" ".join(f[2:]))
    elif tag == "KMSG" and cur:
        cur.kmsg.append(" ".join(f[2:]))
    elif tag == "END" and cur:
        cur.ns, cur.status = int(f[4]), f[5]
    elif tag == "BYE":
        bye = f[2]
    return cur, bye


def _tail(text, n=25):
    return "\n".join(text.rstrip().splitlines()[-n:])


def _wait(p, deadline, agent_log, n_iters, progress):
    """Waits for QEMU to exit by itself (True: it outlived the deadline and
    was killed), telling `progress` how many runs the agent has ended."""
    said = -1
    while p.poll() is None:
        if time.monotonic() >= deadline:
            p.kill()
            return True
        if progress:
            try:
                with open(agent_log, errors="replace") as f:
                    ended = f.read().count("KSA END")
            except OSError:
                ended = 0
            if ended != said:
                said = ended
                progress(f"runs ended: {ended}/{n_iters}")
        time.sleep(0.25)
    return False


def boot(image, programs, smp=1, timeout=None, hang_seconds=20, accel="auto", progress=None,
         partial_ok=False):
    """Boots the image once and runs each (Program, iterations) in order.
    Raises QemuError when the guest never reaches the agent, a module does
    not load, or QEMU outlives `timeout` seconds or stops (a panic) before
    the agent is done; a hang or an oops during a Program is reported in
    the result (BootResult.runs, .oopses). partial_ok (stress): a guest
    that died or stalled after runs began is the last run's failure
    (status "panic" or "timeout"), not an error."""
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
        cmd = [QEMU, "-accel", accel if accel == "kvm" else "tcg,thread=multi", "-cpu", "max",
               "-m", "512", "-smp", str(smp),
               "-kernel", image.kernel, "-initrd", initrd,
               "-append", "console=ttyS0 quiet panic=-1 rdinit=/init mitigations=off",
               "-display", "none", "-no-reboot", "-nodefaults", "-monitor", "none",
               "-serial", f"file:{console}", "-serial", f"file:{agent}"]
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if progress:
            progress(f"booting ({accel}, {smp} vCPU{'s' if smp > 1 else ''})")
        timed_out = False
        try:
            timed_out = _wait(p, t0 + timeout, agent, n_iters, progress)
        finally:
            if p.poll() is None:
                p.kill()
            qout = p.communicate()[0].decode(errors="replace")
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
    ended_by_hang = any(r.status == "hang" for r in runs)
    if bye is None and not ended_by_hang:
        what = (f"the guest hung: no result within {timeout} s" if timed_out else
                "the guest stopped before the agent finished (a panic?)")
        if not (partial_ok and runs):
            raise QemuError(f"qemu: {what} ({len(runs)} of {n_iters} runs began)", _tail(con))
        # stress: the run the guest died in is a failure of that run
        last = runs[-1]
        if not last.status:
            last.status = "timeout" if timed_out else "panic"
            last.kmsg += [ln.strip() for ln in oopses[-3:]]
    return BootResult(runs, con, oopses, accel, smp, wall, bye == "ok")


# ---- the simulator's side ----

def _driver_name(name):
    """A Program's driver as the guest names its module: a registered name,
    or a module path's file name without its extension."""
    base = os.path.basename(name)
    return base.split(".", 1)[0] if "/" in name or "." in base else name


def guest_program(prog):
    """The Program as the guest runs it: drivers named by module name."""
    for pr in prog.proc:
        if pr.model not in ("", "lp64"):
            raise KernsimError(f"qemu: process {pr.name} is {pr.model}: the guest agent runs "
                               "LP64 processes only")
    for t in prog.thread:
        for ci, c in enumerate(t.call):
            if c.op in GUEST_UNSUPPORTED_OPS:
                raise KernsimError(f"qemu: thread {t.name} call {ci} is '{c.op}': "
                                   f"{GUEST_UNSUPPORTED_OPS[c.op]}")
    p = pb.Program()
    p.CopyFrom(prog)
    for d in p.driver:
        d.name = _driver_name(d.name)
        if not d.variant:
            d.variant = "none"
    return p


def _scenario_of(prog):
    from .scenario import Scenario
    p = pb.Program()
    p.CopyFrom(prog)

    def qemu_program():
        return p
    return Scenario(qemu_program, p.driver[0].name if p.driver else "sample", program=True)


def sim_run(prog):
    """One execution of the Program in the simulator (round robin): the
    per-thread system call results in order, and the Failure record."""
    from . import api
    variant = prog.driver[0].variant if prog.driver else "none"
    f = api.run(_scenario_of(prog), variant=variant or "none")
    per = {t.name: [] for t in prog.thread}
    for e in f.trace:
        g = e.get if isinstance(e, dict) else (lambda k, e=e: getattr(e, k))
        if g("kind") == "syscall_exit" and g("thread_name") in per:
            per[g("thread_name")].append(g("result"))
    return per, f


def guest_failures(prog, run):
    """The guest run's failures as the simulator signs them: an expected
    result not met (scenario:result:T:C:OP), a check that differed
    (scenario:data_mismatch:T:C), and what the agent and kernel reported."""
    out = []
    names = [t.name for t in prog.thread]
    got = {(r.thread, r.call): r.value for r in run.results}
    for ti, t in enumerate(prog.thread):
        for ci, c in enumerate(t.call):
            if c.HasField("expect") and (ti, ci) in got and got[(ti, ci)] != c.expect:
                out.append(f"scenario:result:{t.name}:{ci}:{c.op}")
    for f in run.failures:
        parts = f.split(" ", 3)
        ti, ci, kind = int(parts[0]), int(parts[1]), parts[2]
        tn = names[ti] if 0 <= ti < len(names) else "?"
        out.append(f"scenario:{kind}:{tn}:{ci}" if kind in ("data_mismatch", "check_fault",
                                                             "no_result") else f"agent:{f}")
    out += [f"hang: {h}" for h in run.hung]
    out += [f"died in the kernel: {d}" for d in run.died]
    out += [f"kernel: {k}" for k in run.kmsg]
    if run.status == "panic":
        out.append("kernel panic: the guest stopped during this run")
    elif run.status not in ("done", "hang"):
        out.append(f"run ended: {run.status or 'never'}")
    return out


def _errname(v):
    import errno as _e
    if isinstance(v, int) and -4095 <= v < 0:
        return "-" + _e.errorcode.get(-v, str(-v))
    return str(v)


@dataclasses.dataclass
class Comparison:
    """A sequential Program in the simulator and in the guest, call by call."""
    rows: list            # (thread, op, sim, guest, same)
    sim_failure: str      # the simulator's failure signature, "" when it passed
    guest_failures: list
    equal: bool
    boot: BootResult = None

    def text(self):
        w = max([len(r[0]) for r in self.rows] + [6])
        lines = [f"{'thread':<{w}}  {'call':<10} {'simulator':>14} {'guest':>14}"]
        for t, op, a, b, same in self.rows:
            lines.append(f"{t:<{w}}  {op:<10} {_errname(a):>14} {_errname(b):>14}"
                         f"{'' if same else '   <-- differs'}")
        lines.append(f"simulator: {self.sim_failure or 'passed'}")
        lines.append(f"guest:     {'; '.join(self.guest_failures) or 'passed'}")
        lines.append(("EQUAL" if not self.sim_failure else "EQUAL (both failed alike)")
                     if self.equal else "DIFFERENT")
        return "\n".join(lines)


def compare_run(prog, run, sim=None):
    """Compares one guest run of a Program with the simulator's run."""
    per, f = sim if sim is not None else sim_run(prog)
    rows, equal = [], True
    for ti, t in enumerate(prog.thread):
        ops = [c.op for c in t.call]
        guest = [(r.op, r.value) for r in sorted(run.results, key=lambda r: r.call)
                 if r.thread == ti and r.op in SYSCALL_OPS]
        simv = per.get(t.name, [])
        sys_ops = [o for o in ops if o in SYSCALL_OPS]
        for k in range(max(len(guest), len(simv))):
            op = guest[k][0] if k < len(guest) else (sys_ops[k] if k < len(sys_ops) else "?")
            a = simv[k] if k < len(simv) else None
            b = guest[k][1] if k < len(guest) else None
            if a is not None and b is not None and op in ADDRESS_OPS:
                same = (a >= 0) == (b >= 0)
                if same and a >= 0:
                    a = b = ADDRESS_OPS[op]
            else:
                same = a == b
            equal &= same
            rows.append((t.name, op, a if a is not None else "-", b if b is not None else "-", same))
    sim_fail = "" if f.kind == "pass" else f"{f.kind} {f.signature}"
    gf = guest_failures(prog, run)
    sig_guest = [g for g in gf if g.startswith("scenario:")]
    if f.kind == "pass":
        equal &= not gf
    elif f.kind == "scenario":
        equal &= f.signature in sig_guest or any(f.signature.startswith(g) for g in sig_guest)
    else:
        equal &= guest_kind(run) in SAME_KIND.get(f.kind, (f.kind,))
    return Comparison(rows, sim_fail, gf, equal)


# The simulator's failure kinds, and the guest's verdicts that are the same
# failure seen by a real kernel (guest_kind).
SAME_KIND = {"stuck": ("hang",), "hang": ("hang",), "fault": ("fault",),
             "memory": ("memory", "fault"), "panic": ("panic", "fault")}


def guest_kind(run):
    """A failed guest run's kind, in the simulator's words: hang (threads
    still asleep at the limit), memory (the backend saw a use after free),
    panic, fault (an oops: a thread died in the kernel), scenario, or ""."""
    text = " ".join(run.kmsg)
    if run.hung:
        return "hang"
    if "kernsim: failure: memory" in text:
        return "memory"
    if "Kernel panic" in text:
        return "panic"
    if run.died or "Oops" in text or "BUG:" in text:
        return "fault"
    if run.failures:
        return "scenario"
    return ""


def compare(prog, image=None, progress=None, **boot_kw):
    """Runs a sequential Program in the simulator and in the guest (one
    boot) and compares them call by call."""
    image = image or build(progress=progress)
    gp = guest_program(prog)
    b = boot(image, [(gp, 1)], progress=progress, **boot_kw)
    if not b.runs:
        raise QemuError("qemu: the agent ran nothing", _tail(b.console))
    c = compare_run(prog, b.runs[0])
    c.boot = b
    return c


def compare_many(progs, image=None, progress=None, **boot_kw):
    """Several sequential Programs in one boot: a Comparison each."""
    image = image or build(progress=progress)
    b = boot(image, [(guest_program(p), 1) for p in progs], progress=progress, **boot_kw)
    out = []
    for i, p in enumerate(progs):
        runs = [r for r in b.runs if r.program == i]
        if not runs:
            raise QemuError(f"qemu: the agent did not run Program {i}", _tail(b.console))
        c = compare_run(p, runs[0])
        c.boot = b
        out.append(c)
    return out


# ---- concurrent Programs: real vCPUs beside the simulator ----

@dataclasses.dataclass
class StressReport:
    iterations: int           # runs the guest made
    failed: int               # of them, how many failed
    first_failure: int        # 1-based iteration of the first, 0 when none
    first_failure_seconds: float  # guest wall time from the first run's start to it
    kinds: dict               # failure kind -> iterations that showed it
    guest_seconds: float      # the runs' own wall time, summed
    boot_seconds: float       # QEMU's wall time, boot included
    accel: str
    smp: int
    sim_runs: int = 0         # the simulator's executions to its first failure
    sim_seconds: float = 0.0
    sim_failure: str = ""
    examples: list = dataclasses.field(default_factory=list)

    def text(self):
        g = (f"iteration {self.first_failure} of {self.iterations} "
             f"({self.first_failure_seconds:.3f} s of runs)" if self.first_failure
             else f"none in {self.iterations} iterations")
        s = (f"run {self.sim_runs} ({self.sim_seconds:.3f} s): {self.sim_failure}"
             if self.sim_failure else f"none in {self.sim_runs} runs ({self.sim_seconds:.3f} s)")
        lines = [f"guest ({self.accel}, {self.smp} vCPUs): {self.failed} of {self.iterations} "
                 f"iterations failed; first failure: {g}; boot+runs {self.boot_seconds:.1f} s",
                 f"simulator: first failure: {s}"]
        for k, n in sorted(self.kinds.items()):
            lines.append(f"  {n:5d}  {k}")
        for e in self.examples[:5]:
            lines.append(f"  e.g. {e}")
        return "\n".join(lines)


def _kind(g):
    if g.startswith("hang"):
        return "hang"
    if g.startswith("kernel panic"):
        return "panic"
    if g.startswith("died"):
        return "oops (a thread died in the kernel)"
    if g.startswith("kernel: kernsim:"):
        return "backend: " + g.split("kernsim:", 1)[1].strip().split(" (")[0][:60]
    if g.startswith("kernel:"):
        return "kernel: " + g[8:][:60]
    return g.split(":")[0] + ":" + (g.split(":")[1] if ":" in g else "")


def stress(prog, iterations=20, smp=2, image=None, sim_runs=2000, strategy="pct",
           hang_seconds=5, progress=None, **boot_kw):
    """Runs a concurrent Program `iterations` times on `smp` vCPUs (one
    boot; a hang ends it, the guest cannot go on) and the simulator's
    search for the same bug, side by side."""
    from . import api
    image = image or build(progress=progress)
    gp = guest_program(prog)
    b = boot(image, [(gp, iterations)], smp=smp, hang_seconds=hang_seconds,
             progress=progress, partial_ok=True, **boot_kw)
    kinds, failed, first, first_s, examples, total = {}, 0, 0, 0.0, [], 0.0
    for r in b.runs:
        total += r.ns / 1e9
        gf = guest_failures(prog, r)
        if gf:
            failed += 1
            if not first:
                first, first_s = r.iteration + 1, total
            for k in {_kind(g) for g in gf}:  # iterations of each kind
                kinds[k] = kinds.get(k, 0) + 1
            examples.append(f"iteration {r.iteration + 1}: {gf[0]}")
    rep = StressReport(len(b.runs), failed, first, first_s, kinds, total, b.wall, b.accel, smp,
                       examples=examples)
    if sim_runs:
        variant = prog.driver[0].variant if prog.driver else "none"
        t0 = time.monotonic()
        e = api.explore(_scenario_of(prog), strategy=strategy, runs=sim_runs,
                        variant=variant or "none")
        rep.sim_seconds = time.monotonic() - t0
        rep.sim_runs = e.runs
        if e.failure is not None:
            rep.sim_failure = f"{e.failure.kind} {e.failure.signature}"
    return rep


# ---- what the command line names: a scenario, a repro or a Program ----

def load_input(spec, variant=None, params=None):
    """A Program from SCENARIO (path.py:name of a Program scenario), REPRO
    (*.repro.txtpb of a Program) or PROGRAM (a Program in text format
    *.txtpb, or binary *.pb)."""
    from google.protobuf import text_format
    from . import api
    from . import repro as repro_io
    from .scenario import resolve
    path = spec.split(":", 1)[0]
    if path.endswith(".py"):
        scn = resolve(spec)
        if not scn.program:
            raise KernsimError(f"qemu: {spec} is a Python scenario; the guest runs Programs only "
                               "(a @kernsim.program_scenario)")
        return api._program_of(scn, variant or "none", params or {})
    if not os.path.isfile(spec):
        raise KernsimError(f"qemu: {spec} does not exist")
    if spec.endswith(".repro.txtpb"):
        r = repro_io.load(spec)
        if not repro_io.is_program(r):
            raise KernsimError(f"qemu: {spec} is a repro of a Python scenario; the guest runs "
                               "Programs only")
        p = pb.Program()
        p.CopyFrom(r.program)
    else:
        p = pb.Program()
        data = open(spec, "rb").read()
        try:
            if spec.endswith(".pb"):
                p.ParseFromString(data)
            else:
                text_format.Parse(data.decode(), p)
        except Exception as e:  # noqa: BLE001 - a malformed file, named
            raise KernsimError(f"qemu: {spec} is not a Program: {e}") from e
    if variant is not None:
        for d in p.driver:
            d.variant = variant
    if not p.thread:
        raise KernsimError(f"qemu: {spec}: the Program has no threads")
    for d in p.driver:
        if d.conf:
            # the Linux backend gives a module no driver.conf properties:
            # the two runs would not be of one configuration
            raise KernsimError(f"qemu: {spec}: driver {d.name} has a driver.conf "
                               f"({d.conf_file or 'conf text'}), which the guest's Linux "
                               "backend does not read")
    return p


def is_concurrent(prog):
    return sum(1 for t in prog.thread if len(t.call)) > 1


# ---- `kernsim qemu` ----

def add_parser(sub):
    q = sub.add_parser(
        "qemu", help="run a Program on a real Linux kernel under QEMU, beside the simulator",
        description="Builds the Program's drivers as Linux modules (the same source, through "
        "the Linux backend of the illumos personality) with the guest agent and an initramfs, "
        "cached by content; boots Debian's kernel under QEMU and runs the Program there. A "
        "sequential Program (one thread) is compared call by call with the simulator's run; a "
        "concurrent one is run --iterations times on --smp vCPUs and its failures counted "
        "beside the simulator's search for the same bug. Exit status 0 when equal (or no "
        "failure), 1 when different (or a failure was found), 2 for an error (a boot that "
        "fails, a module that does not load, a guest that hangs, with the serial log's tail).")
    q.add_argument("input", nargs="?", metavar="SCENARIO|REPRO|PROGRAM",
                   help="x.py:name (a Program scenario), *.repro.txtpb, or a Program "
                   "(*.txtpb text, *.pb binary)")
    q.add_argument("--variant", help="the driver's bug variant (default: the input's)")
    q.add_argument("--mode", choices=("auto", "compare", "stress"), default="auto",
                   help="compare (sequential) or stress (concurrent); auto: by thread count")
    q.add_argument("--iterations", type=int, default=20, help="stress: guest runs (default 20)")
    q.add_argument("--smp", type=int, default=0, help="vCPUs (default 1 compare, 2 stress)")
    q.add_argument("--sim-runs", type=int, default=2000,
                   help="stress: the simulator's executions (PCT) to find the bug")
    q.add_argument("--hang-seconds", type=int, default=0,
                   help="a run still going after this long is a hang (default 20 compare, "
                   "5 stress)")
    q.add_argument("--timeout", type=float, default=0, help="QEMU's wall-time limit, seconds")
    q.add_argument("--accel", choices=("auto", "tcg", "kvm"), default="auto",
                   help="auto: KVM only when a probe boot works under it (else TCG)")
    q.add_argument("--build-only", action="store_true",
                   help="build (or find in the cache) the modules and initramfs, then stop")
    q.add_argument("--json", action="store_true", help="print the result as JSON")


def _say(msg):
    import sys
    print(f"qemu: {msg}", file=sys.stderr, flush=True)


def cmd(a):
    import json
    import sys
    if a.build_only:
        img = build(progress=_say)
        # the KVM probe too (its verdict is cached), so a test only boots
        accel = "kvm" if _kvm_works() else "tcg"
        print(json.dumps({"dir": img.dir, "key": img.key, "built": img.built,
                          "seconds": round(img.seconds, 2), "accel": accel}))
        return 0
    if not a.input:
        raise KernsimError("qemu: name a SCENARIO, REPRO or PROGRAM (or --build-only)")
    prog = load_input(a.input, a.variant)
    mode = a.mode if a.mode != "auto" else ("stress" if is_concurrent(prog) else "compare")
    kw = {"accel": a.accel}
    if a.timeout:
        kw["timeout"] = a.timeout
    if mode == "compare":
        c = compare(prog, progress=_say, smp=a.smp or 1, hang_seconds=a.hang_seconds or 20, **kw)
        if a.json:
            print(json.dumps({"equal": c.equal, "sim_failure": c.sim_failure,
                              "guest_failures": c.guest_failures, "accel": c.boot.accel,
                              "boot_seconds": round(c.boot.wall, 2),
                              "rows": [[str(x) for x in r] for r in c.rows]}))
        else:
            print(c.text())
            print(f"(guest: {c.boot.accel}, {c.boot.smp} vCPU, {c.boot.wall:.1f} s)")
        return 0 if c.equal else 1
    rep = stress(prog, iterations=a.iterations, smp=a.smp or 2, sim_runs=a.sim_runs,
                 hang_seconds=a.hang_seconds or 5, progress=_say, **kw)
    if a.json:
        print(json.dumps(dataclasses.asdict(rep)))
    else:
        print(rep.text())
    sys.stdout.flush()
    return 1 if rep.failed or rep.sim_failure else 0
