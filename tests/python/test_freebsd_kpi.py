"""What a FreeBSD driver written outside kernsim leans on, checked on
tests/drivers/fbring.c: O_NONBLOCK with FreeBSD's value (the d_read ioflag
IO_NDELAY equals it), FIONBIO setting the file's flag before d_ioctl
(kern_ioctl), the system taskqueue_thread, which a driver enqueues to
holding its mutex or from a callout (taskqueue_enqueue never sleeps), and
sleep(9). Each case failed before: a read that should not block slept
forever (a stuck report); taskqueue_thread, msleep, tsleep and wakeup did
not exist."""
import kernsim

import fbring_scenarios as fb


def scn(name):
    return kernsim.resolve(f"{fb.__file__}:{name}")


def test_a_read_on_a_nonblocking_open_does_not_block():
    r = kernsim.explore(scn("nonblocking_open"), strategy="pct", runs=50, seed=1)
    assert r.failure is None, r.failure


def test_fionbio_sets_the_files_flag_before_the_driver_sees_it():
    r = kernsim.explore(scn("fionbio"), strategy="pct", runs=200, seed=1)
    assert r.failure is None, r.failure


def test_taskqueue_thread_wakes_readers_from_a_write_and_from_a_callout():
    for variant in ("none", "via_callout"):
        r = kernsim.explore(scn("wakeup_by_task"), strategy="pct", runs=500, seed=2,
                            variant=variant)
        assert r.failure is None, f"{variant}: {r.failure}"


def test_a_wakeup_task_run_before_the_data_is_found_and_replays(tmp_path):
    r = kernsim.explore(scn("wakeup_by_task"), strategy="pct", runs=2000, seed=2,
                        variant="wake_before_append")
    assert r.failure is not None and r.failure.kind == "stuck", r.failure
    assert "fbringrd" in r.failure.message, r.failure.message
    path = str(tmp_path / "wake_before_append.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    rep = kernsim.replay(path)
    assert rep.matched, rep.mismatches


def test_msleep_and_wakeup_and_a_tsleep_that_times_out():
    r = kernsim.explore(scn("wait_for_data"), strategy="pct", runs=500, seed=3)
    assert r.failure is None, r.failure


def test_a_wakeup_between_the_test_and_tsleep_is_lost_and_found():
    r = kernsim.explore(scn("wait_for_data"), strategy="pct", runs=2000, seed=3,
                        variant="tsleep_unlocked")
    assert r.failure is not None and r.failure.kind == "stuck", r.failure
    assert "fbwait" in r.failure.message, r.failure.message


def test_a_sysctl_context_never_freed_is_a_leak():
    ok = kernsim.explore(scn("nonblocking_open"), strategy="pct", runs=5, seed=1)
    assert ok.failure is None, ok.failure
    r = kernsim.explore(scn("nonblocking_open"), strategy="pct", runs=5, seed=1,
                        variant="leak_sysctl")
    assert r.failure is not None and "sysctl_oid" in r.failure.message, r.failure


def test_priv_check_grants_root_and_refuses_others():
    r = kernsim.explore(scn("flush_by_uid"), strategy="pct", runs=20, seed=1)
    assert r.failure is None, r.failure


def test_an_sbuf_description_and_an_eventhandler_registration():
    r = kernsim.explore(scn("describe"), strategy="pct", runs=20, seed=1)
    assert r.failure is None, r.failure
