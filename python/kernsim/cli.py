"""The command line: kernsim COMMAND (the launcher <build>/bin/kernsim, or
python3 -m kernsim with the build's package on PYTHONPATH).

Exit status: explore 0 when nothing failed, 1 when a failure was found;
replay 0 when outcome and trace hash matched the repro, 1 when not (a repro
marked fixed: 0 while its failure stays gone, 1 when it is back); ci 1 when
a repro regressed or a scenario failed, else 0; show, drivers, mark-fixed 0; 2 for any usage or input error (bad scenario, malformed repro,
checkpoint, corpus or description, an option outside its range, unknown
strategy, variant or driver, a scenario that raised or called sys.exit),
reported on one line as "kernsim: error: ..." without a traceback; 130 when
Ctrl-C stopped it. Nothing else: an error kernsim did not foresee is also 2,
as "kernsim: internal error" with its traceback (a bug to report).
"""

import argparse
import ast
import os
import shlex
import sys

from google.protobuf.descriptor import FieldDescriptor

from . import api
from . import build_driver
from . import ci_cli as ci_mod
from . import fuzz_cli
from . import kernsim_pb2 as pb
from . import qemu as qemu_mod
from . import repro as repro_io
from . import progress as progress_mod
from . import show as show_mod
from .cli_types import I63, U64, int_in, rng, seconds_in
from .errors import KernsimError
from .scenario import resolve

EXIT_OK, EXIT_FOUND, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # Ctrl-C, as a shell reports SIGINT
MAX_RUNS = 10**15
MAX_BOUND = 10000
MAX_JOBS = 1024
MAX_SECONDS = 10**7
PROG = "kernsim"
# Commands printed for the user to paste: the `kernsim` launcher works in a
# fresh shell, "python3 -m kernsim" needs the right interpreter and PYTHONPATH.
REPLAY_CMD = "kernsim replay"


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """argparse, but an error is one line and exit status 2, raised so that
    main() reports it like every other input error."""

    def error(self, message):
        raise UsageError(message)


