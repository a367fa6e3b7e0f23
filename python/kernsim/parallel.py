"""Parallel campaigns: `kernsim explore --jobs N` splits the seed space
(executions first .. first+runs-1 of a random or PCT campaign) into
contiguous chunks (N, or up to 8 N of at least CHUNK_MIN executions, so
progress is reported as they come back), N at a time, each a part in a
process of its own (a forked child here, or a task on a Dask cluster with
`cluster=`: see cluster.py), then merges them (merge.merge_campaign: runs summed, failures deduped by
signature, the first failure the lowest-index one). Runs/s is for the
whole, by wall time. DFS splits the decision tree instead: dfs_split.py.

An execution's schedule depends only on (seed, execution index) for
random; PCT also learns its step estimate k from the executions before, so
when pct_steps is 0 a short pilot fixes k first and every chunk (and
--jobs 1) uses it: the same seeds give the same failures for any N, on one
machine or on a cluster.
"""

import time

from . import _core
from . import api
from . import tasks
from .merge import ParallelResult  # noqa: F401  (the result type, for callers)
from .merge import merge_campaign

SPLITTABLE = ("random", "pct")
CHUNK_MIN = 2000  # executions a chunk runs at least, when there are more chunks than N


def check_strategy(strategy):
    """A KernsimError unless `strategy`'s seed space can be split."""
    if strategy not in SPLITTABLE:
        why = ("the dfs split is dfs_split.search_parallel" if strategy == "dfs" else
               "round_robin makes the same schedule every execution" if strategy == "round_robin"
               else "it is not a seeded strategy")
        raise api.KernsimError(f"--jobs splits the seed space of random or pct, not {strategy} "
                               f"({why})")


def _pilot_k(setup, spec):
    """PCT's step estimate from a few executions (what one process would learn)."""
    pilot = type(spec)()
    pilot.CopyFrom(spec)
    pilot.strategy.pct_steps, pilot.runs, pilot.first_execution = 0, 20, 0
    pilot.keep_going, pilot.collect_failures, pilot.max_seconds = True, False, 0
    res = _core.explore(setup, pilot.SerializeToString(), None, 10 ** 12)
    return max(1, res["max_steps"])


def chunks(first, runs, jobs):
    """[(first execution, runs)] of N contiguous chunks, sizes differing by one at most."""
    per, extra = divmod(int(runs), jobs)
    out, at = [], int(first)
    for i in range(jobs):
        n = per + (1 if i < extra else 0)
        out.append((at, n))
        at += n
    return out


def explore_parallel(scn, jobs=2, strategy="pct", runs=1000, seed=0, variant="none",
                     params=None, depth=3, pct_steps=0, first_execution=0, stop_on_failure=True,
                     cluster=None, cluster_timeout=None, world=None, max_seconds=0,
                     progress=None, **options):
    """Runs the campaign `api.explore` would, in `jobs` parts at once (on the
    Dask scheduler at `cluster`, tcp://HOST:PORT, when given). With
    stop_on_failure each chunk stops at its own first failure and no chunk
    after a failure found starts (the first failure is the lowest-index one
    whatever the chunks: the chunk that holds it starts before any after
    it); with max_seconds no chunk starts after that long and each stops
    by then, and .timed_out says the campaign was cut short.
    progress(runs, distinct) is called as chunks come back."""
    check_strategy(strategy)
    jobs = max(1, int(jobs))
    spec = api.run_spec(scn, variant, params, api.strategy_spec(strategy, seed, depth, pct_steps),
                        api.world_spec(world, **options), keep_going=not stop_on_failure,
                        collect_failures=True)
    setup = api._setup_for(scn, variant, params)
    if strategy == "pct" and not pct_steps:
        spec.strategy.pct_steps = api._call_core(_pilot_k, setup, spec, scn=scn)
    job = tasks.describe(scn, spec)
    tasks.remember(job, scn, setup)
    n = max(jobs, min(jobs * 8, int(runs) // CHUNK_MIN))
    todo = chunks(first_execution, runs, n)[::-1]
    t0 = time.monotonic()
    deadline = t0 + float(max_seconds) if max_seconds else None
    results, seen = {}, {"runs": 0, "distinct": 0, "failed_at": None}

    def next_call():
        while todo:
            first, k = todo.pop()
            failed_at = seen["failed_at"]
            if stop_on_failure and failed_at is not None and first > failed_at:
                continue  # after a failure found: not needed
            left = deadline - time.monotonic() if deadline else 0
            if deadline and left <= 0:
                todo.clear()
                return None
            return (first, tasks.seed_chunk, (job, first, k, left))
        return None

    def on_result(first, res):
        results[first] = res
        seen["runs"] += res["runs"]
        seen["distinct"] += res["distinct"]
        if res["failures"]:
            at = min(f["execution"] for f in res["failures"])
            seen["failed_at"] = at if seen["failed_at"] is None else min(seen["failed_at"], at)
        if progress:
            progress(seen["runs"], seen["distinct"])

    tasks.run_pool(next_call, on_result, jobs, cluster, cluster_timeout)
    out = merge_campaign([results[f] for f in sorted(results)], jobs, time.monotonic() - t0,
                         spec.strategy)
    out.timed_out = bool(max_seconds) and out.failure is None and out.runs < int(runs)
    if out.failure is not None:
        out.repro = out.failure.repro
    return out
