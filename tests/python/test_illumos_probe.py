"""Two illumos drivers written as illumos engineers write them, outside
kernsim's idioms (the ilprobe audit): tests/drivers/iltick.c, timers on
timeout(9F), a taskq and a ddi_periodic_add(9F) housekeeping run from
attach to detach; tests/drivers/ilmsgq.c, clone minors from an id space,
kmem caches, list_t, blocking reads, an ILP32 ioctl struct. A correct
driver gets no report.

Before: a periodic callout armed at attach kept the clock running for ever
once no thread waited (at the boot, after a scenario's last thread), each
run a new thread, until the host ran out of stacks; ddi_periodic_delete
could free its record while a run in progress re-armed it (a NULL
dereference in the next run); <sys/isa_defs.h> and _MULTI_DATAMODEL did
not exist, so a driver's ILP32 branch was compiled out and a 32-bit
caller's struct was read at its native size."""
import errno
import os
import re
import struct

import kernsim
from kernsim import build_driver, sys

_TEST_DRIVERS = os.path.join(os.path.dirname(build_driver.config()["driver_dir"]),
                             "test_drivers")
ILTICK = os.path.join(_TEST_DRIVERS, "iltick.so")
ILMSGQ = os.path.join(_TEST_DRIVERS, "ilmsgq.so")
TICK_ARM, TICK_CANCEL, TICK_WAIT = 0x5401, 0x5402, 0x5403
MSGQ_SETTIMEOUT, MSGQ_GETSTATS = 0x4D01, 0x4D02


@kernsim.scenario(driver=ILTICK)
def open_close(w):
    """Nothing but an open and a close: the periodic runs on by itself."""
    def client():
        fd = yield sys.open("/dev/tick", sys.O_RDWR)
        assert fd >= 0, fd
        yield sys.close(fd)
    w.spawn("client", client())


@kernsim.scenario(driver=ILTICK)
def arm_wait_cancel(w):
    """A timer armed to fire twice, waited for, cancelled; a second armed
    and cancelled at once; the periodic runs beside them."""
    def armer(tid, count, wait):
        fd = yield sys.open("/dev/tick", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, struct.pack("<III32s", tid, 10000, count, b"t"))
        assert (yield sys.ioctl(fd, TICK_ARM, buf)) == 0
        if wait:
            yield sys.poke(buf, struct.pack("<IIiI", tid, count, 1000, 0))
            r = yield sys.ioctl(fd, TICK_WAIT, buf)
            # virtual time may pass while a thread runs in the kernel
            assert r in (0, -errno.ETIMEDOUT), r
        yield sys.poke(buf, struct.pack("<I", tid))
        assert (yield sys.ioctl(fd, TICK_CANCEL, buf)) == 0
        yield sys.close(fd)
    w.spawn("a", armer(1, 2, True))
    w.spawn("b", armer(2, 3, False))


def test_a_periodic_callout_from_attach_to_detach_is_no_report():
    # PCT too: its clock could outrank the client in its system call at
    # every pick, and the periodic ran ahead for ever (a new callout thread
    # each run, until the host ran out of stacks). A timer that fired now
    # owes the thread the CPU within the scheduling latency (sim.cc).
    for strategy in ("random", "dfs", "pct"):
        r = kernsim.explore(open_close, strategy=strategy, runs=300, seed=1)
        assert r.failure is None, r.failure


def test_a_periodic_delete_meeting_a_run_in_progress_is_no_report():
    # random reaches the run that re-arms while detach deletes it
    r = kernsim.explore(arm_wait_cancel, strategy="random", runs=3000, seed=1)
    assert r.failure is None, r.failure


