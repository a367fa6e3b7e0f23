"""condvar(9) and sleep(9) with an sx as the interlock, on a driver an
outsider writes (tests/drivers/fbsxtab.c): readers cv_wait holding the sx
shared and wake holding it shared; sx_sleep shared, and exclusive with
PDROP. FreeBSD facts (freebsd-src): _cv_wait* and _sleep release the
interlock through its class's lc_unlock, which answers how it was held,
and take it back with lc_lock in that mode, skipped for PDROP
(kern_condvar.c, kern_synch.c, kern_sx.c lock_sx/unlock_sx); an sx is
sleepable (LC_SLEEPABLE), so it may be held across a sleep. The driver
numbers its opens with unr(9) (subr_unit.c: lowest free first)."""
import pytest

import kernsim

import fbsxtab_scenarios as fs


@pytest.mark.parametrize("strategy", ["random", "pct"])
@pytest.mark.parametrize("name", ["readers_and_generations", "interrupted", "open_numbers"])
def test_the_correct_driver_gets_no_report(name, strategy):
    r = kernsim.explore(getattr(fs, name), strategy=strategy, runs=3000, seed=3)
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"


def test_a_reader_that_tests_with_if_is_found_and_replays(tmp_path):
    """A TAKE that gets the sx between the broadcast and the woken reader's
    shared re-take empties the slot: the reader reads through NULL."""
    r = kernsim.explore(fs.readers_and_generations_if, strategy="pct", runs=3000, seed=0)
    assert r.failure is not None, "not found"
    assert r.failure.kind == "fault", r.failure.message
    assert r.failure.signature == "fault:null_deref", r.failure.signature
    assert "thread r1" in r.failure.message or "thread r2" in r.failure.message, r.failure.message
    path = str(tmp_path / "sxtab_if.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    rep = kernsim.replay(path)
    assert rep.matched, rep.mismatches
    again = kernsim.replay(path)
    assert again.matched and rep.still_fails
    assert again.outcome.message == rep.outcome.message == r.failure.message
