"""The fuzzer on qnx_devctl (drivers/qnx_devctl/qnx_devctl.ioctl.txtpb):
from an empty corpus it reaches the variants an ioctl sequence can reach
(msgread_nbytes: a SET_CONFIG whose dcmd says 64 bytes overruns the
server's 16-byte buffer; config_unlocked: two SET_CONFIGs on the pool's
two threads lose a generation, which the server's check at its stop sees),
and each minimized repro replays; the correct server gives no finding.
no_mode_check, reply_nbytes and write_no_verify break no rule the kernel
can see (a read-only client's format or write succeeds, stale bytes reach
a client): only the scenarios' checks find them (test_qnx.py). The
description's reads and writes (rw) reach the server's io_read/io_write."""

import pytest

from kernsim import api, fuzz_desc, fuzz_engine

# variant, budget, failure kind, signature prefix, seeds
CASES = [
    ("msgread_nbytes", 500, "memory", "overrun:malloc", (0, 1, 2)),
    ("config_unlocked", 3000, "panic", "assert:qd_stop:", (0, 1, 2)),
]
PARAMS = [(c[0], c[1], c[2], c[3], seed) for c in CASES for seed in c[4]]


def _desc(root):
    return fuzz_desc.load(fuzz_desc.find("qnx_devctl", root))


@pytest.mark.parametrize("variant,budget,kind,sig,seed", PARAMS,
                         ids=[f"{p[0]}-{p[4]}" for p in PARAMS])
def test_finds_variant_and_repro_replays(root, tmp_path, variant, budget, kind, sig, seed):
    fz = fuzz_engine.Fuzzer(_desc(root), variant, seed=seed, out_dir=str(tmp_path))
    fz.run(executions=budget, stop_on_find=True)
    hits = [f for (k, s), f in fz.findings.items() if k == kind and s.startswith(sig)]
    assert hits, f"{variant} seed {seed}: nothing like {kind} {sig} in {list(fz.findings)}"
    f = hits[0]
    assert f.executions <= budget and f.replayed
    r = api.replay(f.repro_path)
    assert r.matched, r.mismatches


def test_correct_server_no_findings(root, tmp_path):
    fz = fuzz_engine.Fuzzer(_desc(root), "none", seed=11, out_dir=str(tmp_path))
    fz.run(executions=8000)
    assert not fz.findings, list(fz.findings)
    assert fz.stats.edges > 50 and fz.stats.pairs > 10
