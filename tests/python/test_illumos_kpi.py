"""An illumos driver with a worker thread of its own (tests/drivers/ilworker.c):
thread_create, a thread_exit from inside a helper, and a detach that waits
for the worker's exit. Before, <sys/thread.h> and <sys/proc.h> did not
exist and such a driver did not compile."""
import os

import kernsim
from kernsim import build_driver, sys

ILWORKER = os.path.join(os.path.dirname(build_driver.config()["driver_dir"]), "test_drivers",
                        "ilworker.so")
ILW_JOB = 0x7701


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