def _build_parser():
    p = _Parser(prog=PROG, description="kernsim: a deterministic kernel simulator for "
                "device-driver concurrency bugs.")
    p.add_argument("--version", action="version", version=f"{PROG} {version()}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    e = sub.add_parser("explore", help="run a scenario under a strategy until it fails",
                       description="Runs a scenario's executions under a strategy; stops at "
                       "the first failure, writes its repro and prints how to replay it.")
    e.add_argument("scenario", metavar="SCENARIO",
                   help="path/to/script.py or path/to/script.py:name")
    e.add_argument("--strategy", choices=("round_robin", "random", "pct", "dfs"), default="pct",
                   help="dfs: bounded exhaustive search (--bound, --dpor); --runs is its budget")
    e.add_argument("--runs", type=int_in(1, MAX_RUNS), default=10000,
                   help="executions (default 10000)" + rng(1, MAX_RUNS))
    e.add_argument("--seed", type=int_in(0, U64), default=0,
                   help="strategy seed (default 0)" + rng(0, "2**64-1"))
    e.add_argument("--variant", default="none",
                   help="bug variant of the driver (default: none, the correct driver)")
    e.add_argument("--depth", type=int_in(1, 1000), default=3,
                   help="PCT bug depth d (default 3)" + rng(1, 1000))
    add_world_options(e)
    e.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                   help="scenario parameter (a Python literal, else a string); repeatable")
    e.add_argument("--conf", metavar="DRIVER.conf",
                   help="the driver's driver.conf(5) (illumos) instead of the scenario's own "
                   "or the one beside the module; the repro records its text")
    e.add_argument("--out", metavar="FILE.repro.txtpb",
                   help="where to write the repro (default out/<scenario>-<variant>.repro.txtpb)")
    # Executions between progress reports: a live line on a terminal is
    # redrawn more often than a log gets a line (_progress_every).
    e.add_argument("--progress-every", type=int_in(1, I63), default=None, help=argparse.SUPPRESS)
    e.add_argument("--quiet", action="store_true", help="no header, no progress")
    e.add_argument("--bound", type=int_in(0, MAX_BOUND), default=2,
                   help="dfs: preemption bound, searched 0, 1, ... in turn (default 2)"
                   + rng(0, MAX_BOUND))
    e.add_argument("--dpor", action="store_true",
                   help="dfs: dynamic partial-order reduction with sleep sets")
    e.add_argument("--time", type=seconds_in(0, MAX_SECONDS), metavar="S",
                   help="stop after S seconds (with --runs, whichever comes first; dfs: "
                   f"--checkpoint keeps where it stopped) (0..{MAX_SECONDS}]")
    e.add_argument("--checkpoint", metavar="FILE",
                   help="dfs: write a checkpoint here when the search ends or stops "
                   "(--runs, --time, Ctrl-C); resume with --resume")
    e.add_argument("--resume", metavar="FILE",
                   help="dfs: continue from a checkpoint (a split search's: with any --jobs)")
    e.add_argument("--jobs", type=int_in(1, MAX_JOBS), default=1,
                   help="split the work over N processes (or --cluster tasks) at once: "
                   "random/pct the executions, dfs the decision tree's subtrees"
                   + rng(1, MAX_JOBS))
    e.add_argument("--cluster", metavar="tcp://HOST:PORT",
                   help="run the --jobs parts as tasks on this Dask scheduler's workers "
                   "(they need this build on their PYTHONPATH; see kernsim/cluster.py)")
    e.add_argument("--cluster-timeout", type=seconds_in(0, 3600), default=10.0,
                   metavar="SECONDS", help="how long to try to reach the --cluster scheduler "
                   "and see a worker (default 10) (0..3600]")

    m = sub.add_parser("minimize", help="shrink a failing repro",
                       description="Fewer preemptions, then fewer steps, then (Programs) "
                       "fewer calls and threads; each candidate must fail the same way.")
    m.add_argument("file", metavar="FILE", help="a failing *.repro.txtpb")
    m.add_argument("--out", metavar="FILE", help="where to write (default FILE with .min)")
    m.add_argument("--budget", type=int_in(1, MAX_RUNS), default=200000,
                   help="executions per search (default 200000)" + rng(1, MAX_RUNS))
    m.add_argument("--time", type=seconds_in(0, MAX_SECONDS, lo_open=False), default=120.0,
                   metavar="S",
                   help="stop shrinking after S seconds, keeping the smallest repro so far "
                   "(default 120; 0: no bound, the result then depends only on the repro)"
                   + rng(0, MAX_SECONDS))

    r = sub.add_parser("replay", help="replay a repro and compare outcome and trace hash",
                       description="Replays a repro; exit status 0 when the outcome and the "
                       "trace hash are the recorded ones, 1 when not.")
    r.add_argument("file", metavar="FILE", help="a *.repro.txtpb")
    r.add_argument("--trace", action="store_true", help="print the interleaving too")

    rr = sub.add_parser("rerecord", help="record a repro's failure again after an intended change",
                        description="For each repro that no longer replays (a driver or the "
                        "kernel model changed on purpose), finds the same failure (kind and "
                        "signature) again, by the recorded campaign or a bounded search, and "
                        "rewrites the repro. Exit status 0 when every repro replays or was "
                        "re-recorded, 1 when a failure was not found again.")
    rr.add_argument("files", nargs="+", metavar="FILE", help="*.repro.txtpb, rewritten in place")
    rr.add_argument("--runs", type=int_in(1, MAX_RUNS), default=100000,
                    help="executions of the campaign or search (default 100000)"
                    + rng(1, MAX_RUNS))
    rr.add_argument("--bound", type=int_in(0, MAX_BOUND), default=3,
                    help="preemption bound of the search for repros not found by a campaign "
                    "(default 3)" + rng(0, MAX_BOUND))

    s = sub.add_parser("show", help="print a repro's interleaving",
                       description="Replays a repro and prints its interleaving, one line "
                       "per event, then the failure.")
    s.add_argument("file", metavar="FILE", help="a *.repro.txtpb")
    s.add_argument("--columns", action="store_true", help="one column per thread")
    s.add_argument("--thread", action="append", default=[], metavar="NAME",
                   help="only this thread's events (repeatable; the failure is still shown)")
    s.add_argument("--steps", metavar="FROM:TO", type=_step_range,
                   help="only the events of steps FROM..TO (either side may be left out)")
    s.add_argument("--html", metavar="FILE.html",
                   help="also write the interleaving as a page: a lane per thread, time "
                   "going down, wakeups as arrows, preemptions and the racing events "
                   "marked, filters by thread and step (one self-contained file)")

    dv = sub.add_parser("drivers", help="list drivers, personalities and bug variants",
                        description="Lists the drivers in the driver path (the build's own, "
                        "then $KERNSIM_DRIVER_PATH), or the modules given with --load.")
    dv.add_argument("--load", action="append", default=[], metavar="MODULE.so",
                    help="list this module file instead (checks that it loads); repeatable")
    dv.add_argument("--personality", choices=build_driver.PERSONALITIES,
                    help="with --load: refuse a module of another personality")

    b = sub.add_parser("build-driver", help="build a driver module from C sources (out of tree)",
                       description="Compiles and links C sources against a personality's "
                       "headers into a driver module, with the flags the shipped drivers "
                       "are built with, then loads it once to check it. Use the module as "
                       "@kernsim.scenario(driver=\"path/to/MODULE.so\").")
    b.add_argument("sources", nargs="+", metavar="SRC.c")
    b.add_argument("--personality", required=True, choices=build_driver.PERSONALITIES)
    b.add_argument("-o", "--output", required=True, metavar="MODULE.so")
    b.add_argument("-D", dest="defines", action="append", default=[], metavar="NAME[=VALUE]",
                   help="a preprocessor definition (e.g. -D FIXED for a fixed twin); repeatable")
    b.add_argument("-I", dest="includes", action="append", default=[], metavar="DIR",
                   help="another include directory; repeatable")
    b.add_argument("--cc", help="the C compiler (default: $CC, else the one kernsim was built with)")
    b.add_argument("--no-coverage", action="store_true",
                   help="no edge-coverage build (cov/MODULE.so beside the module, which "
                   "kernsim fuzz loads): the driver cannot then be fuzzed")
    b.add_argument("--race", action="store_true",
                   help="the race-instrumented build: a World run with --detect-races "
                   "reports data races in it (put it at DIR/race/NAME.so of a driver "
                   "directory to have it loaded by name)")
    mf = sub.add_parser("mark-fixed", help="mark repros whose bug was fixed",
                        description="Sets expect_fixed in each repro: from then on replay "
                        "and ci pass while its failure (kind and signature) no longer "
                        "happens, and fail when it comes back.")
    mf.add_argument("files", nargs="+", metavar="FILE", help="*.repro.txtpb, rewritten in place")
    mf.add_argument("--undo", action="store_true", help="clear the mark instead")
    fuzz_cli.add_parser(sub, None)
    ci_mod.add_parser(sub)
    qemu_mod.add_parser(sub)
    return p


