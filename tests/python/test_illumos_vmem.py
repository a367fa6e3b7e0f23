"""vmem(9F) identifier arenas as illumos pseudo drivers use them for clone
minors (tests/drivers/ilminor.c, scenarios in ilminor_scenarios.py):
minors are unique and come back after a close; an open that finds the
arena empty waits for a close (VM_SLEEP) or gets EAGAIN (VM_NOSLEEP); a
minor given back twice is illumos's "bad free" panic, naming the arena,
in a repro that replays."""
import pytest

import kernsim

import ilminor_scenarios as im


def _scn(name):
    return kernsim.resolve(f"{im.__file__}:{name}")


def test_minors_are_unique_and_recycled_and_a_nosleep_open_gets_eagain():
    r = kernsim.run(_scn("recycle"))
    assert r.kind == "pass", f"{r}\n{r.failure and r.failure.message}"


def test_each_execution_of_a_campaign_is_a_new_worlds():
    """The arena and its wait queue are kmem, reset with it (as in
    test_reset.py): the campaign's distinct traces are those of each
    execution run alone in a new World."""
    n = 120
    r = kernsim.explore(_scn("wait"), strategy="random", seed=7, runs=n)
    assert r.runs == n and not r.failure, r.failure
    alone = [kernsim.run(_scn("wait"), strategy="random", seed=7, execution=ex)
             for ex in range(n)]
    assert {f.kind for f in alone} == {"pass"}
    assert r.distinct == len({f.hash for f in alone}) > 10


@pytest.mark.parametrize("strategy", ["random", "pct"])
def test_an_open_on_an_empty_arena_waits_for_a_close(strategy):
    r = kernsim.explore(_scn("wait"), strategy=strategy, runs=500, seed=3)
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"


def test_a_blocking_open_does_wait_and_a_close_wakes_it():
    """The wait is real: in some execution an open blocks in vmem_alloc
    (blocks on the arena's queue, named after it) and still gets a minor
    after a close."""
    for ex in range(100):
        t = kernsim.run(_scn("wait"), strategy="random", seed=1, execution=ex)
        assert t.kind == "pass", t
        if any(e["kind"] == "block" and e["object"] == "ilminor_minor" for e in t.trace):
            return
    pytest.fail("no open waited for a minor")


def test_a_double_free_is_a_bad_free_that_replays(tmp_path):
    r = kernsim.explore(_scn("recycle_twice"), strategy="random", runs=10, seed=0)
    assert r.failure is not None
    msg = r.failure.message
    assert "vmem_hash_delete('ilminor_minor', 1, 1): bad free" in msg, msg
    path = str(tmp_path / "twice.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    rep = kernsim.replay(path)
    assert rep.matched, rep.mismatches
