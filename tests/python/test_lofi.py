"""lofi (drivers/lofi) on the illumos DDI personality: every bug variant is
found within a bounded number of runs with the failure it documents; the
correct driver passes every scenario for a few thousand runs; the Program
form of the forced-unmap scenario finds the same races. (Saved repros in
scenarios/regressions/lofi-*.repro.txtpb are replayed by test_regressions.)"""

import os

import pytest

import kernsim

SCRIPT = os.path.join(os.environ.get("KERNSIM_ROOT") or os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))), "scenarios", "lofi", "lofi.py")


def scn(name):
    return kernsim.resolve(f"{SCRIPT}:{name}")


# variant, scenario, strategy, budget, failure kind, text in the signature
FINDS = [
    ("unmap_no_wait", "forced_unmap", "pct", 500, "memory", "vnode_use_after_free"),
    ("unmap_no_wait", "forced_unmap_program", "pct", 1000, "memory", "vnode_use_after_free"),
    ("late_iocount", "forced_unmap", "pct", 2000, "memory", "vnode_use_after_free"),
    ("late_iocount", "forced_unmap", "random", 2000, "memory", "vnode_use_after_free"),
    ("unmap_no_broadcast", "dkiocstate", "pct", 500, "stuck", "ls_vp_cv"),
    ("unmap_no_broadcast", "dkiocstate", "random", 1000, "stuck", "ls_vp_cv"),
    ("minor_short", "minors", "random", 1, "scenario", "admin"),
    ("minor_overrun", "minors", "random", 1, "scenario", "admin"),
    ("free_before_drain", "forced_unmap", "pct", 3000, "memory", "ls_vp_lock"),
]


@pytest.mark.parametrize("variant,name,strategy,budget,kind,sig", FINDS,
                         ids=[f"{f[0]}-{f[1]}-{f[2]}" for f in FINDS])
def test_variant_found(variant, name, strategy, budget, kind, sig):
    r = kernsim.explore(scn(name), strategy=strategy, runs=budget, seed=1, variant=variant)
    assert r.failure is not None, f"{variant} not found in {budget} {strategy} runs"
    assert r.failure.kind == kind, r.failure
    assert sig in r.failure.signature, r.failure.signature


def test_use_after_free_names_the_vnode_and_releaser():
    r = kernsim.explore(scn("forced_unmap"), strategy="pct", runs=500, seed=1,
                        variant="unmap_no_wait")
    m = r.failure.message
    assert "/var/tmp/disk" in m and "VN_RELE" in m and "thread admin" in m, m


CORRECT = [
    ("forced_unmap", {}, 2000),
    ("forced_unmap_program", {}, 5000),
    ("dkiocstate", {}, 2000),
    ("dkiocstate", {"signal": True}, 2000),
    ("two_admins", {}, 2000),
    ("busy_unmap", {}, 300),
    ("minors", {}, 100),
    ("bad_input", {}, 1000),
    ("integrity", {}, 300),
]


@pytest.mark.parametrize("strategy", ["random", "pct"])
@pytest.mark.parametrize("name,params,runs", CORRECT,
                         ids=[f"{c[0]}{'-' + '-'.join(c[1]) if c[1] else ''}" for c in CORRECT])
def test_correct_driver_passes(name, params, runs, strategy):
    r = kernsim.explore(scn(name), strategy=strategy, runs=runs, seed=5, variant="none",
                        params=params)
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"
    assert r.runs == runs


def test_signal_interrupts_dkiocstate():
    """Some interleaving has the waiter's DKIOCSTATE interrupted (EINTR)."""
    seen = set()
    for ex in range(200):
        t = kernsim.run(scn("dkiocstate"), strategy="random", seed=2, execution=ex,
                        variant="none", params={"signal": True})
        assert t.kind == "pass", t
        for e in t.trace:
            if e.get("kind") == "interrupted":
                seen.add("eintr")
        if seen:
            break
    assert seen, "no run interrupted the DKIOCSTATE sleep"


def test_variants_listed():
    d = {x["name"]: x for x in kernsim.drivers()} if isinstance(kernsim.drivers(), list) \
        else kernsim.drivers()
    assert "lofi" in str(d)
    for v in ("unmap_no_wait", "late_iocount", "unmap_no_broadcast", "minor_short",
              "minor_overrun", "free_before_drain"):
        assert v in str(d), v
