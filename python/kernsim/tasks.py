"""The parts of a split campaign, as a worker runs them.

A part is a plain function of picklable arguments, so the same part runs in
a child forked on this machine (`--jobs`, forked.py) or as a task on a Dask
worker (`--cluster`, cluster.py): a chunk of a random/PCT campaign's
executions (seed_chunk), or a DFS search restricted to some subtrees
(dfs_part). What to run is a `job`: the run's RunSpec (serialized; a
Program scenario is all in it), and for a Python scenario the script's path,
imported again where the part runs (a cluster's workers must see the script
at the same path).
"""

from . import _core
from . import api
from . import kernsim_pb2 as pb
from . import forked
from . import repro as repro_io
from .errors import ScenarioError
from .scenario import load_module, scenarios_in

BIG = 10 ** 12  # no progress callbacks in a part


def describe(scn, spec):
    """The job of a run of `scn` as RunSpec `spec` describes it: what every
    part of a split runs."""
    job = {"spec": spec.SerializeToString()}
    if not scn.program:
        job["module"] = scn.module_file
    return job


_RESOLVED = {}  # job key -> (Scenario, set-up function), per process


def _key(job):
    return (job["module"], job["spec"])


def remember(job, scn, setup):
    """Lets parts forked from this process use `setup` without importing the
    script again."""
    if "module" in job:
        _RESOLVED[_key(job)] = (scn, setup)


def _resolve(job):
    """(Scenario or None, set-up function or None, RunSpec) of a job."""
    spec = pb.RunSpec.FromString(job["spec"])
    if "module" not in job:
        return None, None, spec
    key = _key(job)
    if key not in _RESOLVED:
        name = spec.scenario.name
        found = scenarios_in(load_module(job["module"]))
        if name not in found:
            raise ScenarioError(f"{job['module']} has no scenario '{name}' here")
        scn = found[name]
        params = api.scenario_params(spec.scenario.params, job["module"])
        _RESOLVED[key] = (scn, api._setup_for(scn, spec.variant, params,
                                              (spec.driver_conf, spec.driver_conf_file)))
    return _RESOLVED[key] + (spec,)


def seed_chunk(job, first, runs, max_seconds=0):
    """Executions first .. first+runs-1 of a campaign (for at most
    max_seconds, 0: no bound); the first failure of every (kind, signature)
    comes back, each with its repro."""
    scn, setup, spec = _resolve(job)
    spec.first_execution, spec.runs = int(first), int(runs)
    spec.max_seconds = float(max_seconds)
    return api._call_core(_core.explore, setup, spec.SerializeToString(), None, BIG, scn=scn)


def dfs_part(job, opts, prefixes):
    """A bounded search of the subtrees under `prefixes` (serialized
    SplitPrefix messages, or (decisions, preemptions[, siblings done])): its counts,
    its trace hashes (bytes, or None when too many), the simplest failure of
    every (kind, signature), with opts["want_remainder"] the work its budget
    left ("remainder", serialized SplitPrefix messages: the generated
    classes do not pickle, bytes do), also when the split asked for
    it early ("yielded": forked.py, handing work on), with DPOR the
    alternatives its races asked for at prefix decisions ("requests") and
    the siblings it searched ("explored"). opts: the part's own budget and
    bound ("max_executions", "max_seconds", "bound", "iterative") and
    "want_remainder"; the rest of the protocol is runner/dfs_split.h's."""
    scn, setup, spec = _resolve(job)
    if "max_executions" in opts:
        spec.runs = int(opts["max_executions"])
    if "max_seconds" in opts:
        spec.max_seconds = opts["max_seconds"]
    if "bound" in opts:
        spec.strategy.bound = int(opts["bound"])
    if "iterative" in opts:
        spec.strategy.single_bound = not opts["iterative"]
    part = spec.split
    part.restricted, part.collect_hashes = True, True
    part.want_remainder = bool(opts.get("want_remainder"))
    for p in prefixes:
        prefix_to_proto(p, part.prefix.add())
    word, call = forked.yield_word() or (None, 1)
    res = api._call_core(_core.search, setup, spec.SerializeToString(), None, BIG, None, word,
                         call, scn=scn)
    report = pb.SplitReport.FromString(res.pop("split"))
    res["hashes"] = report.hashes if report.hashes_complete else None
    res["remainder"] = [p.SerializeToString() for p in report.remainder]
    res["requests"] = [prefix_tuple(p) for p in report.request]
    res["explored"] = [repro_io.decisions_from_proto(e) for e in report.explored]
    res["yielded"] = report.yielded
    return res


def prefix_to_proto(p, m):
    """A prefix (a serialized SplitPrefix, or (decisions, preemptions[,
    siblings done])) into the SplitPrefix `m`."""
    if isinstance(p, bytes):
        m.ParseFromString(p)
        return
    repro_io.decisions_to_proto(p[0], m.decisions)
    m.preemptions = p[1]
    for done in p[2] if len(p) > 2 else ():
        m.siblings_done.add().thread.extend(done)


def prefix_tuple(p):
    """(decisions, preemptions) of a SplitPrefix (or its bytes)."""
    if isinstance(p, bytes):
        p = pb.SplitPrefix.FromString(p)
    return repro_io.decisions_from_proto(p.decisions), p.preemptions


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
