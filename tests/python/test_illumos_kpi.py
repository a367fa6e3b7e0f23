"""An illumos driver with a worker thread of its own (tests/drivers/ilworker.c):
thread_create, a thread_exit from inside a helper, and a detach that waits
for the worker's exit. Before, <sys/thread.h> and <sys/proc.h> did not
exist and such a driver did not compile."""
import errno
import os

import kernsim
from kernsim import build_driver, sys

ILWORKER = os.path.join(os.path.dirname(build_driver.config()["driver_dir"]), "test_drivers",
                        "ilworker.so")
ILW_JOB = 0x7701
ILW_RESET = 0x7702


@kernsim.scenario(driver=ILWORKER)
def two_jobs(w):
    """Two threads each hand the worker a job and wait until it is done."""
    def client():
        fd = yield sys.open("/dev/ilworker", sys.O_RDWR)
        r = yield sys.ioctl(fd, ILW_JOB)
        assert r in (1, 2), f"ILW_JOB returned {r}"
        yield sys.close(fd)
    w.spawn("client1", client())
    w.spawn("client2", client())


def test_a_worker_thread_serves_jobs_and_exits_at_detach():
    r = kernsim.explore(two_jobs, strategy="pct", runs=500, seed=1)
    assert r.failure is None, r.failure


def test_a_detach_that_does_not_wait_for_its_worker_is_found():
    r = kernsim.explore(two_jobs, strategy="pct", runs=2000, seed=1, variant="no_exit_wait")
    assert r.failure is not None, "the worker's exit after mutex_destroy was not found"
    assert "lock" in r.failure.message, r.failure.message


def test_a_credential_held_and_never_freed_is_a_leak():
    # crhold/crfree count per process (illumos cr_ref): the correct driver's
    # holds all come back (the first test), a forgotten crfree is a leak at
    # teardown, one crfree too many a panic.
    r = kernsim.explore(two_jobs, strategy="random", runs=20, seed=1, variant="cred_leak")
    assert r.failure is not None and r.failure.signature == "leak:cred", r.failure
    assert "process 1" in r.failure.message and "crfree" in r.failure.message
    r = kernsim.explore(two_jobs, strategy="random", runs=20, seed=1, variant="crfree_twice")
    assert r.failure is not None and r.failure.kind == "panic", r.failure
    assert "crfree: the credential of process" in r.failure.message, r.failure.message


@kernsim.scenario(driver=ILWORKER)
def reset_by_uid(w):
    """ILW_RESET needs secpolicy_sys_config: root may, uid 100 gets EPERM.
    The node is everyone's to open, as add_drv -m would make it (devfs's
    default, 0600 root sys, would refuse uid 100's open itself)."""
    w.minor_perm(ILWORKER, ["ilworker 0666 root sys"])
    w.proc("root", uid=0)
    w.proc("user", uid=100)

    def resetter(expect):
        def body():
            fd = yield sys.open("/dev/ilworker", sys.O_RDWR)
            r = yield sys.ioctl(fd, ILW_RESET)
            assert r == expect, f"ILW_RESET returned {r}, expected {expect}"
            yield sys.close(fd)
        return body()
    w.spawn("root", resetter(0), proc="root")
    w.spawn("user", resetter(-errno.EPERM), proc="user")


def test_secpolicy_grants_root_and_refuses_others():
    r = kernsim.explore(reset_by_uid, strategy="pct", runs=20, seed=1)
    assert r.failure is None, r.failure
