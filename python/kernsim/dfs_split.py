"""Splitting a bounded exhaustive search: `kernsim explore --strategy dfs
--jobs N [--cluster tcp://HOST:PORT]`.

1. Enumerate prefixes: a search at the full bound that branches only at its
   first d decisions and takes the default pick after them
   (DfsOptions::branch_depth), so each of its executions is one distinct
   prefix of d decisions (or a whole execution that ends sooner), with the
   preemptions it costs; with DPOR it branches there only where its races
   ask, and DPOR, which searches each bound afresh, enumerates each bound.
   d = 1, 2, ... until there are PREFIXES_PER_PART x N prefixes (DPOR:
   DPOR_PREFIXES_PER_PART x N), or no execution is longer than d.
2. Search under them (DfsOptions::prefixes), N parts at a time (in forked
   workers, or tasks in flight on the cluster), each taking prefixes from
   a frontier, fewest preemptions first (dfs_parts.py). Plain DFS: the same
   iterative search in slices of SLICE executions, each putting what it
   left back (runner::split_remainder), so subtrees of very unequal size
   still keep every process busy; every bound is split by the same
   prefixes, each entering at the bound that pays for its own preemptions.
   DPOR: a part searches one bound under a few prefixes, in slices too, and
   the alternatives its races ask for at prefix decisions come back as new
   prefixes (DfsStrategy::requests), a distributed DPOR.
3. Merge (merge.merge_search): executions and per-bound counts summed,
   distinct interleavings by the union of trace hashes, exhausted when no
   subtree was left, failures deduped by (kind, signature), the simplest
   reported.

Without DPOR the parts partition the whole search exactly: the same
executions, per bound, none twice, whatever N and the slice size
(tests/cpp/test_dfs_split.cc, tests/python/test_dfs_split.py). With DPOR
they do not: they find what one DPOR search finds in about as many
executions, a few more when prefixes are deep (sim/strategies/dfs.h).

Handing work on (local --jobs, dfs_parts.py): when a process is idle and
the frontier is empty, the part running longest stops between executions
and hands what it left back, as a slice's end does, so one big subtree
does not leave the other processes idle.

--runs (max_executions) bounds the whole split exactly: a part may run at
most what the whole may still run less what the parts in flight may run;
max_seconds too (host time: it only decides when to stop). With
stop_on_failure no part starts after one failed (those running hand their
work on), and the failure reported is the simplest of those found, which
can differ from run to run (which parts ran first is up to timing); with
stop_on_failure=False a plain split gives the same result every time.

The result's checkpoint is the frontier left (split_checkpoint.py):
resume=checkpoint continues the split, with any number of jobs.
"""

import time

from . import _core
from . import api
from . import dfs_parts
from . import kernsim_pb2 as pb
from . import split_checkpoint
from . import tasks
from .errors import KernsimError, ScenarioError
from .merge import merge_search

PREFIXES_PER_PART = 16
DPOR_PREFIXES_PER_PART = 4  # each prefix's sleep sets start a little short: fewer, deeper
SLICE = 20000  # executions a plain part runs before it hands the rest on
MAX_DEPTH = 200
ENUMERATION_CAP = 1_000_000  # executions per depth tried; far above what the target needs


def enumerate_prefixes(scn, setup, spec, bound, target):
    """([(decisions, preemptions)], depth, executions run): at least
    `target` prefixes when the tree within `bound` (DPOR: what DPOR
    explores of it) has that many."""
    executions = 0
    enum = type(spec)()
    enum.CopyFrom(spec)
    enum.strategy.bound, enum.strategy.single_bound = bound, True
    enum.keep_going, enum.runs, enum.max_seconds = True, ENUMERATION_CAP, 0
    for d in range(1, MAX_DEPTH + 1):
        enum.split.branch_depth = d
        res = api._call_core(_core.search, setup, enum.SerializeToString(), None, tasks.BIG,
                             scn=scn)
        executions += res["executions"]
        f = res["failure"]
        if f is not None and f["kind"] == "replay_divergence":
            raise ScenarioError(f"scenario {scn.name} is not deterministic, it cannot be "
                                f"searched: {f['message']}")
        if not res["exhausted"]:
            raise KernsimError(f"splitting the search: more than {ENUMERATION_CAP} prefixes "
                               f"of {d} decisions")
        report = pb.SplitReport.FromString(res["split"])
        prefixes = [tasks.prefix_tuple(p) for p in report.prefix]
        if len(prefixes) >= target or max((len(p[0]) for p in prefixes), default=0) < d:
            return prefixes, d, executions
    return prefixes, MAX_DEPTH, executions