# ---- World options: one per WorldSpec field (kernsim.proto) ----

# What --help says of each; a field added to the proto gets its option (and
# reaches the RunSpec, the repro and C++) with no code, and a line here.
_WORLD_HELP = {
    "max_steps": "step budget per execution (default 0: the simulator's, 1000000)",
    "inject_faults": "let the strategy inject faults (allocation failure, EIO, ...)",
    "spurious_wakeups": "let the strategy wake condvar waiters spuriously",
    "detect_races": "report data races in driver memory (loads the race-instrumented "
                    "build of each driver named by name: kernsim_add_driver RACE, or "
                    "build-driver --race)",
    "preempt_at_access": "make an access of race-instrumented driver code to memory "
                         "another thread touched a scheduling point (finds a race's "
                         "consequence: the lost update, the leak)",
    "hung_task_s": "seconds of virtual time every thread must sleep, with no timeout of its "
                   "own, before a periodic running beside them is stopped and the hang "
                   "reported (default 0: 120)",
    "no_boot_image": "boot every execution instead of starting each from the first one's "
                     "booted kernel (the same executions, slower)",
}
# Fields asked for another way: the hang limit is the process's, in seconds,
# for every command (main() sets it; api.world_spec() puts it in the spec).
_WORLD_OTHER = {"hang_ms": "--hang-limit"}
_INT_MAX = {FieldDescriptor.TYPE_UINT32: 2**32 - 1, FieldDescriptor.TYPE_UINT64: I63,
            FieldDescriptor.TYPE_INT32: 2**31 - 1, FieldDescriptor.TYPE_INT64: I63}


def world_fields():
    """The WorldSpec fields that are options of their own: (field, --flag)."""
    return [(f, "--" + f.name.replace("_", "-")) for f in pb.WorldSpec.DESCRIPTOR.fields
            if f.name not in _WORLD_OTHER]


def add_world_options(p):
    p.add_argument("--hang-limit", type=seconds_in(0.001, 3600, lo_open=False), metavar="S",
                   help="a thread that runs S seconds of CPU time with no scheduling point "
                   "is a hang failure (default 10) [0.001..3600]")
    for f, flag in world_fields():
        help_ = _WORLD_HELP.get(f.name, f"World option {f.name} (kernsim.proto WorldSpec)")
        if f.type == FieldDescriptor.TYPE_BOOL:
            p.add_argument(flag, action="store_true", help=help_)
            continue
        hi = _INT_MAX.get(f.type)
        if hi is None:
            raise TypeError(f"WorldSpec.{f.name}: no command-line form for its type")
        p.add_argument(flag, type=int_in(0, hi), default=0, help=help_ + rng(0, hi))


def world_of(a):
    """The WorldSpec the options `a` ask for."""
    return api.world_spec(**{f.name: getattr(a, f.name) for f, _ in world_fields()})


def _describe_world(w):
    return " ".join(f"{f.name}={_onoff(v) if isinstance(v, bool) else v}"
                    for f, v in ((f, getattr(w, f.name)) for f in w.DESCRIPTOR.fields))


# ---- helpers ----

def _params(items):
    out = {}
    for it in items:
        k, eq, v = it.partition("=")
        k = k.strip()
        if not eq or not k.isidentifier():
            raise UsageError(f"argument --param: want KEY=VALUE with KEY a Python name, got '{it}'")
        try:
            out[k] = ast.literal_eval(v)
        except (ValueError, SyntaxError):
            out[k] = v
    return out


