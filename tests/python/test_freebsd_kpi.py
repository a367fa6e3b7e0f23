"""What a FreeBSD driver written outside kernsim leans on, checked on
tests/drivers/fbring.c. Each correct scenario failed or did not compile
before this was written: a read that should not block slept forever (the
host's O_NONBLOCK is not FreeBSD's, which d_read's IO_NDELAY equals);
FIONBIO reached the driver but no kernel set the file's flag; the system
taskqueue_thread, sleep(9), sysctl, counter, UMA, priv_check, sbuf and
eventhandler did not exist; and an enqueue under the driver's mutex was
reported as sleeping with it held. The buggy variants are real bugs the
same interfaces let a driver write, and kernsim must find them."""
import pytest

import kernsim

import fbring_scenarios as fb


def scn(name):
    return kernsim.resolve(f"{fb.__file__}:{name}")


CORRECT = [
    # scenario, variant, runs, seed: what it exercises
    ("nonblocking_open", "none", 50, 1),     # O_NONBLOCK open, EWOULDBLOCK read
    ("fionbio", "none", 200, 1),             # FIONBIO on, off; the file's flag
    ("wakeup_by_task", "none", 500, 2),      # taskqueue_thread, enqueued under the mutex
    ("wakeup_by_task", "via_callout", 500, 2),  # ... and from a callout
    ("wait_for_data", "none", 500, 3),       # msleep/wakeup, a tsleep that times out
    ("flush_by_uid", "none", 20, 1),         # priv_check: root yes, uid 100 EPERM
    ("describe", "none", 20, 1),             # sbuf, counter, eventhandler
]


@pytest.mark.parametrize("name,variant,runs,seed", CORRECT,
                         ids=[f"{c[0]}-{c[1]}" for c in CORRECT])
def test_the_correct_driver_gets_no_report(name, variant, runs, seed):
    r = kernsim.explore(scn(name), strategy="pct", runs=runs, seed=seed, variant=variant)
    assert r.failure is None, r.failure


def test_a_wakeup_task_run_before_the_data_is_found_and_replays(tmp_path):
    r = kernsim.explore(scn("wakeup_by_task"), strategy="pct", runs=2000, seed=2,
                        variant="wake_before_append")
    assert r.failure is not None and r.failure.kind == "stuck", r.failure
    assert "fbringrd" in r.failure.message, r.failure.message
    path = str(tmp_path / "wake_before_append.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    rep = kernsim.replay(path)
    assert rep.matched, rep.mismatches


def test_a_wakeup_between_the_test_and_tsleep_is_lost_and_found():
    r = kernsim.explore(scn("wait_for_data"), strategy="pct", runs=2000, seed=3,
                        variant="tsleep_unlocked")
    assert r.failure is not None and r.failure.kind == "stuck", r.failure
    assert "fbwait" in r.failure.message, r.failure.message


def test_a_sysctl_context_never_freed_is_a_leak():
    r = kernsim.explore(scn("nonblocking_open"), strategy="pct", runs=5, seed=1,
                        variant="leak_sysctl")
    assert r.failure is not None and "sysctl_oid" in r.failure.message, r.failure


def test_a_uma_item_never_freed_is_a_leak_of_its_zone():
    # FreeBSD's uma_zdestroy only warns; the lost item is the leak, named
    # by the zone.
    r = kernsim.explore(scn("wakeup_by_task"), strategy="pct", runs=5, seed=2,
                        variant="leak_staging")
    assert r.failure is not None and "fbring_staging" in r.failure.message, r.failure
    assert any("Zone fbring_staging was not empty (1 items)" in line
               for line in r.failure.console), r.failure


def test_knote_locked_without_the_knlist_lock_is_misuse_at_the_drivers_line():
    # FreeBSD's INVARIANTS kernel asserts the knlist's lock in knote(); the
    # report names the driver's KNOTE_LOCKED, not the personality's code.
    r = kernsim.explore(scn("wakeup_by_task"), strategy="pct", runs=5, seed=2,
                        variant="knote_unlocked")
    assert r.failure is not None and r.failure.kind == "lock_misuse", r.failure
    assert r.failure.signature == "mtx_assert:MA_OWNED:fbring", r.failure
    assert "fbring.c:" in r.failure.message, r.failure.message
