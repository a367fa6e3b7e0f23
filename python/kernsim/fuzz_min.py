"""Minimizing a failing Program and writing its repro. Simple and bounded
(until the exploration issue's minimizer lands): drop whole threads, then
single calls, keeping a candidate when it still fails with the same kind and
signature under the found schedule seed or one of a few others; then re-run
the result once to record its decision log, which is what the repro replays."""

from . import _core
from . import kernsim_pb2 as pb
from . import repro as repro_io
from .fuzz_gen import repair

RETRY_SEEDS = 16
MAX_ATTEMPTS = 300


MAX_ATTEMPTS_HANG = 30  # a hang costs the hang limit per execution


def _fails_same(ex, prog, sched, seeds, key, world):
    """The first of `seeds` that fails with `key`, or None. One seed at a
    time: the first that fails ends it, which matters when each failing
    execution costs the hang limit."""
    data = prog.SerializeToString()
    for s in seeds:
        try:
            res = ex.run_batch(data, sched, [s], world)
        except ValueError:
            return None
        for f in res["failures"]:
            if (f["kind"], f["signature"]) == key:
                return f["seed"]
    return None


def minimize(prog, sched, key, world=None):
    """(smaller program, schedule with the seed that reproduces key)."""
    world = world or {}
    ex = _core.FuzzExecutor()
    sched = dict(sched)
    seed = sched["seed"]
    attempts = 0
    max_attempts = MAX_ATTEMPTS_HANG if key[0] == "hang" else MAX_ATTEMPTS

    def try_(cand):
        nonlocal attempts
        attempts += 1
        seeds = [seed] + [(seed * 1000003 + k + 1) & 0x7FFFFFFF for k in range(RETRY_SEEDS)]
        return _fails_same(ex, cand, sched, seeds, key, world)

    changed = True
    while changed and attempts < max_attempts:
        changed = False
        for ti in reversed(range(len(prog.thread))):
            if len(prog.thread) == 1 or attempts >= max_attempts:
                break
            cand = pb.Program()
            cand.CopyFrom(prog)
            del cand.thread[ti]
            repair(cand)
            s = try_(cand)
            if s is not None:
                prog, seed, changed = cand, s, True
        for ti in range(len(prog.thread)):
            ci = len(prog.thread[ti].call) - 1
            while ci >= 0 and attempts < max_attempts:
                if ti >= len(prog.thread) or ci >= len(prog.thread[ti].call):
                    break
                cand = pb.Program()
                cand.CopyFrom(prog)
                del cand.thread[ti].call[ci]
                repair(cand)
                if len(cand.thread) == len(prog.thread):
                    s = try_(cand)
                    if s is not None:
                        prog, seed, changed = cand, s, True
                ci -= 1
    sched["seed"] = seed
    return prog, sched


def make_repro(prog, sched, world=None):
    """Runs (prog, sched) once and returns (record, kernsim_pb2.Repro) whose
    schedule is that run's decision log."""
    world = dict(world or {})
    ex = _core.FuzzExecutor()
    rec = ex.run(prog.SerializeToString(), sched, 0, world)
    d = prog.driver[0]
    r = pb.Repro(version=repro_io.FORMAT_VERSION, driver=d.name, variant=d.variant, execution=0)
    r.program.CopyFrom(prog)
    r.found_by.name = sched["name"]
    r.found_by.seed = int(sched["seed"])
    r.found_by.pct_depth = int(sched.get("pct_depth", 3))
    r.world.max_steps = int(world.get("max_steps", 0))
    r.world.inject_faults = bool(world.get("inject_faults", False))
    r.world.spurious_wakeups = bool(world.get("spurious_wakeups", False))
    r.world.hang_ms = int(world.get("hang_ms", 0))
    repro_io.decisions_to_proto(rec["decisions"], r.schedule)
    r.expected.kind = rec["kind"]
    r.expected.signature = rec["signature"]
    r.expected.message = rec["message"]
    r.expected.trace_hash = rec["hash"]
    r.expected.steps = rec["steps"]
    return rec, r