def _check_variant(driver, variant):
    info = api.module_info(driver)
    names = [n for n, _ in info["variants"]]
    if variant not in names:
        raise KernsimError(f"driver {info['name']} has no variant '{variant}' "
                           f"(variants: {', '.join(names)})")


def _onoff(b):
    return "yes" if b else "no"


def _indent(text, pad="    "):
    return "\n".join(pad + line for line in str(text).splitlines()) or pad.rstrip()


def _scenario_label(spec, scn):
    return spec if ":" in spec else f"{spec}:{scn.name}"


def _describe_repro(r):
    if r.scenario.module:
        what = f"scenario {r.scenario.module}:{r.scenario.name}"
        if r.scenario.params:
            what += " (" + ", ".join(f"{k}={v}" for k, v in sorted(r.scenario.params.items())) + ")"
    else:
        what = "program of " + ", ".join(t.name for t in r.program.thread)
    confs = [d.conf_file or f"{d.name} conf" for d in r.program.driver if d.conf]
    if r.driver_conf:
        confs.append(r.driver_conf_file or "conf")
    if confs:
        what += ", driver.conf " + ", ".join(confs)
    fb = r.found_by
    how = f"found by {fb.name} seed {fb.seed}" if fb.name else "origin unknown"
    if fb.name == "pct":
        how += f" depth {fb.pct_depth}"
    return (f"{what}, driver {r.driver} variant {r.variant}; {how}, execution {r.execution}, "
            f"{len(r.schedule.decision)} decisions")


def _outcome_line(kind, signature, step, hash_):
    return f"{kind:<10} {signature or '-':<34} steps {step:<6} hash {hash_}"


# ---- commands ----

def _with_conf_option(scn, path):
    """The scenario with --conf FILE's text as its driver.conf."""
    if path is None:
        return scn
    try:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8")
    except OSError as e:
        raise UsageError(f"--conf {path}: {e.strerror}") from None
    except UnicodeDecodeError as e:
        raise UsageError(f"--conf {path}: not text (byte {e.start} is not UTF-8)") from None
    return scn.with_conf(text, path)


def cmd_explore(a):
    scn = _with_conf_option(resolve(a.scenario), a.conf)
    params = _params(a.param)
    _check_variant(scn.driver, a.variant)
    label = _scenario_label(a.scenario, scn)
    out_path = a.out or os.path.join("out", f"{scn.name}-{a.variant}.repro.txtpb")
    if a.strategy != "dfs" and (a.checkpoint or a.resume):
        raise UsageError("--checkpoint and --resume are for --strategy dfs (random "
                         "and pct are continued with --seed)")
    a.world = world_of(a)
    resumed = api.load_checkpoint(a.resume) if a.resume else None
    split = a.jobs > 1 or a.cluster or (resumed is not None and resumed.split)
    if split:
        _check_split(a)
    if not a.quiet:
        print(f"kernsim explore scenario={label} driver={scn.driver} variant={a.variant} "
              f"strategy={a.strategy} seed={a.seed} runs={a.runs} depth={a.depth} "
              + _describe_world(a.world)
              + "".join(f" param:{k}={v!r}" for k, v in params.items())
              + (f" conf={scn.driver_conf()[1]}" if scn.driver_conf()[0] else "")
              + f" out={out_path} path={'program' if scn.program else 'python'}"
              + (f" jobs={a.jobs}" if split else "")
              + (f" cluster={a.cluster}" if a.cluster else ""), flush=True)

    a.progress_every = _progress_every(a)
    if a.strategy == "dfs":
        if split:
            return _explore_dfs_split(a, scn, params, out_path, resumed)
        return _explore_dfs(a, scn, params, out_path, resumed)
    prog = progress_mod.Progress("explore", "runs", total=a.runs, seconds=a.time, quiet=a.quiet)
    at_most = "<= " if split else ""  # a split's parts' sum: an upper bound

    def progress(runs, distinct):
        prog.update(runs, f"kernsim: {runs} runs, {at_most}{distinct} distinct interleavings, "
                    f"{prog.rate:.0f} runs/s",
                    info=f"{at_most}{distinct:,} distinct interleavings")

    try:
        with prog:
            if split:
                from . import parallel
                res = parallel.explore_parallel(
                    scn, jobs=a.jobs, strategy=a.strategy, runs=a.runs, seed=a.seed,
                    variant=a.variant, params=params, depth=a.depth, world=a.world,
                    max_seconds=a.time or 0, cluster=a.cluster,
                    cluster_timeout=a.cluster_timeout, progress=None if a.quiet else progress)
            else:
                res = api.explore(scn, strategy=a.strategy, runs=a.runs, seed=a.seed,
                                  variant=a.variant, params=params, depth=a.depth,
                                  world=a.world, progress=None if a.quiet else progress,
                                  progress_every=a.progress_every, max_seconds=a.time or 0)
    except KeyboardInterrupt:
        prog.interrupted(f"no failure found (continue with another --seed than {a.seed})")
        return EXIT_INTERRUPTED
    if split:
        print(f"jobs={res.jobs} runs={res.runs} distinct_interleavings<={res.distinct} "
              f"runs/s={res.runs_per_sec:.0f} seconds={res.seconds:.2f} "
              f"failure_signatures={len(res.failures)}"
              + (f" (stopped at the {a.time:g} s time bound)" if res.timed_out else ""))
    else:
        print(f"runs={res.runs} distinct_interleavings={res.distinct} "
              f"runs/s={res.runs_per_sec:.0f} seconds={res.seconds:.2f}"
              + (f" (stopped at the {a.time:g} s time bound)" if res.timed_out else ""))
    return _report_failure(res, out_path)


