"""A driver that faults (here: a store through a user pointer, the missing
copyout) is a failure report with a repro; the process goes on."""

import kernsim


def test_missing_copyout_is_a_fault_report_with_a_repro(handshake, tmp_path):
    scn = kernsim.resolve(f"{handshake}:stats")
    r = kernsim.explore(scn, strategy="random", runs=50, seed=3, variant="stats_no_copyout")
    f = r.failure
    assert f is not None and f.kind == "fault", f
    assert f.signature == "fault:user_address"
    assert "dereferenced user address 0xc" in f.message and "directly" in f.message
    assert "ioctl" in f.message and "thread watcher" in f.message
    path = str(tmp_path / "fault.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    again = kernsim.replay(path)
    assert again.matched, again.mismatches
    # The process is fine: the correct driver runs on, in this same process.
    ok = kernsim.explore(scn, strategy="pct", runs=300, seed=3, variant="none")
    assert ok.failure is None, ok.failure
    assert ok.runs == 300
