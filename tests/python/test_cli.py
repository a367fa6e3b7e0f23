"""python3 -m kernsim: exit status 0/1/2, what it prints, and that a bad
input is one "kernsim: error: ..." line, never a traceback."""

import os
import re
import shlex

import pytest

import kernsim

BUGGY = ["--variant", "no_done_check", "--runs", "2000", "--seed", "1"]


def scn(handshake, name="submit"):
    return f"{handshake}:{name}"


def assert_usage_error(p, *needles):
    assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)
    err = p.stderr.strip().splitlines()
    assert len(err) == 1, p.stderr
    assert err[0].startswith("kernsim: error: "), p.stderr
    assert "Traceback" not in p.stderr + p.stdout
    for n in needles:
        assert n in err[0], (n, err[0])


@pytest.fixture(scope="module")
def found(tmp_path_factory, handshake):
    """One CLI exploration that finds the lost wakeup (default --out)."""
    import subprocess
    import sys
    d = tmp_path_factory.mktemp("cli")
    p = subprocess.run([sys.executable, "-m", "kernsim", "explore", scn(handshake), "--strategy",
                        "pct", *BUGGY], cwd=d, capture_output=True, text=True, timeout=120)
    return d, p


def test_explore_finds_and_writes_repro(found):
    d, p = found
    assert p.returncode == 1, (p.stdout, p.stderr)
    out = p.stdout.splitlines()
    header = out[0]
    for k in ("seed=1", "strategy=pct", "variant=no_done_check", "runs=2000", "driver=sample"):
        assert k in header, header
    assert re.search(r"runs=\d+ distinct_interleavings=\d+ runs/s=\d+", p.stdout)
    assert "FAILURE stuck at step" in p.stdout and "in thread client" in p.stdout
    assert "the wakeup came before the wait" in p.stdout
    assert re.search(r"trace hash: 0x[0-9a-f]{16}", p.stdout)
    path = os.path.join("out", "submit-no_done_check.repro.txtpb")
    assert os.path.isfile(d / path)
    assert out[-1] == f"kernsim replay {path}"


def test_replay_matches_with_same_hash(found, cli):
    d, p = found
    h = re.search(r"trace hash: (0x[0-9a-f]{16})", p.stdout).group(1)
    cmd = shlex.split(p.stdout.splitlines()[-1])
    assert cmd[:2] == ["kernsim", "replay"]
    r = cli(*cmd[1:], cwd=d)
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert "MATCH" in r.stdout.splitlines()[-1]
    assert re.search(rf"expected: .*hash {h}", r.stdout) and re.search(rf"got: .*hash {h}", r.stdout)


def test_replay_with_trace_and_mismatch(found, cli, tmp_path):
    d, _ = found
    src = d / "out" / "submit-no_done_check.repro.txtpb"
    r = cli("replay", src, "--trace")
    assert r.returncode == 0 and "cv_broadcast" in r.stdout and "MATCH" in r.stdout
    bad = tmp_path / "other.repro.txtpb"
    bad.write_text(re.sub(r'trace_hash: "0x[0-9a-f]{16}"', 'trace_hash: "0x0000000000000001"',
                          src.read_text()))
    r = cli("replay", bad)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert "MISMATCH" in r.stdout and "trace hash: expected 0x0000000000000001" in r.stdout


def test_show_one_line_per_event(found, cli):
    d, _ = found
    path = d / "out" / "submit-no_done_check.repro.txtpb"
    r = cli("show", path)
    assert r.returncode == 0, r.stderr
    rr = kernsim.replay(str(path))
    body = [ln for ln in r.stdout.splitlines() if re.match(r"\s*\d+\s", ln)]
    assert len(body) == len(rr.outcome.trace)
    names = {e["thread_name"] for e in rr.outcome.trace}
    for line, e in zip(body, rr.outcome.trace):
        assert re.match(rf"\s*{e['step']}\s+{re.escape(e['thread_name'])}\s+{e['kind']}", line)
    assert {"client0", "client1"} <= names
    assert "the wakeup came before the wait" in r.stdout
    c = cli("show", path, "--columns")
    assert c.returncode == 0 and re.search(r"step\s+(\S+\s+)*client0\s+client1", c.stdout)


