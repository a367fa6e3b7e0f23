"""One run description (kernsim.proto RunSpec): the command line and the
Python API build it once, C++ parses it once, and repros and checkpoints
copy its messages whole. These tests walk the proto's own field lists, so a
World option added to WorldSpec is covered with no change here: it must be
an explore option, reach the repro, and replay."""

import subprocess
import sys

import pytest

import kernsim
from kernsim import api, cli
from kernsim import kernsim_pb2 as pb


def _value(f):
    """A value other than the default for WorldSpec field `f`, as a CLI
    argument list and as the repro should hold it."""
    if f.type == f.TYPE_BOOL:
        return [], True
    return ["7777"], 7777


def test_every_world_field_is_an_explore_option():
    parser = cli._build_parser()
    explore = next(a for a in parser._subparsers._group_actions[0].choices.items()
                   if a[0] == "explore")[1]
    flags = {o for a in explore._actions for o in a.option_strings}
    for f in pb.WorldSpec.DESCRIPTOR.fields:
        flag = cli._WORLD_OTHER.get(f.name, "--" + f.name.replace("_", "-"))
        assert flag in flags, f"WorldSpec.{f.name} has no explore option {flag}"


def test_cli_world_options_reach_the_repro_and_replay(tmp_path, handshake):
    args, want = ["--hang-limit", "7"], {"hang_ms": 7000}
    for f, flag in cli.world_fields():
        extra, v = _value(f)
        args += [flag, *extra]
        want[f.name] = v
    out = tmp_path / "r.repro.txtpb"
    p = subprocess.run([sys.executable, "-m", "kernsim", "explore", f"{handshake}:submit",
                        "--variant", "no_done_check", "--runs", "2000", "--seed", "1",
                        "--out", str(out), "--quiet", *args],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 1, p.stdout + p.stderr
    r = kernsim.load_repro(str(out))
    got = {f.name: getattr(r.world, f.name) for f in pb.WorldSpec.DESCRIPTOR.fields}
    assert got == want
    res = kernsim.replay(str(out))
    assert res.matched, res.mismatches


def test_api_world_options_are_the_worldspec_fields(handshake):
    scn = kernsim.resolve(f"{handshake}:submit")
    res = kernsim.explore(scn, strategy="pct", runs=2000, seed=1, variant="no_done_check",
                          max_steps=4321, spurious_wakeups=True)
    assert res.failure is not None
    assert (res.repro.world.max_steps, res.repro.world.spurious_wakeups) == (4321, True)
    assert res.repro.found_by == res.strategy
    with pytest.raises(kernsim.KernsimError, match="unknown World option 'max_step'"):
        kernsim.explore(scn, runs=1, max_step=10)


def test_repro_is_the_spec_of_its_run(handshake):
    """The repro C++ wrote holds the RunSpec's messages whole."""
    scn = kernsim.resolve(f"{handshake}:submit_program")
    strat = api.strategy_spec("random", seed=3)
    spec = api.run_spec(scn, "no_done_check", {"clients": 2}, strat,
                        api.world_spec(inject_faults=True), runs=5000)
    res = kernsim.explore(scn, strategy="random", seed=3, runs=5000, variant="no_done_check",
                          params={"clients": 2}, inject_faults=True)
    assert res.failure is not None
    r = res.repro
    assert (r.program, r.driver, r.variant, r.world, r.found_by) == \
        (spec.program, spec.driver, spec.variant, spec.world, spec.strategy)


def test_search_checkpoint_is_written_by_cpp_and_resumes(handshake):
    scn = kernsim.resolve(f"{handshake}:submit_program")
    whole = kernsim.search(scn, bound=1, params={"clients": 1}, max_executions=10**6)
    half = kernsim.search(scn, bound=1, params={"clients": 1},
                          max_executions=whole.executions // 2)
    c = half.checkpoint
    assert (c.max_bound, c.dpor, c.iterative, c.driver) == (1, False, True, "sample")
    assert c.program == api.run_spec(scn, "none", {"clients": 1}).program
    rest = kernsim.search(scn, bound=1, params={"clients": 1}, max_executions=10**6, resume=c)
    assert rest.exhausted
    assert half.executions + rest.executions == whole.executions
    with pytest.raises(kernsim.KernsimError, match="bound=1"):
        kernsim.search(scn, bound=2, params={"clients": 1}, resume=c)


def test_a_malformed_spec_is_refused_by_name():
    with pytest.raises(ValueError, match="RunSpec"):
        kernsim._core.explore(None, b"\xff\xff\xff", None, 10)
    spec = pb.RunSpec(strategy=pb.StrategySpec(name="dfx"))
    with pytest.raises(ValueError, match="unknown strategy 'dfx'"):
        kernsim._core.explore(None, spec.SerializeToString(), None, 10)
