"""Lock reports name the driver's lines, as WITNESS names file:line: the
sleeping call and where each held lock was taken ("locked @ file:line"),
and for a lock order reversal where the thread took the lock it holds
(1st), the one it takes (2nd), and the sites of the order it contradicts.
Signatures carry no line (they are the dedup and regression key), and a
repro of each replays.

The lines are read from the driver sources, so a test fails if a report
names any other line."""
import os

import pytest

import kernsim

import fbprobe_scenarios as fp

ROOT = os.environ.get("KERNSIM_ROOT") or os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))
LP = os.path.join(ROOT, "scenarios/streams/lp.py")


def line_in(path, func, text, nth=1):
    """'base:N' for the nth line holding `text` after `func`'s definition
    (its name at the start of a line, as these drivers write it)."""
    lines = open(os.path.join(ROOT, path)).read().split("\n")
    start = next(i for i, l in enumerate(lines) if l.startswith(func + "("))
    for i in range(start, len(lines)):
        if text in lines[i]:
            nth -= 1
            if nth == 0:
                return f"{os.path.basename(path)}:{i + 1}"
    raise AssertionError(f"{text!r} not in {func} of {path}")


def found_and_replays(r, tmp_path, kind, sig):
    assert r.failure is not None
    assert r.failure.kind == kind, r.failure.message
    assert r.failure.signature == sig, r.failure.signature
    path = str(tmp_path / "x.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    rep = kernsim.replay(path)
    assert rep.matched, rep.mismatches
    return r.failure.message


def test_freebsd_sleep_names_the_call_and_the_lock(tmp_path):
    """fbpipe -DPIPE_BUG_RWSLEEP: rw_rlock, then malloc(M_WAITOK) (an
    inline of <sys/malloc.h>, named at the driver's line that uses it)."""
    r = kernsim.explore(kernsim.resolve(f"{fp.__file__}:pipe_two_by_two_rwsleep"),
                        strategy="pct", runs=5000, seed=0)
    msg = found_and_replays(r, tmp_path, "lock_misuse",
                            "sleep_with_nonsleepable:malloc(M_WAITOK):fbpipe cfg")
    src = "tests/drivers/fbpipe.c"
    call = line_in(src, "pipe_write", "malloc(sizeof(*pm) + len, M_FBPIPE, M_WAITOK)")
    taken = line_in(src, "pipe_write", "held across a sleeping malloc")
    assert f"sleeping call @ {call} (pipe_write)" in msg, msg
    assert ("with the following non-sleepable locks held:\n"
            f"   shared rwlock fbpipe cfg locked @ {taken} (pipe_write)") in msg, msg


def test_freebsd_sleepable_after_non_sleepable_names_both(tmp_path):
    """fbkv -DKV_BUG_SXMTX: sx_xlock with PROC_LOCK held."""
    r = kernsim.explore(kernsim.resolve(f"{fp.__file__}:kv_ops_sxmtx"),
                        strategy="pct", runs=5000, seed=0)
    msg = found_and_replays(r, tmp_path, "lock_order",
                            "lock_order_sleepable:process lock:fbkv table")
    src = "tests/drivers/fbkv.c"
    assert f" 1st process lock @ {line_in(src, 'kv_put', 'PROC_LOCK(td->td_proc)')} (kv_put)" \
        in msg, msg
    assert f" 2nd fbkv table @ {line_in(src, 'kv_put', 'sx_xlock(&kv_lock)')} (kv_put)" in msg, msg


def test_illumos_reversal_names_every_site(tmp_path):
    """streams_lp qreply_locked: lp_setopts acks under sp_lock; watch's
    read side takes wt_lock, and a free routine under it takes sp_lock."""
    r = kernsim.explore(kernsim.resolve(f"{LP}:lock_order"), strategy="pct", runs=1, seed=1,
                        variant="qreply_locked")
    msg = found_and_replays(r, tmp_path, "lock_order", "lock_order:sp_lock:wt_lock")
    sp_held = line_in("drivers/streams_lp/lp_ioctl.c", "lp_setopts", "mutex_enter(&sp->sp_lock)")
    wt_taken = line_in("drivers/streams_watch/watch.c", "watch_rput",
                       "mutex_enter(&wt->wt_lock)", 1)
    wt_order = line_in("drivers/streams_watch/watch.c", "watch_rput",
                       "mutex_enter(&wt->wt_lock)", 2)
    sp_order = line_in("drivers/streams_lp/lp.c", "lp_buf_free", "mutex_enter(&sp->sp_lock)")
    assert f" 1st sp_lock @ {sp_held} (lp_setopts)" in msg, msg
    assert f" 2nd wt_lock @ {wt_taken} (watch_rput)" in msg, msg
    assert (f"wt_lock before sp_lock (thread srv:streams_lp:r at step") in msg, msg
    assert (f"wt_lock @ {wt_order} (watch_rput), then sp_lock @ {sp_order} (lp_buf_free)") \
        in msg, msg


@pytest.mark.parametrize("name", ["pipe_two_by_two_rwsleep", "kv_ops_rmsleep", "kv_ops_sxmtx"])
def test_signatures_keep_no_line(name):
    r = kernsim.explore(kernsim.resolve(f"{fp.__file__}:{name}"), strategy="pct", runs=5000,
                        seed=0)
    assert r.failure is not None
    assert ".c:" not in r.failure.signature and "@" not in r.failure.signature, \
        r.failure.signature
