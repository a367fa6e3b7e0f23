"""An execution's interleaving as readable text: one line per trace event
(step, thread, event, object, the arguments and results worth reading,
virtual time when it changes), either with the thread name as a prefix or
with one column per thread.

Events are the dicts kernsim._core.run_one returns under "trace" (keys step,
thread, thread_name, kind, object, a0, a1, result, vtime); objects with those
attributes (kernsim_pb2.Event) work too.
"""

from . import _core

# What a syscall event's a1 (the first argument) is, per call.
_SYSCALL_ARG = {"open": "flags", "close": "fd", "ioctl": "fd", "read": "fd", "write": "fd",
                "pread": "fd", "pwrite": "fd", "mmap": "len", "munmap": "addr",
                "mprotect": "addr", "kill": "sig", "poll": "nfds", "kevent": "kq",
                "mmap_dev": "fd"}
_OPEN_MODES = {0: "O_RDONLY", 1: "O_WRONLY", 2: "O_RDWR"}
_CHOICES = {1: "fault", 2: "spurious", 3: "signal"}


def _get(e, k):
    return e[k] if isinstance(e, dict) else getattr(e, k)


def _get_opt(e, k, default=None):
    """A key only some events have (a call site, a note)."""
    return e.get(k, default) if isinstance(e, dict) else getattr(e, k, default)


def _s64(v):
    """Arguments travel as uint64: show what was a negative number as one."""
    return v - (1 << 64) if v >= (1 << 63) else v


def errno_name(e):
    try:
        name = _core.errno_name(int(e))
    except Exception:  # noqa: BLE001 - a name is a nicety, the number is the fact
        name = "E?"
    return name if name != "E?" else f"errno {e}"


def _result(r, hexa=False):
    if r < 0:
        return "-" + errno_name(-r)
    return hex(r) if hexa else str(r)


def _open_flags(f):
    parts = [_OPEN_MODES.get(f & 3, f"mode {f & 3}")]
    if f & 0o200:
        parts.append("O_EXCL")
    if f & 0o4000:
        parts.append("O_NDELAY")
    rest = f & ~(3 | 0o200 | 0o4000)
    if rest:
        parts.append(hex(rest))
    return "|".join(parts)


_SIGNALS = {1: "SIGHUP", 2: "SIGINT", 9: "SIGKILL", 10: "SIGUSR1", 12: "SIGUSR2", 14: "SIGALRM",
            15: "SIGTERM"}


def _event_name(k):
    """Name of an event kind number, as the simulator names it."""
    name = _core.event_name(int(k))
    return name if name != "?" else f"event {k}"


def _sys_name(nr):
    name = _core.sys_name(int(nr))
    return name if name != "syscall" else f"syscall {nr}"


def _fmt_time(ns):
    if ns == 0:
        return "0"
    for unit, div in (("s", 10**9), ("ms", 10**6), ("us", 10**3)):
        if ns >= div:
            v = ns / div
            return f"{v:g}{unit}" if v == int(v) else f"{v:.3f}{unit}"
    return f"{ns}ns"


_TRY_KINDS = ("mutex_tryenter", "rw_tryenter", "rw_tryupgrade", "sema_tryp", "taskq_dispatch")


