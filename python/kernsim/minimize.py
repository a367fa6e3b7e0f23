"""Minimization of a failing repro: fewer preemptions first, then fewer
steps, then (Programs) fewer calls and fewer threads. Every candidate is
re-run and kept only if it fails the same way (same kind and signature).

Preemptions and steps: a bounded exhaustive search of the repro's scenario
(iterative context bounding, bounds 0, 1, ... up to the repro's own
preemption count) that accepts only failures of the same kind and signature;
the first bound that has one is the fewest preemptions that can fail this
way, and the rest of that bound is searched for the one with the fewest
steps (within a budget of executions). Calls and threads: each call (then
each thread) of a Program is dropped in turn, and the drop is kept when the
smaller Program still fails the same way within the found bound.

A time bound (`seconds`, 0 = none) caps the whole: each search gets what is
left of it, and shrinking stops when it is spent. The result is then less
small, never wrong: every kept candidate was re-run and failed the same way.
Without a time bound the result depends only on the repro and the budget.
"""

import copy
import dataclasses
import time

from . import api
from . import repro as repro_io
from .errors import KernsimError
from .scenario import Scenario


@dataclasses.dataclass
class MinimizeResult:
    repro: object            # kernsim_pb2.Repro, minimized
    preemptions_before: int
    preemptions_after: int
    steps_before: int
    steps_after: int
    calls_removed: int = 0
    threads_removed: int = 0
    executions: int = 0      # candidates run
    timed_out: bool = False  # the time bound cut the search short


class _Clock:
    """What is left of the time bound (host time: it only ends the search
    early, it never changes what a candidate run does)."""

    def __init__(self, seconds, progress=None):
        self.deadline = time.monotonic() + seconds if seconds and seconds > 0 else None
        # Progress: progress(candidate executions so far, what is being tried).
        self.progress, self.done, self.stage = progress, 0, "fewest preemptions and steps"

    def search_progress(self):
        """A search's progress callback, counting from what earlier searches ran."""
        if self.progress is None:
            return None
        return lambda execs, *_: self.progress(self.done + execs, self.stage)

    def searched(self, res):
        if res is not None:
            self.done += res.executions
            if self.progress is not None:
                self.progress(self.done, self.stage)

    def left(self):
        """Seconds for the next search: 0 means no limit; None means spent."""
        if self.deadline is None:
            return 0
        rest = self.deadline - time.monotonic()
        return rest if rest > 0 else None


def _program_scenario(r):
    """A Scenario whose Program is the repro's (for re-running a Program repro)."""
    prog = copy.deepcopy(r.program)

    def repro_program():
        return copy.deepcopy(prog)
    return Scenario(repro_program, r.driver, program=True)


def _scenario_of(r, path):
    if repro_io.is_program(r):
        return _program_scenario(r), {}
    _, scn = api._repro_setup(r, path)
    return scn, api.scenario_params(r.scenario.params, path)


def _search(scn, params, r, bound, budget, fewest_steps, clock, dpor=True):
    """DPOR first (it finds every failure the full search finds, in far fewer
    executions); the full search if DPOR finds none. None when the time
    bound is spent before the first search."""
    def one(with_dpor, left):
        return api.search(scn, bound=bound, dpor=with_dpor, iterative=True,
                          max_executions=budget, max_seconds=left, variant=r.variant,
                          params=params, world=r.world, want_kind=r.expected.kind,
                          want_signature=r.expected.signature, fewest_steps=fewest_steps,
                          progress=clock.search_progress(), progress_every=1000)

    left = clock.left()
    if left is None:
        return None
    res = one(dpor, left)
    clock.searched(res)
    if res.failure is not None or not dpor:
        return res
    left = clock.left()
    if left is None:
        return res
    res = one(False, left)
    clock.searched(res)
    return res


def minimize(r, path="repro", budget=200000, programs=True, seconds=0, progress=None):
    """Minimizes a loaded repro (kernsim_pb2.Repro) that fails; returns a
    MinimizeResult whose .repro replays with `kernsim replay`. `seconds`
    bounds the whole (0: no bound). progress(executions, stage) is called
    as candidate executions run (stage: what is being tried)."""
    with api.recorded_hang_limit(r):
        return _minimize(r, path, budget, programs, seconds, progress)


def _minimize(r, path, budget, programs, seconds, progress=None):
    clock = _Clock(seconds, progress)
    if r.expected.kind == "pass":
        raise KernsimError(f"{path}: the repro does not fail: nothing to minimize")
    before = api.run_repro(r, path)
    if before.kind != r.expected.kind or before.signature != r.expected.signature:
        raise KernsimError(f"{path}: the repro does not reproduce ({before.kind} "
                           f"{before.signature}); replay it first")
    scn, params = _scenario_of(r, path)
    res = _search(scn, params, r, before.preemptions, budget, True, clock)
    found = res is not None and res.failure is not None
    best = r
    if found and (res.failure.preemptions, res.failure.steps) < \
            (before.preemptions, before.steps):
        best = _found(r, res.failure)
    after = api.run_repro(best, path)
    out = MinimizeResult(best, before.preemptions, after.preemptions, before.steps,
                         after.steps, executions=res.executions if res else 0)
    if programs and repro_io.is_program(best):
        _shrink_program(out, path, res.bound if found else before.preemptions, budget, clock)
    out.timed_out = clock.left() is None
    return out


def _found(r, failure):
    """The repro of a search's failure (runner/repro_build.cc wrote it),
    said to be the minimizer's, keeping the original's fixed mark."""
    nr = failure.repro
    nr.found_by.name = "minimize"
    nr.expect_fixed = r.expect_fixed
    return nr


def _try_program(out, prog, bound, budget, clock):
    cand = copy.deepcopy(out.repro)
    cand.program.CopyFrom(prog)
    scn = _program_scenario(cand)
    try:
        res = _search(scn, {}, cand, bound, budget, True, clock)
    except KernsimError:
        return None  # not a valid Program any more (a later call names the dropped one)
    if res is None:
        return None
    out.executions += res.executions
    if res.failure is None:
        return None
    return _found(cand, res.failure)


def _shrink_program(out, path, bound, budget, clock):
    """Drops calls (last first), then threads, keeping each drop that still
    fails the same way. A call another names (`out`) is kept with it."""
    for ti in range(len(out.repro.program.thread) - 1, -1, -1):
        ci = len(out.repro.program.thread[ti].call) - 1
        while ci >= 0 and clock.left() is not None:
            prog = copy.deepcopy(out.repro.program)
            del prog.thread[ti].call[ci]
            clock.stage = f"dropping call {ci} of thread {ti}"
            got = _try_program(out, prog, bound, budget, clock)
            if got is not None:
                out.repro = got
                out.calls_removed += 1
            ci -= 1
    ti = len(out.repro.program.thread) - 1
    while ti >= 0 and len(out.repro.program.thread) > 1 and clock.left() is not None:
        prog = copy.deepcopy(out.repro.program)
        del prog.thread[ti]
        clock.stage = f"dropping thread {ti}"
        got = _try_program(out, prog, bound, budget, clock)
        if got is not None:
            out.repro = got
            out.threads_removed += 1
        ti -= 1
    after = api.run_repro(out.repro, path)
    out.preemptions_after, out.steps_after = after.preemptions, after.steps
