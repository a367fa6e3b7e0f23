"""sysctl(2) for the FreeBSD personality, at the level a user works: a
scenario or Program reads and writes a driver's knobs by name
(sysctlbyname), the handler runs on the calling thread, and a handler
racing the ioctls or the module's unload is explored.

tests/drivers/fbknob.c keeps a value stack whose capacity is
hw.fbknob.limit, a SYSCTL_PROC that swaps in a stack of the new size
under the softc mutex. Its twins: fbknob_unlocked frees the old stack
before taking the mutex (an ioctl push then writes freed memory);
fbknob_early_free destroys the mutex and frees the stack before
sysctl_ctx_free at MOD_UNLOAD (a handler still running uses them).

FreeBSD facts behind the expected answers were read in freebsd-src
sys/kern/kern_sysctl.c (kernel_model/freebsd/sysctl.cc lists them)."""
import pytest

import kernsim

import fbknob_scenarios as fk


def scn(name):
    return kernsim.resolve(f"{fk.__file__}:{name}")


def test_knobs_answer_as_freebsd_does():
    """Reads, writes, the size query, ENOENT, EISDIR, EPERM (read-only
    oid, unprivileged writer), EINVAL, ENOMEM with a short buffer (what
    fits is copied, *oldlenp unwritten), EFAULT (old buffer, oldlenp)."""
    r = kernsim.run(scn("knobs"))
    assert r.kind == "pass", f"{r.kind}: {r.message}"


def test_the_program_op_reads_and_writes_a_knob():
    r = kernsim.run(scn("knob_program"))
    assert r.kind == "pass", f"{r.kind}: {r.message}"


@pytest.mark.parametrize("strategy", ["random", "pct"])
@pytest.mark.parametrize("name", ["knobs", "resize_races_push", "unload_races_handler"])
def test_the_correct_driver_gets_no_report(name, strategy):
    """unload_races_handler: sysctl_ctx_free sleeps until the running
    handler returns (oid_running, "oidrm"), so the softc it uses is not
    freed under it."""
    r = kernsim.explore(scn(name), strategy=strategy, runs=300, seed=3)
    assert r.runs == 300
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"


def test_an_unload_waits_for_a_running_handler():
    """Some execution has the unload asleep on "oidrm" while the handler
    runs (the wait is what the correct driver relies on)."""
    seen = False
    for seed in range(1, 40):
        r = kernsim.run(scn("unload_races_handler"), strategy="pct", seed=seed)
        assert r.kind == "pass", f"{r.kind}: {r.message}"
        if any("oidrm" in str(e) for e in r.trace):
            seen = True
            break
    assert seen, "no execution had sysctl_ctx_free wait for a running handler"


def _found_and_replays(name, tmp_path, want):
    r = kernsim.explore(scn(name), strategy="pct", runs=3000, seed=7)
    assert r.failure is not None, "not found"
    msg = r.failure.message
    assert any(w in msg for w in want), msg
    path = str(tmp_path / f"{name}.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    rep = kernsim.replay(path)
    assert rep.matched, rep.mismatches
    return r.failure


def test_a_resize_that_frees_before_locking_is_found_and_replays(tmp_path):
    f = _found_and_replays("resize_races_push_unlocked", tmp_path, ["fbknob", "M_FBKNOB"])
    assert f.kind == "memory", (f.kind, f.message)


def test_the_program_form_of_the_resize_race_is_found_and_replays(tmp_path):
    f = _found_and_replays("knob_program_race", tmp_path, ["fbknob", "M_FBKNOB"])
    assert f.kind == "memory", (f.kind, f.message)


def test_an_unload_that_frees_before_sysctl_ctx_free_is_found_and_replays(tmp_path):
    _found_and_replays("unload_races_handler_early_free", tmp_path, ["fbknob"])


def test_sysctl_in_a_world_without_freebsd_is_a_scenario_error():
    @kernsim.scenario(driver="sample")
    def illumos_sysctl(w):
        def t():
            buf = yield kernsim.sys.mmap(4096)
            yield kernsim.sys.sysctl("hw.ncpu", buf, buf + 8)
        w.spawn("t", t())
    r = kernsim.run(illumos_sysctl)
    assert r.kind == "scenario", (r.kind, r.message)
    assert "FreeBSD" in r.message, r.message