def describe(e, names, prev=None, ioctls=None):
    """(event, object, details) of one event; names maps thread ids to names,
    prev is the same thread's previous event, ioctls maps ioctl commands to
    the names the driver's description gives them."""
    kind = _get(e, "kind")
    obj = _get(e, "object") or ""
    a0, a1, res = _get(e, "a0"), _get(e, "a1"), _get(e, "result")
    d = ""
    if kind == "syscall":
        call = _sys_name(a0)
        what = _SYSCALL_ARG.get(call)
        if call == "open":
            d = f"{call}({_open_flags(a1)})"
        elif call == "ioctl" and _get_opt(e, "note") is not None:
            # The command is a note, outside the trace hash (Sim::note).
            cmd = _get_opt(e, "note")
            d = f"ioctl(fd={_s64(a1)}, {(ioctls or {}).get(cmd) or hex(cmd)})"
        elif what in ("addr",):
            d = f"{call}({hex(a1)})"
        elif what:
            d = f"{call}({what}={_s64(a1)})"
        else:
            d = f"{call}({a1})"
    elif kind == "syscall_exit":
        call = _sys_name(a0)
        d = f"{call} = {_result(res, hexa=(call in ('mmap', 'mmap_dev')))}"
    elif kind == "block":
        d = f"sleeps in {_event_name(a0)}"
    elif kind == "wake":
        d = f"wakes {names.get(a1, f'thread {a1}')}"
        if a0:
            d += f" ({errno_name(a0)})"
    elif kind == "clock":
        d = f"clock advances to {_fmt_time(a0)} (timer {a1})"
    elif kind == "choice":
        d = f"{_CHOICES.get(a0, f'choice {a0}')} = {'yes' if a1 else 'no'}" if a0 in _CHOICES \
            else f"choice {a0} = {a1}"
    elif kind in ("rw_enter", "rw_tryenter"):
        d = "writer" if a0 else "reader"
    elif kind in ("copyin", "copyout", "user_mem", "vnode_io"):
        d = f"{a0:#x}, {a1} bytes"
    elif kind == "signal":
        d = f"{_SIGNALS.get(a1, f'signal {a1}')} to {names.get(a0, f'thread {a0}')}"
    elif kind == "kmem_alloc":
        d = f"{a0} bytes" + (f", flags {a1:#x}" if a1 else "")
    elif kind == "kmem_free":
        # FreeBSD's free(9) names no size: the allocation's own is freed
        d = "the whole buffer" if a0 == 2**64 - 1 else f"{a0} bytes"
    elif kind == "taskq_dispatch":
        d = f"flags {a0:#x}" if a0 else ""
    elif kind == "taskq_create":
        d = f"{a0} thread{'s' if a0 != 1 else ''}"
    elif kind in ("taskq_exec", "callout", "untimeout"):
        d = f"id {a0}"
    elif kind == "timeout":
        d = f"fires at {_fmt_time(a0)}"
    elif kind == "delay":
        d = _fmt_time(a0)
    elif kind in ("modload", "minor_node", "instance_state"):
        verb = {"modload": ("start", "end"), "minor_node": ("create", "remove"),
                "instance_state": ("alloc", "free")}[kind]
        d = verb[0] if a0 else verb[1]
        if kind != "modload":
            d += f" {a1}"
    elif kind in ("MsgSend", "MsgReceive", "MsgRead", "MsgWrite"):
        # message passing: the connection (MsgSend) or rcvid, and the bytes
        d = f"{'coid' if kind == 'MsgSend' else 'rcvid'}={a0} bytes={a1}" if a0 else ""
    elif kind in ("MsgReply", "MsgError"):
        d = f"rcvid={a0} " + (f"status={_s64(a1)}" if kind == "MsgReply" else errno_name(a1))
    elif kind in ("interrupted", "timedout"):
        d = errno_name(res) if res > 0 else ""
        res = 0
    elif kind in ("thread_start", "thread_exit", "mutex_enter", "mutex_exit", "cv_wait",
                  "cv_wait_sig", "cv_timedwait", "cv_signal", "cv_broadcast", "rw_exit",
                  "sema_p", "sema_v", "taskq_wait", "taskq_destroy", "taskq_idle", "preempt",
                  "rw_downgrade"):
        pass
    else:
        parts = [f"{k}={_s64(v)}" for k, v in (("a0", a0), ("a1", a1)) if v]
        d = " ".join(parts)
    if kind in _TRY_KINDS and prev is not None and _get(prev, "kind") == kind and \
            _get(prev, "object") == _get(e, "object"):
        # A try-operation (or a NOSLEEP dispatch) that fails emits a second
        # event of its kind right after its scheduling point.
        d = (d + " " if d else "") + "-> failed"
    elif kind not in ("syscall_exit", "interrupted", "timedout") and res:
        d = (d + " " if d else "") + "-> " + (_result(res) if res < 0 else str(res))
    return kind, obj, d


def _names(events):
    names = {0: "<clock>"}
    for e in events:
        names.setdefault(_get(e, "thread"), _get(e, "thread_name"))
    return names


def _threads(events):
    seen = []
    for e in events:
        t = _get(e, "thread")
        if t not in seen:
            seen.append(t)
    return sorted(seen)


