"""STREAMS (kernel_model/stream*.cc, illumos sys/stream.h): the lp driver and
the watch module. Every bug variant is found by its scenario with the
failure it documents; the correct drivers pass every scenario; the stream
head's rules (stale acks dropped, NAK without error is EINVAL, I_STR's
timeout, TRANSPARENT in both data models) hold. (Saved repros in
scenarios/regressions/streams-*.repro.txtpb are replayed by
test_regressions.)"""

import os

import pytest

import kernsim

SCRIPT = os.path.join(os.environ.get("KERNSIM_ROOT") or os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))), "scenarios", "streams", "lp.py")


def scn(name):
    return kernsim.resolve(f"{SCRIPT}:{name}")


# variant, scenario, budget, failure kind, text in the signature
FINDS = [
    # The freed state shows as whichever comes first: the loaned buffers
    # still out when close returned, or a use of the freed sp_lock.
    ("close_no_wait", "close_race", 2000, "memory", ""),
    ("iocdata_double_free", "transparent_lp64", 1, "memory", "double_free:mcopyout"),
    ("iocdata_double_free", "transparent_ilp32", 1, "memory", "double_free:mcopyout"),
    ("qreply_locked", "lock_order", 1, "lock_order", "sp_lock:wt_lock"),
    ("off_before_untimeout", "close_pending_ack", 2000, "lock_misuse",
     "putnext_after_qprocsoff:streams_lp"),
    ("ack_by_cmd", "late_ack", 2000, "scenario", "data_mismatch"),
    ("no_cont_check", "nodata", 1, "fault", "null_deref"),
    # the M_FLUSH block the driver neither turned around nor freed, named at
    # the stream's last close
    ("flush_leak", "flush", 1, "memory", "msg_leak_at_close:streams_lp"),
]


@pytest.mark.parametrize("variant,name,budget,kind,sig", FINDS,
                         ids=[f"{f[0]}-{f[1]}" for f in FINDS])
def test_variant_found(variant, name, budget, kind, sig):
    r = kernsim.explore(scn(name), strategy="pct", runs=budget, seed=1, variant=variant)
    assert r.failure is not None, f"{variant} not found in {budget} PCT runs"
    assert r.failure.kind == kind, r.failure
    assert sig in r.failure.signature, r.failure.signature


def test_close_no_wait_is_named():
    """close_no_wait: some seeds find the loaned buffers still out when the
    close returned, others a free routine or a service procedure entering
    the freed sp_lock (kmem poison); each report says which."""
    seen = set()
    for seed in range(6):
        r = kernsim.explore(scn("close_race"), strategy="pct", runs=2000, seed=seed,
                            variant="close_no_wait")
        assert r.failure is not None and r.failure.kind == "memory", r.failure
        if "loaned_after_close" in r.failure.signature:
            assert "loaned buffer(s) (esballoc) made by streams_lp" in r.failure.message
            seen.add("loaned")
        else:
            assert "kmem poison" in r.failure.message, r.failure.message
            seen.add("poison")
    assert seen == {"loaned", "poison"}, seen


@pytest.mark.parametrize("strategy", ["random", "pct"])
def test_faults_handled_with_bufcall(strategy):
    """With injected faults (esballoc, bufcall, attach may fail) the correct
    driver retries through bufcall (or a timer) and nothing goes wrong;
    no_unbufcall's close leaves the bufcall pending and its callback runs
    on freed state."""
    r = kernsim.explore(scn("close_race_faults"), strategy=strategy, runs=5000, seed=5,
                        variant="none", inject_faults=True)
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"
    r = kernsim.explore(scn("close_race_faults"), strategy="pct", runs=5000, seed=5,
                        variant="no_unbufcall", inject_faults=True)
    assert r.failure is not None and r.failure.kind in ("memory", "lock_misuse"), r.failure
    assert "sp_lock" in r.failure.signature, r.failure.signature


CORRECT = ["istr", "transparent_lp64", "transparent_ilp32", "close_race", "late_ack",
           "nodata", "push_pop", "lock_order", "close_pending_ack", "flush", "two_ioctls",
           "nonblocking"]


@pytest.mark.parametrize("strategy", ["random", "pct"])
@pytest.mark.parametrize("ilp32", [0, 1])
def test_python_client_passes(strategy, ilp32):
    r = kernsim.explore(scn("client_py"), strategy=strategy, runs=300, seed=5, variant="none",
                        params={"jobs": 3, "ilp32": ilp32})
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"


@pytest.mark.parametrize("strategy", ["random", "pct"])
@pytest.mark.parametrize("name", CORRECT)
def test_correct_drivers_pass(name, strategy):
    r = kernsim.explore(scn(name), strategy=strategy, runs=3000, seed=5, variant="none")
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"
    assert r.runs == 3000
