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
import os
import subprocess

import pytest

import kernsim

import fbknob_scenarios as fk


SYS_SYSCTL = 19  # kSysSysctl, the syscall events' a0


def scn(name):
    return kernsim.resolve(f"{fk.__file__}:{name}")


def test_knobs_answer_as_freebsd_does():
    """Reads, writes, the size query, ENOENT, EISDIR, EPERM (read-only
    oid, unprivileged writer), EINVAL, ENOMEM with a short buffer (what
    fits is copied, *oldlenp unwritten), EFAULT (old buffer, oldlenp)."""
    r = kernsim.run(scn("knobs"))
    assert r.kind == "pass", f"{r.kind}: {r.message}"


def test_a_handler_without_mpsafe_runs_under_giant():
    r = kernsim.run(scn("knobs"))
    giant = [e for e in r.trace if e["object"] == "Giant" and e["kind"] == "mutex_enter"]
    assert len(giant) == 1 and giant[0]["thread_name"] == "root", giant


def test_sysctl_out_holding_the_mutex_is_reported():
    """sysctl_old_user WITNESS_WARNs (WARN_SLEEPOK) unless the buffer was
    wired: the copyout may fault and sleep."""
    r = kernsim.run(scn("knobs_out_locked"))
    assert r.kind != "pass", r.message
    assert "sysctl_old_user" in r.message and "fbknob" in r.message, (r.kind, r.message)


def test_the_program_op_reads_and_writes_a_knob():
    r = kernsim.run(scn("knob_program"))
    assert r.kind == "pass", f"{r.kind}: {r.message}"


@pytest.mark.parametrize("strategy", ["random", "pct"])
@pytest.mark.parametrize("name", ["knobs", "resize_races_push", "unload_races_handler",
                                  "munmap_races_read"])
def test_the_correct_driver_gets_no_report(name, strategy):
    """unload_races_handler: sysctl_ctx_free sleeps until the running
    handler returns (oid_running, "oidrm"), so the softc it uses is not
    freed under it."""
    r = kernsim.explore(scn(name), strategy=strategy, runs=300, seed=3)
    assert r.runs == 300
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"


def test_a_page_unmapped_under_the_copyout_is_efault():
    """The 8-byte old buffer straddles two pages and the second is
    unmapped meanwhile: the copyout finds it gone (EFAULT) or copies all 8
    bytes of the longer report (ENOMEM), never anything else."""
    results = set()
    for seed in range(1, 40):
        r = kernsim.run(scn("munmap_races_read"), strategy="pct", seed=seed)
        assert r.kind == "pass", f"{r.kind}: {r.message}"
        results |= {e["result"] for e in r.trace
                    if e["kind"] == "syscall_exit" and e["thread_name"] == "reader"
                    and e["a0"] == SYS_SYSCTL}
    assert results == {-12, -14}, results  # ENOMEM (all 8 bytes copied), EFAULT


def test_an_unload_waits_for_a_running_handler():
    """Some execution has the unload asleep on "oidrm" while the handler
    runs (the wait is what the correct driver relies on)."""
    seen = False
    for seed in range(1, 200):
        r = kernsim.run(scn("unload_races_handler"), strategy="random", seed=seed)
        assert r.kind == "pass", f"{r.kind}: {r.message}"
        if any(e["kind"] == "cv_wait" and e["object"] == "oidrm" for e in r.trace):
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
    """Either kmem finds the push's write into the freed stack, or the pop
    reads kmem's poison (0xdeadbeef) back out of it."""
    f = _found_and_replays("resize_races_push_unlocked", tmp_path, ["M_FBKNOB", "3735928559"])
    assert f.kind in ("memory", "scenario"), (f.kind, f.message)


def test_the_program_form_of_the_resize_race_is_found_and_replays(tmp_path):
    f = _found_and_replays("knob_program_race", tmp_path, ["fbknob", "M_FBKNOB"])
    assert f.kind == "memory", (f.kind, f.message)


def test_an_unload_that_frees_before_sysctl_ctx_free_is_found_and_replays(tmp_path):
    _found_and_replays("unload_races_handler_early_free", tmp_path, ["fbknob"])


def test_sysctl_ctx_free_holding_a_mutex_is_reported_even_uncontended():
    """sysctl_ctx_free takes the sysctl lock, an RM_SLEEPABLE rmlock, as
    writer: WITNESS's "sleepable after non-sleepable" whenever a mutex is
    held (the first execution, no handler running, already has it); with
    a handler running that wants the mutex it would also deadlock."""
    r = kernsim.run(scn("unload_races_handler_ctx_locked"))
    assert r.kind == "lock_order", (r.kind, r.message)
    assert "sysctl lock" in r.message and "fbknob" in r.message, r.message
    assert "sysctl_ctx_free" in r.message, r.message


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


# ---- the fuzzer: a described knob is read and written between the ioctls ----

def _kernsim(*args, cwd=None):
    root = os.environ.get("KERNSIM_ROOT", ".")
    return subprocess.run([os.path.join(root, "build", "bin", "kernsim"), *args],
                          capture_output=True, text=True, cwd=cwd or root, timeout=600)


def _desc(root):
    return os.path.join(root, "tests", "drivers", "fbknob.ioctl.txtpb")


def _fuzz(root, module, out, execs):
    return _kernsim("fuzz", "--driver", fk.mod(module), "--desc", _desc(root), "--execs",
                    str(execs), "--seed", "1", "--stop-on-find", "--quiet", "--out", str(out))


def test_the_fuzzer_reaches_the_handler_and_finds_the_unlocked_resize(root, tmp_path):
    """Only the handler frees a stack: a failure naming M_FBKNOB's freed
    memory means the generated sysctl writes ran it, racing the pushes."""
    r = _fuzz(root, "fbknob_unlocked", tmp_path, 30000)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "M_FBKNOB" in r.stdout, r.stdout
    repros = sorted(tmp_path.glob("*.repro.txtpb"))
    assert repros, r.stdout
    assert 'op: "sysctl"' in repros[0].read_text()
    rep = _kernsim("replay", str(repros[0]))
    assert rep.returncode == 0, rep.stdout + rep.stderr


def test_the_fuzzer_finds_nothing_in_the_correct_driver(root, tmp_path):
    r = _fuzz(root, "fbknob", tmp_path, 20000)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "failures=0" in r.stdout, r.stdout


@pytest.mark.parametrize("knob, why", [
    ('sysctl { name: "hw.fbknob." }', "is not a dotted sysctl name"),
    ('sysctl { name: "hw.a" size: 3 }', "a value is 1, 2, 4 or 8 bytes"),
    ('sysctl { name: "hw.a" min: 5 max: 1 }', "min 5 > max 1"),
    ('sysctl { name: "hw.a" } sysctl { name: "hw.a" }', "described twice"),
])
def test_a_bad_knob_description_is_refused_by_name(root, tmp_path, knob, why):
    bad = tmp_path / "bad.ioctl.txtpb"
    bad.write_text(open(_desc(root)).read().split("sysctl {")[0] + knob + "\n")
    r = _kernsim("fuzz", "--driver", fk.mod("fbknob"), "--desc", str(bad), "--execs", "10",
                 "--quiet", "--out", str(tmp_path))
    assert r.returncode == 2, r.stdout + r.stderr
    assert why in r.stderr and "sysctl[" in r.stderr, r.stderr
