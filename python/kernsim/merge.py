"""The merged result of a split campaign, whichever way its parts ran
(forked children for --jobs, Dask tasks for --cluster): one function per
kind of split, so the two ways cannot merge differently.

Seed split (random/PCT): runs, failed runs and distinct counts are summed
(distinct is then an upper bound: two chunks may see the same
interleaving); failures are deduped by (kind, signature) keeping the one of
the lowest execution index, and the first failure is the lowest-index one,
which is the one a single process would have stopped at.

DFS split: executions (per bound too) and redundant executions are summed;
distinct interleavings are the union of the parts' trace hashes (exact),
or, when a part saw too many to send, the sum (an upper bound); the search
is exhausted when every part is, or handed what it left on to others
("handed_on"); failures are deduped by (kind, signature) keeping, of each,
the simplest: found at the lowest bound, then with the fewest preemptions,
then steps (then the least decisions, to settle ties). Each part reports
its simplest of each too, so the merged one does not depend on how the
search was cut. The failure reported is the simplest of all, not the first
in one process's DFS order, which a split does not have; its execution
index is 0 (neither has it a global execution order).
"""

import dataclasses

from . import _core
from .api import Failure


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
    timed_out: bool = False  # a part stopped at max_seconds before its runs

    @property
    def runs_per_sec(self):
        return self.runs / self.seconds if self.seconds > 0 else 0.0

    def signatures(self):
        return sorted({(f.kind, f.signature) for f in self.failures})


def merge_campaign(results, jobs, seconds, strategy):
    """results: the chunks' _core.explore dicts (collect_failures on)."""
    out = ParallelResult(runs=sum(r["runs"] for r in results),
                         distinct=sum(r["distinct"] for r in results), seconds=seconds,
                         jobs=jobs, failed_runs=sum(r["failed_runs"] for r in results),
                         strategy=strategy)
    by_sig = {}
    for r in results:
        for f in r["failures"]:
            key = (f["kind"], f["signature"])
            if key not in by_sig or f["execution"] < by_sig[key]["execution"]:
                by_sig[key] = f
    out.failures = [Failure.from_core(f)
                    for f in sorted(by_sig.values(), key=lambda f: f["execution"])]
    if out.failures:
        out.failure = out.failures[0]
    return out


@dataclasses.dataclass
class SplitSearchResult:
    """A bounded search split over parts (dfs_split.search_parallel)."""
    strategy: dict
    variant: str
    executions: int
    distinct: int
    distinct_exact: bool          # False: distinct is the parts' sum, an upper bound
    exhausted: bool
    bound: int
    seconds: float
    per_bound: list
    jobs: int
    redundant: int = 0
    failures: int = 0             # failing executions
    distinct_failures: list = dataclasses.field(default_factory=list)  # one per signature
    failure_bounds: list = dataclasses.field(default_factory=list)     # the bound of each
    failure: Failure = None       # the simplest (see above)
    repro: object = None
    prefixes: int = 0             # subtrees dealt to the parts
    split_depth: int = 0          # their depth in decisions
    split_executions: int = 0     # executions the enumeration of prefixes ran
    slices: int = 0               # parts run (a plain part hands the rest of a slice on)
    handed_on: int = 0            # parts that handed their work on when a process went idle
    checkpoint: object = None     # kernsim_pb2.DfsCheckpoint (split) to resume from
    interrupted: bool = False     # stopped by Ctrl-C (interruptible): the checkpoint continues it

    @property
    def runs(self):
        return self.executions

    @property
    def runs_per_sec(self):
        return self.executions / self.seconds if self.seconds > 0 else 0.0

    def signatures(self):
        return sorted({(f.kind, f.signature) for f in self.distinct_failures})


def _failure_key(f):
    return (f["bound"], f["preemptions"], f["steps"], list(f["decisions"]))


def merge_search(parts, jobs, seconds, strategy, variant):
    """parts: the parts' _core.search dicts (tasks.dfs_part)."""
    per_bound = []
    for p in parts:
        for b, n in enumerate(p["per_bound"]):
            if b == len(per_bound):
                per_bound.append(0)
            per_bound[b] += n
    exact = all(p["hashes"] is not None for p in parts)
    if exact:
        distinct = _core.count_distinct([p["hashes"] for p in parts])
    else:
        distinct = sum(p["distinct"] for p in parts)
    by_sig = {}
    for p in parts:
        for f in p["distinct_failures"]:
            key = (f["kind"], f["signature"])
            if key not in by_sig or _failure_key(f) < _failure_key(by_sig[key]):
                by_sig[key] = f
    found = sorted(by_sig.values(), key=_failure_key)
    out = SplitSearchResult(
        strategy=strategy, variant=variant, executions=sum(p["executions"] for p in parts),
        distinct=distinct, distinct_exact=exact,
        exhausted=all(p["exhausted"] or p.get("handed_on") for p in parts),
        bound=max((p["bound"] for p in parts), default=0), seconds=seconds, per_bound=per_bound,
        jobs=jobs, redundant=sum(p["redundant"] for p in parts),
        failures=sum(p["failures"] for p in parts),
        distinct_failures=[Failure.from_core(f) for f in found],
        failure_bounds=[f["bound"] for f in found])
    for f in out.distinct_failures:
        f.execution = 0  # a part's own index: it depends on how the search was cut
        if f.repro is not None:
            f.repro.execution = 0
    if found:
        out.failure = out.distinct_failures[0]
        out.bound = found[0]["bound"]
    return out
