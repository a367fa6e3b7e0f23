"""Repros: a found failure saved and replayed gives the same outcome and
trace hash, every time; malformed repros are ReproErrors naming the field;
a decision list that does not fit is a replay_divergence, not a match."""

import re

import pytest
from google.protobuf import text_format

import kernsim
from kernsim import kernsim_pb2 as pb
from kernsim import repro as repro_io


def _find(handshake, name, strategy="pct", seed=1):
    scn = kernsim.resolve(f"{handshake}:{name}")
    r = kernsim.explore(scn, strategy=strategy, runs=2000, seed=seed, variant="no_done_check")
    assert r.failure is not None and r.failure.kind == "stuck", r.failure
    return r


@pytest.fixture(scope="module")
def found_py(handshake):
    return _find(handshake, "submit")


@pytest.fixture(scope="module")
def found_prog(handshake):
    return _find(handshake, "submit_program", strategy="random")


@pytest.fixture
def saved(tmp_path, found_py):
    path = str(tmp_path / "lost.repro.txtpb")
    kernsim.save_repro(found_py.repro, path)
    return path


@pytest.mark.parametrize("which", ["found_py", "found_prog"])
def test_saved_repro_replays_matched(which, request, tmp_path):
    found = request.getfixturevalue(which)
    path = str(tmp_path / f"{which}.repro.txtpb")
    kernsim.save_repro(found.repro, path)
    rr = kernsim.replay(path)
    assert rr.matched, rr.mismatches
    assert rr.outcome.kind == found.failure.kind == "stuck"
    assert rr.outcome.signature == found.failure.signature
    assert rr.outcome.hash == found.failure.hash
    assert rr.outcome.message == found.failure.message
    assert rr.outcome.trace, "a replay records its trace"


def test_repro_fields(saved, found_py):
    r = kernsim.load_repro(saved)
    assert r.version == repro_io.FORMAT_VERSION
    assert r.scenario.module == "scenarios/sample/handshake.py"
    assert r.scenario.name == "submit"
    assert (r.driver, r.variant) == ("sample", "no_done_check")
    assert (r.found_by.name, r.found_by.seed) == ("pct", 1)
    assert r.expected.trace_hash == found_py.failure.hash
    assert len(r.schedule.decision) == len(found_py.failure.decisions)
    with open(saved) as f:
        assert f.readline().startswith("# kernsim repro: replay with  kernsim replay ")


def test_program_repro_is_self_contained(found_prog):
    r = found_prog.repro
    assert not r.scenario.module
    assert [t.name for t in r.program.thread] == ["client0", "client1"]
    assert r.program.driver[0].variant == "no_done_check"


@pytest.mark.parametrize("which,n", [("found_prog", 1000), ("found_py", 1000)])
def test_replays_give_one_hash(which, n, request):
    r = request.getfixturevalue(which).repro
    hashes = {kernsim.run_repro(r).hash for _ in range(n)}
    assert hashes == {r.expected.trace_hash}


def _rewrite(path, tmp_path, mutate, name="bad.repro.txtpb"):
    r = pb.Repro()
    with open(path) as f:
        text_format.Parse(f.read(), r)
    mutate(r)
    out = tmp_path / name
    out.write_text(text_format.MessageToString(r))
    return str(out)


def _set(field, value):
    def f(r):
        obj = r
        parts = field.split(".")
        for p in parts[:-1]:
            obj = getattr(obj, p)
        setattr(obj, parts[-1], value)
    return f


