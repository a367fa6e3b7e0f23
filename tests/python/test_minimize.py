"""Minimization's Program step (kernsim/minimize.py): a call and a thread
that have nothing to do with the failure are removed, and what is left still
fails the same way and replays."""

import os

import kernsim
from kernsim import kernsim_pb2 as pb
from kernsim import minimize
from kernsim.scenario import load_module

ROOT = os.environ.get("KERNSIM_ROOT", os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
HANDSHAKE = load_module(os.path.join(ROOT, "scenarios/sample/handshake.py"))


@kernsim.program_scenario(driver="sample")
def padded_submit():
    """One client of the sample's lost wakeup, plus an mmap nobody uses at
    the start of its thread and a bystander thread that only writes to its
    own memory."""
    prog = HANDSHAKE.submit_program.fn(clients=1)
    client = prog.thread[0]
    spare = pb.Call(op="mmap", out="spare")
    spare.arg.add(value=4096)
    spare.arg.add(value=3)
    client.call.insert(0, spare)
    t = prog.thread.add(name="bystander", proc="user")
    c = t.call.add(op="mmap", out="own")
    c.arg.add(value=4096)
    c.arg.add(value=3)
    c = t.call.add(op="poke", data=b"\x01" * 16)
    c.arg.add(ref="own")
    return prog


def test_shrinking_removes_the_irrelevant_call_and_thread(tmp_path):
    found = kernsim.search(padded_submit, bound=2, variant="no_done_check")
    assert found.failure is not None and found.failure.signature == "stuck:cv_wait:r_cv"
    assert [t.name for t in found.repro.program.thread] == ["client0", "bystander"]
    m = minimize.minimize(found.repro)
    prog = m.repro.program
    assert [t.name for t in prog.thread] == ["client0"]
    assert m.threads_removed == 1
    assert "spare" not in [c.out for c in prog.thread[0].call]
    assert m.calls_removed >= 1
    # What the failure needs is still there: the open, the buffer and the ioctl.
    assert [c.op for c in prog.thread[0].call if c.op in ("open", "mmap", "ioctl")] == \
        ["open", "mmap", "ioctl"]
    assert (m.repro.expected.kind, m.repro.expected.signature) == \
        (found.failure.kind, found.failure.signature)
    path = str(tmp_path / "min.repro.txtpb")
    kernsim.save_repro(m.repro, path)
    rr = kernsim.replay(path)
    assert rr.matched, rr.mismatches
