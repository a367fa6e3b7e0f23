"""The fuzzer on lofi and CTL (drivers/*/*.ioctl.txtpb): from an empty
corpus it finds lofi's minor-bound off-by-one (the LOFI_MAP_FILE.minor
range oracle), its last minor never handed out (the exhaustion oracle:
EAGAIN while LOFI_GET_FILENAME finds a minor free), lofi's forced-unmap
race, the CTL S/G watermark error (the S/G gap oracle) and CTL's port freed
under an in-flight I/O (ports created and removed through packed-nvlist
blobs), each within an execution budget for every one of several campaign
seeds, and each minimized repro replays. Budgets, not wall time: a campaign
with a seed and an execution budget is deterministic. A 2-job CLI run
writes each distinct failure once and reports the union of the workers'
coverage."""

import os
import re

import pytest

from fuzz_checks import finds_and_replays, no_findings
from kernsim import _core
from kernsim import kernsim_pb2 as pb


def _strategy(name):
    """A fuzz schedule's serialized StrategySpec (FuzzExecutor's argument)."""
    return pb.StrategySpec(name=name).SerializeToString()


def _many(x):
    return x if isinstance(x, tuple) else (x,)


# Every seed must find it within the budget: a property of the fuzzer, not
# of one campaign's course, which moves with the code layout (edges are
# numbered by the drivers' code addresses: a compiler flag moves them).
# Executions to a find are heavy-tailed (one seed in eight needs five times
# the median), so each budget is about twice the most any campaign needed,
# on two layouts (2026-12-07: the coverage build with -fno-plt, seeds 0-7;
# without, seeds 0-7 of the minor variants and port_remove_inflight, 0-2 of
# the others): minor_overrun 417k, minor_short 271k, unmap_no_wait 55k,
# sg_watermark 33k, port_remove_inflight 128k.
CASES = [
    ("lofi", "minor_overrun", 900000, "scenario", "scenario:oracle:LOFI_MAP_FILE.minor"),
    ("lofi", "minor_short", 600000, "scenario", "scenario:oracle:LOFI_MAP_FILE.minor.exhausted"),
    # The released vnode is seen closed, or already freed.
    ("lofi", "unmap_no_wait", 150000, ("memory", "memory"),
     ("vnode_use_after_free:", "vnode_use_after_close:")),
    ("ctl_ioctl", "sg_watermark", 100000, "scenario", "scenario:oracle:CTL_IO"),
    # The port freed under an in-flight I/O shows as whichever use of it
    # comes first: of one of its objects in the freed memory (its lock, its
    # pool's cv), or of its destroyed mutex or pool cv (named by the
    # driver's call).
    # Or the port's numbers, given back before its node is destroyed, are
    # taken by a new port whose node then has a name still in use: FreeBSD's
    # make_dev_s panics on that (no MAKEDEV_CHECKNAME).
    ("ctl_ioctl", "port_remove_inflight", 300000, ("memory", "lock_misuse", "lock_misuse", "panic"),
     ("bad_object:", "use_after_destroy:mtx_", "use_after_destroy:cv_",
      "panic:make_dev_sv: bad si_name")),
]


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("driver,variant,budget,kind,sig", CASES,
                         ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_finds_variant_and_repro_replays(root, tmp_path, driver, variant, budget, kind, sig, seed):
    finds_and_replays(root, tmp_path, driver, variant, budget,
                      list(zip(_many(kind), _many(sig))), seed)


def test_correct_lofi_and_ctl_no_findings(root, tmp_path):
    for driver in ("lofi", "ctl_ioctl"):
        no_findings(root, tmp_path, driver, 6000, 100, 10)


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
    r = _core.FuzzExecutor().run(_prog(m, st, ld, a).SerializeToString(), _strategy("round_robin"))
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


def test_poisoned_bytes_in_a_failure_message_do_not_break_a_batch():
    """lofi unmap_no_wait: the task's vn_rdwr uses a freed vnode, and the
    report quotes its path from poisoned memory (not UTF-8). The batch
    reports it with U+FFFD instead of raising UnicodeDecodeError."""
    import struct
    p = pb.Program()
    p.driver.add(name="lofi", variant="unmap_no_wait")
    p.file.add(path="/var/tmp/f2", size=8192)
    p.proc.add(name="user")
    li = struct.pack("<IiiI", 0, 0, 0, 0) + b"/var/tmp/f2".ljust(1024, b"\0")
    force = struct.pack("<IiiI", 0, 1, 0, 0) + b"/var/tmp/f2".ljust(1024, b"\0")
    t0 = p.thread.add(name="t0", proc="user")
    t1 = p.thread.add(name="t1", proc="user")
    for t, data, cmd in ((t0, li, 0x4c4601), (t1, force, 0x4c4603)):
        n = t.name
        t.call.add(op="mmap", out=f"b{n}").arg.extend([pb.Arg(value=4096), pb.Arg(value=3)])
        t.call.add(op="open", out=f"c{n}", path="/dev/lofictl").arg.add(value=2)
        t.call.add(op="poke", data=data).arg.add(ref=f"b{n}")
        t.call.add(op="ioctl").arg.extend([pb.Arg(ref=f"c{n}"), pb.Arg(value=cmd), pb.Arg(ref=f"b{n}")])
        if t is t0:
            t.call.add(op="open", out="d", path="/dev/lofi/1").arg.add(value=2)
            t.call.add(op="read").arg.extend([pb.Arg(ref="d"), pb.Arg(ref="bt0"), pb.Arg(value=512)])
    res = _core.FuzzExecutor().run_batch(p.SerializeToString(), _strategy("random"), list(range(400)))
    msgs = [f["message"] for f in res["failures"] if f["kind"] == "memory"]
    assert msgs and any("\ufffd" in m for m in msgs)
