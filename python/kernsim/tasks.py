"""The parts of a split campaign, as a worker runs them.

A part is a plain function of picklable arguments, so the same part runs in
a child forked on this machine (`--jobs`, forked.py) or as a task on a Dask
worker (`--cluster`, cluster.py): a chunk of a random/PCT campaign's
executions (seed_chunk), or a DFS search restricted to some subtrees
(dfs_part). What to run is a `job`: a Program's bytes (the whole scenario),
or a Python scenario's script path, name, variant and parameters, imported
again where the part runs (a cluster's workers must see the script at the
same path).
"""

from . import _core
from . import api
from . import forked
from .errors import ScenarioError
from .scenario import load_module, scenarios_in

BIG = 10 ** 12  # no progress callbacks in a part


def describe(scn, variant, params, world):
    """The job of a scenario run: what every part of a split runs."""
    job = {"world": dict(world)}
    if scn.program:
        job["program"] = api._setup_for(scn, variant, params)
    else:
        job.update(module=scn.module_file, name=scn.name, variant=variant,
                   params=dict(params or {}))
    return job


_RESOLVED = {}  # job key -> (Scenario, set-up function), per process


def _key(job):
    return (job["module"], job["name"], job["variant"], repr(sorted(job["params"].items())))


def remember(job, scn, setup):
    """Lets parts forked from this process use `setup` without importing the
    script again."""
    if "program" not in job:
        _RESOLVED[_key(job)] = (scn, setup)


def _resolve(job):
    if "program" in job:
        return None, job["program"]
    key = _key(job)
    if key not in _RESOLVED:
        found = scenarios_in(load_module(job["module"]))
        if job["name"] not in found:
            raise ScenarioError(f"{job['module']} has no scenario '{job['name']}' here")
        scn = found[job["name"]]
        _RESOLVED[key] = (scn, api._setup_for(scn, job["variant"], job["params"]))
    return _RESOLVED[key]


def seed_chunk(job, strat, first, runs, stop_on_failure):
    """Executions first .. first+runs-1 of a campaign; the first failure of
    every (kind, signature) comes back."""
    scn, setup = _resolve(job)
    return api._call_core(_core.explore, setup, strat, int(runs), int(first), job["world"],
                          bool(stop_on_failure), None, BIG, True, scn=scn)


def dfs_part(job, opts, prefixes):
    """A bounded search of the subtrees under `prefixes` ((decisions,
    preemptions[, siblings done]) or the bytes of a remainder): its counts,
    its trace hashes (bytes, or None when too many), the simplest failure of
    every (kind, signature), with opts["want_remainder"] the work its budget
    left ("remainder", prefixes as bytes), also when the split asked for it
    early ("yielded": forked.py, handing work on), with DPOR the
    alternatives its races asked for at prefix decisions ("requests")."""
    scn, setup = _resolve(job)
    o = dict(opts, prefixes=[p if isinstance(p, bytes) else tuple(p) for p in prefixes],
             collect_hashes=True, collect_failures=True, want_state=False)
    if forked.yield_word() is not None:
        o["yield_word"], o["yield_call"] = forked.yield_word()
    res = api._call_core(_core.search, setup, o, job["world"], None, BIG, None, scn=scn)
    res.pop("state", None)  # a part is not resumable (see dfs_split.py)
    res.pop("prefixes", None)
    return res


def run_pool(next_call, on_result, at_once, cluster=None, cluster_timeout=None, steal=None,
             interruptible=False):
    """Keeps `at_once` parts running: in forked workers here, or each as a
    task on the Dask scheduler at `cluster` (tcp://HOST:PORT;
    `cluster_timeout` seconds to reach it and see a worker). next_call()
    gives (tag, part, args) or None; on_result(tag, result) takes results;
    steal(tags), here only, picks a running part to hand its work on when a
    worker is idle (forked.run_pool). True if Ctrl-C stopped it (here only,
    with interruptible: the parts hand their work on; on a cluster Ctrl-C
    is a KeyboardInterrupt)."""
    if cluster:
        from . import cluster as cluster_mod
        cluster_mod.run_pool(cluster, next_call, on_result, at_once,
                             cluster_timeout or cluster_mod.CONNECT_TIMEOUT)
        return False
    return forked.run_pool(next_call, on_result, at_once, steal, interruptible)


def run_all(calls, cluster=None, cluster_timeout=None):
    """calls: [(part, args), ...], all at once; their results, in order."""
    todo = [(i, part, args) for i, (part, args) in enumerate(calls)][::-1]
    results = {}
    run_pool(lambda: todo.pop() if todo else None, results.__setitem__, len(calls), cluster,
             cluster_timeout)
    return [results[i] for i in range(len(calls))]
