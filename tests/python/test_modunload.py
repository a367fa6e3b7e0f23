"""A module unloaded in the middle of a run (the modunload op): the bugs a
detach or MOD_UNLOAD that forgets to drain its work leaves, which an
unload at the end of a run never sees (the work has always run by then),
and each system's answers (tests/python/unload_scenarios.py)."""
import errno
import re

import pytest

import kernsim
from kernsim import kernsim_pb2 as pb

import unload_scenarios as us


def scn(name):
    return kernsim.resolve(f"{us.__file__}:{name}")


# What the correct drivers pass: every explored schedule.
CORRECT = [
    # scenario, variant, strategy, runs
    ("unload_while_writing", "none", "pct", 1500),
    ("unload_while_writing", "none", "dfs", 20000),
    ("unload_while_writing", "via_callout", "pct", 1500),
    ("unload_program", "none", "pct", 1500),
    ("unload_while_jobs", "join_worker", "pct", 1500),
    ("unload_while_jobs", "join_worker", "dfs", 20000),
    ("unload_after_kick", "none", "dfs", 20000),
    ("open_file_after_unload", "none", "pct", 20),
    ("quiesce_refuses", "busy_quiesce", "pct", 20),
    ("busy_while_open", "none", "pct", 20),
    ("detach_refuses", "busy_detach", "pct", 20),
    # two unloads at once tore the instance down twice (a host crash in
    # ddi_remove_minor_node), found by kernsim fuzz with modunload on
    ("two_unloads", "none", "dfs", 20000),
    ("two_kldunloads", "none", "dfs", 20000),
]


@pytest.mark.parametrize("name,variant,strategy,runs", CORRECT,
                         ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CORRECT])
def test_a_correct_unload_passes_every_schedule(name, variant, strategy, runs):
    r = kernsim.explore(scn(name), strategy=strategy, runs=runs, seed=1, variant=variant)
    assert r.failure is None, r.failure
    if strategy == "dfs":
        assert r.search.exhausted, f"{r.runs} executions did not exhaust the search"


# What the buggy ones leave behind, found at the moment of the unload.
TASK_LEFT = ("unload:pending_task:fbring:taskqueue_thread",
             "unload:running_task:fbring:taskqueue_thread")
BUGGY = [
    # scenario, variant, strategy, signatures that may name the bug
    ("unload_while_writing", "no_task_drain", "pct", TASK_LEFT),
    ("unload_while_writing", "no_task_drain", "dfs", TASK_LEFT),
    # callout_stop without the callout's mutex is itself INVARIANTS' panic
    # on FreeBSD (_callout_stop_safe's lc_assert), found first since
    # 2026-12-07; held, the stop would always win and there were no bug
    ("unload_while_writing", "no_callout_drain", "pct",
     ("unload:pending_callout:fbring:fbring_tick", "unload:running_callout:fbring:fbring_tick",
      "callout_stop:unlocked:fbring")),
    ("unload_program", "no_task_drain", "pct", TASK_LEFT),
    ("unload_while_jobs", "no_exit_wait", "pct", ("unload:live_thread:ilworker:ilw_worker",)),
    ("unload_while_jobs", "no_exit_wait", "dfs", ("unload:live_thread:ilworker:ilw_worker",)),
    ("unload_after_kick", "no_untimeout", "dfs",
     ("unload:pending_callout:ilworker:ilw_tick", "unload:running_callout:ilworker:ilw_tick")),
]


@pytest.mark.parametrize("name,variant,strategy,sigs", BUGGY,
                         ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in BUGGY])
def test_an_unload_that_forgets_a_drain_is_found_and_replays(name, variant, strategy, sigs,
                                                             tmp_path, cli):
    r = kernsim.explore(scn(name), strategy=strategy, runs=20000, seed=1, variant=variant)
    f = r.failure
    assert f is not None, f"{r.runs} executions found nothing"
    # The leftover is reported at the unload; a task or callout that got to
    # run after the driver destroyed its locks is the same bug seen later.
    assert (f.kind == "unload" or f.signature.startswith("use_after_destroy")
            or f.signature in sigs), f
    if f.kind == "unload":
        assert f.signature in sigs, f.signature
        assert "code of the unloaded module" in f.message, f.message
    path = tmp_path / f"{name}-{variant}.repro.txtpb"
    kernsim.save_repro(r.repro, str(path))
    rep = cli("replay", path)
    assert rep.returncode == 0, (rep.stdout, rep.stderr)
    assert "MATCH" in rep.stdout.splitlines()[-1], rep.stdout