def search_parallel(scn, jobs=2, bound=2, dpor=False, iterative=True, max_executions=0,
                    max_seconds=0, variant="none", params=None, stop_on_failure=True,
                    cluster=None, cluster_timeout=None, resume=None, progress=None,
                    progress_every=10000, prefixes_per_part=None, slice_executions=SLICE,
                    hand_on=True, interruptible=False, world=None, **options):
    """api.search split over `jobs` processes (or, with `cluster`,
    tcp://HOST:PORT, over the Dask scheduler's workers); a
    merge.SplitSearchResult. progress(executions, distinct, bound,
    failures) is called as parts finish, about every `progress_every`
    executions (distinct: an upper bound). hand_on=False: a part is never
    asked to hand its work on when a process goes idle (with DPOR, the
    counts then do not depend on timing; the split is slower).
    interruptible (local --jobs): Ctrl-C ends the split as a budget does,
    every part handing its work on (`.interrupted`; the checkpoint
    continues it). `world` and `options` set the World as for api.explore()."""
    jobs = max(1, int(jobs))
    max_executions = int(max_executions)
    spec = api.search_spec(scn, variant, params, bound, dpor, iterative, 0, 0, stop_on_failure,
                           api.world_spec(world, **options))
    setup = api._setup_for(scn, variant, params)
    opts = {}  # each part's own budget and bound (dfs_parts)
    t0 = time.monotonic()
    before = {"executions": 0, "failures": 0}
    if resume is not None:
        c = api.load_checkpoint(resume) if isinstance(resume, str) else resume
        api.check_resume(c, spec, split=True)
        frontier, taken = split_checkpoint.load(c, jobs, slice_executions, dpor)
        before = {"executions": c.executions, "failures": c.failures}
        prefixes, depth, enum_execs = frontier.entries(), 0, 0
    else:
        if prefixes_per_part is None:
            prefixes_per_part = DPOR_PREFIXES_PER_PART if dpor else PREFIXES_PER_PART
        target = max(1, prefixes_per_part) * jobs
        # DPOR searches each bound afresh: each is enumerated, and split, alone.
        bounds = range(int(bound) + 1) if dpor and iterative else [int(bound)]
        enumerated = {b: enumerate_prefixes(scn, setup, spec, b, target) for b in bounds}
        prefixes, depth, _ = enumerated[int(bound)]
        enum_execs = sum(e[2] for e in enumerated.values())
        if dpor:
            frontier, taken = dfs_parts.dpor_work({b: e[0] for b, e in enumerated.items()}, jobs)
        else:
            frontier, taken = dfs_parts.Frontier(prefixes, jobs, int(slice_executions)), None
    deadline = t0 + float(max_seconds) if max_seconds else None
    job = tasks.describe(scn, spec)
    tasks.remember(job, scn, setup)
    seen = {"executions": 0, "distinct": 0, "bound": 0, "failures": 0, "shown": 0}

    def count(res):
        for k in ("executions", "distinct", "failures"):
            seen[k] += res[k]
        seen["bound"] = max(seen["bound"], res["bound"])
        if progress and seen["executions"] // max(1, progress_every) > seen["shown"]:
            seen["shown"] = seen["executions"] // max(1, progress_every)
            progress(seen["executions"], seen["distinct"], seen["bound"], seen["failures"])

    if dpor:
        parts, interrupted = dfs_parts.run_dpor(job, opts, frontier, taken, jobs, max_executions,
                                                slice_executions, stop_on_failure, count,
                                                cluster, cluster_timeout, deadline, hand_on,
                                                interruptible)
    else:
        parts, interrupted = dfs_parts.run_plain(job, opts, frontier, jobs, max_executions,
                                                 slice_executions, stop_on_failure, count,
                                                 cluster, cluster_timeout, deadline, hand_on,
                                                 interruptible)
    out = merge_search(parts, jobs, time.monotonic() - t0, spec.strategy, variant)
    out.exhausted = out.exhausted and not frontier.size
    out.prefixes, out.split_depth, out.split_executions = len(prefixes), depth, enum_execs
    out.slices = len(parts)
    out.handed_on = sum(1 for p in parts if p.get("yielded"))
    out.interrupted = interrupted
    header = pb.DfsCheckpoint.FromString(_core.checkpoint_header(spec.SerializeToString()))
    out.checkpoint = split_checkpoint.save(
        header, frontier, taken,
        before["executions"] + out.executions, before["failures"] + out.failures, out.exhausted)
    if out.failure is not None:
        out.repro = out.failure.repro
    return out
