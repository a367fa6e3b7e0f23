"""The fuzzer on the STREAMS drivers (drivers/streams_*/*.ioctl.txtpb):
from an empty corpus it reaches every variant an ioctl sequence can reach
(all but streams_watch's ack_by_cmd, whose wrong match only a scenario's
data check sees), within an execution budget for each of campaign seeds
0-2, and each minimized repro replays; the correct drivers give no
finding. Budgets are about twice the most seeds 0-2 needed when set
(close_no_wait 22.9k, qreply_locked 22.0k, off_before_untimeout 7.0k,
no_cont_check 3.7k, iocdata_double_free 60)."""

import pytest

from kernsim import api, fuzz_desc, fuzz_engine

CASES = [
    ("streams_lp", "iocdata_double_free", 2000, "memory", "streams:double_free:mcopyout"),
    ("streams_lp", "off_before_untimeout", 15000, "lock_misuse",
     "streams:putnext_after_qprocsoff:streams_lp"),
    ("streams_lp", "close_no_wait", 50000, "memory", ""),
    ("streams_lp", "qreply_locked", 50000, "lock_order", "lock_order:sp_lock:wt_lock"),
    ("streams_watch", "no_cont_check", 8000, "fault", "fault:null_deref"),
]


def _desc(root, driver):
    return fuzz_desc.load(fuzz_desc.find(driver, root))


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("driver,variant,budget,kind,sig", CASES,
                         ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_finds_variant_and_repro_replays(root, tmp_path, driver, variant, budget, kind, sig, seed):
    fz = fuzz_engine.Fuzzer(_desc(root, driver), variant, seed=seed, out_dir=str(tmp_path))
    fz.run(executions=budget, stop_on_find=True)
    hits = [f for (k, s), f in fz.findings.items() if k == kind and s.startswith(sig)]
    assert hits, f"{driver}/{variant} seed {seed}: nothing like {kind} {sig} in {list(fz.findings)}"
    f = hits[0]
    assert f.executions <= budget and f.replayed
    r = api.replay(f.repro_path)
    assert r.matched, r.mismatches


def test_correct_streams_drivers_no_findings(root, tmp_path):
    for driver in ("streams_lp", "streams_watch"):
        fz = fuzz_engine.Fuzzer(_desc(root, driver), "none", seed=11, out_dir=str(tmp_path))
        fz.run(executions=6000)
        assert not fz.findings, (driver, list(fz.findings))
        assert fz.stats.edges > 100 and fz.stats.pairs > 10