# What family an event is of, for colour (terminal and page): the first
# prefix that matches its kind. A wakeup and a sleep get colours of their
# own: a lost wakeup is one coming before the sleep it was meant for.
_CLASSES = (
    ("wakeup", ("cv_signal", "cv_broadcast", "wake", "sema_v", "signal")),
    ("sleep", ("cv_wait", "cv_timedwait", "block", "sema_p", "delay", "interrupted",
               "timedout")),
    ("sync", ("mutex", "rw_", "sema", "cv_")),
    ("call", ("syscall",)),
    ("mem", ("kmem", "copy", "user_mem", "vnode_io", "access")),
    ("async", ("taskq", "callout", "timeout", "untimeout", "clock")),
    ("life", ("thread_", "modload", "minor_node", "instance_state")),
)


def event_class(kind):
    for cls, prefixes in _CLASSES:
        if any(kind.startswith(p) for p in prefixes):
            return cls
    return "other"


# ANSI colours of the classes on a terminal; racing events bold red.
_ANSI = {"wakeup": "33", "sleep": "35", "sync": "34", "call": "1", "mem": "32", "async": "36",
         "life": "2", "other": "0"}


def _paint(text, code, color):
    return f"\x1b[{code}m{text}\x1b[0m" if color and code != "0" else text


def render(events, columns=False, ioctls=None, where=None, failure=None, color=False,
           race=None):
    """The interleaving, one line per event. `ioctls` names ioctl commands;
    `where` ({event index: sites.Where}, default: resolved from the events'
    call sites) puts each event's source line after it; `failure` marks the
    events it turns on ([race]; `race`: their indices, when `events` is a
    filtered part of the trace they were found in) and preemptions
    ([preempted]: the thread could have gone on); `color` paints event
    kinds with ANSI colours."""
    from . import sites
    events = list(events)
    if not events:
        return "(no events)\n"
    if where is None:
        where = sites.resolve(events)
    if race is None:
        race = sites.racing(events, failure) if failure is not None else ()
    race = set(race)
    preempted = {i for i, _ in sites.preemptions(events)}
    names = _names(events)
    step_w = max(4, len(str(_get(events[-1], "step"))))
    out = []
    last_t = None
    prev = {}
    if not columns:
        name_w = max(len(n) for n in names.values())
        out.append(f"{'step':>{step_w}}  {'thread':<{name_w}}  {'event':<14} {'object':<12} details")
        for i, e in enumerate(events):
            t = _get(e, "vtime")
            kind, obj, d = describe(e, names, prev.get(_get(e, "thread")), ioctls)
            prev[_get(e, "thread")] = e
            code = "1;31" if i in race else _ANSI[event_class(kind)]
            head = f"{_get(e, 'step'):>{step_w}}  {names[_get(e, 'thread')]:<{name_w}}  "
            plain = f"{head}{kind:<14} {obj:<12} {d}".rstrip()
            line = head + _paint(kind, code, color) + plain[len(head) + len(kind):]
            if i in where:  # source lines in a column of their own
                line += " " * max(0, 56 + name_w + step_w - len(plain)) + f"  at {where[i]}"
            if i in race:
                line += "  " + _paint("[race]", "1;31", color)
            if i in preempted:
                line += "  [preempted]"
            if t != last_t and last_t is not None:
                line += f"   [t={_fmt_time(t)}]"
            last_t = t
            out.append(line)
        return "\n".join(out) + "\n"

    tids = _threads(events)
    col = {t: i for i, t in enumerate(tids)}
    width = max(16, min(32, max(len(names[t]) for t in tids) + 2))
    header = f"{'step':>{step_w}}  " + "".join(f"{names[t][:width - 1]:<{width}}" for t in tids)
    out.append(header.rstrip())
    out.append((f"{'':>{step_w}}  " + "".join(f"{'-' * (width - 1):<{width}}" for _ in tids)).rstrip())
    for e in events:
        t = _get(e, "vtime")
        kind, obj, d = describe(e, names, prev.get(_get(e, "thread")), ioctls)
        prev[_get(e, "thread")] = e
        text = " ".join(x for x in (kind, obj, d) if x)
        cells = [""] * len(tids)
        cells[col[_get(e, "thread")]] = text
        # A cell wider than its column pushes the cells to its right; fine for
        # the rare long one (the line stays unambiguous: one event a line).
        line = f"{_get(e, 'step'):>{step_w}}  " + "".join(
            f"{c:<{width}}" if i < len(cells) - 1 else c for i, c in enumerate(cells))
        line = line.rstrip()
        if t != last_t and last_t is not None:
            line += f"   [t={_fmt_time(t)}]"
        last_t = t
        out.append(line)
    return "\n".join(out) + "\n"