def _progress_every(a):
    """--progress-every, else: often enough for a live line on a terminal,
    a line per 10,000 executions in a log."""
    if a.progress_every:
        return a.progress_every
    return 1000 if progress_mod.is_tty() else 10000


def _search_progress(a, prog, at_most=False):
    """The progress callback of a long search (None with --quiet)."""
    if a.quiet:
        return None
    le = "<=" if at_most else ""

    def progress(execs, distinct, bound, failures):
        prog.update(execs, f"kernsim: {execs} executions, {le}{distinct} distinct interleavings, "
                    f"bound {bound}, {failures} failures, {prog.rate:.0f} executions/s",
                    info=f"{le}{distinct:,} distinct, bound {bound}, {failures} failures")
    return progress


def _explore_dfs(a, scn, params, out_path, resumed):
    with progress_mod.Progress("explore", "executions", total=a.runs, seconds=a.time,
                               quiet=a.quiet) as prog:
        res = api.search(scn, bound=a.bound, dpor=a.dpor, max_executions=a.runs,
                         max_seconds=a.time or 0, variant=a.variant,
                         params=params, world=a.world,
                         progress=_search_progress(a, prog), progress_every=a.progress_every,
                         resume=resumed, interruptible=True)
    print(f"executions={res.executions} distinct_interleavings={res.distinct} "
          f"bound={res.bound} exhausted={_onoff(res.exhausted)} "
          f"per_bound={','.join(map(str, res.per_bound))} dpor={_onoff(a.dpor)} "
          f"runs/s={res.runs_per_sec:.0f} seconds={res.seconds:.2f}")
    return _search_outcome(a, res, out_path)


def _check_split(a):
    """Bad --jobs/--cluster input, before anything runs."""
    if a.cluster:
        from .cluster import check_address
        check_address(a.cluster)
    if a.strategy != "dfs":
        from .parallel import check_strategy
        check_strategy(a.strategy)


def _search_outcome(a, res, out_path):
    """Checkpoint, verdict and exit status of a search (split or not)."""
    _write_checkpoint(a, res)
    if res.interrupted and res.failure is None:
        print(f"interrupted after {res.executions} executions"
              + ("" if a.checkpoint else " (--checkpoint FILE keeps where a search stops)"),
              file=sys.stderr)
        return EXIT_INTERRUPTED
    if res.failure is None and res.exhausted:
        print(f"exhausted: no failure within {a.bound} preemptions")
    elif res.failure is None:
        what = (f"the {a.time:g} s time bound" if a.time and res.executions < a.runs
                else f"{res.executions:,} executions")
        print(f"stopped by {what}: not exhaustive (bound {res.bound} reached); raise --runs or "
              f"--time" + ("" if a.checkpoint else ", or --checkpoint FILE to resume later"))
    return _report_failure(res, out_path)


def _write_checkpoint(a, res):
    if not a.checkpoint:
        return
    try:
        api.save_checkpoint(res.checkpoint, a.checkpoint)
    except OSError as e:
        raise KernsimError(f"cannot write the checkpoint to {a.checkpoint}: "
                           f"{e.strerror or e}") from e
    print(f"checkpoint written to {a.checkpoint}")


def _explore_dfs_split(a, scn, params, out_path, resumed):
    from . import dfs_split
    with progress_mod.Progress("explore", "executions", total=a.runs, seconds=a.time,
                               quiet=a.quiet) as prog:
        res = dfs_split.search_parallel(scn, jobs=a.jobs, bound=a.bound, dpor=a.dpor,
                                        max_executions=a.runs, max_seconds=a.time or 0,
                                        variant=a.variant, params=params,
                                        world=a.world, cluster=a.cluster,
                                        cluster_timeout=a.cluster_timeout,
                                        progress=_search_progress(a, prog, at_most=True),
                                        progress_every=a.progress_every, resume=resumed,
                                        interruptible=True)
    distinct = f"{'=' if res.distinct_exact else '<='}{res.distinct}"
    print(f"jobs={res.jobs} prefixes={res.prefixes} split_depth={res.split_depth} "
          f"executions={res.executions} distinct_interleavings{distinct} bound={res.bound} "
          f"exhausted={_onoff(res.exhausted)} per_bound={','.join(map(str, res.per_bound))} "
          f"dpor={_onoff(a.dpor)} runs/s={res.runs_per_sec:.0f} seconds={res.seconds:.2f} "
          f"failure_signatures={len(res.distinct_failures)}")
    return _search_outcome(a, res, out_path)


