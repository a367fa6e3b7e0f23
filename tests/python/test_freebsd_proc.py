"""FreeBSD struct thread, proc and ucred (kernel_model/freebsd/proc.cc) on
tests/drivers/fbowner.c: td->td_proc->p_pid, td->td_ucred->cr_uid,
p_comm, td_name, curproc, proc0, priv_check(9), crhold/crfree. Before
these records a driver reading any of them did not compile."""
import os
import subprocess
import sys

import pytest

import kernsim

import fbowner_scenarios as fo


def scn(name):
    return kernsim.resolve(f"{fo.__file__}:{name}")


@pytest.mark.parametrize("name,runs", [("self_view", 50), ("owners", 1000)])
def test_the_correct_driver_gets_no_report(name, runs):
    r = kernsim.explore(scn(name), strategy="pct", runs=runs, seed=5, variant="none")
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"


def test_a_credential_reference_never_given_back_is_a_leak():
    r = kernsim.explore(scn("owners"), strategy="pct", runs=5, seed=5, variant="no_crfree")
    assert r.failure is not None and r.failure.signature == "leak:ucred", r.failure
    assert "crhold" in r.failure.message, r.failure.message


def test_a_credential_given_back_twice_panics():
    r = kernsim.explore(scn("owners"), strategy="pct", runs=5, seed=5, variant="crfree_twice")
    assert r.failure is not None and r.failure.kind == "panic", r.failure
    assert "crfree: the credential of process" in r.failure.message, r.failure.message


def test_two_first_opens_racing_for_ownership_are_found_and_replay(tmp_path):
    r = kernsim.explore(scn("owners"), strategy="pct", runs=2000, seed=5,
                        variant="unlocked_owner")
    # The lost reference (a leak), or, since an open may meet the last
    # close (fbowner counts its opens, D_TRACKCLOSE), an open that found
    # the old owner unlocked and kept the device with none.
    assert r.failure is not None, "not found"
    assert (r.failure.signature.startswith("leak")
            or "FBOWN_OWNER returned -2" in r.failure.message), r.failure
    path = str(tmp_path / "unlocked_owner.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    rep = kernsim.replay(path)
    assert rep.matched, rep.mismatches


SHOW_TDS = """
import sys
sys.path.insert(0, sys.argv[1])
import kernsim, fbowner_scenarios as fo
s = kernsim.resolve(fo.__file__ + ":self_view")
r = kernsim.explore(s, strategy="pct", runs=20, seed=9, variant="none")
assert r.failure is None, r.failure
print(sorted(s.fn.__globals__["TD_SEEN"]))
"""


def test_a_thread_record_has_one_address_in_every_execution_and_process():
    """A driver may hash or order struct thread pointers: their addresses
    must not depend on the execution or on the host process."""
    out = [subprocess.run([sys.executable, "-c", SHOW_TDS, os.path.dirname(fo.__file__)],
                          check=True, capture_output=True, text=True).stdout for _ in range(2)]
    assert out[0] == out[1], out
    seen = eval(out[0])  # a list of (name, address) pairs this test printed
    assert sorted({n for n, _ in seen}) == ["r1", "u1"] and len(seen) == 2, seen
