"""Handing work on: when a process of a split search goes idle with nothing
left to start, the part running longest is asked (a word of memory its
worker shares with the split, forked.py) to stop between executions and
hand what it left back to the split (dfs_parts.py)."""

import mmap
import os
import struct
import time

import kernsim
from kernsim import api, forked, tasks

ROOT = os.environ.get("KERNSIM_ROOT", os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
PROGRAM = os.path.join(ROOT, "scenarios/sample/handshake.py:submit_program")
ONE_CLIENT = {"clients": 1}
ALL = 10 ** 9


def _job(params=None):
    scn = kernsim.resolve(PROGRAM)
    spec = api.search_spec(scn, "no_done_check", params, bound=2, dpor=False, iterative=True,
                           max_executions=0, max_seconds=0, stop_on_failure=False,
                           world=api.world_spec())
    return scn, tasks.describe(scn, spec)


def test_a_part_asked_to_yield_hands_the_rest_on_exactly(monkeypatch):
    # The worker's side, in this process: the request is already there when
    # the part starts, so it stops after its first execution with what it left; the
    # remainder, searched, completes the search exactly (plain DFS).
    scn, job = _job(ONE_CLIENT)
    one = kernsim.search(scn, bound=2, variant="no_done_check", params=ONE_CLIENT,
                         max_executions=ALL, stop_on_failure=False)
    word = mmap.mmap(-1, 8)
    struct.pack_into("<q", word, 0, 7)
    monkeypatch.setattr(forked, "_running", (word, 7))
    opts = {"max_executions": ALL, "want_remainder": True}
    first = tasks.dfs_part(job, opts, [([], 0)])
    assert first["yielded"] and 0 < first["executions"] < one.executions
    assert first["remainder"] and not first["exhausted"]
    monkeypatch.setattr(forked, "_running", (word, 8))  # the next call: not asked
    rest = tasks.dfs_part(job, opts, first["remainder"])
    assert not rest["yielded"] and rest["exhausted"]
    assert first["executions"] + rest["executions"] == one.executions
    per_bound = [a + b for a, b in zip(first["per_bound"] + [0, 0, 0],
                                       rest["per_bound"] + [0, 0, 0])][:len(one.per_bound)]
    assert per_bound == one.per_bound
    assert first["failures"] + rest["failures"] == one.failures


def spin_until_asked(seconds=60):
    """A call that runs until its worker is asked to hand its work on."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if forked.asked():
            return "asked"
        time.sleep(0.001)
    return "never asked"


def quick():
    return "done"


def test_an_idle_worker_asks_the_longest_running_call():
    calls = [(2, quick, ()), (1, spin_until_asked, ())]  # popped from the back
    got, offered = {}, []

    def steal(tags):
        offered.append(sorted(tags))
        return [min(tags)] if tags else []

    forked.run_pool(lambda: calls.pop() if calls else None, got.__setitem__, 2, steal)
    assert got == {1: "asked", 2: "done"}
    assert offered[0] == [1]  # once `quick` was done, only the spinner ran


def test_a_request_that_comes_after_its_call_ended_asks_nothing_of_the_next():
    w = forked.Worker()
    try:
        w.send(1, spin_until_asked, (30,))
        w.ask_to_yield()
        assert w.read() == ("ok", "asked")
        w.send(2, quick, ())
        time.sleep(0.1)  # call 2 is over, its outcome not read yet: a late request
        w.ask_to_yield()
        assert w.read() == ("ok", "done")
        w.send(3, spin_until_asked, (0.5,))
        assert w.read() == ("ok", "never asked")
    finally:
        w.close(kill=True)
