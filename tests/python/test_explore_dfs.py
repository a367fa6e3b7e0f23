"""Bounded exhaustive search, DPOR, checkpoints, minimization and --jobs on
the sample scenario (issue 5)."""

import os
import subprocess
import sys

import kernsim
from kernsim import minimize, parallel

ROOT = os.environ.get("KERNSIM_ROOT", os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
PROGRAM = os.path.join(ROOT, "scenarios/sample/handshake.py:submit_program")
PYTHON = os.path.join(ROOT, "scenarios/sample/handshake.py:submit")


def scn(spec=PROGRAM):
    return kernsim.resolve(spec)


def test_fixed_sample_is_exhausted_at_bound_two_with_dpor():
    r = kernsim.search(scn(), bound=2, dpor=True)
    assert r.exhausted and r.failure is None
    assert r.bound == 2 and len(r.per_bound) == 3


def test_full_search_counts_and_dpor_runs_fewer():
    full = kernsim.search(scn(), bound=0)
    dpor = kernsim.search(scn(), bound=0, dpor=True)
    assert full.exhausted and dpor.exhausted
    assert full.distinct == full.executions  # each execution a new interleaving
    assert dpor.executions < full.executions


def test_no_done_check_fails_at_bound_one_and_not_zero():
    zero = kernsim.search(scn(), bound=0, variant="no_done_check")
    assert zero.exhausted and zero.failure is None
    for dpor in (False, True):
        r = kernsim.search(scn(), bound=2, dpor=dpor, variant="no_done_check")
        assert r.failure is not None and r.failure.signature == "stuck:cv_wait:r_cv"
        assert r.bound == 1 and not r.exhausted
        assert r.failure.preemptions <= 1


def test_python_scenario_dpor_finds_it_too():
    r = kernsim.search(scn(PYTHON), bound=1, dpor=True, variant="no_done_check")
    assert r.failure is not None and r.failure.kind == "stuck" and r.bound == 1


def test_dfs_failure_repro_replays(tmp_path):
    r = kernsim.search(scn(), bound=1, dpor=True, variant="no_done_check")
    path = str(tmp_path / "dfs.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    rr = kernsim.replay(path)
    assert rr.matched, rr.mismatches


def test_checkpoint_resume_visits_the_same_executions(tmp_path):
    whole = kernsim.search(scn(), bound=1, dpor=True)
    part = kernsim.search(scn(), bound=1, dpor=True, max_executions=100)
    assert not part.exhausted and part.executions == 100
    path = str(tmp_path / "ck.txtpb")
    kernsim.save_checkpoint(part.checkpoint, path)
    rest = kernsim.search(scn(), bound=1, dpor=True, resume=path)
    assert rest.exhausted
    assert part.executions + rest.executions == whole.executions


def test_checkpoint_stop_and_resume_without_dpor(tmp_path):
    # One client: the plain search at bound 2 is 6,720 executions (5,976
    # with no_done_check's failures). Stop in the middle of bound 1, when subtrees are
    # queued for bound 2, then twice more, each time through a file.
    kw = dict(bound=2, params={"clients": 1}, variant="no_done_check", stop_on_failure=False)
    whole = kernsim.search(scn(), **kw)
    assert whole.exhausted and whole.failures > 0
    k = whole.per_bound[0] + whole.per_bound[1] // 2
    sessions, resume = [], None
    for budget in (k, k, 0):
        r = kernsim.search(scn(), max_executions=budget, resume=resume, **kw)
        sessions.append(r)
        resume = str(tmp_path / f"ck{len(sessions)}.txtpb")
        kernsim.save_checkpoint(r.checkpoint, resume)
    first = kernsim.load_checkpoint(str(tmp_path / "ck1.txtpb"))
    assert first.bound == 1 and len(first.next_roots) > 0 and not first.exhausted
    assert [r.exhausted for r in sessions] == [False, False, True]
    assert sum(r.executions for r in sessions) == whole.executions
    assert sum(r.failures for r in sessions) == whole.failures
    # Each execution is a distinct interleaving here, so the sessions' own
    # distinct counts add up too: nothing ran twice, nothing was skipped.
    assert whole.distinct == whole.executions
    assert sum(r.distinct for r in sessions) == whole.distinct
    per_bound = [0] * len(whole.per_bound)
    for r in sessions:
        for b, n in enumerate(r.per_bound):
            per_bound[b] += n
    assert per_bound == whole.per_bound
    assert sessions[-1].checkpoint.executions == whole.executions


def test_explore_strategy_dfs():
    r = kernsim.explore(scn(), strategy="dfs", bound=1, dpor=True, runs=100000,
                        variant="no_done_check")
    assert r.failure is not None and r.search.bound == 1


def test_random_failure_minimizes_to_the_dfs_bound():
    rnd = kernsim.explore(scn(), strategy="random", runs=20000, seed=5, variant="no_done_check")
    assert rnd.failure is not None
    smallest = kernsim.search(scn(), bound=3, variant="no_done_check").bound
    assert rnd.failure.preemptions > smallest  # many preemptions to shave
    m = minimize.minimize(rnd.repro, programs=False)
    assert m.preemptions_after <= smallest < m.preemptions_before
    assert m.repro.expected.signature == rnd.failure.signature
    again = kernsim.run_repro(m.repro)
    assert (again.kind, again.signature) == (rnd.failure.kind, rnd.failure.signature)
    assert again.preemptions == m.preemptions_after


def test_jobs_two_same_failures_as_jobs_one():
    for strategy in ("random", "pct"):
        one = parallel.explore_parallel(scn(), jobs=1, strategy=strategy, runs=3000, seed=11,
                                        variant="no_done_check", stop_on_failure=False)
        two = parallel.explore_parallel(scn(), jobs=2, strategy=strategy, runs=3000, seed=11,
                                        variant="no_done_check", stop_on_failure=False)
        assert one.runs == two.runs == 3000
        assert one.signatures() == two.signatures() and one.signatures()
        assert one.failed_runs == two.failed_runs
        assert one.failure.execution == two.failure.execution


def _cli(*args):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    return subprocess.run([sys.executable, "-m", "kernsim", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=120)


def test_cli_dfs_exhausts_and_finds(tmp_path):
    p = _cli("explore", PROGRAM, "--strategy", "dfs", "--dpor", "--bound", "2", "--quiet",
             "--runs", "100000")
    assert p.returncode == 0, p.stderr
    assert "exhausted=yes" in p.stdout
    out = str(tmp_path / "f.repro.txtpb")
    p = _cli("explore", PROGRAM, "--strategy", "dfs", "--bound", "2", "--variant",
             "no_done_check", "--quiet", "--out", out, "--runs", "200000")
    assert p.returncode == 1, p.stderr
    assert "bound=1" in p.stdout
    p = _cli("minimize", out)
    assert p.returncode == 0, p.stderr + p.stdout


def test_cli_jobs(tmp_path):
    p = _cli("explore", PROGRAM, "--strategy", "random", "--jobs", "2", "--runs", "2000",
             "--variant", "no_done_check", "--quiet", "--out", str(tmp_path / "j.repro.txtpb"))
    assert p.returncode == 1, p.stderr
    assert "jobs=2" in p.stdout
