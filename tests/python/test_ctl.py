"""The FreeBSD CTL ioctl frontend (drivers/ctl_ioctl) on the FreeBSD
personality: the correct frontend survives its scenarios; each bug variant
is found within a bounded number of runs and reported as its kind; the
wakeup-before-wait race is pinned by a script. The stored repros
(scenarios/regressions/ctl-*.repro.txtpb) replay in test_regressions.py."""

import os

import pytest

import kernsim

ROOT = os.environ.get("KERNSIM_ROOT") or os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))
FIND_BUDGET = 2000


def scn(spec):
    return kernsim.resolve(os.path.join(ROOT, "scenarios", "ctl", spec))


def wakeup_script():
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "ctl_wakeup", os.path.join(ROOT, "scenarios", "ctl", "wakeup.py"))
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    return m.SCRIPT


def test_driver_listed():
    d = {x["name"]: x for x in kernsim.drivers()}
    assert d["ctl_ioctl"]["personality"] == "freebsd"
    names = {v for v, _ in d["ctl_ioctl"]["variants"]}
    assert {"none", "no_state_check", "no_state_reset", "port_remove_inflight",
            "sg_watermark"} <= names


@pytest.mark.parametrize("spec,runs", [("wakeup.py:wakeup_program", 20000),
                                       ("wakeup.py:wakeup", 2000),
                                       ("rw.py:rw_sizes", 150),
                                       ("faults.py:unmapped_sg", 300),
                                       ("ports.py:port_churn", 1500)])
def test_correct_frontend_passes(spec, runs):
    r = kernsim.explore(scn(spec), strategy="pct", runs=runs, seed=3, variant="none")
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"
    assert r.runs == runs and r.distinct > 1


@pytest.mark.parametrize("spec", ["wakeup.py:wakeup", "wakeup.py:wakeup_program"])
def test_no_state_check_is_a_lost_wakeup(spec):
    r = kernsim.explore(scn(spec), strategy="pct", runs=FIND_BUDGET, seed=1,
                        variant="no_state_check")
    f = r.failure
    assert f is not None and f.kind == "stuck", f
    assert "ctlioccv" in f.signature, f.signature
    assert "the wakeup came before the wait" in f.message and "ctl_be" in f.message, f.message


def test_no_state_reset_spins():
    r = kernsim.explore(scn("wakeup.py:wakeup"), strategy="pct", runs=FIND_BUDGET, seed=1,
                        variant="no_state_reset", max_steps=20000)
    assert r.failure is not None and r.failure.kind == "step_budget", r.failure
    assert r.failure.thread == "client"


def test_port_remove_inflight_is_a_use_after_free():
    r = kernsim.explore(scn("ports.py:port_churn"), strategy="pct", runs=FIND_BUDGET, seed=3,
                        variant="port_remove_inflight")
    f = r.failure
    assert f is not None and f.kind in ("memory", "lock_misuse", "fault"), f
    assert "freed memory" in f.message or "destroyed" in f.message or f.kind == "fault", \
        f.message


def test_sg_watermark_corrupts_data():
    r = kernsim.explore(scn("rw.py:rw_sizes"), strategy="pct", runs=50, seed=1,
                        variant="sg_watermark")
    f = r.failure
    assert f is not None and f.kind == "scenario", f
    assert "data differs" in f.message, f.message


def test_scripted_wakeup_before_wait():
    script = wakeup_script()
    f = kernsim.run(scn("wakeup.py:wakeup"), strategy="scripted", script=script,
                    variant="no_state_check")
    assert f.kind == "stuck", f
    assert "ctlioccv" in f.signature
    # the correct frontend: the same race (backend done before the wait) passes
    f = kernsim.run(scn("wakeup.py:wakeup"), strategy="scripted", script=script[:2])
    assert f.kind == "pass", f"{f.kind}: {f.message}"
