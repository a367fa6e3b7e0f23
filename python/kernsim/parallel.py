"""Parallel campaigns on one machine: `kernsim explore --jobs N` splits the
seed space (executions first .. first+runs-1 of a random or PCT campaign)
into N contiguous chunks, one worker PROCESS each (fork: a World's driver
globals are process state, so Worlds never share a process side by side),
then merges: runs and distinct counts are summed (distinct is then an upper
bound: two workers may see the same interleaving), failures are deduped by
(kind, signature) keeping the one of the lowest execution index, and the
first failure is the lowest-index one, which is the one a single process
would have stopped at. Runs/s is for the whole, by wall time.

An execution's schedule depends only on (seed, execution index) for
random; PCT also learns its step estimate k from the executions before, so
when pct_steps is 0 a short pilot fixes k first and every worker (and
--jobs 1) uses it: the same seeds give the same failures for any N.
"""

import dataclasses
import multiprocessing
import os
import time

from . import _core
from . import api


@dataclasses.dataclass
class ParallelResult:
    runs: int
    distinct: int
    seconds: float
    jobs: int
    failure: object = None        # api.Failure, the lowest execution index
    repro: object = None
    failures: list = dataclasses.field(default_factory=list)  # one per signature
    failed_runs: int = 0
    strategy: dict = None

    @property
    def runs_per_sec(self):
        return self.runs / self.seconds if self.seconds > 0 else 0.0

    def signatures(self):
        return sorted({(f.kind, f.signature) for f in self.failures})


_JOB = {}  # what the forked workers run (inherited, never pickled)


def _worker(i, first, runs, conn):
    try:
        j = _JOB
        res = _core.explore(j["setup"], j["strat"], runs, first, j["world"], j["stop"], None,
                            10 ** 12, True)
        conn.send(("ok", res))
    except BaseException as e:  # noqa: BLE001 - reported to the parent
        conn.send(("error", f"{type(e).__name__}: {e}"))
    finally:
        conn.close()
        os._exit(0)  # no atexit handlers, no flushing the parent's buffers twice


def _pilot_k(setup, strat, world):
    """PCT's step estimate from a few executions (what one process would learn)."""
    res = _core.explore(setup, dict(strat, pct_steps=0), 20, 0, world, False, None, 10 ** 12,
                        False)
    return max(1, res["max_steps"])


def explore_parallel(scn, jobs=2, strategy="pct", runs=1000, seed=0, variant="none",
                     params=None, depth=3, pct_steps=0, max_steps=0, inject_faults=False,
                     spurious_wakeups=False, first_execution=0, stop_on_failure=True):
    if strategy not in ("random", "pct", "round_robin"):
        raise api.KernsimError(f"--jobs splits the seed space of random or pct, not {strategy}")
    jobs = max(1, int(jobs))
    strat = api._strategy(strategy, seed, depth, pct_steps)
    world = api._world_opts(max_steps, inject_faults, spurious_wakeups)
    setup = api._setup_for(scn, variant, params)
    if strategy == "pct" and not pct_steps:
        strat["pct_steps"] = _pilot_k(setup, strat, world)
    _JOB.clear()
    _JOB.update(setup=setup, strat=strat, world=world, stop=bool(stop_on_failure))
    ctx = multiprocessing.get_context("fork")
    per, extra = divmod(int(runs), jobs)
    chunks, at = [], int(first_execution)
    for i in range(jobs):
        n = per + (1 if i < extra else 0)
        chunks.append((at, n))
        at += n
    t0 = time.monotonic()
    procs = []
    for i, (f, n) in enumerate(chunks):
        rd, wr = ctx.Pipe(duplex=False)
        p = ctx.Process(target=_worker, args=(i, f, n, wr))
        p.start()
        wr.close()
        procs.append((p, rd))
    results, errors = [], []
    for p, rd in procs:
        try:
            kind, payload = rd.recv()
        except EOFError:
            kind, payload = "error", f"worker {p.pid} died (exit status {p.exitcode})"
        p.join()
        (results if kind == "ok" else errors).append(payload)
    seconds = time.monotonic() - t0
    if errors:
        raise api.KernsimError("parallel worker failed: " + errors[0])
    out = ParallelResult(runs=sum(r["runs"] for r in results),
                         distinct=sum(r["distinct"] for r in results), seconds=seconds,
                         jobs=jobs, failed_runs=sum(r["failed_runs"] for r in results),
                         strategy=strat)
    by_sig = {}
    for r in results:
        for f in r["failures"]:
            key = (f["kind"], f["signature"])
            if key not in by_sig or f["execution"] < by_sig[key]["execution"]:
                by_sig[key] = f
    out.failures = [api.Failure.from_core(f)
                    for f in sorted(by_sig.values(), key=lambda f: f["execution"])]
    if out.failures:
        out.failure = out.failures[0]
        out.repro = api.make_repro(scn, variant, params, strat, world, out.failure)
    return out
