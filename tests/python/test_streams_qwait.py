"""qwait(9F) and qwait_sig(9F) (kernel_model/stream_perimeter.cc) through
the module qwmod (drivers/streams_qwait) pushed on streams_perim: its close
sends a question down and waits inside its perimeter for the answer. The
correct module passes PCT and random campaigns (no false stuck or race
report: qwait lets the answer's put procedure in, on the closer's thread
or the driver's service thread); each bug variant is found: no_loop
(one qwait, the answer taken as there: NULL; its minimized repro is
scenarios/regressions/streams-qwait_no_loop.repro.txtpb, replayed by
test_regressions), no_sig (qwait for an answer that never comes: stuck)
and no_perim (no perimeter: qwait keeps nothing out, a data race)."""

import os

import pytest

import kernsim
from kernsim import repro as repro_io

SCRIPT = os.path.join(os.environ.get("KERNSIM_ROOT") or os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))), "scenarios", "streams", "qwait.py")


def scn(name):
    return kernsim.resolve(f"{SCRIPT}:{name}")


def _msg(f):
    return f"{f}\n{f and f.message}"


@pytest.mark.parametrize("strategy,runs", [("pct", 2000), ("random", 1000)])
@pytest.mark.parametrize("n", [0, 1, 3])
def test_close_gets_its_answer(strategy, runs, n):
    r = kernsim.explore(scn("close_answer"), strategy=strategy, runs=runs, seed=5,
                        variant="none", params={"n": n})
    assert r.failure is None, _msg(r.failure)
    assert r.runs == runs


def test_two_closing_streams_wait_apart_without_a_race():
    r = kernsim.explore(scn("two_streams"), strategy="pct", runs=1000, seed=2,
                        variant="none", detect_races=True)
    assert r.failure is None, _msg(r.failure)


def test_one_qwait_without_a_loop_takes_a_missing_answer(tmp_path):
    r = kernsim.explore(scn("close_answer"), strategy="pct", runs=2000, seed=1,
                        variant="no_loop")
    f = r.failure
    assert f is not None and f.signature == "fault:null_deref", _msg(f)
    assert "thread closer" in f.message
    # The repro of this very find replays to the same failure and trace.
    path = str(tmp_path / "no_loop.repro.txtpb")
    repro_io.save(f.repro, path)
    again = kernsim.replay(path)
    assert again.matched, again.mismatches
    # With nothing else on the way up, only the answer wakes it.
    ok = kernsim.explore(scn("close_answer"), strategy="pct", runs=1000, seed=1,
                         variant="no_loop", params={"n": 0})
    assert ok.failure is None, _msg(ok.failure)


def test_qwait_sig_ends_on_a_signal():
    r = kernsim.explore(scn("close_signalled"), strategy="pct", runs=2000, seed=4,
                        variant="none")
    assert r.failure is None, _msg(r.failure)
    r = kernsim.explore(scn("close_signalled"), strategy="random", runs=500, seed=4,
                        variant="none")
    assert r.failure is None, _msg(r.failure)


def test_an_unanswered_qwait_sleeps_for_ever():
    """Nobody signals the closer: qwait_sig sleeps on as qwait does."""
    r = kernsim.explore(scn("close_signalled"), strategy="pct", runs=10, seed=4,
                        variant="none", params={"kill": 0})
    f = r.failure
    assert f is not None and f.signature == "stuck:cv_wait_sig:sq_exitwait", _msg(f)
    assert "thread closer" in f.message


def test_qwait_where_a_signal_cannot_end_it():
    r = kernsim.explore(scn("close_signalled"), strategy="pct", runs=10, seed=4,
                        variant="no_sig")
    f = r.failure
    assert f is not None and f.signature == "stuck:cv_wait:sq_exitwait", _msg(f)


def test_without_a_perimeter_qwait_keeps_nothing_out():
    ok = kernsim.explore(scn("close_answer"), strategy="pct", runs=1000, seed=3,
                         variant="none", detect_races=True)
    assert ok.failure is None, _msg(ok.failure)
    bad = kernsim.explore(scn("close_answer"), strategy="pct", runs=1000, seed=3,
                          variant="no_perim", detect_races=True)
    f = bad.failure
    assert f is not None and f.kind == "data_race", _msg(f)
    assert f.signature.startswith("data_race:qwait.c:"), f.signature
