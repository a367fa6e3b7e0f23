"""kernsim ci, mark-fixed, --version, the pasteable printed commands and the
pytest plugin (issue 17). Every exploration here is bounded by runs, so no
verdict depends on the machine's load."""

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET

import pytest

from kernsim import repro as repro_io

SHIPPED = os.path.join("scenarios", "regressions", "sample-no_done_check.repro.txtpb")


def _launcher():
    """<build>/bin/kernsim, beside the package on PYTHONPATH."""
    for p in os.environ.get("PYTHONPATH", "").split(os.pathsep):
        cand = os.path.join(os.path.dirname(os.path.abspath(p)), "bin", "kernsim")
        if p and os.path.isfile(cand):
            return cand
    pytest.skip("no <build>/bin/kernsim beside PYTHONPATH's package")


@pytest.fixture(scope="module")
def regs(tmp_path_factory, root, handshake):
    """A folder of three repros: one reproducing (the shipped one), and two
    recorded on the buggy variant then pointed at the correct driver (the
    bug is gone), one of them marked fixed."""
    d = tmp_path_factory.mktemp("ci")
    regs = d / "regs"
    regs.mkdir()
    shutil.copy(os.path.join(root, SHIPPED), regs / "a-reproduces.repro.txtpb")
    rec = d / "recorded.repro.txtpb"
    p = subprocess.run([sys.executable, "-m", "kernsim", "explore", f"{handshake}:submit",
                        "--variant", "no_done_check", "--runs", "2000", "--seed", "1", "--quiet",
                        "--out", str(rec)], cwd=d, capture_output=True, text=True, timeout=120)
    assert p.returncode == 1, (p.stdout, p.stderr)
    r = repro_io.load(str(rec))
    r.variant = "none"  # the correct driver: the lost wakeup cannot happen
    for name in ("b-fixed", "c-gone"):
        repro_io.save(r, str(regs / f"{name}.repro.txtpb"))
    return d


def _ci(cli, regs, *args):
    return cli("ci", "regs", *args, cwd=regs)


def test_mark_fixed_then_replay_passes_while_gone(regs, cli, tmp_path):
    f = tmp_path / "x.repro.txtpb"
    shutil.copy(regs / "regs" / "c-gone.repro.txtpb", f)
    assert cli("replay", f).returncode == 1  # unmarked and gone: a mismatch
    p = cli("mark-fixed", f)
    assert p.returncode == 0 and "marked fixed" in p.stdout, (p.stdout, p.stderr)
    assert repro_io.load(str(f)).expect_fixed
    p = cli("replay", f)
    assert p.returncode == 0 and "FIXED" in p.stdout, (p.stdout, p.stderr)


def test_marked_fixed_fails_when_the_bug_is_back(root, cli, tmp_path):
    f = tmp_path / "back.repro.txtpb"
    shutil.copy(os.path.join(root, SHIPPED), f)
    assert cli("mark-fixed", f).returncode == 0
    p = cli("replay", f)
    assert p.returncode == 1 and "REGRESSION: marked fixed, but stuck" in p.stdout, p.stdout
    p = cli("ci", f, "--json", tmp_path / "r.json")
    assert p.returncode == 1
    (case,) = json.loads((tmp_path / "r.json").read_text())["testcases"]
    assert (case["verdict"], case["passed"]) == ("regressed", False)


