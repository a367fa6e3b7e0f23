"""The fuzzer on the STREAMS drivers (drivers/streams_*/*.ioctl.txtpb):
from an empty corpus it reaches every variant an ioctl sequence can reach
(all but streams_watch's ack_by_cmd, whose wrong match only a scenario's
data check sees), within an execution budget for each of several campaign
seeds, and each minimized repro replays; the correct drivers give no
finding. Budgets are about twice the most the seeds listed needed when
set (close_no_wait 37.6k, qreply_locked 21.7k, no_cont_check 6.3k,
iocdata_double_free 17), and than seeds 0-7 needed on 2026-12-07
(close_no_wait 36.6k, qreply_locked 22.8k, no_cont_check 10.8k,
qwriter_sync 1.2k, iocdata_double_free 25): executions to a find are
heavy-tailed. off_before_untimeout is reached too, but at a
rate no test budget covers whatever the seeds (7.5k, 262k and 193k for
seeds 0-2, and once the module's code moved, more than 20k for seed 0: a
campaign's course follows the module's edges), so it is not listed;
test_streams.py finds it with PCT.
no_unbufcall needs an allocation to fail, which the fuzzer does not
inject; test_streams.py finds it with injected faults. streams_perim's
qwriter_sync is reached; its perimeter-declaration variants are data races,
which only a run with the race detector sees (test_streams_perim.py).
streams_qwait's no_loop is reached; no_sig needs a QW_NOREPLY close, which
the description leaves out (only a signal ends it), and no_perim is a race."""

import pytest

from fuzz_checks import finds_and_replays, no_findings

# driver, variant, budget, failure kinds, signature prefixes, seeds
CASES = [
    ("streams_lp", "iocdata_double_free", 2000, ("memory",), ("streams:double_free:mcopyout",),
     (0, 1, 2)),
    # The freed state shows as whichever use comes first: a mutex or
    # condition variable destroyed, its memory freed (kmem poison), the
    # free routine's record freed, or the buffers still out at close.
    ("streams_lp", "close_no_wait", 80000, ("lock_misuse", "memory"),
     ("use_after_destroy:", "bad_object:", "streams:loaned_after_close",
      "streams:frtn_freed:"), (0, 1, 2)),
    ("streams_lp", "qreply_locked", 50000, ("lock_order",), ("lock_order:sp_lock:wt_lock",),
     (0, 1, 2)),
    ("streams_watch", "no_cont_check", 25000, ("fault",), ("fault:null_deref",), (0, 1, 2)),
    # qwriter's callback deferred because a thread on the other stream is
    # inside the outer perimeter (seeds 0-7 needed 13 to 1162)
    ("streams_perim", "qwriter_sync", 3000, ("fault",), ("fault:null_deref",), (0, 1, 2)),
    # qwmod's close takes the answer after one qwait, which an echo of
    # data written before woke (seeds 0-3 needed 41 to 341, 2026-12-07)
    ("streams_qwait", "no_loop", 1000, ("fault",), ("fault:null_deref",), (0, 1, 2)),
]
PARAMS = [(c[0], c[1], c[2], c[3], c[4], seed) for c in CASES for seed in c[5]]


@pytest.mark.parametrize("driver,variant,budget,kinds,sigs,seed", PARAMS,
                         ids=[f"{p[0]}-{p[1]}-{p[5]}" for p in PARAMS])
def test_finds_variant_and_repro_replays(root, tmp_path, driver, variant, budget, kinds, sigs,
                                         seed):
    finds_and_replays(root, tmp_path, driver, variant, budget,
                      [(k, s) for k in kinds for s in sigs], seed)


def test_correct_streams_drivers_no_findings(root, tmp_path):
    for driver in ("streams_lp", "streams_watch", "streams_perim", "streams_qwait"):
        no_findings(root, tmp_path, driver, 6000, 100, 10)
