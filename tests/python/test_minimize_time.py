"""`kernsim minimize --time`: a time bound ends the shrinking early with a
repro that still fails the same way (every kept candidate was re-run), and a
bad bound is a usage error. No wall time is asserted: a bound far below one
search's cost must stop it, whatever the machine's speed."""

import os

from kernsim import minimize
from kernsim import repro as repro_io


def _lofi_repro(root):
    return os.path.join(root, "scenarios", "regressions", "lofi-unmap_no_wait.repro.txtpb")


def test_time_bound_stops_and_keeps_a_failing_repro(root):
    path = _lofi_repro(root)
    r = repro_io.load(path)
    m = minimize.minimize(r, path, seconds=1e-6)
    assert m.timed_out
    assert (m.repro.expected.kind, m.repro.expected.signature) == \
        (r.expected.kind, r.expected.signature)
    assert m.preemptions_after <= m.preemptions_before


def test_cli_time_bound(cli, root, tmp_path):
    out = str(tmp_path / "small.repro.txtpb")
    p = cli("minimize", _lofi_repro(root), "--time", "0.000001", "--out", out)
    assert p.returncode == 0, p.stderr
    assert "time bound" in p.stdout
    assert cli("replay", out).returncode == 0
    bad = cli("minimize", _lofi_repro(root), "--time", "-1")
    assert bad.returncode == 2 and "--time" in bad.stderr
