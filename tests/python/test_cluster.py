"""`--cluster`: the --jobs parts as tasks on a Dask cluster (kernsim/cluster.py).
A scheduler and two workers (one with a nanny, one without) are started on
loopback for this module, from this build; the merged results must equal
those of one process for the same seeds."""

import os
import signal
import socket
import subprocess
import sys
import time

import pytest

import kernsim
from kernsim import dfs_split, parallel

distributed = pytest.importorskip("distributed")
# tornado (Debian's, under distributed 2022.12) on Python 3.11; not ours.
pytestmark = pytest.mark.filterwarnings("ignore:make_current is deprecated:DeprecationWarning")

ROOT = os.environ.get("KERNSIM_ROOT", os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
PROGRAM = os.path.join(ROOT, "scenarios/sample/handshake.py:submit_program")
PYTHON = os.path.join(ROOT, "scenarios/sample/handshake.py:submit")
BUILD_PY = os.path.dirname(os.path.dirname(os.path.abspath(kernsim.__file__)))
START_TIMEOUT = 60   # seconds for the scheduler and both workers to come up
TEST_TIMEOUT = 120   # seconds any one test may take (a hang fails, never stalls CI)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc):
    """Ends a process this module started, and its own children (its session)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    d = tmp_path_factory.mktemp("dask")
    env = dict(os.environ, KERNSIM_ROOT=ROOT,
               PYTHONPATH=os.pathsep.join(p for p in (BUILD_PY, os.environ.get("PYTHONPATH"))
                                          if p))
    address = f"tcp://127.0.0.1:{free_port()}"
    procs = []

    def start(name, args):
        log = open(d / f"{name}.log", "w")
        procs.append(subprocess.Popen([sys.executable, "-m", *args], env=env, cwd=d,
                                      stdout=log, stderr=subprocess.STDOUT,
                                      start_new_session=True))
        log.close()

    try:
        start("scheduler", ["distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port",
                            address.rsplit(":", 1)[1], "--no-dashboard",
                            "--dashboard-address", "127.0.0.1:0"])
        for i, nanny in enumerate(("--nanny", "--no-nanny")):
            start(f"worker{i}", ["distributed.cli.dask_worker", address, "--nthreads", "1",
                                 "--host", "127.0.0.1", nanny, "--no-dashboard",
                                 "--dashboard-address", "127.0.0.1:0", "--death-timeout", "60",
                                 "--local-directory", str(d / f"w{i}")])
        client = distributed.Client(address, timeout=START_TIMEOUT, set_as_default=False)
        try:
            client.wait_for_workers(2, timeout=START_TIMEOUT)
        finally:
            client.close()
    except BaseException:
        for p in reversed(procs):
            _stop(p)
        logs = "".join(f"--- {f.name}\n{f.read_text()[-2000:]}" for f in sorted(d.glob("*.log")))
        pytest.fail(f"the local Dask cluster did not start:\n{logs}")
    yield address
    for p in reversed(procs):
        _stop(p)


@pytest.fixture(autouse=True)
def watchdog():
    def expired(signum, frame):
        raise TimeoutError(f"a cluster test took more than {TEST_TIMEOUT} s")
    old = signal.signal(signal.SIGALRM, expired)
    signal.alarm(TEST_TIMEOUT)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def tasks_run(address):
    """How many parts (cluster.kernsim_part tasks) the scheduler has seen finish."""
    with distributed.Client(address, timeout=10, set_as_default=False) as c:
        counts = c.run_on_scheduler(lambda dask_scheduler: {
            k: dict(v.state_counts) for k, v in dask_scheduler.task_prefixes.items()})
    return counts.get("kernsim_part", {}).get("memory", 0)


def campaign(spec, jobs, cluster=None, **kw):
    kw.setdefault("runs", 3000)
    kw.setdefault("seed", 11)
    return parallel.explore_parallel(kernsim.resolve(spec), jobs=jobs, stop_on_failure=False,
                                     cluster=cluster, **kw)


def same_result(one, many):
    assert many.runs == one.runs
    assert many.failed_runs == one.failed_runs
    assert many.signatures() == one.signatures()
    if one.failure is None:
        assert many.failure is None
        return
    assert many.failure.execution == one.failure.execution
    assert many.failure.hash == one.failure.hash
    assert many.failure.decisions == one.failure.decisions


@pytest.mark.parametrize("strategy", ["random", "pct"])
def test_seed_split_on_the_cluster_equals_one_process(cluster, strategy):
    before = tasks_run(cluster)
    one = campaign(PROGRAM, 1, strategy=strategy, variant="no_done_check")
    many = campaign(PROGRAM, 2, cluster, strategy=strategy, variant="no_done_check")
    assert one.failure is not None and one.failed_runs > 1
    same_result(one, many)
    assert tasks_run(cluster) - before == 2  # the two parts ran as tasks there
    if strategy == "random":  # (PCT's pilot fixes k first: api.explore learns it as it goes)
        alone = kernsim.explore(kernsim.resolve(PROGRAM), strategy="random", runs=3000, seed=11,
                                variant="no_done_check")
        assert (alone.failure.execution, alone.failure.hash) == \
            (many.failure.execution, many.failure.hash)


def test_clean_run_on_the_cluster(cluster):
    one = campaign(PROGRAM, 1, strategy="pct")
    many = campaign(PROGRAM, 3, cluster, strategy="pct")
    assert one.failure is None and one.runs == 3000
    same_result(one, many)


def test_python_scenario_on_the_cluster(cluster):
    # The workers import the scenario script again, from its path.
    one = campaign(PYTHON, 1, strategy="random", runs=400, variant="no_done_check")
    many = campaign(PYTHON, 2, cluster, strategy="random", runs=400, variant="no_done_check")
    assert one.failure is not None
    same_result(one, many)


def test_dfs_split_on_the_cluster(cluster):
    scn = kernsim.resolve(PROGRAM)
    kw = dict(bound=2, params={"clients": 1}, variant="no_done_check", stop_on_failure=False,
              max_executions=10 ** 9)
    one = kernsim.search(scn, **kw)
    # Slices of 1,000 executions: tasks keep being submitted as they hand on.
    many = dfs_split.search_parallel(scn, jobs=2, cluster=cluster, slice_executions=200, **kw)
    assert many.slices > 20
    assert many.exhausted and one.exhausted
    assert (many.executions, many.per_bound, many.distinct) == \
        (one.executions, one.per_bound, one.distinct)
    assert many.signatures() == one.signatures() == [("stuck", "stuck:cv_wait:r_cv")]
    # DPOR: parts submitted as the others' races ask for more prefixes.
    kw = dict(bound=2, dpor=True, variant="no_done_check", stop_on_failure=False)
    one = kernsim.search(scn, **kw)
    many = dfs_split.search_parallel(scn, jobs=2, cluster=cluster, **kw)
    assert many.exhausted and many.signatures() == one.signatures()
    assert one.executions <= many.executions <= one.executions * 1.1


def test_cli_on_the_cluster(cli, cluster, tmp_path):
    out = tmp_path / "c.repro.txtpb"
    p = cli("explore", PROGRAM, "--strategy", "pct", "--runs", "2000", "--jobs", "2",
            "--cluster", cluster, "--variant", "no_done_check", "--quiet", "--out", out)
    assert p.returncode == 1, p.stderr
    assert "jobs=2" in p.stdout and "stuck:cv_wait:r_cv" in p.stdout
    assert cli("replay", out).returncode == 0


def test_cli_unreachable_cluster(cli):
    t = time.monotonic()
    p = cli("explore", PROGRAM, "--strategy", "random", "--jobs", "2", "--cluster",
            f"tcp://127.0.0.1:{free_port()}", "--cluster-timeout", "1")
    assert p.returncode == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:" in p.stderr
    assert "Traceback" not in p.stderr
    assert time.monotonic() - t < TEST_TIMEOUT
