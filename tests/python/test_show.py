"""kernsim.show.render: one line per event, thread names, errno names,
virtual time when it changes; and its copy of the event kind names agrees
with kernel_model/events.cc."""

import os
import re

import kernsim
from kernsim import show


def ev(step, thread, name, kind, obj="", a0=0, a1=0, result=0, vtime=0):
    return dict(step=step, thread=thread, thread_name=name, kind=kind, object=obj, a0=a0,
                a1=a1, result=result, vtime=vtime)


EVENTS = [
    ev(0, 1, "client0", "thread_start"),
    ev(1, 1, "client0", "syscall", "user", a0=1, a1=2),
    ev(1, 1, "client0", "syscall_exit", "user", a0=1, result=3),
    ev(2, 1, "client0", "syscall", "user", a0=3, a1=3),
    ev(2, 1, "client0", "syscall_exit", "user", a0=3, result=-25),
    ev(3, 2, "worker", "mutex_enter", "sc_lock"),
    ev(3, 2, "worker", "block", "r_cv", a0=35),
    ev(4, 1, "client0", "cv_broadcast", "r_cv"),
    ev(4, 1, "client0", "wake", "r_cv", a1=2),
    ev(5, 1, "client0", "delay", a0=10_000_000, vtime=10_000_000),
    ev(5, 2, "worker", "mutex_tryenter", "sc_lock", vtime=10_000_000),
    ev(5, 2, "worker", "mutex_tryenter", "sc_lock", vtime=10_000_000),
]


def test_render_one_line_per_event():
    text = show.render(EVENTS)
    lines = text.splitlines()
    body = [ln for ln in lines if re.match(r"\s*\d+\s", ln)]
    assert len(body) == len(EVENTS)
    for line, e in zip(body, EVENTS):
        assert re.match(rf"\s*{e['step']}\s+{e['thread_name']}\s+{e['kind']}\b", line), line
    assert "open(O_RDWR)" in body[1] and "open = 3" in body[2]
    assert "ioctl(fd=3)" in body[3] and "ioctl = -ENOTTY" in body[4]
    assert "sleeps in cv_wait" in body[6]
    assert "wakes worker" in body[8]
    assert "[t=10ms]" in body[9] and "[t=" not in "".join(body[:9])
    assert "-> failed" in body[11] and "failed" not in body[10]


def test_render_columns():
    text = show.render(EVENTS, columns=True)
    lines = text.splitlines()
    assert re.match(r"\s*step\s+client0\s+worker$", lines[0])
    body = [ln for ln in lines if re.match(r"\s*\d+\s", ln)]
    assert len(body) == len(EVENTS)
    col = lines[0].index("worker")
    assert body[5][col:].startswith("mutex_enter sc_lock")  # worker's column
    assert body[1].index("syscall") < col                   # client0's column


def test_render_empty():
    assert show.render([]).strip() == "(no events)"


def test_errno_names():
    assert show.errno_name(25) == "ENOTTY"
    assert show.errno_name(4) == "EINTR"
    assert show.errno_name(100000) == "errno 100000"


def test_event_names_agree_with_kernel_model(root):
    src = open(os.path.join(root, "kernel_model", "events.cc")).read()
    body = src[src.index("kEventNames[] = {"):]
    body = body[:body.index("};")]
    names = tuple(re.findall(r'"([a-z_0-9]+)"', body))
    assert names, "no kernel event names found in events.cc"
    # Kernel kinds are numbered from 32 in table order; show renders them by number.
    assert tuple(show._event_name(32 + i) for i in range(len(names))) == names
    assert show._event_name(3) == "block"
    assert show._event_name(32 + len(names)) == f"event {32 + len(names)}"


def test_render_real_trace(handshake):
    scn = kernsim.resolve(f"{handshake}:submit")
    f = kernsim.run(scn, variant="none")
    text = show.render(f.trace)
    body = [ln for ln in text.splitlines() if re.match(r"\s*\d+\s", ln)]
    assert len(body) == len(f.trace)
    for t in ("client0", "client1", "sample_tq/"):
        assert t in text
    assert "ioctl = 0" in text and "open = " in text
