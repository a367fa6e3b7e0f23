"""Every stored regression repro (scenarios/regressions/*.repro.txtpb)
replays with its recorded outcome and trace hash. Add a file there and it
is tested: python3 -m kernsim explore ... --out scenarios/regressions/NAME.repro.txtpb
After an intended change to a driver or the kernel model, `python3 -m kernsim
rerecord scenarios/regressions/*.repro.txtpb` records each failure again."""

import glob
import os

import pytest

import kernsim

ROOT = os.environ.get("KERNSIM_ROOT") or os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))
REPROS = sorted(glob.glob(os.path.join(ROOT, "scenarios", "regressions", "*.repro.txtpb")))


def test_there_are_regressions():
    names = [os.path.basename(p) for p in REPROS]
    assert "sample-no_done_check.repro.txtpb" in names, names


@pytest.mark.parametrize("path", REPROS, ids=[os.path.basename(p) for p in REPROS])
def test_regression_replays_matched(path):
    rr = kernsim.replay(path)
    assert rr.matched, f"{path}: {rr.mismatches}\n{rr.outcome.message}"
    assert rr.outcome.kind == rr.repro.expected.kind
