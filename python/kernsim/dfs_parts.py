"""How the parts of a split search are handed out (dfs_split.py says why):
a frontier of prefixes not searched yet, and `jobs` parts kept running over
it (tasks.run_pool: forked children, or tasks on a Dask cluster).

Plain DFS (run_plain): slices of at most `slice_executions` executions,
each over prefixes taken from the frontier; a slice puts what it left back
(DfsStrategy::remainder) for the next free process.

DPOR (run_dpor): as the DPOR search runs each bound afresh from the root, a
part searches one bound (non-iterative) under one prefix, in slices too, and
asks for the alternatives its races need at prefix decisions
(DfsStrategy::requests); each comes back as a new prefix for that bound,
unless one under it was taken already, as do the alternatives a slice left
untried (DfsStrategy::remainder), after the siblings it searched
(DfsStrategy::explored). A prefix carries, per decision, its siblings taken
before it at that bound: searched elsewhere, they sleep below it as they
would in one search (taken order is a strict order, so no two siblings put
each other to sleep).
"""

import time

from . import tasks


def _key(p):
    """A prefix's frontier key: its preemptions (plain), its bound (DPOR:
    (decisions, preemptions, bound))."""
    if isinstance(p, bytes):
        return int.from_bytes(p[:4], "little")
    return p[2] if len(p) > 2 else p[1]


