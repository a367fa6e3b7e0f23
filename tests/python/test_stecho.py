"""stecho (tests/drivers/stecho.c): a STREAMS echo driver written as an
illumos engineer writes one from the STREAMS Programming Guide and the
9E/9F pages (the stprobe audit). Its correct build passes its scenarios
under PCT and random search; each bug twin (the same source with a -D
switch) is found and its repro replays: stecho_nountimeout (close leaves
the batch qtimeout armed) by a scenario and by the fuzzer, stecho_noflush
(M_FLUSH freed, not turned around) by a scenario's data check.

What the audit fixed in kernsim, each checked here: a CLONE_DEV node's
open comes with CLONEOPEN and makes a new stream (echo: two opens, two
minors); mcopyout's data block is the copy's size (echo: the transparent
GETSTAT and XCHGCFG read back what the driver wrote); I_FLUSH returns
once the reflected M_FLUSH reached the head (flush_under_service: the
service procedure holds the perimeter, the M_FLUSH waits on its syncq);
DDI_DEFINE_STREAM_OPS is declared (the driver builds)."""
import os

import pytest

import kernsim
from kernsim import api, fuzz_desc, fuzz_engine

import stecho_scenarios as sc

_HERE = os.path.dirname(__file__)


@pytest.mark.parametrize("name", sc.CORRECT)
@pytest.mark.parametrize("strategy", ["pct", "random"])
def test_the_correct_driver_passes(name, strategy):
    r = kernsim.explore(getattr(sc, name), strategy=strategy, runs=3000, seed=7)
    assert r.failure is None, r.failure


def _found_and_replayed(scn, kind, sig, tmp_path):
    r = kernsim.explore(scn, strategy="pct", runs=2000, seed=0)
    assert r.failure is not None, scn
    assert r.failure.kind == kind and r.failure.signature.startswith(sig), r.failure
    path = str(tmp_path / "twin.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    rep = api.replay(path)
    assert rep.matched, rep.mismatches
    return r.failure


def test_a_close_that_leaves_the_qtimeout_armed_is_found(tmp_path):
    """The batch timer fires after close freed the stream: reported as it
    fires, naming the callback (it used to run on the freed queue, whose
    contents followed the host's heap: the same repro faulted one way in
    one process and another in the next)."""
    f = _found_and_replayed(sc.close_in_batch_bug, "memory",
                            "streams:qcall_after_close:stecho_nountimeout", tmp_path)
    assert "stecho_batch" in f.message and "fired after its stream closed" in f.message, f


def test_an_m_flush_not_turned_around_is_found(tmp_path):
    """The echo already at the head survives I_FLUSH(FLUSHRW): read gives it."""
    f = _found_and_replayed(sc.flush_race_bug, "scenario", "scenario:writer", tmp_path)
    assert "stale" in f.message, f.message


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_fuzzer_finds_the_armed_qtimeout(tmp_path, monkeypatch, seed):
    """The same twin from an empty corpus: a SETCFG with a delay, a write
    and a close are enough (seeds 0-3 needed 5.6k, 1.9k, 3.4k and 10.2k
    executions on 2026-12-07; the budget is about twice the most)."""
    monkeypatch.setenv("KERNSIM_DRIVER_PATH", os.path.dirname(sc.mod("stecho")))
    desc = fuzz_desc.load(os.path.join(_HERE, "..", "drivers", "stecho.ioctl.txtpb"))
    desc.driver = "stecho_nountimeout"
    fz = fuzz_engine.Fuzzer(desc, "none", seed=seed, out_dir=str(tmp_path))
    fz.run(executions=20000, stop_on_find=True)
    hits = [f for (k, s), f in fz.findings.items()
            if s == "streams:qcall_after_close:stecho_nountimeout"]
    assert hits, list(fz.findings)
    assert hits[0].replayed
    r = api.replay(hits[0].repro_path)
    assert r.matched, r.mismatches


@pytest.mark.parametrize("strategy", ["pct", "random"])
def test_failed_allocations_wait_on_qbufcall_and_close_cancels_it(strategy):
    """With allocations failing the service procedure reaches qbufcall (a
    build that panics there is found within a few runs); close's
    qunbufcall and quntimeout leave nothing to fire on the freed state."""
    r = kernsim.explore(sc.alloc_fail, strategy=strategy, runs=3000, seed=3,
                        inject_faults=True)
    assert r.failure is None, r.failure


@pytest.mark.parametrize("name", sorted(sc.RACES))
def test_the_queue_pair_perimeter_orders_every_access(name):
    """D_MTQPAIR is stecho's only lock: with the race detector no two
    accesses to a stream's state go unordered (the same source declared
    D_MP alone races at once in close_in_batch, flush_under_service and
    close_in_ioctl: checked by hand, 2026-12-07)."""
    r = kernsim.explore(sc.RACES[name], strategy="pct", runs=2000, seed=2, detect_races=True)
    assert r.failure is None, r.failure


def test_an_unload_after_a_close_that_left_its_qtimeout_is_found(tmp_path):
    """The twin closes with its batch timer armed and the driver is then
    unloaded: either the timer fires after the close first (reported as
    it fires) or the unload finds the module's callback still due (an
    unload failure naming the qtimeout: the callout's trampoline names it)."""
    sigs = set()
    for seed in range(12):
        r = kernsim.explore(sc.unload_bug, strategy="random", runs=300, seed=seed)
        assert r.failure is not None and r.failure.kind in ("memory", "unload"), r.failure
        sigs.add(r.failure.signature)
    assert any(s.startswith(("unload:pending_callout:stecho_nountimeout:qtimeout",
                             "unload:running_callout:stecho_nountimeout:qtimeout"))
               for s in sigs), sigs
    path = str(tmp_path / "unload.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    assert api.replay(path).matched
