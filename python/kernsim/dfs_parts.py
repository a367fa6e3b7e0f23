"""How the parts of a split search are handed out (dfs_split.py says why):
a frontier of prefixes not searched yet, and `jobs` parts kept running over
it (tasks.run_pool: forked workers, or tasks on a Dask cluster).

Plain DFS (run_plain): slices of at most `slice_executions` executions,
each over prefixes taken from the frontier; a slice puts what it left back
(runner::split_remainder) for the next free process.

DPOR (run_dpor): as the DPOR search runs each bound afresh from the root, a
part searches one bound (non-iterative) under a few prefixes (DPOR_BATCH),
in slices too, and asks for the alternatives its races need at prefix decisions
(DfsStrategy::requests); each comes back as a new prefix for that bound,
unless one under it was taken already, as do the alternatives a slice left
untried (runner::split_remainder), after the siblings it searched
(runner::split_explored). A prefix carries, per decision, its siblings taken
before it at that bound: searched elsewhere, they sleep below it as they
would in one search (taken order is a strict order, so no two siblings put
each other to sleep).

Both: when a worker is idle and the frontier is empty, the part running
longest is asked to hand its work on (steal, forked.run_pool); what it
left comes back as from a slice's end.
"""

import time

from . import kernsim_pb2 as pb
from . import tasks


def _key(p):
    """A prefix's frontier key: its preemptions (plain: a part's remainder,
    serialized SplitPrefix messages, or (decisions, preemptions)), its bound
    (DPOR: (decisions, preemptions, bound))."""
    if isinstance(p, bytes):
        return pb.SplitPrefix.FromString(p).preemptions
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

    def entries(self):
        """Every prefix in it, lowest key first (a checkpoint's todo)."""
        return [p for key in sorted(self.by_key) for p in self.by_key[key]]

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


class _Segment:
    __slots__ = ("when", "kids")

    def __init__(self, when):
        self.when = when  # first taken
        self.kids = {}    # decision (kind, value) -> _Segment, in the order first taken


class Taken:
    """DPOR, one bound: every initial segment of the prefixes taken, in the
    order first taken (a trie)."""

    def __init__(self):
        self.root = _Segment(0)
        self.n = 0

    def add(self, decisions):
        """False if the prefix is one taken already, or an initial segment of one."""
        at, new = self.root, False
        for d in decisions:
            d = (d[0], d[1])
            kid = at.kids.get(d)
            if kid is None:
                self.n += 1
                kid = at.kids[d] = _Segment(self.n)
                new = True
            at = kid
        return new

    def segments(self):
        """[(parent, decision)] in the order first taken, parent the place of
        the parent segment in the list from 1 (0: the root): a checkpoint's."""
        out, stack = [], [(self.root, 0)]
        while stack:
            at, _ = stack.pop()
            for d, kid in at.kids.items():
                out.append((kid.when, at.when, d))
                stack.append((kid, kid.when))
        return [(parent, d) for _, parent, d in sorted(out)]

    @classmethod
    def from_segments(cls, segments):
        """The inverse of segments(); a ValueError names a bad parent."""
        t = cls()
        nodes = [t.root]
        for i, (parent, d) in enumerate(segments):
            if not 0 <= parent < len(nodes):
                raise ValueError(f"segment[{i}].parent = {parent}: want 0..{len(nodes) - 1} "
                                 f"(a segment taken before it)")
            t.n += 1
            kid = nodes[parent].kids[(d[0], d[1])] = _Segment(t.n)
            nodes.append(kid)
        return t

    def siblings_done(self, decisions):
        """Per decision, the thread siblings taken before it."""
        done, at = [], self.root
        for d in decisions:
            mine = at.kids[(d[0], d[1])]
            done.append(sorted(v for (k, v), kid in at.kids.items()
                               if k == 0 and kid.when < mine.when))
            at = mine
        return done


DPOR_BATCH = 8  # prefixes a DPOR part takes at most: fewer round trips, still fine-grained
MAX_UNION = 1 << 23  # trace hashes kept for the union; past it, distinct is an upper bound


