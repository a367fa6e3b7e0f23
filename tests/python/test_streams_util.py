"""stline (tests/drivers/stline.c): a STREAMS line-editing loopback that
uses the queue utilities outside STREAMS code reaches for, which kernsim
lacked (the driver did not build): bcanputnext by band, freezestr with
insq/rmvq, qsize, adjmsg, mexchange, merror, mioc2ack, strlog; and the
band placement putq/putbq/insq keep (illumos stream.c, read).

Its correct build passes under PCT and random search (and with the race
detector: the queue walk is frozen, the counters locked); its bug twin
stline_nofreeze (a line kill walks the write queue without freezestr,
while the service procedure drains it) is found as the rmvq of a message
getq already took, and its repro replays."""
import pytest

import kernsim
from kernsim import api

import stline_scenarios as sc


@pytest.mark.parametrize("name", sc.CORRECT)
@pytest.mark.parametrize("strategy", ["pct", "random"])
def test_the_correct_driver_passes(name, strategy):
    r = kernsim.explore(getattr(sc, name), strategy=strategy, runs=2000, seed=5)
    assert r.failure is None, r.failure


@pytest.mark.parametrize("name", sorted(sc.RACES))
def test_the_frozen_walk_and_the_lock_order_every_access(name):
    r = kernsim.explore(sc.RACES[name], strategy="pct", runs=1000, seed=2, detect_races=True)
    assert r.failure is None, r.failure


def test_an_unfrozen_queue_walk_is_found_and_replays(tmp_path):
    """The kill's walk saw a message on the queue; by its rmvq the service
    procedure's getq had taken it. illumos would unlink it through its
    stale b_prev/b_next (the queue loses what follows, or links a freed
    message back in); kernsim names the rmvq."""
    r = kernsim.explore(sc.kill_while_draining_bug, strategy="pct", runs=3000, seed=0)
    assert r.failure is not None
    f = r.failure
    assert f.kind == "lock_misuse" and f.signature == "streams:rmvq_not_queued:stline_nofreeze", f
    assert "freezestr" in f.message, f.message
    path = str(tmp_path / "nofreeze.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    rep = api.replay(path)
    assert rep.matched, rep.mismatches


def test_the_line_kill_is_logged_with_strlog():
    """strlog(SL_CONSOLE) reaches the console log (the kill dropped the
    two messages waiting); SL_TRACE alone would have no reader."""
    r = api.run(sc.edit)
    assert r.kind == "pass", r
    assert any("stline1: line kill dropped 2" in line for line in r.console), r.console