@kernsim.scenario(driver=ILMSGQ)
def ilp32_timeout(w):
    """A 32-bit caller's 8-byte msgq_timeout32 at the very end of its
    mapping: the driver's _MULTI_DATAMODEL branch copies in those 8 bytes
    (a native 16-byte copy would fault), and the read times out."""
    def client():
        fd = yield sys.open("/dev/msgq", sys.O_RDWR)
        assert fd >= 0, fd
        page = yield sys.mmap(4096)
        arg = page + 4096 - 8
        yield sys.poke(arg, struct.pack("<iI", 20, 0x80001000))
        r = yield sys.ioctl(fd, MSGQ_SETTIMEOUT, arg)
        assert r == 0, r
        r = yield sys.read(fd, page, 64)
        assert r == -errno.ETIME, r
        yield sys.close(fd)
    w.proc("p32", model="ilp32")
    w.spawn("client", client(), proc="p32")


@kernsim.scenario(driver=ILMSGQ)
def two_queues(w):
    """Two clone opens, each its own queue: what one writes it reads back."""
    def client(tag):
        fd = yield sys.open("/dev/msgq", sys.O_RDWR)
        assert fd >= 0, fd
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, tag * 3)
        assert (yield sys.write(fd, buf, 3)) == 3
        n = yield sys.read(fd, buf + 64, 64)
        assert (yield sys.peek(buf + 64, n)) == tag * 3
        assert (yield sys.ioctl(fd, MSGQ_GETSTATS, buf)) == 0
        posted, read = struct.unpack("<QQ", (yield sys.peek(buf, 16)))
        assert (posted, read) == (1, 1), (posted, read)
        yield sys.close(fd)
    w.spawn("a", client(b"a"))
    w.spawn("b", client(b"b"))


def test_an_ilp32_struct_is_copied_at_its_own_size():
    r = kernsim.explore(ilp32_timeout, strategy="random", runs=50, seed=1)
    assert r.failure is None, r.failure


def test_clone_opens_get_queues_of_their_own():
    r = kernsim.explore(two_queues, strategy="pct", runs=500, seed=1)
    assert r.failure is None, r.failure


# ---------------------------------------------------------------- ilpool
# tests/drivers/ilpool.c and its bug twin, scenarios in ilprobe_scenarios.py.

import pytest  # noqa: E402

import ilprobe_scenarios as ip  # noqa: E402


def _scn(name):
    return kernsim.resolve(f"{ip.__file__}:{name}")


@pytest.mark.parametrize("strategy", ["random", "pct"])
@pytest.mark.parametrize("name", ip.CORRECT)
def test_the_pool_driver_gets_no_report(name, strategy):
    r = kernsim.explore(_scn(name), strategy=strategy, runs=2000, seed=7)
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"


@pytest.mark.parametrize("name", ["pool_double_put", "pool_close_in_ioctl", "pool_unload"])
def test_the_pool_driver_gets_no_report_in_a_bounded_search(name):
    r = kernsim.explore(_scn(name), strategy="dfs", dpor=True, bound=2, runs=2000)
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"


BUGS = {
    # scenario on the twin: what the report says
    "pool_double_put_bug": "freed memory",   # the second PUT's mutex_enter on the freed lease
    "soft_ping_close_bug": "freed memory",   # the queued ping's mutex_enter on freed soft state
}