def _report_failure(res, out_path):
    f = res.failure
    if f is None:
        print(f"no failure in {res.runs} runs")
        return EXIT_OK

    d = os.path.dirname(out_path)
    try:
        if d:
            os.makedirs(d, exist_ok=True)
        repro_io.save(res.repro, out_path)
    except OSError as e:
        raise KernsimError(f"cannot write the repro to {out_path}: {e.strerror or e}") from e
    print(f"FAILURE {f.kind} at step {f.step} in thread {f.thread or '-'} "
          f"(execution {f.execution}, {f.steps} steps, {f.preemptions} preemptions)")
    print(_indent(f.message))
    if f.console:
        print("console:")
        print(_indent("\n".join(f.console[-20:])))
    print(f"signature:  {f.signature}")
    print(f"trace hash: {f.hash}")
    print(f"repro written to {out_path}; replay it with:")
    print(f"{REPLAY_CMD} {shlex.quote(out_path)}")
    return EXIT_FOUND


def _impossible_decision(path, r, got):
    """A repro whose decision picks a thread the execution never has is
    malformed, not a mismatch: say which decision."""
    import re
    m = re.search(r"decision (\d+) picks thread (\d+), which is not runnable", got.message)
    if got.kind != "replay_divergence" or r.expected.kind == "replay_divergence" or not m:
        return
    n, tid = int(m.group(1)), int(m.group(2))
    seen = {e["thread"] for e in got.trace if e["thread"]}
    if tid not in seen:
        # Not runnable and never seen: a thread that exists and has not
        # started is runnable, one that started or ended is in the trace.
        have = f" (threads so far: {', '.join(map(str, sorted(seen)))})" if seen else ""
        raise KernsimError(f"{path}: field schedule.decision[{n}]: picks thread {tid}, which "
                           f"does not exist at that point of the execution{have}")


def cmd_replay(a):
    rr = api.replay(a.file)
    r, got = rr.repro, rr.outcome
    if not r.expect_fixed:  # on the fixed code, a schedule that cannot go on is expected
        _impossible_decision(a.file, r, got)
    print(f"replay {a.file}: {_describe_repro(r)}")
    if a.trace:
        print(show_mod.render(got.trace, ioctls=_ioctl_names(r.driver, a.file), failure=got), end="")
    exp = r.expected
    print("expected: " + _outcome_line(exp.kind, exp.signature, exp.steps, exp.trace_hash))
    print("got:      " + _outcome_line(got.kind, got.signature, got.steps, got.hash))
    if got.kind != "pass":
        print(f"  {got.kind} at step {got.step} in thread {got.thread or '-'}:")
        print(_indent(got.message))
        w = _where_lines(got.trace, got)
        if w:
            print(w)
    if r.expect_fixed:
        # Marked fixed: the recorded failure must not come back.
        if rr.passed:
            print("FIXED: the recorded failure no longer happens")
            return EXIT_OK
        print(f"REGRESSION: marked fixed, but {exp.kind} {exp.signature} happens again")
        return EXIT_FOUND
    if rr.matched:
        print("MATCH")
        return EXIT_OK
    print("MISMATCH")
    for m in rr.mismatches:
        print(f"  {m}")
    return EXIT_FOUND


def _step_range(s):
    lo, sep, hi = s.partition(":")
    try:
        if not sep:
            raise ValueError
        out = (int(lo) if lo else 0, int(hi) if hi else None)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{s}': want FROM:TO, step numbers (either side "
                                         f"may be empty)") from None
    if out[1] is not None and out[1] < out[0]:
        raise argparse.ArgumentTypeError(f"'{s}': TO is before FROM")
    return out


def _shown(trace, a):
    """The events `show` prints: --thread and --steps applied."""
    names = {e["thread_name"] for e in trace}
    for t in a.thread:
        if t not in names:
            raise KernsimError(f"--thread {t}: the execution has no such thread "
                               f"(threads: {', '.join(sorted(n for n in names if n))})")
    lo, hi = a.steps or (0, None)
    return [e for e in trace
            if (not a.thread or e["thread_name"] in a.thread)
            and lo <= e["step"] and (hi is None or e["step"] <= hi)]


def _ioctl_names(driver, repro_path):
    """{command: name} from the driver's ioctl description, found as
    kernsim.ioctls() finds it (beside an out-of-tree module, else in the
    checkout the repro lives in, KERNSIM_ROOT's or the current
    directory's), {} when it has none: a name is a nicety, show then prints
    the number."""
    from .ioctls import ioctls
    try:
        return {io.cmd: io.name for io in
                ioctls(driver, near=os.path.dirname(os.path.abspath(repro_path))).description.ioctl}
    except KernsimError:
        return {}