def test_ci_three_verdicts_and_junit(regs, cli, handshake):
    subprocess.run([sys.executable, "-m", "kernsim", "mark-fixed", "regs/b-fixed.repro.txtpb"],
                   cwd=regs, check=True, capture_output=True)
    p = _ci(cli, regs, f"{handshake}:submit", "--runs", "200", "--budget", "600",
            "--junit", "out/ci.xml", "--json", "out/ci.json")
    assert p.returncode == 1, (p.stdout, p.stderr)
    lines = p.stdout.splitlines()
    assert "PASS  repro    regs/a-reproduces.repro.txtpb: reproduces" in lines
    assert "PASS  repro    regs/b-fixed.repro.txtpb: fixed" in lines
    assert "FAIL  repro    regs/c-gone.repro.txtpb: not_reproduced" in lines
    assert any(x.startswith("PASS  scenario ") and x.endswith("submit: clean") for x in lines)
    gone = lines[lines.index("FAIL  repro    regs/c-gone.repro.txtpb: not_reproduced") + 1]
    assert "kernsim mark-fixed regs/c-gone.repro.txtpb" in gone
    assert "kernsim rerecord regs/c-gone.repro.txtpb" in gone

    suite = ET.parse(regs / "out" / "ci.xml").getroot().find("testsuite")
    assert (suite.get("tests"), suite.get("failures")) == ("4", "1")
    cases = suite.findall("testcase")
    assert [c.get("classname") for c in cases] == ["kernsim.repro"] * 3 + ["kernsim.scenario"]
    failed = [c for c in cases if c.find("failure") is not None]
    assert [c.get("name") for c in failed] == ["regs/c-gone.repro.txtpb"]
    fl = failed[0].find("failure")
    assert fl.get("type") == "not_reproduced"
    assert "replay: kernsim replay regs/c-gone.repro.txtpb" in fl.text

    doc = json.loads((regs / "out" / "ci.json").read_text())
    assert (doc["tests"], doc["failures"]) == (4, 1)
    assert [c["verdict"] for c in doc["testcases"]] == \
        ["reproduces", "fixed", "not_reproduced", "clean"]
    assert doc["testcases"][3]["runs"] == 200


def test_ci_new_failure_goes_to_artifacts(cli, handshake, tmp_path):
    p = cli("ci", f"{handshake}:submit", "--variant", "no_done_check", "--runs", "2000",
            "--budget", "600", "--artifacts", "arts", "--junit", "r.xml")
    assert p.returncode == 1, (p.stdout, p.stderr)
    out = tmp_path / "arts" / "handshake-submit-no_done_check.repro.txtpb"
    assert out.is_file()
    assert "replay: kernsim replay arts/handshake-submit-no_done_check.repro.txtpb" in p.stdout
    fl = ET.parse(tmp_path / "r.xml").getroot().find("testsuite/testcase/failure")
    assert fl.get("type") == "new_failure" and "stuck" in fl.get("message")
    # The report names the late wait at source.
    assert "; at: " in fl.get("message") and "cv_wait at sample.c:" in fl.get("message")
    assert cli("replay", out).returncode == 0


def test_ci_refuses_by_line_and_bad_input(cli, handshake, tmp_path):
    (tmp_path / "bad.repro.txtpb").write_text("version: 7\n")
    p = cli("ci", "bad.repro.txtpb")
    assert p.returncode == 1
    assert "FAIL  repro    bad.repro.txtpb: refused\n    bad.repro.txtpb: field version" \
        in p.stdout, p.stdout
    p = cli("ci", f"{handshake}:submit", "--variant", "nope")
    assert p.returncode == 2 and "has no variant 'nope'" in p.stderr, p.stderr
    p = cli("ci", "nowhere")
    assert p.returncode == 2 and p.stderr.strip() == \
        "kernsim: error: nowhere: no such file or directory", p.stderr


def test_version_and_usage(cli):
    p = cli("--version")
    assert p.returncode == 0 and p.stdout.startswith("kernsim 0."), p.stdout
    p = cli()
    err = p.stderr.splitlines()
    assert p.returncode == 2 and len(err) == 2, p.stderr
    assert err[0].startswith("usage: kernsim") and err[1].startswith("kernsim: error: "), err


