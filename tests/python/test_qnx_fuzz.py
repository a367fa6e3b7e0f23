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

from fuzz_checks import finds_and_replays, no_findings

# variant, budget, failure kind, signature prefix, seeds
CASES = [
    ("msgread_nbytes", 500, "memory", "overrun:malloc", (0, 1, 2)),
    ("config_unlocked", 3000, "panic", "assert:qd_stop:", (0, 1, 2)),
]
PARAMS = [(c[0], c[1], c[2], c[3], seed) for c in CASES for seed in c[4]]


@pytest.mark.parametrize("variant,budget,kind,sig,seed", PARAMS,
                         ids=[f"{p[0]}-{p[4]}" for p in PARAMS])
def test_finds_variant_and_repro_replays(root, tmp_path, variant, budget, kind, sig, seed):
    finds_and_replays(root, tmp_path, "qnx_devctl", variant, budget, [(kind, sig)], seed)


def test_correct_server_no_findings(root, tmp_path):
    no_findings(root, tmp_path, "qnx_devctl", 8000, 50, 10)
