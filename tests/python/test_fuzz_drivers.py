"""The fuzzer on lofi and CTL (drivers/*/*.ioctl.txtpb): from an empty
corpus with a fixed seed it finds lofi's minor-bound off-by-one (the
LOFI_MAP_FILE.minor range oracle), lofi's forced-unmap race and the CTL S/G
watermark error (the S/G gap oracle), each within an execution budget, and
each minimized repro replays. Budgets, not wall time: a campaign with a seed
and an execution budget is deterministic. A 2-job CLI run writes each
distinct failure once and reports the union of the workers' coverage."""

import os
import re

import pytest

from kernsim import _core, api, fuzz_desc, fuzz_engine
from kernsim import kernsim_pb2 as pb


def _desc(root, driver):
    return fuzz_desc.load(fuzz_desc.find(driver, root))


@pytest.mark.parametrize("driver,variant,seed,budget,kind,sig", [
    ("lofi", "minor_overrun", 0, 100000, "scenario", "scenario:oracle:LOFI_MAP_FILE.minor"),
    ("lofi", "unmap_no_wait", 2, 30000, "memory", "vnode_use_after_free:"),
    ("ctl_ioctl", "sg_watermark", 1, 15000, "scenario", "scenario:oracle:CTL_IO.ext_data_ptr.gap_written"),
])
def test_finds_variant_and_repro_replays(root, tmp_path, driver, variant, seed, budget, kind, sig):
    fz = fuzz_engine.Fuzzer(_desc(root, driver), variant, seed=seed, out_dir=str(tmp_path))
    fz.run(executions=budget, stop_on_find=True)
    hits = [f for (k, s), f in fz.findings.items() if k == kind and s.startswith(sig)]
    assert hits, f"{driver}/{variant}: nothing like {kind} {sig} in {list(fz.findings)}"
    f = hits[0]
    assert f.replayed
    r = api.replay(f.repro_path)
    assert r.matched, r.mismatches


def test_correct_lofi_and_ctl_no_findings(root, tmp_path):
    for driver in ("lofi", "ctl_ioctl"):
        fz = fuzz_engine.Fuzzer(_desc(root, driver), "none", seed=11, out_dir=str(tmp_path))
        fz.run(executions=6000)
        assert not fz.findings, (driver, list(fz.findings))
        assert fz.stats.edges > 100 and fz.stats.pairs > 10


def _prog(*calls):
    p = pb.Program()
    p.driver.add(name="lofi")
    p.proc.add(name="user")
    t = p.thread.add(name="t0", proc="user")
    for c in calls:
        t.call.add().CopyFrom(c)
    return p


def test_struct_ops_check_errors():
    c = pb.Call(op="poke_int")
    c.arg.add(value=0)
    c.arg.add(value=0)
    c.arg.add(value=3)
    with pytest.raises(ValueError, match="size must be the constant 1, 2, 4 or 8, not 3"):
        _core.fuzz_check_program(_prog(c).SerializeToString())
    a = pb.Call(op="assert_range")
    for v in (1, 0, 2):
        a.arg.add(value=v)
    with pytest.raises(ValueError, match="no oracle label"):
        _core.fuzz_check_program(_prog(a).SerializeToString())
    a.path = "X.minor"
    a.arg[0].ClearField("value")
    a.arg[0].ref = "res0_never"
    with pytest.raises(ValueError, match="res0_never.*not defined by an earlier call"):
        _core.fuzz_check_program(_prog(a).SerializeToString())


def test_poke_peek_int_chain_a_resource_through_memory():
    """poke_int stores a (ref'd) value, peek_int loads it back as a result;
    assert_range checks it (5 is outside [1, 4]: the oracle fires)."""
    m = pb.Call(op="mmap", out="buf_0")
    m.arg.add(value=4096)
    m.arg.add(value=3)
    st = pb.Call(op="poke_int")
    st.arg.add(ref="buf_0", offset=8)
    st.arg.add(value=5)
    st.arg.add(value=4)
    ld = pb.Call(op="peek_int", out="res0_x")
    ld.arg.add(ref="buf_0", offset=8)
    ld.arg.add(value=4)
    a = pb.Call(op="assert_range", path="T.minor")
    a.arg.add(ref="res0_x")
    a.arg.add(value=1)
    a.arg.add(value=4)
    r = _core.FuzzExecutor().run(_prog(m, st, ld, a).SerializeToString(), {"name": "round_robin"})
    assert r["signature"] == "scenario:oracle:T.minor" and "value 5" in r["message"]


def test_cli_two_jobs_dedup_and_merged_coverage(cli, tmp_path):
    out = tmp_path / "found"
    r = cli("fuzz", "--driver", "sample", "--variant", "no_done_check", "--jobs", "2", "--time", "20",
            "--execs", "20000", "--stop-on-find", "--out", str(out), "--corpus", str(tmp_path / "c"))
    assert r.returncode == 1, r.stdout + r.stderr
    assert r.stdout.count("FAILURE stuck stuck:cv_wait:r_cv") == 1
    top = [p for p in os.listdir(out) if p.endswith(".repro.txtpb")]
    assert len(top) == 1, top  # each distinct failure once, at the top of --out
    m = re.search(r"edges=(\d+) pairs=(\d+)", r.stdout)
    assert m and int(m.group(1)) > 0
    assert cli("replay", str(out / top[0])).returncode == 0