def test_printed_replay_command_pastes_in_a_fresh_shell(root, tmp_path):
    """What a failure prints (`kernsim replay FILE`) works with a PATH that
    has the launcher and no PYTHONPATH, as after scripts/setup.sh."""
    launcher = _launcher()
    bindir = tmp_path / "bin"
    bindir.mkdir()
    os.symlink(launcher, bindir / "kernsim")
    env = {"PATH": f"{bindir}:/usr/bin:/bin", "KERNSIM_ROOT": root}
    with open(os.path.join(root, SHIPPED)) as f:
        cmd = f.readline().split("replay with ", 1)[1].strip()
    assert cmd == f"kernsim replay {SHIPPED}"
    p = subprocess.run(["/bin/sh", "-c", cmd], cwd=root, env=env, capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 0 and "MATCH" in p.stdout, (p.stdout, p.stderr)


def test_explore_pct_time_bound(cli, handshake):
    p = cli("explore", f"{handshake}:submit", "--runs", str(10**12), "--time", "0.2", "--quiet")
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert "(stopped at the 0.2 s time bound)" in p.stdout


USER_TEST = '''
import struct

import kernsim
import pytest
from kernsim import sys

@kernsim.scenario(driver="sample")
def submit(w):
    def client(value):
        fd = yield sys.open("/dev/sample", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, struct.pack("<QQ", value, 0))
        assert (yield sys.ioctl(fd, 0x5301, buf)) == 0
        assert struct.unpack("<QQ", (yield sys.peek(buf, 16)))[1] == 2 * value + 1
        yield sys.close(fd)
    w.spawn("client0", client(20))
    w.spawn("client1", client(21))

@pytest.mark.kernsim(runs=2000, variant=VARIANT, seed=1)
def test_submit_marker():
    return submit

def test_submit_fixture(kernsim_explore):
    kernsim_explore(submit, runs=2000, variant=VARIANT, seed=1)
'''


@pytest.mark.parametrize("variant,load", [("none", "-p"), ("no_done_check", "-p"),
                                          ("no_done_check", "conftest")])
def test_pytest_plugin_as_a_user_writes_it(variant, load, tmp_path):
    (tmp_path / "test_drv.py").write_text(USER_TEST.replace("VARIANT", repr(variant)))
    plugin = ["-p", "kernsim.pytest_plugin"]
    if load == "conftest":  # the other documented way to load it
        (tmp_path / "conftest.py").write_text('pytest_plugins = ["kernsim.pytest_plugin"]\n')
        plugin = []
    p = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *plugin,
                        "--kernsim-repro-dir", "repros"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=300)
    if variant == "none":
        assert p.returncode == 0 and "2 passed" in p.stdout, p.stdout
        return
    assert p.returncode == 1 and "2 failed" in p.stdout, p.stdout
    repro = tmp_path / "repros" / "submit-no_done_check.repro.txtpb"
    assert repro.is_file()
    cause = [x for x in p.stdout.splitlines() if x.startswith("kernsim: stuck in thread client")]
    assert len(cause) == 2 and all(x.endswith("the wakeup came before the wait") for x in cause), \
        p.stdout
    assert f"repro: {repro}" in p.stdout
    assert f"replay: kernsim replay {repro}" in p.stdout
    # And where in the driver: the late wait's source line.
    assert any(x.startswith("at: ") and "cv_wait at sample.c:" in x
               for x in p.stdout.splitlines()), p.stdout
    assert "Failure(" not in p.stdout  # never the dataclass
    # The printed command replays it (the scenario lives in the test file).
    r = subprocess.run([sys.executable, "-m", "kernsim", "replay", str(repro)], cwd=tmp_path,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "MATCH" in r.stdout, (r.stdout, r.stderr)


def test_another_build_refuses_unless_marked_fixed(regs, cli, tmp_path):
    """A fix is a new build of the module: a repro marked fixed replays on
    any build; an unmarked one is refused with the one-line reason."""
    text = (regs / "regs" / "c-gone.repro.txtpb").read_text()
    other = re.sub(r'(module \{[^}]*hash: )"0x[0-9a-f]{16}"', r'\1"0x0123456789abcdef"', text)
    assert other != text
    (tmp_path / "u.repro.txtpb").write_text(other)
    (tmp_path / "m.repro.txtpb").write_text("expect_fixed: true\n" + other)
    p = cli("ci", ".", "--json", "r.json")
    assert p.returncode == 1, (p.stdout, p.stderr)
    cases = {c["name"]: c for c in json.loads((tmp_path / "r.json").read_text())["testcases"]}
    assert cases["./m.repro.txtpb"]["verdict"] == "fixed"
    u = cases["./u.repro.txtpb"]
    assert u["verdict"] == "refused" and "another build of the driver" in u["message"]
