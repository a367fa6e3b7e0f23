"""Re-recording a repro after an intended change to a driver or to the kernel
model: the old decision log may no longer reach the bug (a new lock, one
more scheduling point), so `kernsim replay` reports a mismatch although the
bug is still there. Re-recording finds the same failure (same kind and
signature) again and rewrites the repro's schedule and expected outcome:

- a repro found by a random or PCT campaign reruns that campaign (same
  strategy, seed, depth; PCT's step estimate learnt again from execution 0
  when the repro recorded none), first the recorded execution alone when it
  depends only on (seed, execution), then the campaign up to `runs`;
- any other (minimized, DFS-found, scripted) is searched again by the
  minimizer's bounded exhaustive search, bounds 0 .. `bound`.

A failure of another kind or signature is never taken for it: a bug that
moved or disappeared is an error for a person to look at, not a new repro.
"""

import copy
import shlex

from . import api
from . import minimize
from . import repro as repro_io
from .errors import KernsimError


class NotReproduced(KernsimError):
    """The same failure was not found again (exit status 1, not 2)."""


def _same(f, r):
    return f is not None and (f.kind, f.signature) == (r.expected.kind, r.expected.signature)


def _campaign(scn, params, r, runs):
    fb = r.found_by
    common = dict(strategy=fb.name, seed=fb.seed, variant=r.variant, params=params,
                  depth=fb.pct_depth or 3, pct_steps=fb.pct_steps, world=r.world)
    if fb.name == "random" or fb.pct_steps:
        one = api.explore(scn, runs=1, first_execution=r.execution, **common)
        if _same(one.failure, r):
            return one, 1
    res = api.explore(scn, runs=runs, **common)
    return res, res.runs


def rerecord(r, path="repro", runs=100000, bound=3):
    """Returns (new repro, how it was found, executions run) for a loaded
    failing repro whose schedule no longer reproduces it; raises
    KernsimError when the same failure is not found again."""
    with api.recorded_hang_limit(r):
        return _rerecord(r, path, runs, bound)


def _rerecord(r, path, runs, bound):
    if r.expected.kind == "pass":
        raise KernsimError(f"{path}: the repro records no failure: nothing to re-record")
    scn, params = minimize._scenario_of(r, path)
    if r.found_by.name in ("random", "pct"):
        res, n = _campaign(scn, params, r, runs)
        how = f"{r.found_by.name} campaign, seed {r.found_by.seed}"
        if not _same(res.failure, r):
            got = f"{res.failure.kind} {res.failure.signature}" if res.failure else "no failure"
            raise NotReproduced(
                f"{path}: the {how} no longer fails with {r.expected.kind} "
                f"{r.expected.signature} (got {got} in {res.runs} runs): the bug was fixed "
                f"(then: kernsim mark-fixed {shlex.quote(path)}) or moved; look at it before "
                f"re-recording by hand")
        new = copy.deepcopy(res.repro)
    else:
        clock = minimize._Clock(0)
        res = minimize._search(scn, params, r, bound, runs, True, clock)
        n = res.executions
        how = f"a bounded search up to {bound} preemptions"
        if res.failure is None:
            raise NotReproduced(
                f"{path}: {how} found no {r.expected.kind} {r.expected.signature} in {n} "
                f"executions: the bug was fixed (then: kernsim mark-fixed "
                f"{shlex.quote(path)}) or moved")
        new = res.failure.repro
        if r.found_by.name:
            new.found_by.CopyFrom(r.found_by)  # re-recorded, still first found that way
    if not repro_io.is_program(new):
        new.scenario.CopyFrom(r.scenario)  # keep the module path as written
    return new, how, n