class _Pool:
    """The bookkeeping both ways share: when to stop, what ran, and the
    parts' trace hashes while their union stays affordable."""

    def __init__(self, jobs, max_executions, stop_on_failure, count, deadline, hand_on):
        self.deadline = deadline  # time.monotonic() after which nothing starts
        self.hand_on = hand_on
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

    def _open(self, granted_too=False):
        """May a part still start (if there were work for it)? granted_too:
        or would it, once the parts in flight hand back their grants?"""
        if self.stopped:
            return False
        if self.max_executions:
            if (self.max_executions - self.executions if granted_too else self._left()) <= 0:
                return False
        return self.deadline is None or time.monotonic() < self.deadline

    def may_start(self, frontier):
        if not frontier.size or not self._open():
            return False
        self.started += 1
        return True

    def steal(self, frontier):
        """forked.run_pool's steal (None: parts are not asked): with nothing
        left to start, the part running longest (likely the biggest
        subtree) hands its work on; once a failure stopped the split, every
        part does (at once, not at the end of its slice)."""
        if not self.hand_on:
            return None

        def pick(tags):
            if self.stopped:
                return tags
            if frontier.size or not tags or not self._open(granted_too=True):
                return ()
            return (min(tags, key=lambda t: t[0] if isinstance(t, tuple) else t),)
        return pick

    def budget(self, opts):
        """A part's options (for the part may_start just counted): its
        executions cut to what the whole may still run, less what the parts
        in flight may run (so --runs is never overshot), and to its share
        (1/jobs) of what the whole may still run (so a small --runs still
        keeps every process busy); its host time to what is left."""
        if self.max_executions:
            share = -(-(self.max_executions - self.executions) // self.jobs)
            grant = min(int(opts["max_executions"]), self._left(), share)
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


def run_plain(job, opts, frontier, jobs, max_executions, slice_executions, stop_on_failure,
              count, cluster=None, cluster_timeout=None, deadline=None, hand_on=True,
              interruptible=False):
    """The parts' results, and whether Ctrl-C stopped them (tasks.run_pool);
    what they left is in `frontier` (a Frontier of (decisions, preemptions))."""
    sopts = dict(opts, max_executions=int(slice_executions), want_remainder=True)
    pool = _Pool(jobs, max_executions, stop_on_failure, count, deadline, hand_on)

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

    interrupted = tasks.run_pool(next_call, on_result, jobs, cluster, cluster_timeout,
                                 pool.steal(frontier), interruptible)
    return pool.parts, interrupted


def _decisions_key(decisions):
    return tuple((d[0], d[1]) for d in decisions)


def dpor_work(prefixes_by_bound, jobs):
    """The frontier and the prefixes taken per bound of a DPOR split, from
    the enumeration of each bound searched ({bound: [(decisions, preemptions)]})."""
    entries, taken = [], {}
    for b, prefixes in sorted(prefixes_by_bound.items()):
        taken[b] = Taken()
        for p in prefixes:
            taken[b].add(p[0])
            entries.append((p[0], p[1], b))
    return Frontier(entries, jobs, 0), taken


def run_dpor(job, opts, frontier, taken, jobs, max_executions, slice_executions,
             stop_on_failure, count, cluster=None, cluster_timeout=None, deadline=None,
             hand_on=True, interruptible=False):
    """frontier, taken: dpor_work's. Parts are slices too: one that runs out
    of budget hands its path's untried alternatives on as prefixes, after
    the siblings it searched (explored) so those sleep below them. The
    parts' results, and whether Ctrl-C stopped them; what they left is in
    `frontier` and `taken`."""
    pool = _Pool(jobs, max_executions, stop_on_failure, count, deadline, hand_on)
    given = {}  # part (start number) -> its prefixes, as decision tuples

    def next_call():
        if not pool.may_start(frontier):
            return None
        b = frontier.lowest()
        n = max(1, min(DPOR_BATCH, frontier.size // (2 * jobs)))
        group = [(d, c, taken[b].siblings_done(d)) for d, c, _ in frontier.take(n, one_key=True)]
        given[pool.started] = {_decisions_key(d) for d, _, _ in group}
        popts = dict(opts, bound=b, iterative=False, max_executions=int(slice_executions),
                     want_remainder=True)
        return ((pool.started, b), tasks.dfs_part, (job, pool.budget(popts), group))

    def on_result(tag, res):
        b, mine = tag[1], given.pop(tag[0])
        for d in res.pop("explored", None) or ():
            taken[b].add(d)
        rest = [tasks.prefix_tuple(x) for x in res.pop("remainder", None) or ()]
        for d, c in rest:  # a prefix the part did not reach is in `taken` already
            if taken[b].add(d) or _decisions_key(d) in mine:
                frontier.put([(d, c, b)])
        for d, c in res.pop("requests", None) or ():
            if taken[b].add(d):
                frontier.put([(d, c, b)])
        if rest:
            res["handed_on"] = True
        pool.finished(res, tag[0])

    interrupted = tasks.run_pool(next_call, on_result, jobs, cluster, cluster_timeout,
                                 pool.steal(frontier), interruptible)
    return pool.parts, interrupted