@pytest.mark.parametrize("mutate,field", [
    (_set("version", 7), "version"),
    (_set("expected.trace_hash", "0x123"), "expected.trace_hash"),
    (_set("expected.trace_hash", "deadbeefdeadbeef"), "expected.trace_hash"),
    (_set("expected.kind", "exploded"), "expected.kind"),
    (_set("expected.signature", ""), "expected.signature"),
    (_set("driver", ""), "driver"),
    (_set("variant", ""), "variant"),
    (_set("found_by.name", "magic"), "found_by.name"),
    (_set("scenario.name", ""), "scenario.name"),
    (lambda r: r.schedule.decision.add(), "schedule.decision[]"),
    (lambda r: r.ClearField("scenario"), "scenario/program"),
])
def test_malformed_repro_names_the_field(saved, tmp_path, mutate, field):
    bad = _rewrite(saved, tmp_path, mutate)
    with pytest.raises(kernsim.ReproError) as ei:
        kernsim.replay(bad)
    msg = str(ei.value)
    if field.endswith("[]"):
        assert re.search(re.escape(field[:-2]) + r"\[\d+\]", msg), msg
    else:
        assert f"field {field}" in msg, msg
    assert bad in msg  # and the file


@pytest.mark.parametrize("text", ["this is { not a repro", "version: \"one\"",
                                  "no_such_field: 1", "\x00\x01\x02"])
def test_unparsable_repro(tmp_path, text):
    p = tmp_path / "garbage.repro.txtpb"
    p.write_text(text)
    with pytest.raises(kernsim.ReproError, match="not a kernsim repro"):
        kernsim.load_repro(str(p))


def test_missing_repro_file(tmp_path):
    with pytest.raises(kernsim.ReproError, match="cannot read"):
        kernsim.load_repro(str(tmp_path / "nope.repro.txtpb"))


def test_unknown_scenario_in_repro(saved, tmp_path):
    bad = _rewrite(saved, tmp_path, _set("scenario.name", "no_such_scenario"))
    with pytest.raises(kernsim.ReproError, match="field scenario.name"):
        kernsim.replay(bad)
    bad = _rewrite(saved, tmp_path, _set("scenario.module", "scenarios/nowhere.py"))
    with pytest.raises(kernsim.ReproError, match="field scenario.module"):
        kernsim.replay(bad)


def test_bad_params_in_repro(saved, tmp_path):
    def m(r):
        r.scenario.params["clients"] = "2 +* 3"
    bad = _rewrite(saved, tmp_path, m)
    with pytest.raises(kernsim.ReproError, match="field scenario.params"):
        kernsim.replay(bad)


def _first_thread_decision(r):
    return next(d for d in r.schedule.decision if d.WhichOneof("choice") == "thread")


@pytest.mark.parametrize("which", ["found_py", "found_prog"])
def test_decisions_that_do_not_fit_diverge(which, request, tmp_path):
    found = request.getfixturevalue(which)
    path = str(tmp_path / "ok.repro.txtpb")
    kernsim.save_repro(found.repro, path)

    def m(r):
        _first_thread_decision(r).thread = 99  # no such thread
    bad = _rewrite(path, tmp_path, m)
    rr = kernsim.replay(bad)
    assert rr.outcome.kind == "replay_divergence", rr.outcome
    assert not rr.matched
    assert any(x.startswith("outcome") for x in rr.mismatches), rr.mismatches


def test_same_outcome_other_hash_is_a_mismatch(saved, tmp_path):
    bad = _rewrite(saved, tmp_path, _set("expected.trace_hash", "0x0123456789abcdef"))
    rr = kernsim.replay(bad)
    assert rr.outcome.kind == "stuck"
    assert not rr.matched
    assert rr.mismatches == [f"trace hash: expected 0x0123456789abcdef, got {rr.outcome.hash}"]


def test_python_repro_keeps_params(handshake, tmp_path):
    scn = kernsim.resolve(f"{handshake}:submit")
    r = kernsim.explore(scn, strategy="random", runs=2000, seed=4, variant="no_done_check",
                        params={"clients": 3, "base": 100})
    assert r.failure is not None and r.failure.kind == "stuck"
    assert dict(r.repro.scenario.params) == {"clients": "3", "base": "100"}
    path = str(tmp_path / "three.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    rr = kernsim.replay(path)
    assert rr.matched, rr.mismatches
    assert "client2" in {e["thread_name"] for e in rr.outcome.trace}
