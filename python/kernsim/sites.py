"""Where in the driver's source an event was made, and which events a
failure turns on.

A recorded trace's event carries the call site of the driver's primitive
call that made it, as a module file and an offset in it (site_module,
site_offset; sim/call_site.h captures the return address, kernsim._core
makes it module-relative). Here it is symbolized against the module's own
debug information by the standard tool (addr2line), once per module for all
its addresses; the answer depends only on the file, so every replay names
the same lines. None of this is in the trace hash: a code address depends
on the link, the execution does not.
"""

import dataclasses
import os
import re
import shutil
import subprocess

from . import show as _show


@dataclasses.dataclass(frozen=True)
class Where:
    func: str  # the driver function, "?" when the module has no symbols
    line: str  # file:line, the file's base name; "MODULE+0xOFF" without line tables

    def __str__(self):
        return f"{self.line} in {self.func}" if self.func != "?" else self.line


_cache = {}  # (module path, offset) -> Where: a module file does not change under a process


def _addr2line(module, offsets):
    base = os.path.basename(module)
    tool = shutil.which("addr2line")
    out = []
    if tool and os.path.exists(module):
        try:
            p = subprocess.run([tool, "-f", "-C", "-e", module, *(hex(o) for o in offsets)],
                               capture_output=True, text=True, timeout=60)
            out = p.stdout.splitlines() if p.returncode == 0 else []
        except (OSError, subprocess.TimeoutExpired):
            out = []
    got = []
    for i, off in enumerate(offsets):
        func, line = (out[2 * i], out[2 * i + 1]) if len(out) >= 2 * len(offsets) else ("??", "")
        line = line.split(" ")[0]  # "(discriminator N)" follows some lines
        if not line or line.startswith("?"):
            line = f"{base}+{off:#x}"
        else:
            file, _, num = line.rpartition(":")
            line = f"{os.path.basename(file)}:{num}"
        got.append(Where("?" if func.startswith("?") else func, line))
    return got


def resolve(events):
    """{event index: Where} for the events that have a call site."""
    want = {}
    for e in events:
        mod = _show._get_opt(e, "site_module")
        if mod:
            key = (mod, int(_show._get_opt(e, "site_offset") or 0))
            if key not in _cache:
                want.setdefault(mod, set()).add(key[1])
    for mod, offs in sorted(want.items()):
        offs = sorted(offs)
        for off, w in zip(offs, _addr2line(mod, offs)):
            _cache[(mod, off)] = w
    out = {}
    for i, e in enumerate(events):
        mod = _show._get_opt(e, "site_module")
        if mod:
            out[i] = _cache[(mod, int(_show._get_opt(e, "site_offset") or 0))]
    return out


# ---- what a failure turns on ----

# A thread's switch away after one of these was not a preemption: it could
# not go on.
_STOPS = ("block", "thread_exit")
# The operations that end another thread's sleep on an object.
_WAKERS = ("cv_signal", "cv_broadcast", "sema_v", "wake", "mutex_exit", "rw_exit")


def preemptions(events):
    """[(i, j)]: the event i after which its thread, still runnable, was
    switched away from, and the first event j of the thread that ran
    instead. The clock's own events (a timer firing) are passed over."""
    out, last = [], None
    for j, e in enumerate(events):
        t = _show._get(e, "thread")
        if t == 0:
            continue
        if last is not None:
            p = events[last]
            if _show._get(p, "thread") != t and _show._get(p, "kind") not in _STOPS:
                out.append((last, j))
        last = j
    return out


def wakeups(events):
    """[(i, j)]: a wakeup or signal i and the first event j of the thread it
    woke after it. A wake event is made by the waker and names the woken
    thread (its a1; sim.cc Sim::wake); a signal names its target (a0)."""
    out = []
    for i, e in enumerate(events):
        kind = _show._get(e, "kind")
        if kind == "wake":
            target = _show._get(e, "a1")
        elif kind == "signal":
            target = _show._get(e, "a0")
        else:
            continue
        j = next((k for k in range(i + 1, len(events))
                  if _show._get(events[k], "thread") == target), None)
        if j is not None:
            out.append((i, j))
    return out


def failed_event(events, failure):
    """Index of the failing thread's last operation (its sleep's cause, not
    the sleep), or None."""
    if failure is None or failure.kind == "pass" or not failure.thread:
        return None
    idx = [i for i, e in enumerate(events) if _show._get(e, "thread_name") == failure.thread]
    ops = [i for i in idx if _show._get(events[i], "kind") not in ("block", "thread_exit")]
    return (ops or idx or [None])[-1]


def racing(events, failure):
    """The two events the failure turns on: the failing thread's last
    operation, and the other thread's operation the failure's message names
    by its step ("the last cv_broadcast on r_cv was by T at step 44"), else
    the latest earlier operation of another thread on the same object (a
    signal or broadcast if there is one: the wakeup that came too early).
    A heuristic the page's legend states; () when the failure names no
    thread."""
    i = failed_event(events, failure)
    if i is None:
        return ()
    me = _show._get(events[i], "thread")
    named = {int(n) for n in re.findall(r"\bstep (\d+)", failure.message or "")}
    for step in sorted(named, reverse=True):
        at = [k for k in range(i) if _show._get(events[k], "step") == step
              and _show._get(events[k], "thread") not in (me, 0)]
        ops = [k for k in at if _show._get(events[k], "kind") not in ("block", "wake")]
        if ops or at:
            return ((ops or at)[-1], i)
    obj = _show._get(events[i], "object")
    if not obj:
        return (i,)
    others = [k for k in range(i) if _show._get(events[k], "object") == obj
              and _show._get(events[k], "thread") not in (me, 0)
              and _show._get(events[k], "kind") not in ("block", "wake")]
    wakers = [k for k in others if _show._get(events[k], "kind") in _WAKERS]
    pick = (wakers or others or [None])[-1]
    return (pick, i) if pick is not None else (i,)


def failure_where(events, failure, where=None):
    """Lines naming, at source, the operations the failure turns on:
    "client0: cv_wait at sample.c:113 in sample_ioctl (r_cv, step 41)"."""
    if where is None:
        where = resolve(events)
    lines = []
    for i in racing(events, failure):
        e = events[i]
        at = f" at {where[i]}" if i in where else ""
        obj = _show._get(e, "object")
        lines.append(f"{_show._get(e, 'thread_name')}: {_show._get(e, 'kind')}{at} ("
                     + (f"{obj}, " if obj else "") + f"step {_show._get(e, 'step')})")
    return lines