def _where_lines(trace, failure):
    """The source lines a failure turns on (sites.failure_where), indented."""
    from . import sites
    at = sites.failure_where(trace, failure)
    return ("  the failure turns on:\n" + "\n".join("    " + x for x in at)) if at else ""


def cmd_show(a):
    from . import sites
    r = repro_io.load(a.file)
    got = api.run_repro(r, a.file)
    shown = _shown(got.trace, a)
    ioctls = _ioctl_names(r.driver, a.file)
    # Sites of every event, then the shown ones by their new index.
    where_all = sites.resolve(got.trace)
    pos = {id(e): i for i, e in enumerate(got.trace)}
    where = {k: where_all[pos[id(e)]] for k, e in enumerate(shown) if pos[id(e)] in where_all}
    # The racing events as the whole trace has them, whatever is shown.
    race_all = set(sites.racing(got.trace, got))
    race = [k for k, e in enumerate(shown) if pos[id(e)] in race_all]
    color = progress_mod.is_tty(sys.stdout) and not os.environ.get("NO_COLOR")
    print(f"{a.file}: {_describe_repro(r)}; {len(got.trace)} events"
          + (f", {len(shown)} shown" if len(shown) != len(got.trace) else ""))
    print(show_mod.render(shown, columns=a.columns, ioctls=ioctls, where=where, failure=got,
                          color=color, race=race), end="")
    if got.kind == "pass":
        print("outcome: pass (no failure)")
    else:
        print(f"{got.kind} at step {got.step} in thread {got.thread or '-'}:")
        print(_indent(got.message))
        w = _where_lines(got.trace, got)
        if w:
            print(w)
    if a.html:
        from . import timeline
        page = timeline.render(shown, os.path.basename(a.file), _describe_repro(r), got,
                               ioctls=ioctls, where=where, race=race)
        try:
            with open(a.html, "w", encoding="utf-8") as f:
                f.write(page)
        except OSError as e:
            raise KernsimError(f"cannot write {a.html}: {e.strerror or e}") from e
        print(f"timeline written to {a.html}")
    if got.hash != r.expected.trace_hash or got.kind != r.expected.kind:
        print(f"note: this build does not reproduce the recorded execution (recorded "
              f"{r.expected.kind} hash {r.expected.trace_hash}, got {got.kind} hash {got.hash}); "
              f"see {REPLAY_CMD} {shlex.quote(a.file)}")
    return EXIT_OK


def cmd_minimize(a):
    from . import minimize as min_mod
    r = repro_io.load(a.file)
    if a.time < 0:
        raise KernsimError(f"--time must be 0 or more seconds, not {a.time}")
    # A plain line per stage in a log; the live line on a terminal.
    prog = progress_mod.Progress("minimize", "candidate executions", seconds=a.time or None)
    seen = {"stage": None}

    def progress(execs, stage):
        line = None
        if stage != seen["stage"]:
            seen["stage"] = stage
            line = f"kernsim minimize: {stage} ({execs} candidate executions so far)"
        prog.update(execs, line, info=stage)

    try:
        with prog:
            res = min_mod.minimize(r, a.file, budget=a.budget, seconds=a.time,
                                   progress=progress)
    except KeyboardInterrupt:
        prog.interrupted("nothing written (--time S keeps the smallest repro found in S s)")
        return EXIT_INTERRUPTED
    out = a.out or (a.file[:-len(".repro.txtpb")] + ".min.repro.txtpb"
                    if a.file.endswith(".repro.txtpb") else a.file + ".min")
    try:
        repro_io.save(res.repro, out)
    except OSError as e:
        raise KernsimError(f"cannot write {out}: {e.strerror or e}") from e
    print(f"preemptions {res.preemptions_before} -> {res.preemptions_after}, "
          f"steps {res.steps_before} -> {res.steps_after}, calls removed {res.calls_removed}, "
          f"threads removed {res.threads_removed}, {res.executions} candidate executions"
          + (f" (stopped at the {a.time:g} s time bound)" if res.timed_out else ""))
    print(f"minimized repro written to {out}; read it with: kernsim show "
          f"{shlex.quote(out)}")
    return EXIT_OK


def cmd_drivers(a):
    if a.personality and not a.load:
        raise UsageError("--personality goes with --load")
    ds = [api.module_info(os.path.abspath(p), a.personality) for p in a.load] if a.load else api.drivers()
    if not ds:
        print("no drivers in the driver path")
    for d in (ds if a.load else sorted(ds, key=lambda x: x["name"])):
        print(f"{d['name']}  (personality {d['personality']}, {d['path']}, hash {d['hash']})")
        variants = [(n, desc) for n, desc in d["variants"]]
        if not any(n == "none" for n, _ in variants):
            variants.insert(0, ("none", "the correct driver"))
        w = max(len(n) for n, _ in variants)
        for n, desc in variants:
            print(f"  {n:<{w}}  {desc}")
    return EXIT_OK


