"""Broken inputs are KernsimErrors with a message that says what is wrong;
a driver bug or a failed check in a scenario is a Failure, never one of
these."""

import textwrap

import pytest

import kernsim


def script(tmp_path, body, name="scn.py"):
    p = tmp_path / name
    p.write_text("import struct\nimport kernsim\nfrom kernsim import sys\n"
                 "from kernsim import kernsim_pb2 as pb\n\n" + textwrap.dedent(body))
    return str(p)


def test_scenario_that_raises(tmp_path):
    path = script(tmp_path, """
        @kernsim.scenario(driver="sample")
        def broken(w):
            raise RuntimeError("boom")
    """)
    with pytest.raises(kernsim.ScenarioError) as ei:
        kernsim.explore(kernsim.resolve(path), runs=3)
    assert "broken" in str(ei.value) and "boom" in str(ei.value)


def test_program_scenario_that_raises_or_returns_junk(tmp_path):
    path = script(tmp_path, """
        @kernsim.program_scenario(driver="sample")
        def raises():
            raise KeyError("nope")

        @kernsim.program_scenario(driver="sample")
        def junk():
            return 42
    """)
    with pytest.raises(kernsim.ScenarioError, match="raises.*KeyError"):
        kernsim.explore(kernsim.resolve(path + ":raises"), runs=1)
    with pytest.raises(kernsim.ScenarioError, match="junk returned int, not a Program"):
        kernsim.explore(kernsim.resolve(path + ":junk"), runs=1)


def test_thread_yields_a_non_syscall(tmp_path):
    path = script(tmp_path, """
        @kernsim.scenario(driver="sample")
        def odd(w):
            def body():
                yield 42
            w.spawn("oddball", body())
    """)
    with pytest.raises(kernsim.ScenarioError) as ei:
        kernsim.explore(kernsim.resolve(path), runs=1)
    msg = str(ei.value)
    assert "oddball" in msg and "42" in msg and "not a system call" in msg, msg


def test_thread_yields_a_bad_syscall(tmp_path):
    path = script(tmp_path, """
        @kernsim.scenario(driver="sample")
        def odd(w):
            def body():
                yield ("frobnicate", 1)
            w.spawn("t1", body())
    """)
    with pytest.raises(kernsim.ScenarioError, match="unknown system call 'frobnicate'"):
        kernsim.run(kernsim.resolve(path))


def test_thread_raises(tmp_path):
    """A bug in a thread body (not an assert) is the scenario's error."""
    path = script(tmp_path, """
        @kernsim.scenario(driver="sample")
        def oops(w):
            def body():
                fd = yield sys.open("/dev/sample")
                {}["missing"]
            w.spawn("t", body())
    """)
    with pytest.raises(kernsim.ScenarioError, match="oops.*KeyError"):
        kernsim.run(kernsim.resolve(path))


def test_spawn_of_a_function_not_a_generator(tmp_path):
    path = script(tmp_path, """
        @kernsim.scenario(driver="sample")
        def forgot_call(w):
            def body():
                yield sys.open("/dev/sample")
            w.spawn("t", body)
    """)
    with pytest.raises(kernsim.KernsimError, match="generator"):
        kernsim.run(kernsim.resolve(path))


def test_assert_in_thread_is_a_failure_not_an_error(tmp_path):
    path = script(tmp_path, """
        @kernsim.scenario(driver="sample")
        def checks(w):
            def body():
                fd = yield sys.open("/dev/nonexistent")
                assert fd >= 0, f"open gave {fd}"
            w.spawn("checker", body())
    """)
    f = kernsim.run(kernsim.resolve(path))
    assert f.kind == "scenario"
    assert "checker" in f.message and "open gave -2" in f.message, f.message


@pytest.mark.parametrize("spec,match", [
    ("{tmp}/missing.py", "does not exist"),
    ("{tmp}/scn.py:nope", "has no scenario 'nope'"),
    ("{tmp}/empty.py", "declares no scenario"),
    ("{tmp}/syntax.py", "failed to import"),
])
def test_resolve_errors(tmp_path, spec, match):
    script(tmp_path, """
        @kernsim.scenario(driver="sample")
        def a(w):
            pass
    """)
    (tmp_path / "empty.py").write_text("x = 1\n")
    (tmp_path / "syntax.py").write_text("def (:\n")
    with pytest.raises(kernsim.ScenarioError, match=match):
        kernsim.resolve(spec.format(tmp=tmp_path))


def test_ambiguous_script(handshake):
    with pytest.raises(kernsim.ScenarioError, match="several scenarios.*submit.*submit_program"):
        kernsim.resolve(handshake)


@pytest.mark.parametrize("name", ["submit", "submit_program"])
def test_unknown_variant_and_strategy(handshake, name):
    scn = kernsim.resolve(f"{handshake}:{name}")
    with pytest.raises(kernsim.KernsimError, match="no_such_variant"):
        kernsim.explore(scn, runs=1, variant="no_such_variant")
    with pytest.raises(kernsim.KernsimError, match="unknown strategy 'sideways'"):
        kernsim.explore(scn, runs=1, strategy="sideways")


def test_unknown_driver(tmp_path):
    path = script(tmp_path, """
        @kernsim.scenario(driver="no_such_driver")
        def a(w):
            pass

        @kernsim.program_scenario(driver="no_such_driver")
        def p():
            return pb.Program()
    """)
    for name in ("a", "p"):
        with pytest.raises(kernsim.KernsimError, match="no_such_driver"):
            kernsim.explore(kernsim.resolve(f"{path}:{name}"), runs=1)
