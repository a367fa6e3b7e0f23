"""The shipped sample scenario against the sample driver: the lost wakeup
of variant no_done_check is found by random and PCT, never by round robin;
the correct driver survives many schedules; campaigns are deterministic."""

import os
import re

import pytest

import kernsim

FIND_BUDGET = 2000


def scn(handshake, name):
    return kernsim.resolve(f"{handshake}:{name}")


def assert_lost_wakeup(f):
    assert f is not None, "the lost wakeup was not found"
    assert f.kind == "stuck", f
    assert "r_cv" in f.signature, f.signature
    assert re.search(r"thread client\d", f.message), f.message
    assert "the wakeup came before the wait" in f.message, f.message
    assert f.thread.startswith("client"), f.thread
    assert re.fullmatch(r"0x[0-9a-f]{16}", f.hash)
    assert f.decisions


@pytest.mark.parametrize("name", ["submit", "submit_program"])
@pytest.mark.parametrize("strategy", ["random", "pct"])
def test_finds_lost_wakeup(handshake, name, strategy):
    r = kernsim.explore(scn(handshake, name), strategy=strategy, runs=FIND_BUDGET, seed=1,
                        variant="no_done_check")
    assert_lost_wakeup(r.failure)
    assert r.runs <= FIND_BUDGET
    assert r.repro is not None and r.repro.expected.kind == "stuck"


@pytest.mark.parametrize("name", ["submit", "submit_program"])
def test_round_robin_never_finds_it(handshake, name):
    r = kernsim.explore(scn(handshake, name), strategy="round_robin", runs=1000,
                        variant="no_done_check")
    assert r.failure is None, r.failure
    assert r.runs == 1000


@pytest.mark.parametrize("strategy", ["random", "pct"])
@pytest.mark.parametrize("name,runs", [("submit_program", 10000), ("submit", 10000)])
def test_fixed_driver_passes(handshake, name, runs, strategy):
    r = kernsim.explore(scn(handshake, name), strategy=strategy, runs=runs, seed=3,
                        variant="none")
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"
    assert r.runs == runs
    assert r.distinct > 1  # it did explore different interleavings


@pytest.mark.parametrize("name", ["submit", "submit_program"])
def test_same_seed_same_first_failure(handshake, name):
    s = scn(handshake, name)
    a = kernsim.explore(s, strategy="random", runs=FIND_BUDGET, seed=7, variant="no_done_check")
    b = kernsim.explore(s, strategy="random", runs=FIND_BUDGET, seed=7, variant="no_done_check")
    assert a.failure and b.failure
    assert (a.failure.execution, a.failure.hash, a.failure.decisions) == \
        (b.failure.execution, b.failure.hash, b.failure.decisions)
    assert a.runs == b.runs and a.distinct == b.distinct


def test_python_and_program_forms_agree(handshake):
    """Both forms of the scenario make the same calls: the correct driver's
    round-robin execution has the same shape (same step count) in both."""
    a = kernsim.run(scn(handshake, "submit"), variant="none")
    b = kernsim.run(scn(handshake, "submit_program"), variant="none")
    assert a.kind == b.kind == "pass"
    assert [e["kind"] for e in a.trace] == [e["kind"] for e in b.trace]


def test_results_checked(handshake):
    """The Python scenario's assert is live: a client that expects a wrong
    answer becomes a 'scenario' failure naming the thread and the line."""
    from kernsim.scenario import load_module
    mod = load_module(handshake)
    orig = mod.expected_result
    try:
        mod.expected_result = lambda v: v * 2 + 2
        r = kernsim.run(mod.submit, variant="none")
    finally:
        mod.expected_result = orig
    assert r.kind == "scenario", r
    assert "client0" in r.message and "handshake.py" in r.message


def test_ioctl_numbers_match_header(root, handshake):
    from kernsim.scenario import load_module
    mod = load_module(handshake)
    hdr = open(os.path.join(root, "drivers", "sample", "sample_io.h")).read()
    assert "#define SAMPLE_IOC ('S' << 8)" in hdr
    assert "#define SAMPLE_SUBMIT (SAMPLE_IOC | 1)" in hdr
    assert mod.SAMPLE_SUBMIT == (ord("S") << 8) | 1
    assert re.search(r"uint64_t sr_value;\s*uint64_t sr_result;", hdr)