def test_explore_fixed_driver_exits_0(handshake, cli, tmp_path):
    r = cli("explore", scn(handshake, "submit_program"), "--strategy", "random", "--runs",
            "3000", "--seed", "2", "--progress-every", "1000", "--param", "clients=2")
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert "no failure in 3000 runs" in r.stdout
    assert "param:clients=2" in r.stdout
    progress = [ln for ln in r.stderr.splitlines() if "distinct interleavings" in ln]
    assert len(progress) == 3 and "3000 runs" in progress[-1]
    assert not (tmp_path / "out").exists()


def test_explore_quiet_and_out(handshake, cli, tmp_path):
    out = tmp_path / "deep" / "dir" / "x.repro.txtpb"
    r = cli("explore", scn(handshake, "submit_program"), "--strategy", "random", *BUGGY,
            "--out", out, "--quiet")
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert "kernsim explore" not in r.stdout and r.stderr == ""
    assert out.is_file()
    assert r.stdout.splitlines()[-1] == f"kernsim replay {out}"
    assert cli("replay", out).returncode == 0


def test_round_robin_exits_0(handshake, cli):
    r = cli("explore", scn(handshake), "--strategy", "round_robin", "--variant", "no_done_check",
            "--runs", "200")
    assert r.returncode == 0, (r.stdout, r.stderr)


def test_drivers(cli):
    r = cli("drivers")
    assert r.returncode == 0
    assert re.search(r"^sample\s+\(personality illumos, \S+sample.so, hash 0x[0-9a-f]{16}\)", r.stdout, re.M)
    assert re.search(r"^\s+none\s+the correct driver", r.stdout, re.M)
    assert re.search(r"^\s+no_done_check\s+\S", r.stdout, re.M)


@pytest.mark.parametrize("args,needles", [
    (["explore", "{h}:submit", "--strategy", "sideways"], ["--strategy", "sideways"]),
    (["explore", "{h}:submit", "--variant", "nope"], ["variant 'nope'", "no_done_check"]),
    (["explore", "{h}:nope"], ["no scenario 'nope'"]),
    (["explore", "{h}"], ["several scenarios"]),
    (["explore", "/nowhere/x.py"], ["does not exist"]),
    (["explore", "{h}:submit", "--runs", "many"], ["--runs"]),
    (["explore", "{h}:submit", "--param", "novalue"], ["--param"]),
    (["explore", "{h}:submit", "--param", "clients='x'", "--runs", "1"], ["submit"]),
    (["explore", "{tmp}/broken.py", "--runs", "1"], ["broken", "boom"]),
    (["explore", "{tmp}/otherdrv.py", "--runs", "1"], ["no_such_driver"]),
    (["replay", "{tmp}/garbage.repro.txtpb"], ["not a kernsim repro"]),
    (["replay", "{tmp}/missing.repro.txtpb"], ["cannot read"]),
    (["replay", "{tmp}/v2.repro.txtpb"], ["field version"]),
    (["show", "{tmp}/garbage.repro.txtpb"], ["not a kernsim repro"]),
    (["frobnicate"], ["frobnicate"]),
    # (no arguments: the usage, then the error; test_ci.test_version_and_usage)
])
def test_input_errors_exit_2(handshake, cli, tmp_path, args, needles):
    (tmp_path / "garbage.repro.txtpb").write_text("this { is not")
    (tmp_path / "v2.repro.txtpb").write_text("version: 2\n")
    (tmp_path / "broken.py").write_text(
        "import kernsim\n@kernsim.scenario(driver='sample')\n"
        "def broken(w):\n    raise RuntimeError('boom')\n")
    (tmp_path / "otherdrv.py").write_text(
        "import kernsim\n@kernsim.scenario(driver='no_such_driver')\ndef a(w):\n    pass\n")
    p = cli(*[a.format(h=handshake, tmp=tmp_path) for a in args])
    assert_usage_error(p, *needles)