def cmd_build_driver(a):
    info = build_driver.build(a.personality, a.output, a.sources, a.defines, a.includes, a.cc,
                              coverage=not a.no_coverage, race=a.race)
    variants = ", ".join(n for n, _ in info["variants"])
    print(f"built {a.output}: driver {info['name']} ({info['personality']}), variants {variants}; "
          f"hash {info['hash']}")
    if info.get("conf"):
        print(f"driver.conf: {info['conf']} (beside the module: scenarios of it load it)")
    print(f"use it as @kernsim.scenario(driver={a.output!r}) (relative to the scenario script), "
          f"or list it with: {PROG} drivers --load {shlex.quote(a.output)}")
    return EXIT_OK


def cmd_rerecord(a):
    from . import rerecord as rr_mod
    status = EXIT_OK
    for path in a.files:
        r = repro_io.load(path)
        if api.replay(path, check_build=False).matched:
            try:
                repro_io.check_modules(r, path)
                print(f"{path}: replays as recorded; unchanged")
            except KernsimError:
                repro_io.save(r, path)  # records this build's modules
                print(f"{path}: replays as recorded on this build; its module hashes updated")
            continue
        try:
            new, how, n = rr_mod.rerecord(r, path, runs=a.runs, bound=a.bound)
        except rr_mod.NotReproduced as e:
            print(f"{PROG}: {_one_line(e)}", file=sys.stderr)
            status = EXIT_FOUND
            continue
        try:
            repro_io.save(new, path)
        except OSError as e:
            raise KernsimError(f"cannot write {path}: {e.strerror or e}") from e
        print(f"{path}: {new.expected.kind} {new.expected.signature} found again by {how} "
              f"({n} executions); hash {r.expected.trace_hash} -> {new.expected.trace_hash}, "
              f"{len(r.schedule.decision)} -> {len(new.schedule.decision)} decisions")
    return status


def cmd_mark_fixed(a):
    for path in a.files:
        r = repro_io.load(path)
        if r.expected.kind == "pass":
            raise KernsimError(f"{path}: field expected.kind: the repro records no failure: "
                               "nothing to mark fixed")
        r.expect_fixed = not a.undo
        try:
            repro_io.save(r, path)
        except OSError as e:
            raise KernsimError(f"cannot write {path}: {e.strerror or e}") from e
        print(f"{path}: " + ("expect_fixed cleared: replay expects the failure again"
                             if a.undo else f"marked fixed: replay passes while "
                             f"{r.expected.kind} {r.expected.signature} stays gone"))
    return EXIT_OK


def version():
    """The version CMake's project() says, from the build's build_config.json."""
    import json
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "build_config.json")
    try:
        with open(path) as f:
            return json.load(f).get("version") or "unknown"
    except (OSError, ValueError):
        return "unknown (not a build tree)"


COMMANDS = {"explore": cmd_explore, "mark-fixed": cmd_mark_fixed,
            "ci": lambda a: ci_mod.cmd(a), "replay": cmd_replay, "show": cmd_show,
            "rerecord": cmd_rerecord,
            "drivers": cmd_drivers, "build-driver": cmd_build_driver,
            "fuzz": lambda a: fuzz_cli.cmd(a),
            "minimize": cmd_minimize, "qemu": lambda a: qemu_mod.cmd(a)}


def _one_line(msg):
    return "; ".join(x.strip() for x in str(msg).splitlines() if x.strip())


def main(argv=None):
    try:
        if not (sys.argv[1:] if argv is None else argv):
            # As argparse does for an error: the usage on stderr, status 2.
            _build_parser().print_usage(sys.stderr)
            print(f"{PROG}: error: a COMMAND is required (kernsim --help lists them)",
                  file=sys.stderr)
            return EXIT_USAGE
        try:
            a = _build_parser().parse_args(argv)
        except SystemExit as e:  # --help (argparse's own errors raise UsageError)
            return e.code if isinstance(e.code, int) else EXIT_OK
        with api.hang_limit_kept():  # main(argv) in-process leaves it as it was
            if getattr(a, "hang_limit", None):
                api.set_hang_limit(a.hang_limit)
            return COMMANDS[a.command](a)
    except (UsageError, KernsimError) as e:
        sys.stdout.flush()
        print(f"{PROG}: error: {_one_line(e)}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # `kernsim show FILE | head`: the reader left; not an error of ours.
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return EXIT_OK
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as e:  # noqa: BLE001 - a bug of ours, never status 1
        # Exit statuses mean only what the docstring says: an error kernsim
        # did not foresee is still "could not do it" (2), with the traceback
        # a bug report needs.
        import traceback
        sys.stdout.flush()
        print(f"{PROG}: internal error (a bug in kernsim; please report it with this "
              f"traceback): {type(e).__name__}: {_one_line(e)}", file=sys.stderr)
        traceback.print_exc()
        return EXIT_USAGE
