"""Each input the issue found mishandled is a one-line error naming what is
wrong, exit status 2, never a traceback or a run that should not happen;
--help shows every numeric option's range. Through cli.main in-process."""

import os
import re

import pytest

from kernsim import cli

ROOT = os.environ.get("KERNSIM_ROOT", os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
HS = os.path.join(ROOT, "scenarios/sample/handshake.py")


def run(capsys, *argv):
    try:
        rc = cli.main([str(a) for a in argv])
    except SystemExit as e:
        rc = e.code
    out, err = capsys.readouterr()
    return rc, out, err


def error_line(capsys, *argv):
    rc, out, err = run(capsys, *argv)
    assert rc == 2, (argv, rc, out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kernsim: error: "), err
    return lines[0]


@pytest.mark.parametrize("args,needle", [
    (["explore", f"{HS}:submit", "--jobs", "0"], "--jobs: 0 is outside the accepted range 1..1024"),
    (["explore", f"{HS}:submit", "--strategy", "dfs", "--time", "inf"], "--time: 'inf'"),
    (["explore", f"{HS}:submit", "--strategy", "dfs", "--time", "nan"], "--time: 'nan'"),
    (["fuzz", "--driver", "sample", "--time", "-5"], "--time: '-5'"),
    (["explore", f"{HS}:submit", "--bound", "2**40"], "--bound: '2**40' is not an integer"),
    (["explore", f"{HS}:submit", "--bound", str(2**40)], "outside the accepted range 0..10000"),
    (["explore", f"{HS}:submit", "--param", "clients=-1", "--runs", "1"],
     "parameter clients=-1 is outside its range 1..64"),
    (["explore", f"{HS}:submit", "--hang-limit", "0"], "--hang-limit: '0'"),
    (["explore", f"{HS}:submit", "--seed", str(2**64)], "outside the accepted range"),
    (["minimize", "x.repro.txtpb", "--time", "-1"], "--time: '-1'"),
])
def test_out_of_range_options_are_refused(capsys, args, needle):
    assert needle in error_line(capsys, *args)


def test_help_shows_ranges(capsys):
    rc, out, _ = run(capsys, "explore", "--help")
    assert rc == 0
    text = " ".join(out.split())
    for r in ("[1..1024]", "[0..10000]", "[1..1000]", "[0.001..3600]"):
        assert r in text, r


def test_binary_inputs_name_the_file(capsys, tmp_path):
    b = tmp_path / "blob"
    b.write_bytes(bytes(range(256)) * 4)
    assert re.search(r"blob: not a kernsim repro: not UTF-8", error_line(capsys, "replay", b))
    assert "blob: not a DriverDescription: not UTF-8" in error_line(
        capsys, "fuzz", "--driver", "sample", "--desc", b, "--time", "1")
    assert "blob: is a file, not a directory" in error_line(
        capsys, "fuzz", "--driver", "sample", "--corpus", b, "--time", "1")
    assert "is not a Python script" in error_line(capsys, "explore", b, "--runs", "1")
    assert "is a directory" in error_line(capsys, "replay", tmp_path)


def test_a_scenario_cannot_choose_the_exit_status(capsys, tmp_path):
    p = tmp_path / "exits.py"
    p.write_text("import sys\nimport kernsim\nfrom kernsim import sys as ksys\n"
                 "def body():\n    yield ksys.open('/dev/sample', 2)\n    sys.exit(3)\n"
                 "@kernsim.scenario(driver='sample')\ndef in_thread(w):\n"
                 "    w.spawn('t', body())\n"
                 "@kernsim.scenario(driver='sample')\ndef in_setup(w):\n    sys.exit(5)\n")
    line = error_line(capsys, "explore", f"{p}:in_thread", "--runs", "3")
    # the scenario's own line: sys.exit(3) in body(), line 6 of exits.py
    assert "a thread raised SystemExit: 3" in line and f"(at {p}:6 in body)" in line, line
    assert "raised SystemExit: 5" in error_line(capsys, "explore", f"{p}:in_setup", "--runs", "3")
    q = tmp_path / "at_import.py"
    q.write_text("import sys\nsys.exit(3)\n")
    assert "failed to import: SystemExit: 3" in error_line(capsys, "explore", q, "--runs", "3")


def test_a_decision_naming_no_thread_is_named(capsys, tmp_path):
    out = tmp_path / "r.repro.txtpb"
    rc, _, _ = run(capsys, "explore", f"{HS}:submit", "--variant", "no_done_check",
                   "--runs", "2000", "--quiet", "--out", out)
    assert rc == 1
    text = out.read_text()
    out.write_text(re.sub(r"thread: \d+", "thread: 9", text, count=1))
    line = error_line(capsys, "replay", out)
    assert "field schedule.decision[0]: picks thread 9, which does not exist" in line
