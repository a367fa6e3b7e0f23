"""`kernsim explore --strategy dfs --jobs N`: the decision tree split into
subtrees searched in parallel parts (kernsim/dfs_split.py), compared with
the search in one process (--jobs 1).

The plain (non-DPOR) comparisons use the sample scenario with one client:
with two, the full search at bound 2 is 30 million executions (minutes),
while DPOR's is 6,735. The tree is the same kind: a client's system calls,
the taskq serving them, the lost wakeup of no_done_check."""

import os

import pytest

import kernsim
from kernsim import dfs_parts, dfs_split

ROOT = os.environ.get("KERNSIM_ROOT", os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
PROGRAM = os.path.join(ROOT, "scenarios/sample/handshake.py:submit_program")
PYTHON = os.path.join(ROOT, "scenarios/sample/handshake.py:submit")
ONE_CLIENT = {"clients": 1}
ALL = 10 ** 9  # an execution budget that never stops these searches


def one_and_two(spec, variant, dpor, params=None, bound=2, stop=False):
    scn = kernsim.resolve(spec)
    one = kernsim.search(scn, bound=bound, dpor=dpor, variant=variant, params=params,
                         max_executions=ALL, stop_on_failure=stop)
    two = dfs_split.search_parallel(scn, jobs=2, bound=bound, dpor=dpor, variant=variant,
                                    params=params, max_executions=ALL, stop_on_failure=stop)
    return one, two


@pytest.mark.parametrize("variant", ["none", "no_done_check"])
def test_plain_split_partitions_the_search_exactly(variant):
    one, two = one_and_two(PROGRAM, variant, False, ONE_CLIENT)
    assert two.prefixes >= 2 * dfs_split.PREFIXES_PER_PART
    assert one.exhausted and two.exhausted
    # Disjoint subtrees, every bound split by the same prefixes: the same
    # executions, per bound, none twice (the union of the parts' trace
    # hashes is exact and equals the count).
    assert two.executions == one.executions
    assert two.per_bound == one.per_bound
    assert two.distinct_exact and two.distinct == one.distinct
    assert two.failures == one.failures
    if variant == "none":
        assert two.failure is None and one.failures == 0
        assert one.signatures() == two.signatures() == []
    else:
        assert one.failures > 0
        assert two.signatures() == one.signatures() == [("stuck", "stuck:cv_wait:r_cv")]
        assert two.bound == one.bound == 1  # the smallest bound that can fail
        assert two.failure.preemptions == 1
        # Both keep the simplest failure of each signature: the same execution.
        assert (two.failure.hash, two.failure.decisions) == \
            (one.distinct_failures[0].hash, one.distinct_failures[0].decisions)


@pytest.mark.parametrize("variant", ["none", "no_done_check"])
def test_dpor_split_same_verdict_and_failures(variant):
    one, two = one_and_two(PROGRAM, variant, True)
    assert one.exhausted and two.exhausted
    if variant == "none":
        assert one.failure is None and two.failure is None and one.bound == two.bound == 2
        assert one.signatures() == two.signatures() == []
    else:
        assert two.signatures() == one.signatures() == [("stuck", "stuck:cv_wait:r_cv")]
        assert min(two.failure_bounds) == 1
    # DPOR does not partition, but the split is a distributed DPOR (parts ask
    # for the alternatives their races need above their prefixes): it runs
    # about what one DPOR search runs, here within 10%, and within 2% with
    # the shallowest prefixes when no part is cut short for an idle process
    # (where that happens is timing). (Exactly as many, while the boot's
    # decisions were the shallowest: none of them raced.)
    assert one.executions * 0.9 <= two.executions <= one.executions * 1.1
    assert len(two.per_bound) == len(one.per_bound) == 3
    scn = kernsim.resolve(PROGRAM)
    shallow = dfs_split.search_parallel(scn, jobs=2, bound=2, dpor=True, variant=variant,
                                        max_executions=ALL, stop_on_failure=False,
                                        prefixes_per_part=1, hand_on=False)
    assert shallow.handed_on == 0
    assert one.executions <= shallow.executions <= one.executions * 1.02
    assert shallow.per_bound[0] == one.per_bound[0]
    assert shallow.signatures() == one.signatures()


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_slices_hand_the_rest_on_exactly(jobs):
    # Slices of 300 executions: each puts what it left back (the rest of its
    # path, the untried alternatives on it, the roots queued for the next
    # bound) and others take it up, still partitioning the search exactly.
    scn = kernsim.resolve(PROGRAM)
    kw = dict(bound=2, params=ONE_CLIENT, variant="no_done_check", stop_on_failure=False,
              max_executions=ALL)
    one = kernsim.search(scn, **kw)
    two = dfs_split.search_parallel(scn, jobs=jobs, slice_executions=300, **kw)
    assert two.slices > one.executions // 300
    assert two.exhausted
    assert (two.executions, two.per_bound, two.distinct, two.failures) == \
        (one.executions, one.per_bound, one.distinct, one.failures)
    assert two.signatures() == one.signatures()
    assert two.failure.hash == one.distinct_failures[0].hash


@pytest.fixture(scope="module")
def dpor_bound3():
    # Bound 3, DPOR: 46,454 executions in one search.
    scn = kernsim.resolve(PROGRAM)
    kw = dict(bound=3, dpor=True, variant="no_done_check", stop_on_failure=False,
              max_executions=ALL)
    return scn, kw, kernsim.search(scn, **kw)


@pytest.mark.parametrize("how", ["slices", "hand_on"])
def test_dpor_split_hands_the_rest_on(dpor_bound3, how):
    # slices: parts cut every 3,000 executions; a slice's untried
    # alternatives go on as prefixes, the siblings it searched sleep below
    # them. hand_on: one prefix per part, and the enumeration's prefixes are
    # few and unequal, so a process goes idle while the other's part still
    # runs thousands of executions, and asks it for its work (forked.py).
    scn, kw, one = dpor_bound3
    if how == "slices":
        two = dfs_split.search_parallel(scn, jobs=2, slice_executions=3000, **kw)
        assert two.slices > one.executions // 3000
    else:
        two = dfs_split.search_parallel(scn, jobs=2, prefixes_per_part=1, **kw)
        assert two.handed_on > 0
    assert two.exhausted
    assert two.signatures() == one.signatures() == [("stuck", "stuck:cv_wait:r_cv")]
    assert one.executions * 0.9 <= two.executions <= one.executions * 1.1


def test_too_many_hashes_make_distinct_an_upper_bound(monkeypatch):
    monkeypatch.setattr(dfs_parts, "MAX_UNION", 1000)
    scn = kernsim.resolve(PROGRAM)
    one = kernsim.search(scn, bound=2, params=ONE_CLIENT, max_executions=ALL)
    two = dfs_split.search_parallel(scn, jobs=2, bound=2, params=ONE_CLIENT, max_executions=ALL,
                                    slice_executions=500)
    assert two.executions == one.executions
    assert not two.distinct_exact and two.distinct >= one.distinct


def test_runs_bound_the_whole_split():
    scn = kernsim.resolve(PROGRAM)
    for runs, slice_ in ((3000, 500), (1000, 20000), (777, 100)):
        two = dfs_split.search_parallel(scn, jobs=2, bound=2, params=ONE_CLIENT,
                                        max_executions=runs, slice_executions=slice_)
        assert not two.exhausted
        assert two.executions == runs, (runs, slice_)


def test_max_seconds_bound_the_whole_split():
    # Two clients at bound 2: 30 million executions, never done in 0.2 s.
    two = dfs_split.search_parallel(kernsim.resolve(PROGRAM), jobs=2, bound=2, max_seconds=0.2,
                                    max_executions=ALL, stop_on_failure=False)
    assert not two.exhausted and 0 < two.executions < 30_039_408


def test_split_stops_at_the_failure_and_its_repro_replays(tmp_path):
    one, two = one_and_two(PROGRAM, "no_done_check", False, ONE_CLIENT, stop=True)
    assert not two.exhausted and two.failure is not None
    assert (two.failure.kind, two.failure.signature) == (one.failure.kind, one.failure.signature)
    path = str(tmp_path / "split.repro.txtpb")
    kernsim.save_repro(two.repro, path)
    rr = kernsim.replay(path)
    assert rr.matched, rr.mismatches


def test_python_scenario_split():
    one, two = one_and_two(PYTHON, "no_done_check", False, ONE_CLIENT, bound=1)
    assert two.executions == one.executions and two.exhausted
    assert two.signatures() == [("stuck", "stuck:cv_wait:r_cv")]


def test_non_iterative_split_counts_the_same():
    scn = kernsim.resolve(PROGRAM)
    one = kernsim.search(scn, bound=1, iterative=False, params=ONE_CLIENT, max_executions=ALL)
    two = dfs_split.search_parallel(scn, jobs=3, bound=1, iterative=False, params=ONE_CLIENT,
                                    max_executions=ALL)
    assert two.executions == one.executions and two.exhausted


def test_cli_dfs_jobs(cli, tmp_path):
    p = cli("explore", PROGRAM, "--strategy", "dfs", "--jobs", "2", "--bound", "2",
            "--param", "clients=1", "--runs", "1000000", "--quiet")
    assert p.returncode == 0, p.stderr
    assert "exhausted=yes" in p.stdout and "executions=6720" in p.stdout
    out = tmp_path / "f.repro.txtpb"
    p = cli("explore", PROGRAM, "--strategy", "dfs", "--jobs", "2", "--dpor",
            "--variant", "no_done_check", "--quiet", "--out", out)
    assert p.returncode == 1, p.stderr
    assert "stuck:cv_wait:r_cv" in p.stdout
    assert cli("replay", out).returncode == 0


@pytest.mark.parametrize("args, says", [
    (["--strategy", "round_robin", "--jobs", "2"], "round_robin"),
    (["--strategy", "pct", "--jobs", "2", "--cluster", "localhost:8786"], "tcp://HOST:PORT"),
])
def test_cli_splits_it_cannot_make(cli, args, says):
    p = cli("explore", PROGRAM, *args)
    assert p.returncode == 2
    assert says in p.stderr and "Traceback" not in p.stderr
