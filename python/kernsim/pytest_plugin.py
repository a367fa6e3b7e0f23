"""kernsim in pytest: `python3 -m pytest -p kernsim.pytest_plugin`, or the
line `pytest_plugins = ["kernsim.pytest_plugin"]` in a conftest.py.

Two ways to explore a scenario in a test:

    @pytest.mark.kernsim(runs=10000, strategy="pct", variant="none", seed=0)
    def test_submit():
        return submit                 # the test returns the scenario

    def test_submit_fixture(kernsim_explore):
        kernsim_explore(submit, runs=10000, variant="none")

Keyword arguments are kernsim.explore's (runs, strategy, seed, variant,
params, depth, max_seconds, ...). A failure fails the test with three lines:
the failure's one-line cause, the repro's path and the command replaying
it. Repros go under the test's tmp_path, or into the folder given by
`--kernsim-repro-dir DIR` (or the ini option kernsim_repro_dir)."""

import os
import shlex

import pytest

from . import api
from . import repro as repro_io
from .scenario import Scenario

MARKER = "kernsim"


def pytest_addoption(parser):
    parser.addoption("--kernsim-repro-dir", metavar="DIR", default=None,
                     help="kernsim: write failing explorations' repros here "
                     "(default: the test's tmp_path)")
    parser.addini("kernsim_repro_dir", "kernsim: where failing explorations' repros go",
                  default="")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", f"{MARKER}(runs=10000, strategy='pct', variant='none', seed=0, ...): "
        "explore the scenario the test returns with kernsim.explore; fail the test on a "
        "failure, with its cause, repro path and replay command")


def _repro_dir(config, tmp_path):
    d = config.getoption("kernsim_repro_dir") or config.getini("kernsim_repro_dir")
    return os.path.abspath(d) if d else str(tmp_path)


def failure_text(f, path, where=()):
    """What a failing test says: never the Failure dataclass. `where`: the
    operations the failure turns on, at source (sites.failure_where)."""
    cause = " ".join(x.strip() for x in str(f.message).splitlines() if x.strip())
    return (f"kernsim: {f.kind} in thread {f.thread or '-'} at step {f.step}: {cause}\n"
            + (f"at: {'; '.join(where)}\n" if where else "")
            + f"repro: {path}\n"
            f"replay: kernsim replay {shlex.quote(path)}")


def explore_or_fail(scn, repro_dir, **kw):
    """Explores `scn`; returns the ExploreResult when nothing failed, else
    saves the repro under `repro_dir` and fails the running test."""
    if not isinstance(scn, Scenario):
        pytest.fail(f"kernsim: want a scenario (@kernsim.scenario), got {type(scn).__name__}",
                    pytrace=False)
    res = api.explore(scn, **kw)
    if res.failure is None:
        return res
    os.makedirs(repro_dir, exist_ok=True)
    path = os.path.join(repro_dir, f"{scn.name}-{res.variant}.repro.txtpb")
    repro_io.save(res.repro, path)
    pytest.fail(failure_text(res.failure, path, _where(res.repro, path)), pytrace=False)


def _where(r, path):
    """The failure's source lines, from one replay with its trace (the
    exploration kept none); () when the replay cannot say."""
    from . import sites
    from .errors import KernsimError
    try:
        got = api.run_repro(r, path)
    except KernsimError:
        return ()
    return tuple(sites.failure_where(got.trace, got)) if got.kind != "pass" else ()


@pytest.fixture
def kernsim_explore(request, tmp_path):
    """kernsim_explore(scenario, **explore_kwargs): explore, and fail the
    test on a failure (cause, repro path, replay command)."""
    d = _repro_dir(request.config, tmp_path)
    return lambda scn, **kw: explore_or_fail(scn, d, **kw)


@pytest.fixture(autouse=True)
def _kernsim_marked(request):
    """A marked test's repro folder (its tmp_path is only made when asked)."""
    if request.node.get_closest_marker(MARKER) is not None:
        request.node._kernsim_repro_dir = _repro_dir(request.config,
                                                     request.getfixturevalue("tmp_path"))
    yield


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    marker = pyfuncitem.get_closest_marker(MARKER)
    if marker is None:
        return None
    if marker.args:
        pytest.fail("kernsim marker: keyword arguments only, as kernsim.explore's",
                    pytrace=False)
    names = pyfuncitem._fixtureinfo.argnames
    scn = pyfuncitem.obj(**{n: pyfuncitem.funcargs[n] for n in names})
    explore_or_fail(scn, pyfuncitem._kernsim_repro_dir, **marker.kwargs)
    return True