@pytest.mark.parametrize("name", sorted(BUGS))
def test_each_planted_bug_is_found_and_replays(name, tmp_path):
    r = kernsim.explore(_scn(name), strategy="pct", runs=5000, seed=0)
    assert r.failure is not None, f"{name}: not found"
    assert r.failure.kind == "memory", r.failure.message
    assert BUGS[name] in r.failure.message, r.failure.message
    path = str(tmp_path / f"{name}.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    rep = kernsim.replay(path)
    assert rep.matched, rep.mismatches


def test_a_pointer_from_freed_memory_is_no_null_dereference():
    """The double PUT's second list_remove follows the freed lease's
    poisoned links (0xdeadbeef...): a general protection fault, which
    kernsim reported as a NULL pointer dereference (x86-64 gives no
    address for it)."""
    r = kernsim.explore(_scn("pool_double_put_bug"), strategy="pct", runs=300, seed=1)
    assert r.failure is not None
    assert r.failure.signature == "fault:gp", r.failure.message
    assert "NULL" not in r.failure.message


@kernsim.scenario(driver=ILTICK)
def arm_and_leave(w):
    """A timer armed to fire four billion times, left running: the program
    closes and ends, the driver keeps it (its timers outlive the open)."""
    def client():
        fd = yield sys.open("/dev/tick", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, struct.pack("<III32s", 1, 30000, 0xFFFFFFFF, b"long"))
        assert (yield sys.ioctl(fd, TICK_ARM, buf)) == 0
        yield sys.close(fd)
    w.spawn("client", client())


def test_a_timer_the_taskq_rearms_stops_the_clock_when_nobody_waits():
    # tick_fire hands each expiry to the taskq, which re-arms the timeout:
    # once the program ended, that chain kept the clock running for ever
    # (a step-budget "livelock"); it parks as a callout's own re-arm does,
    # and the teardown's detach then refuses, as iltick does with a timer
    # left (EBUSY on illumos; the fuzzer ignores it).
    r = kernsim.explore(arm_and_leave, strategy="pct", runs=20, seed=1)
    assert r.failure is not None
    assert r.failure.signature.startswith("teardown:detach_failed"), r.failure


def test_a_hang_beside_a_periodic_is_reported_as_the_hang():
    """The third GET sleeps for ever while ilpool's periodic runs on: the
    clock never stopped, so the hang showed only as the step budget running
    out. After two minutes of virtual time with every thread asleep and no
    timer of its own, the periodic parks (as a hung-task detector reports
    such a sleep) and the run ends with the stuck report naming the sleep."""
    r = kernsim.explore(_scn("pool_greedy"), strategy="pct", runs=5, seed=1)
    assert r.failure is not None and r.failure.kind == "stuck", r.failure
    assert r.failure.signature == "stuck:sema_p:pool_sema", r.failure.signature
    assert "thread greedy sleeps in sema_p" in r.failure.message, r.failure.message
    assert "the periodic callout pool_tick ran on beside them" in r.failure.message
    assert "had slept for 120 s" in r.failure.message, r.failure.message


def test_the_hung_task_time_is_a_world_option(tmp_path):
    # A driver whose periodic wakes sleepers only after longer than two
    # minutes raises it (WorldSpec hung_task_s); the repro keeps it.
    r = kernsim.explore(_scn("pool_greedy"), strategy="pct", runs=5, seed=1, hung_task_s=300)
    assert r.failure is not None and r.failure.kind == "stuck", r.failure
    m = re.search(r"ran on beside them until ([0-9.]+) s of virtual time", r.failure.message)
    assert m and float(m.group(1)) >= 300, r.failure.message
    assert "had slept for 300 s" in r.failure.message, r.failure.message
    path = str(tmp_path / "greedy.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    rep = kernsim.replay(path)
    assert rep.matched and "had slept for 300 s" in rep.outcome.message, rep


def test_the_fuzzer_takes_no_long_timed_wait_for_a_finding(tmp_path, monkeypatch):
    """iltick fuzzed from an empty corpus: a timer of four billion firings
    with a TICK_WAIT for them ran into the step budget with the clock
    still moving (step_budget:clock_running, no spin), and a timer the
    taskq re-armed after the program's end kept the clock going for ever;
    neither is a finding (both were, on the correct driver)."""
    from kernsim import fuzz_desc, fuzz_engine
    monkeypatch.setenv("KERNSIM_DRIVER_PATH", _TEST_DRIVERS)
    desc = fuzz_desc.load(os.path.join(os.path.dirname(__file__), "..", "drivers",
                                       "iltick.ioctl.txtpb"))
    fz = fuzz_engine.Fuzzer(desc, "none", seed=0, out_dir=str(tmp_path))
    fz.run(executions=3000)
    assert not fz.findings, list(fz.findings)