class Frontier:
    """Prefixes not searched yet, lowest key first (a failure that needs
    fewer preemptions is met sooner); how many a part takes: halved when a
    slice runs out of budget, doubled when one spends less than half."""

    def __init__(self, prefixes, parts, slice_executions):
        self.by_key = {}
        self.size = 0
        self.slice = slice_executions
        self.batch = max(1, -(-len(prefixes) // parts))
        self.put(prefixes)

    def put(self, prefixes):
        for p in prefixes:
            self.by_key.setdefault(_key(p), []).append(p)
        self.size += len(prefixes)

    def lowest(self):
        return min(self.by_key)

    def take(self, n=None, one_key=False):
        """Up to `n` (default: the batch) prefixes, lowest key first (and
        all of one key, if one_key)."""
        n = n or self.batch
        out = []
        for key in sorted(self.by_key):
            stack = self.by_key[key]
            k = min(len(stack), n - len(out))
            out.extend(stack[len(stack) - k:])
            del stack[len(stack) - k:]
            if not stack:
                del self.by_key[key]
            if len(out) == n or one_key:
                break
        self.size -= len(out)
        return out

    def learn(self, res):
        if res.get("remainder"):
            self.batch = max(1, self.batch // 2)
        elif res["executions"] < self.slice // 2:
            self.batch = min(1 << 16, self.batch * 2)


class Taken:
    """DPOR, one bound: every initial segment of the prefixes taken, in the
    order first taken."""

    def __init__(self):
        self.order = {}      # segment -> when first taken
        self.children = {}   # segment -> [(when, decision)] of its extensions

    def add(self, decisions):
        """False if the prefix is under (or is) one taken already."""
        key = tuple(tuple(d) for d in decisions)
        if key in self.order:
            return False
        for k in range(1, len(key) + 1):
            if key[:k] not in self.order:
                self.order[key[:k]] = len(self.order)
                self.children.setdefault(key[:k - 1], []).append((self.order[key[:k]],
                                                                   key[k - 1]))
        return True

    def siblings_done(self, decisions):
        """Per decision, the thread siblings taken before it."""
        key = tuple(tuple(d) for d in decisions)
        done = []
        for k in range(len(key)):
            mine = self.order[key[:k + 1]]
            done.append(sorted(d[1] for when, d in self.children.get(key[:k], ())
                               if when < mine and d[0] == 0 and d != key[k]))
        return done


MAX_UNION = 1 << 23  # trace hashes kept for the union; past it, distinct is an upper bound


class _Pool:
    """The bookkeeping both ways share: when to stop, what ran, and the
    parts' trace hashes while their union stays affordable."""

    def __init__(self, jobs, max_executions, stop_on_failure, count, deadline):
        self.deadline = deadline  # time.monotonic() after which nothing starts
        self.jobs = jobs
        self.max_executions = max_executions
        self.stop_on_failure = stop_on_failure
        self.count = count
        self.parts = []
        self.started = 0
        self.executions = 0
        self.grants = {}  # executions granted to the parts in flight, by start number
        self.hashes = 0
        self.stopped = False

    def _left(self):
        return self.max_executions - self.executions - sum(self.grants.values())

    def may_start(self, frontier):
        if self.stopped or not frontier.size:
            return False
        if self.max_executions and self._left() <= 0:
            return False
        if self.deadline is not None and time.monotonic() >= self.deadline:
            return False
        self.started += 1
        return True

    def budget(self, opts):
        """A part's options (for the part may_start just counted): its
        executions cut to what the whole may still run, less what the parts
        in flight may run (so --runs is never overshot), and its host time
        to what is left."""
        if self.max_executions:
            grant = min(int(opts["max_executions"]), self._left())
            self.grants[self.started] = grant
            opts = dict(opts, max_executions=grant)
        if self.deadline is None:
            return opts
        return dict(opts, max_seconds=max(0.001, self.deadline - time.monotonic()))

    def finished(self, res, started):
        self.grants.pop(started, None)
        self.count(res)
        self.executions += res["executions"]
        if self.stop_on_failure and res["failure"] is not None:
            self.stopped = True
        self.parts.append(res)
        if self.hashes is not None and res["hashes"] is not None:
            self.hashes += len(res["hashes"]) // 8
        if self.hashes is None or res["hashes"] is None or self.hashes > MAX_UNION:
            if self.hashes is not None:  # no union: drop them all, once
                for p in self.parts:
                    p["hashes"] = None
            self.hashes = None
            res["hashes"] = None


def run_plain(job, opts, prefixes, jobs, max_executions, slice_executions, stop_on_failure,
              count, cluster=None, cluster_timeout=None, deadline=None):
    """The parts' results, and whether subtrees were left unsearched."""
    frontier = Frontier(prefixes, jobs, int(slice_executions))
    sopts = dict(opts, max_executions=int(slice_executions), want_remainder=True)
    pool = _Pool(jobs, max_executions, stop_on_failure, count, deadline)

    def next_call():
        if not pool.may_start(frontier):
            return None
        return (pool.started, tasks.dfs_part, (job, pool.budget(sopts), frontier.take()))

    def on_result(tag, res):
        frontier.learn(res)
        rest = res.pop("remainder", None)
        if rest:
            frontier.put(rest)
            res["handed_on"] = True
        pool.finished(res, tag)

    tasks.run_pool(next_call, on_result, jobs, cluster, cluster_timeout)
    return pool.parts, frontier.size > 0


def _decoded(blob):
    """(decisions, preemptions) of a prefix in bytes (module.cc's layout)."""
    return ([(blob[i], int.from_bytes(blob[i + 1:i + 5], "little"))
             for i in range(4, len(blob), 5)], int.from_bytes(blob[:4], "little"))


def run_dpor(job, opts, prefixes_by_bound, jobs, max_executions, slice_executions,
             stop_on_failure, count, cluster=None, cluster_timeout=None, deadline=None):
    """prefixes_by_bound: {bound: [(decisions, preemptions)]}, the
    enumeration of each bound searched. Parts are slices too: one that runs
    out of budget hands its path's untried alternatives on as prefixes,
    after the siblings it searched (explored) so those sleep below them.
    The parts' results, and whether subtrees were left unsearched."""
    entries, taken = [], {}
    for b, prefixes in sorted(prefixes_by_bound.items()):
        taken[b] = Taken()
        for p in prefixes:
            taken[b].add(p[0])
            entries.append((p[0], p[1], b))
    frontier = Frontier(entries, jobs, 0)
    pool = _Pool(jobs, max_executions, stop_on_failure, count, deadline)

    def next_call():
        if not pool.may_start(frontier):
            return None
        b = frontier.lowest()
        group = [(d, c, taken[b].siblings_done(d))
                 for d, c, _ in frontier.take(1, one_key=True)]
        popts = dict(opts, bound=b, iterative=False, max_executions=int(slice_executions),
                     want_remainder=True)
        return ((pool.started, b), tasks.dfs_part, (job, pool.budget(popts), group))

    def on_result(tag, res):
        b = tag[1]
        for d in res.pop("explored", None) or ():
            taken[b].add(d)
        rest = res.pop("remainder", None)
        for d, c in [_decoded(x) for x in rest or ()] + (res.pop("requests", None) or []):
            if taken[b].add(d):
                frontier.put([(d, c, b)])
        if rest:
            res["handed_on"] = True
        pool.finished(res, tag[0])

    tasks.run_pool(next_call, on_result, jobs, cluster, cluster_timeout)
    return pool.parts, frontier.size > 0
