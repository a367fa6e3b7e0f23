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
    names = tuple(re.findall(r'"([^"]+)"', body))
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


SAMPLE_REPRO = os.path.join("scenarios", "regressions", "sample-no_done_check.repro.txtpb")


def test_show_names_the_source_of_each_event(root, cli):
    # Every event a driver's primitive call made carries that call's
    # file:line and function, symbolized from the module's debug information.
    p = cli("show", os.path.join(root, SAMPLE_REPRO))
    assert p.returncode == 0, p.stderr
    body = [ln for ln in p.stdout.splitlines() if re.match(r"\s*\d+\s", ln)]
    located = [ln for ln in body if re.search(r"  at sample\.c:\d+ in sample_\w+", ln)]
    assert len(located) > len(body) // 4, p.stdout
    assert any(re.search(r"\bcv_wait\s+r_cv\b.*at sample\.c:\d+ in sample_", ln) for ln in body)
    assert any(re.search(r"\bcv_broadcast\s+r_cv\b.*at sample\.c:\d+ in sample_", ln)
               for ln in body)
    # A scenario's own system calls are not driver code: no site.
    assert not any(" syscall " in ln and " at sample.c" in ln for ln in body)
    # The failure names the two operations it turns on, at source.
    tail = p.stdout[p.stdout.index("stuck at step"):]
    assert re.search(r"the failure turns on:\n\s+\S+: cv_broadcast at sample\.c:\d+ in "
                     r"sample_\w+ \(r_cv, step \d+\)\n\s+\S+: cv_wait at sample\.c:\d+ in "
                     r"sample_\w+ \(r_cv, step \d+\)", tail), tail
    # The racing events and the preemptions are marked in the listing too.
    assert sum("[race]" in ln for ln in body) == 2
    assert any("[preempted]" in ln for ln in body)


def test_show_names_ioctl_commands(root, cli):
    # The command is recorded beside the event, outside the trace hash: the
    # repro still replays with its recorded hash (the note says nothing).
    p = cli("show", os.path.join(root, SAMPLE_REPRO))
    assert "ioctl(fd=0, SAMPLE_SUBMIT)" in p.stdout, p.stdout
    assert "does not reproduce" not in p.stdout
    assert show.describe(dict(EVENTS[3], note=0x5399), {})[2] == "ioctl(fd=3, 0x5399)"
    assert show.describe(dict(EVENTS[3], note=0x5301), {}, ioctls={0x5301: "X"})[2] == \
        "ioctl(fd=3, X)"


def test_colour_only_when_asked():
    plain = show.render(EVENTS)
    assert "\x1b[" not in plain
    painted = show.render(EVENTS, color=True)
    assert "\x1b[" in painted
    assert re.sub(r"\x1b\[[0-9;]*m", "", painted) == plain


def test_a_filter_keeps_the_racing_events_of_the_whole_trace(root, cli):
    # Only the waker shown: its early broadcast is still marked, though the
    # failing thread (the sleeper) is filtered out.
    p = cli("show", os.path.join(root, SAMPLE_REPRO), "--thread", "sample_tq/1")
    body = [ln for ln in p.stdout.splitlines() if re.match(r"\s*\d+\s", ln)]
    assert [ln.split()[2] for ln in body if "[race]" in ln] == ["cv_broadcast"], p.stdout
