"""Data races in driver memory (kernel_model/race.h, sim/hb.h): a driver's
race-instrumented build, run with detect_races, reports two unordered
accesses to one field, one a write, as a data_race failure naming both
source lines; every kind of synchronisation the kernel model knows orders
accesses (each edge has a variant of tests/drivers/racy.c that removes it,
and only that variant races)."""

import os

import pytest

import kernsim

HERE = os.path.dirname(os.path.abspath(__file__))
RACY = os.path.join(HERE, "race_scenarios.py")

# (scenario, the variant that removes its synchronisation, a line of each
# access the report must name, as "racy.c:LINE:read|write" minus the line)
CASES = [
    ("refs", "unlocked_refs", "lock release -> acquire"),
    ("callout_flag", "callout_flag", "lock inside a callout"),
    ("read_after_exit", "read_after_exit", "lock release -> acquire"),
    ("taskq", "no_taskq_wait", "task end -> taskq_wait"),
    ("sema", "no_sema", "sema_v -> sema_p"),
    ("condvar", "signal_before_write", "cv_signal -> wakeup"),
    ("callout_arm", "write_after_arm", "timeout() -> callout"),
    ("atomics", "plain_counter", "atomic_inc_32 on both sides"),
    ("user_page", "no_copyin", "copyout -> copyin through one user page"),
    ("rwlock", "bump_as_reader", "rwlock writer -> any; readers are not ordered"),
    ("boot", "boot_arm_then_write", "timeout() -> callout, in _init"),
    ("boot", "boot_no_taskq_wait", "task end -> taskq_wait, in _init"),
]


def scn(name):
    return kernsim.resolve(f"{RACY}:{name}")


@pytest.mark.parametrize("name,variant,edge", CASES, ids=[c[1] for c in CASES])
def test_synchronisation_orders_and_its_absence_races(name, variant, edge):
    ok = kernsim.explore(scn(name), strategy="pct", runs=300, seed=1, detect_races=True)
    assert ok.failure is None, f"{edge}: a race reported on the correct driver: {ok.failure}"
    bad = kernsim.explore(scn(name), strategy="pct", runs=300, seed=1, variant=variant,
                          detect_races=True)
    f = bad.failure
    assert f is not None and f.kind == "data_race", f"{edge} removed: no race found"
    assert f.signature.startswith("data_race:racy.c:") and "/racy.c:" in f.signature
    assert "write" in f.signature
    assert "racy.c:" in f.message and "by thread " in f.message


def test_a_race_repro_replays(tmp_path):
    res = kernsim.explore(scn("refs"), strategy="random", runs=100, seed=3,
                          variant="unlocked_refs", detect_races=True)
    assert res.failure.kind == "data_race"
    assert res.repro.world.detect_races
    path = str(tmp_path / "race.repro.txtpb")
    kernsim.save_repro(res.repro, path)
    r = kernsim.replay(path)
    assert r.matched, r.mismatches
    assert r.outcome.signature == res.failure.signature


def test_one_race_is_one_signature_whichever_access_comes_first():
    sigs = set()
    for seed in range(6):
        res = kernsim.explore(scn("refs"), strategy="random", runs=200, seed=seed,
                              variant="unlocked_refs", detect_races=True)
        assert res.failure.kind == "data_race"
        sigs.add(res.failure.signature.replace("racy.c:", ""))
    # open's refs++ against close's refs--, in either order: the pair of
    # lines, read/write, is one report per pair of accesses.
    assert len(sigs) <= 3, sigs


def test_without_detection_the_race_is_not_reported():
    res = kernsim.explore(scn("refs"), strategy="pct", runs=300, seed=1, variant="unlocked_refs")
    assert res.failure is None


def test_dfs_finds_the_race():
    res = kernsim.explore(scn("read_after_exit"), strategy="dfs", runs=10000,
                          variant="read_after_exit", detect_races=True)
    assert res.failure is not None and res.failure.kind == "data_race"


def test_shipped_drivers_have_no_race_in_their_scenarios(root):
    # port_churn, PCT seed 11: the I/O thread opens the node the admin made
    # after registering the port (si_drv1, port->status); before node
    # creation -> open was an edge, execution 164 reported that as a race.
    for spec, seed, runs in (("scenarios/sample/handshake.py:submit", 7, 500),
                             ("scenarios/lofi/lofi.py:forced_unmap", 7, 500),
                             ("scenarios/ctl/wakeup.py:wakeup", 7, 500),
                             ("scenarios/ctl/ports.py:port_churn", 11, 400)):
        res = kernsim.explore(kernsim.resolve(os.path.join(root, spec)), strategy="pct",
                              runs=runs, seed=seed, detect_races=True)
        assert res.failure is None, f"{spec}: {res.failure}"


def test_detect_races_loads_the_race_build_by_name(root):
    info = kernsim._core.module_info("sample", "", True)
    assert info["path"].endswith("/race/sample.so")
    assert info["hash"] != kernsim._core.module_info("sample")["hash"]
    with pytest.raises(ValueError, match="unknown driver 'nosuch'"):
        kernsim._core.module_info("nosuch", "", True)


def test_cli_detect_races(cli, tmp_path):
    out = tmp_path / "r.repro.txtpb"
    p = cli("explore", f"{RACY}:taskq", "--variant", "no_taskq_wait", "--detect-races",
            "--runs", "300", "--out", out)
    assert p.returncode == 1, p.stdout + p.stderr
    assert "FAILURE data_race" in p.stdout and "racy_task" in p.stdout
    assert cli("replay", out).returncode == 0


def test_preempt_at_access_finds_the_lost_update_as_its_consequence(tmp_path):
    """The unlocked reference count: without scheduling points at accesses
    its ++ and -- run whole and nothing fails; with them, a lost update
    leaves the count wrong and detach's VERIFY panics; the repro replays."""
    quiet = kernsim.explore(scn("refs"), strategy="pct", runs=2000, seed=2,
                            variant="unlocked_refs")
    assert quiet.failure is None
    for seed in range(3):
        res = kernsim.explore(scn("refs"), strategy="pct", runs=2000, seed=seed,
                              variant="unlocked_refs", preempt_at_access=True)
        f = res.failure
        assert f is not None and (f.kind, f.signature) == ("panic", "assert:racy_detach:refs == 0")
    path = str(tmp_path / "lost.repro.txtpb")
    kernsim.save_repro(res.repro, path)
    r = kernsim.replay(path)
    assert r.matched, r.mismatches
    assert any(e["kind"] == "access" for e in r.outcome.trace)
    ok = kernsim.explore(scn("refs"), strategy="pct", runs=2000, seed=2, preempt_at_access=True)
    assert ok.failure is None
