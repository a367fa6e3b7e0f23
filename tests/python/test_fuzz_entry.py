"""The libFuzzer/AFL++ entry point through the build's plain runner
(fuzz/run_main.cc: ks_fuzz_<driver>_run FILE..., any compiler): bad
settings are exit status 2 with the field or variant named, as the Python
loader names it; arbitrary bytes run without a finding on a correct driver;
an input whose program reaches sample's stats_no_copyout store is a finding,
minimized, written as a repro (with its input) that `kernsim replay`
reproduces. The libFuzzer binaries themselves are the ctest entry
`libfuzzer` (fuzz/ctest_libfuzzer.py, clang only)."""

import glob
import os
import random
import subprocess

import pytest

import kernsim
from kernsim import fuzz_desc

BUILD = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(kernsim.__file__))))


def _runner(driver):
    path = os.path.join(BUILD, "fuzz", f"ks_fuzz_{driver}_run")
    if not os.path.exists(path):
        pytest.skip(f"{path} not built")
    return path


def _run(driver, files, tmp_path, **env):
    e = dict(os.environ, KERNSIM_REPRO_DIR=str(tmp_path / "repros"), **env)
    return subprocess.run([_runner(driver), *map(str, files)], capture_output=True, text=True,
                          env=e, timeout=120)


@pytest.mark.parametrize("text,where", [
    ('driver: "sample" node { path: "/dev/sample" } ioctl { name: "X" cmd: 1 node: "/dev/sample" '
     'dir: "in" field { name: "a" type: "int" size: 3 } }', "ioctl[0] (X).field[0] (a).size"),
    ('driver: "sample" node { path: "/dev/sample" } ioctl { name: "X" cmd: 1 node: "/dev/nope" dir: "in" }',
     "ioctl[0] (X).node"),
    ('driver: "sample" node { path: "/dev/sample" } resource { name: "r" valid_min: 1 valid_max: 2 '
     'exhausted_errno: 11 probe: "P" probe_free_errno: 6 }', "resource[0] (r).probe"),
    ('driver: "sample" nod { path: "/dev/sample" }', "not a DriverDescription"),
])
def test_malformed_description_named_as_python_names_it(text, where, tmp_path):
    p = tmp_path / "bad.ioctl.txtpb"
    p.write_text(text)
    with pytest.raises(fuzz_desc.DescriptionError) as e:
        fuzz_desc.load(str(p))
    assert where in str(e.value)
    r = _run("sample", [], tmp_path, KERNSIM_FUZZ_DESC=str(p))
    assert r.returncode == 2, r.stderr
    assert str(p) in r.stderr and where in r.stderr


def test_bad_variant_and_wrong_driver(tmp_path):
    r = _run("lofi", [], tmp_path, KERNSIM_VARIANT="nope")
    assert r.returncode == 2 and "driver 'lofi' has no variant 'nope'" in r.stderr
    other = fuzz_desc.find("sample")
    r = _run("lofi", [], tmp_path, KERNSIM_FUZZ_DESC=other)
    assert r.returncode == 2 and "describes 'sample', this entry point fuzzes 'lofi'" in r.stderr


def test_arbitrary_bytes_on_correct_drivers(tmp_path):
    rng = random.Random(5)
    files = []
    for i in range(40):
        f = tmp_path / f"in{i}"
        f.write_bytes(bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 700))))
        files.append(f)
    for driver in ("lofi", "ctl_ioctl", "sample"):
        r = _run(driver, files, tmp_path)
        assert r.returncode == 0, r.stderr[-2000:]
        assert r.stderr.count("no finding") == len(files)
    assert not os.path.exists(tmp_path / "repros")


def test_finding_writes_a_repro_that_replays(tmp_path, cli):
    # header (PCT, seed 0); one record: thread 0, an ioctl, ioctl 1
    # (SAMPLE_STATS), ordinary choices (zeros): open, mmap, the struct, the call.
    inp = tmp_path / "stats"
    inp.write_bytes(bytes([0, 0, 0, 0, 0, 0, 0, 1]) + bytes(12))
    r = _run("sample", [inp], tmp_path, KERNSIM_VARIANT="stats_no_copyout", KERNSIM_FUZZ_CONTINUE="1")
    assert r.returncode == 1, r.stderr
    assert "found fault (fault:user_address)" in r.stderr and "replay matches" in r.stderr
    repros = glob.glob(str(tmp_path / "repros" / "sample-stats_no_copyout-fault-*.repro.txtpb"))
    assert len(repros) == 1
    assert os.path.exists(repros[0][:-len(".repro.txtpb")] + ".input")
    out = cli("replay", repros[0])
    assert out.returncode == 0 and "MATCH" in out.stdout, out.stdout + out.stderr