def test_the_leftover_is_named_with_where_to_drain_it():
    r = kernsim.explore(scn("unload_while_jobs"), strategy="dfs", runs=20000,
                        variant="no_exit_wait")
    f = r.failure
    assert f is not None and f.kind == "unload", f
    assert re.search(r"kernel thread ilw_worker \(ilworker\.so\+0x[0-9a-f]+\) is still alive",
                     f.message), f.message
    assert "thread_join it in detach" in f.message, f.message
    r = kernsim.explore(scn("unload_while_writing"), strategy="dfs", runs=20000,
                        variant="no_task_drain")
    f = r.failure
    assert f is not None and f.kind == "unload", f
    assert re.search(r"a task \(fbring\.so\+0x[0-9a-f]+\) is still (queued|running) on taskq "
                     r"taskqueue_thread", f.message), f.message
    assert "taskqueue_drain it at MOD_UNLOAD" in f.message, f.message


def test_the_end_of_run_teardown_skips_what_the_unload_did():
    # The module is unloaded once, mid-run: the end-of-run teardown neither
    # detaches it again (a second _fini would destroy its locks twice) nor
    # misses its leaks (leak_sysctl's context is still reported).
    r = kernsim.explore(scn("open_file_after_unload"), strategy="pct", runs=3, seed=1)
    assert r.failure is None, r.failure
    r = kernsim.explore(scn("open_file_after_unload"), strategy="pct", runs=3, seed=1,
                        variant="leak_sysctl")
    assert r.failure is not None and "sysctl_oid" in r.failure.message, r.failure
    assert r.failure.kind == "memory", r.failure


def test_a_name_no_module_has_is_a_clear_scenario_error():
    r = kernsim.explore(scn("unknown_module"), strategy="pct", runs=1)
    f = r.failure
    assert f is not None and f.kind == "scenario", f
    assert "no module named 'no_such_module'" in f.message and "fbring" in f.message, f.message


def test_a_program_naming_no_driver_is_refused_before_it_runs(tmp_path):
    path = tmp_path / "bad_unload.py"
    path.write_text(
        "import kernsim\n"
        "from kernsim import kernsim_pb2 as pb\n"
        f"FBRING = {us.FBRING!r}\n"
        "@kernsim.program_scenario(driver=FBRING)\n"
        "def p():\n"
        "    prog = pb.Program()\n"
        "    prog.proc.add(name='user')\n"
        "    t = prog.thread.add(name='t', proc='user')\n"
        "    t.call.add(op='modunload', path='fbrnig')\n"
        "    return prog\n")
    with pytest.raises(kernsim.KernsimError,
                       match=r"no driver of this Program is named 'fbrnig' \(its drivers: fbring\)"):
        kernsim.explore(kernsim.resolve(f"{path}:p"), runs=1)


@pytest.mark.parametrize("driver,why", [("qnx_devctl", "resource manager"),
                                        ("streams_watch", "STREAMS module")])
def test_qnx_and_streams_modules_refuse_a_scripted_unload_with_enotsup(tmp_path, driver, why):
    path = tmp_path / "no_unload.py"
    path.write_text(
        "import kernsim\n"
        "from kernsim import kernsim_pb2 as pb\n"
        f"@kernsim.program_scenario(driver={driver!r})\n"
        "def p():\n"
        "    prog = pb.Program()\n"
        "    prog.proc.add(name='user')\n"
        "    t = prog.thread.add(name='t', proc='user')\n"
        f"    t.call.add(op='modunload', path={driver!r}, expect=-{errno.ENOTSUP})\n"
        "    return prog\n")
    r = kernsim.explore(kernsim.resolve(f"{path}:p"), runs=1)
    assert r.failure is None, r.failure
    res = kernsim.run(kernsim.resolve(f"{path}:p"))
    assert any("not modelled" in line and why in line for line in res.console), res.console


def test_a_streams_driver_with_no_stream_open_unloads(tmp_path):
    """streams_lp, nothing open: detach and _fini run, the module goes
    (a STREAMS driver unloads as any illumos driver; stecho's unload
    scenario has streams open and armed timers, test_stecho.py)."""
    path = tmp_path / "lp_unload.py"
    path.write_text(
        "import kernsim\n"
        "from kernsim import kernsim_pb2 as pb\n"
        "@kernsim.program_scenario(driver='streams_lp')\n"
        "def p():\n"
        "    prog = pb.Program()\n"
        "    prog.proc.add(name='user')\n"
        "    t = prog.thread.add(name='t', proc='user')\n"
        "    t.call.add(op='modunload', path='streams_lp', expect=0)\n"
        f"    kernsim.program_call(t, 'open', 2, path='/dev/lp', expect=-{errno.ENXIO})\n"
        "    return prog\n")
    r = kernsim.explore(kernsim.resolve(f"{path}:p"), runs=1)
    assert r.failure is None, r.failure


def test_qemu_rejects_the_op_by_name():
    from kernsim import qemu
    prog = pb.Program()
    prog.driver.add(name="sample")
    prog.proc.add(name="user")
    prog.thread.add(name="t", proc="user").call.add(op="modunload", path="sample")
    with pytest.raises(kernsim.KernsimError, match="call 0 is 'modunload'"):
        qemu.guest_program(prog)

