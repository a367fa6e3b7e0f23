"""FreeBSD KPIs an outside driver uses that kernsim lacked (a driver using
any of them did not compile: no prototype), on tests/drivers/fbslots.c:
sema_timedwait and sema_value (kern_sema.c), unr64 (sys/systm.h),
cv_timedwait_sbt with tick_sbt and the C_* flags (kern_condvar.c,
kern_timeout.c's callout_when), make_dev_alias (kern_conf.c: the alias
opens its parent, destroy_dev of the parent destroys it), mtx_pool(9)
(kern_mtxpool.c) and devctl_notify (subr_bus.c)."""
import os
import subprocess
import sys

import pytest

import kernsim

import fbslots_scenarios as fs


def scn(name):
    return kernsim.resolve(f"{fs.__file__}:{name}")


@pytest.mark.parametrize("name,runs", [
    ("slots", 400), ("exhausted", 5), ("timed_wait", 5), ("kicked", 300),
    ("alias", 50), ("alias_gone", 20), ("unload", 20),
])
def test_the_correct_driver_gets_no_report(name, runs):
    r = kernsim.explore(scn(name), strategy="pct", runs=runs, seed=5)
    assert r.runs == runs
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"


def test_a_kick_ends_the_sbt_wait():
    """Round robin runs the kicker as soon as the waiter sleeps: the wait
    ends with 0, not at its deadline (which pct may also reach)."""
    r = kernsim.run(scn("kicked"), params={"expect_kick": 1})
    assert r.kind == "pass", r


def test_a_timed_out_take_is_a_devctl_event_on_the_console():
    r = kernsim.run(scn("exhausted"))
    assert r.kind == "pass", r
    events = [line for line in r.console if line.startswith("devctl: ")]
    # two takes time out (timo 3, then timo 0); opened as /dev/slots, the
    # cdev d_ioctl gets is the parent, so devtoname is "fbslots"
    assert events == ["devctl: !system=fbslots subsystem=fbslots type=TIMEOUT slots=2"] * 2, \
        r.console


_POOL_SCRIPT = """
import mmap
import sys
# a mapping made first moves where the driver is loaded (the host may not
# randomise it): a hash of host addresses would answer differently
hole = mmap.mmap(-1, {hole})
sys.path.insert(0, {tests!r})
import kernsim
import fbslots_scenarios as fs
seen = set()
for e in range(3):
    r = kernsim.run(kernsim.resolve(fs.__file__ + ":pool"), strategy="random", seed=1,
                    execution=e)
    assert r.kind == "pass", r
    seen.update(line for line in r.console if "pool masks" in line)
print(sorted(seen))
"""


def test_which_pool_mutex_a_pointer_takes_is_the_same_in_every_process():
    """mtx_pool_find hashes the pointer (kern_mtxpool.c): on host addresses
    the choice would move with the module's load address and the World's
    kmem slot, so two runs of one repro could lock differently."""
    tests = os.path.dirname(fs.__file__)
    outs = []
    for hole in (4096, 37 * 4096 + (64 << 20)):
        p = subprocess.run([sys.executable, "-c", _POOL_SCRIPT.format(tests=tests, hole=hole)],
                           capture_output=True, text=True, env=os.environ, timeout=300)
        assert p.returncode == 0, p.stderr
        outs.append(p.stdout.strip().splitlines()[-1])
    assert outs[0] == outs[1], outs
    masks = eval(outs[0])  # noqa: S307 - our own subprocess's print
    assert len(masks) == 1, masks  # one answer for every run of the process
