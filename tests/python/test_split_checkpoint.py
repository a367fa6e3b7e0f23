"""A split search stopped (--runs, --time, a failure, Ctrl-C) and continued
from its checkpoint (kernsim/split_checkpoint.py), with any number of jobs;
Ctrl-C for a search in one process too."""

import os
import re
import signal
import subprocess
import sys

import pytest

import kernsim
from kernsim import dfs_split

ROOT = os.environ.get("KERNSIM_ROOT", os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
PROGRAM = os.path.join(ROOT, "scenarios/sample/handshake.py:submit_program")
ONE_CLIENT = {"clients": 1}
ALL = 10 ** 9


def _sessions(scn, budgets, jobs, tmp_path, **kw):
    """The split run in sessions of `budgets` executions (the last to the
    end), each resumed from the file the one before saved."""
    out, resume = [], None
    for i, (runs, j) in enumerate(zip(budgets, jobs)):
        r = dfs_split.search_parallel(scn, jobs=j, max_executions=runs, resume=resume, **kw)
        out.append(r)
        resume = str(tmp_path / f"ck{i}.txtpb")
        kernsim.save_checkpoint(r.checkpoint, resume)
    return out


def test_plain_split_sessions_partition_the_search_exactly(tmp_path):
    scn = kernsim.resolve(PROGRAM)
    kw = dict(bound=2, params=ONE_CLIENT, variant="no_done_check", stop_on_failure=False)
    whole = kernsim.search(scn, max_executions=ALL, **kw)
    s = _sessions(scn, [2000, 3000, ALL], [2, 3, 1], tmp_path, slice_executions=500, **kw)
    assert [r.exhausted for r in s] == [False, False, True]
    assert [r.executions for r in s[:2]] == [2000, 3000]
    assert sum(r.executions for r in s) == whole.executions
    per_bound = [sum(r.per_bound[b] if b < len(r.per_bound) else 0 for r in s)
                 for b in range(len(whole.per_bound))]
    assert per_bound == whole.per_bound
    assert sum(r.failures for r in s) == whole.failures
    assert s[-1].checkpoint.executions == whole.executions
    assert s[-1].checkpoint.split and not s[-1].checkpoint.todo


def test_dpor_split_resumed_finds_what_one_search_finds(tmp_path):
    scn = kernsim.resolve(PROGRAM)
    kw = dict(bound=3, dpor=True, variant="no_done_check", stop_on_failure=False)
    whole = kernsim.search(scn, max_executions=ALL, **kw)
    s = _sessions(scn, [5000, ALL], [2, 2], tmp_path, **kw)
    assert not s[0].exhausted and s[1].exhausted
    assert s[0].checkpoint.taken  # the prefixes taken, per bound
    found = {sig for r in s for sig in r.signatures()}
    assert sorted(found) == whole.signatures()
    total = sum(r.executions for r in s)
    assert whole.executions * 0.9 <= total <= whole.executions * 1.1


def test_a_split_stopped_by_its_failure_resumes_to_the_end(tmp_path):
    scn = kernsim.resolve(PROGRAM)
    kw = dict(bound=2, params=ONE_CLIENT, variant="no_done_check")
    whole = kernsim.search(scn, max_executions=ALL, stop_on_failure=False, **kw)
    first = dfs_split.search_parallel(scn, jobs=2, max_executions=ALL, **kw)
    assert first.failure is not None and not first.exhausted
    rest = dfs_split.search_parallel(scn, jobs=2, max_executions=ALL, stop_on_failure=False,
                                     resume=first.checkpoint, **kw)
    assert rest.exhausted
    # The failing part handed on what it left, as did the parts stopped for it.
    assert first.executions + rest.executions == whole.executions


def test_checkpoints_do_not_cross(tmp_path):
    scn = kernsim.resolve(PROGRAM)
    split = dfs_split.search_parallel(scn, jobs=2, bound=1, max_executions=100)
    with pytest.raises(kernsim.KernsimError, match="split search's"):
        kernsim.search(scn, bound=1, resume=split.checkpoint)
    one = kernsim.search(scn, bound=1, max_executions=100)
    with pytest.raises(kernsim.KernsimError, match="one process"):
        dfs_split.search_parallel(scn, jobs=2, bound=1, resume=one.checkpoint)
    with pytest.raises(kernsim.KernsimError, match="bound=1"):
        dfs_split.search_parallel(scn, jobs=2, bound=2, resume=split.checkpoint)
    with pytest.raises(kernsim.KernsimError, match="variant"):
        dfs_split.search_parallel(scn, jobs=2, bound=1, variant="no_done_check",
                                  resume=split.checkpoint)


def test_a_malformed_split_checkpoint_names_the_field():
    scn = kernsim.resolve(PROGRAM)
    c = dfs_split.search_parallel(scn, jobs=2, bound=3, dpor=True, max_executions=2000,
                                  stop_on_failure=False).checkpoint
    bad = type(c)()
    bad.CopyFrom(c)
    bad.taken[0].segment[0].parent = 999
    with pytest.raises(kernsim.ReproError, match=r"taken\[0\]\.segment\[0\]\.parent = 999"):
        dfs_split.search_parallel(scn, jobs=2, bound=3, dpor=True, resume=bad)
    bad.CopyFrom(c)
    bad.todo[0].decisions.decision.add()
    with pytest.raises(kernsim.ReproError, match=r"todo\[0\]\.decisions"):
        dfs_split.search_parallel(scn, jobs=2, bound=3, dpor=True, resume=bad)
    bad.CopyFrom(c)
    bad.todo[0].bound = 7
    with pytest.raises(kernsim.ReproError, match=r"todo\[0\]: bound 7"):
        dfs_split.search_parallel(scn, jobs=2, bound=3, dpor=True, resume=bad)


def test_cli_split_checkpoint_and_resume(cli, tmp_path):
    common = ["explore", PROGRAM, "--strategy", "dfs", "--bound", "2", "--param", "clients=1",
              "--quiet"]
    p = cli(*common, "--jobs", "2", "--runs", "4000", "--checkpoint", "ck.txtpb")
    assert p.returncode == 0, p.stderr
    assert "executions=4000 " in p.stdout and "exhausted=no" in p.stdout
    # A split checkpoint is continued as a split, here in one process.
    p = cli(*common, "--runs", "1000000", "--resume", "ck.txtpb", "--checkpoint", "ck2.pb")
    assert p.returncode == 0, p.stderr
    assert "jobs=1 " in p.stdout and "executions=2720 " in p.stdout  # 6720 in all
    assert "exhausted=yes" in p.stdout
    assert kernsim.load_checkpoint(str(tmp_path / "ck2.pb")).executions == 6720  # binary


def test_a_file_that_is_no_checkpoint_is_named(tmp_path):
    # Binary unless the name ends in .txtpb: an empty or foreign file, or a
    # text checkpoint under another name, is refused with a hint.
    for name, data in [("empty.pb", b""), ("junk.pb", b"\x08\x07garbage"),
                       ("text.pb", b"version: 1\n"), ("junk.txtpb", b"no such: field\n")]:
        (tmp_path / name).write_bytes(data)
        with pytest.raises(kernsim.ReproError, match=f"{name}: not a DfsCheckpoint"):
            kernsim.load_checkpoint(str(tmp_path / name))


def test_cli_time_bounds_a_dfs_search(cli):
    p = cli("explore", PROGRAM, "--strategy", "dfs", "--bound", "2", "--runs", "100000000",
            "--time", "0.5", "--quiet")
    assert p.returncode == 0, p.stderr
    assert "exhausted=no" in p.stdout
    # --time bounds pct too now (test_ci.py); a checkpoint is still dfs's.
    p = cli("explore", PROGRAM, "--strategy", "pct", "--checkpoint", "ck.pb")
    assert p.returncode == 2 and "--strategy dfs" in p.stderr


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_stops_a_search_at_its_checkpoint(cli, tmp_path, jobs):
    # Two clients, bound 1: 124,704 executions (under a second). Ctrl-C once the
    # first progress line shows: the search (every part, with --jobs 2)
    # stops between executions, the checkpoint keeps all it did, and the
    # resumed search runs exactly the rest.
    common = ["explore", PROGRAM, "--strategy", "dfs", "--bound", "1", "--runs", "100000000",
              "--jobs", jobs]
    p = subprocess.Popen([sys.executable, "-m", "kernsim", *common, "--checkpoint", "ck.pb",
                          "--progress-every", "20000"],
                         cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env=dict(os.environ, KERNSIM_ROOT=ROOT))
    try:
        line = p.stderr.readline()
        assert " executions, " in line, line
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=120)
    finally:
        p.kill()
    assert p.returncode == 130, err
    done = int(re.search(r"interrupted after (\d+) executions", err).group(1))
    assert "exhausted=no" in out and done < 124704
    assert kernsim.load_checkpoint(str(tmp_path / "ck.pb")).executions == done
    r = cli(*common, "--resume", "ck.pb", "--quiet")
    assert r.returncode == 0, r.stderr
    assert "exhausted=yes" in r.stdout and f"executions={124704 - done} " in r.stdout
