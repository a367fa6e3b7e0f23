"""FreeBSD's lock classes as a WITNESS/INVARIANTS kernel enforces them, and
devfs's last close against a new open, on the fbprobe drivers' -D twins
(tests/drivers/fbpipe.c, fbkv.c) and tests/drivers/fbreopen.c.

Facts (freebsd-src): rw(9) and a plain rmlock(9) are not sleepable
(lock_class_rw, lock_class_rm: no LC_SLEEPABLE), so WITNESS_WARN(
WARN_SLEEPOK) in malloc(M_WAITOK), uiomove and the sleeps names them; an sx
is sleepable, and witness_checkorder calls taking one under a non-sleepable
lock "lock order reversal: (sleepable after non-sleepable)"
(subr_witness.c); devfs_open and devfs_close drop the vnode lock around
d_open/d_close (devfs_vnops.c), so an open may run while d_close does."""
import pytest

import kernsim

import fbprobe_scenarios as fp


def scn(name):
    return kernsim.resolve(f"{fp.__file__}:{name}")


BUGS = {
    # scenario: (failure kind, words of its message)
    "pipe_two_by_two_rwsleep": ("lock_misuse", ("non-sleepable lock fbpipe cfg", "malloc(M_WAITOK)")),
    "kv_ops_rmsleep": ("lock_misuse", ("non-sleepable lock fbkv config", "copyinstr")),
    "kv_ops_sxmtx": ("lock_order", ("(sleepable after non-sleepable)", "sleepable lock fbkv table",
                                    "sx_xlock at fbkv.c:", "non-sleepable lock process lock")),
    "reopen": ("panic", ("fbreopen: read on an open with no buffer",)),
}


@pytest.mark.parametrize("name", sorted(BUGS))
def test_each_lock_rule_is_reported_and_replays(name, tmp_path):
    kind, words = BUGS[name]
    r = kernsim.explore(scn(name), strategy="pct", runs=5000, seed=0)
    assert r.failure is not None, f"{name}: not found"
    assert r.failure.kind == kind, r.failure.message
    for w in words:
        assert w in r.failure.message, r.failure.message
    path = str(tmp_path / f"{name}.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    rep = kernsim.replay(path)
    assert rep.matched, rep.mismatches


@pytest.mark.parametrize("strategy", ["random", "pct"])
def test_the_trackclose_fix_gets_no_report(strategy):
    r = kernsim.explore(scn("reopen_track"), strategy=strategy, runs=3000, seed=5)
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"


def test_an_open_enters_while_the_last_close_runs():
    """The overlap itself, not only its consequence: found by random
    search too (it needs only one preemption inside d_close)."""
    r = kernsim.explore(scn("reopen"), strategy="random", runs=5000, seed=1)
    assert r.failure is not None and r.failure.kind == "panic", r.failure
