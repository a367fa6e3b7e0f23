"""A split search's checkpoint (`kernsim explore --strategy dfs --jobs N
--checkpoint FILE`, continued with `--resume FILE` and any --jobs): the
same DfsCheckpoint message as one process's, with `split` set. A split
search's state is its frontier, not a path: every part that stopped (the
budget, --time, a failure) handed back what it left (dfs_parts.py), so the
prefixes not searched yet are the whole of the work left; with DPOR, also
every prefix taken so far per bound (the siblings that sleep below a new
prefix, the requests already searched)."""

from . import dfs_parts
from . import tasks
from . import repro as repro_io
from .errors import ReproError


def save(header, frontier, taken, executions, failures, exhausted):
    """The checkpoint: `header` (a DfsCheckpoint saying what is searched,
    _core.checkpoint_header) with the work left."""
    c = header
    c.split, c.exhausted = True, exhausted
    c.executions, c.failures = executions, failures
    for p in frontier.entries():
        if isinstance(p, bytes):  # a part's remainder, as it came
            p = tasks.prefix_tuple(p)
        t = c.todo.add(preemptions=p[1], bound=p[2] if len(p) > 2 else 0)
        repro_io.decisions_to_proto(p[0], t.decisions)
    for b, tk in sorted((taken or {}).items()):
        st = c.taken.add(bound=b)
        for parent, d in tk.segments():
            repro_io.decision_to_proto(d[0], d[1], st.segment.add(parent=parent).decision)
    return c


def load(c, jobs, slice_executions, dpor):
    """(Frontier, {bound: Taken} or None) of checkpoint `c`; a ReproError
    names a field it cannot use."""
    entries = []
    for i, t in enumerate(c.todo):
        try:
            d = repro_io.decisions_from_proto(t.decisions)
        except ReproError as e:
            raise ReproError(f"checkpoint todo[{i}].decisions: {e}") from None
        if t.bound > c.max_bound or t.preemptions > c.max_bound:
            raise ReproError(f"checkpoint todo[{i}]: bound {t.bound}, {t.preemptions} "
                             f"preemptions: above the search's bound {c.max_bound}")
        entries.append((d, t.preemptions, t.bound) if dpor else (d, t.preemptions))
    if not dpor:
        return dfs_parts.Frontier(entries, jobs, int(slice_executions)), None
    taken = {}
    for i, st in enumerate(c.taken):
        segs = [(seg.parent, repro_io.decision_from_proto(
                    seg.decision, f"checkpoint taken[{i}].segment[{k}].decision"))
                for k, seg in enumerate(st.segment)]
        try:
            taken[st.bound] = dfs_parts.Taken.from_segments(segs)
        except ValueError as e:
            raise ReproError(f"checkpoint taken[{i}].{e}") from None
    for d, _, b in entries:
        if b not in taken:
            taken[b] = dfs_parts.Taken()
        taken[b].add(d)  # a prefix left is one taken (no-op for a well-made checkpoint)
    return dfs_parts.Frontier(entries, jobs, 0), taken

