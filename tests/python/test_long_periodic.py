"""A correct driver over a long virtual time in one execution: iltick's 1 ms
timer fired 100,000 times (each expiry a callout thread and a taskq run),
its ddi_periodic_add(9F) housekeeping running beside it, while a user
thread sleeps in TICK_WAIT for the count. No report, and the host's map
count stays flat: an exited thread's stack serves the next new thread
(sim.h, Sim::spawn), where before each thread kept a stack for the whole
execution, and this was a thread_budget report after 24,576 threads."""
import errno
import os
import struct

import kernsim
from kernsim import build_driver, sys
from kernsim import kernsim_pb2 as pb

ILTICK = os.path.join(os.path.dirname(build_driver.config()["driver_dir"]), "test_drivers",
                      "iltick.so")
TICK_ARM, TICK_CANCEL, TICK_WAIT = 0x5401, 0x5402, 0x5403


@kernsim.scenario(driver=ILTICK)
def long_wait(w, fires=100000):
    """One timer armed to fire `fires` times at 1 ms; the thread waits for
    them all (re-waiting after a timed-out wait, which a thread running
    in the kernel may meet), then cancels it."""
    def client():
        fd = yield sys.open("/dev/tick", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, struct.pack("<III32s", 1, 1000, fires, b"long"))
        assert (yield sys.ioctl(fd, TICK_ARM, buf)) == 0
        fired = 0
        while fired < fires:
            yield sys.poke(buf, struct.pack("<IIiI", 1, fires, 1000, 0))
            r = yield sys.ioctl(fd, TICK_WAIT, buf)
            assert r in (0, -errno.ETIMEDOUT), r
            fired = struct.unpack("<IIiI", (yield sys.peek(buf, 16)))[3]
        assert fired == fires, fired
        yield sys.poke(buf, struct.pack("<I", 1))
        assert (yield sys.ioctl(fd, TICK_CANCEL, buf)) == 0
        yield sys.close(fd)
    w.spawn("client", client())


def host_mappings():
    with open("/proc/self/maps") as f:
        return sum(1 for _ in f)


def test_a_timer_firing_100000_times_in_one_execution_is_no_report():
    # Warm: the first execution maps what every later one reuses.
    kernsim.explore(long_wait, strategy="random", runs=1, seed=1, params={"fires": 10})
    before = host_mappings()
    for strategy in ("random", "pct"):
        r = kernsim.explore(long_wait, strategy=strategy, runs=1, seed=1,
                            params={"fires": 100000}, max_steps=50_000_000)
        assert r.runs == 1 and r.failure is None, r.failure
    # Not one mapping per thread (two each, before): a few for the heap.
    assert host_mappings() < before + 64, (before, host_mappings())


@kernsim.program_scenario(driver=ILTICK)
def two_timers():
    """Two threads each arm a timer to fire 20 times, wait for it and
    cancel it: every expiry is a callout thread and a taskq run that exit,
    so later threads take the stacks earlier ones left, from the boot's
    (its module load's, the periodic's) on."""
    prog = pb.Program()
    prog.proc.add(name="user", uid=0)
    for i in (1, 2):
        t = prog.thread.add(name=f"armer{i}", proc="user")
        kernsim.program_call(t, "open", sys.O_RDWR, path="/dev/tick", out=f"fd{i}", expect=None)
        kernsim.program_call(t, "mmap", 4096, 3, out=f"buf{i}")
        kernsim.program_call(t, "poke", f"buf{i}", data=struct.pack("<III32s", i, 1000, 20, b"t"))
        kernsim.program_call(t, "ioctl", f"fd{i}", TICK_ARM, f"buf{i}", expect=0)
        kernsim.program_call(t, "poke", f"buf{i}", data=struct.pack("<IIiI", i, 20, 1000, 0))
        kernsim.program_call(t, "ioctl", f"fd{i}", TICK_WAIT, f"buf{i}", expect=None)
        kernsim.program_call(t, "poke", f"buf{i}", data=struct.pack("<I", i))
        kernsim.program_call(t, "ioctl", f"fd{i}", TICK_CANCEL, f"buf{i}", expect=0)
        kernsim.program_call(t, "close", f"fd{i}", expect=0)
    return prog


def test_executions_from_a_boot_image_take_the_stacks_a_booting_one_takes():
    # Boot once (DESIGN.md): the image keeps which stacks the boot's exited
    # threads left free, so each restored execution is the one a new World
    # runs alone, booting, to the trace hash.
    n = 40
    r = kernsim.explore(two_timers, strategy="random", seed=2, runs=n)
    assert r.runs == n and not r.failure, r.failure
    assert r.boot_images == n - 1
    alone = [kernsim.run(two_timers, strategy="random", seed=2, execution=ex) for ex in range(n)]
    assert {f.kind for f in alone} == {"pass"}
    assert r.distinct == len({f.hash for f in alone}) > 1
    off = kernsim.explore(two_timers, strategy="random", seed=2, runs=n, no_boot_image=True)
    assert off.boot_images == 0 and off.distinct == r.distinct
