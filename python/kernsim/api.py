"""The Python API: explore a scenario under a strategy, replay a repro, run
one execution with its trace. Every campaign runs in C++ (kernsim._core);
Python scenario threads are driven from there."""

import contextlib
import dataclasses
import os
import time

from . import _core
from . import kernsim_pb2 as pb
from . import repro as repro_io
from . import statefile
from .errors import KernsimError, ReproError, ScenarioError
from .scenario import Scenario, World, load_module, scenarios_in


@dataclasses.dataclass
class Failure:
    kind: str
    signature: str
    message: str
    step: int
    thread: str
    execution: int
    hash: str
    steps: int
    preemptions: int
    decisions: list
    console: list
    trace: list = dataclasses.field(default_factory=list)

    @classmethod
    def from_core(cls, d):
        return cls(**{f.name: d[f.name] for f in dataclasses.fields(cls) if f.name in d})

    def __str__(self):
        return f"{self.kind} at step {self.step}: {self.message}"


@dataclasses.dataclass
class ExploreResult:
    scenario: Scenario
    strategy: dict
    variant: str
    runs: int
    distinct: int
    seconds: float
    failure: Failure = None
    repro: object = None  # kernsim_pb2.Repro of the failure
    timed_out: bool = False  # stopped by max_seconds before its runs

    @property
    def runs_per_sec(self):
        return self.runs / self.seconds if self.seconds > 0 else 0.0


def _strategy(name, seed, depth, pct_steps, script=None, fallback="round_robin"):
    """script: for strategy "scripted", a list of (thread, event, object)
    steps: run `thread` until it makes `event` (e.g. "block", "cv_wait",
    "thread_exit"; "" = until it blocks or exits) on `object` ("" = any);
    `fallback` decides everything off-script."""
    d = {"name": name, "seed": int(seed), "pct_depth": int(depth), "pct_steps": int(pct_steps)}
    if script is not None:
        d["script"] = [tuple(str(x) for x in (tuple(step) + ("", "", ""))[:3]) for step in script]
        d["fallback"] = fallback
    return d


# The hang watchdog's limit, ms of CPU time a thread may run with no
# scheduling point (sim/watchdog.h); 0: the World's default (10 s).
_hang_ms = 0


def set_hang_limit(seconds):
    """Sets the hang watchdog's limit for the runs this process starts from
    now on: a simulated thread that runs `seconds` of CPU time with no
    scheduling point is a `hang` failure. None restores the default (10 s)."""
    global _hang_ms
    if seconds is None:
        _hang_ms = 0
        return
    s = float(seconds)
    if not (0.001 <= s <= 3600):
        raise KernsimError(f"hang limit: {seconds} is outside 0.001..3600 seconds")
    _hang_ms = max(1, round(s * 1000))


@contextlib.contextmanager
def hang_limit_kept():
    """Whatever the body sets, the hang limit is restored after it."""
    global _hang_ms
    before = _hang_ms
    try:
        yield
    finally:
        _hang_ms = before


@contextlib.contextmanager
def recorded_hang_limit(r):
    """Runs under repro `r`'s recorded hang limit (minimize, rerecord: a
    hang repro's candidates then hang as fast as the original did)."""
    global _hang_ms
    with hang_limit_kept():
        if r.world.hang_ms:
            _hang_ms = r.world.hang_ms
        yield


def _world_opts(max_steps, inject_faults, spurious_wakeups, hang_ms=0):
    return {"max_steps": int(max_steps), "inject_faults": bool(inject_faults),
            "spurious_wakeups": bool(spurious_wakeups),
            "hang_ms": int(hang_ms or _hang_ms)}


def _setup_for(scn, variant, params):
    """What _core runs per execution: serialized Program bytes, or a function."""
    params = dict(params or {})
    scn.check_params(params)
    if scn.program:
        try:
            prog = scn.fn(**params)
        except (Exception, SystemExit) as e:
            raise ScenarioError(f"program scenario {scn.name} raised {type(e).__name__}: {e}") from e
        if not isinstance(prog, pb.Program):
            raise ScenarioError(f"program scenario {scn.name} returned {type(prog).__name__}, not a Program")
        for d in prog.driver:
            if d.name == scn.driver:
                d.variant = variant
        if not any(d.name == scn.driver for d in prog.driver):
            prog.driver.add(name=scn.driver, variant=variant)
        return prog.SerializeToString()

    def setup(core_world):
        core_world.load_driver(scn.driver, variant)
        try:
            scn.fn(World(core_world), **params)
        except (KernsimError, ValueError, TypeError):
            raise
        except (Exception, SystemExit) as e:
            raise ScenarioError(f"scenario {scn.name} raised {type(e).__name__}: {e}") from e
    return setup


def _call_core(fn, *args, scn=None, **kw):
    """Bad input surfacing from C++ (unknown driver, variant, malformed
    Program, a thread yielding what is not a system call) comes back as
    ValueError or TypeError: make it a KernsimError. With a Python scenario
    `scn`, anything else a thread body raised (other than an assert, which is
    a finding) is a ScenarioError naming the scenario."""
    try:
        return fn(*args, **kw)
    except KernsimError:
        raise
    except (ValueError, TypeError) as e:
        if scn is not None and not scn.program:
            raise ScenarioError(f"scenario {scn.name}: {e}") from e
        raise KernsimError(str(e)) from e
    except (Exception, SystemExit) as e:  # noqa: BLE001 - a scenario thread's own bug
        if scn is not None and not scn.program:
            raise ScenarioError(f"scenario {scn.name}: a thread raised "
                                f"{type(e).__name__}: {e}") from e
        raise


def explore(scn, strategy="pct", runs=1000, seed=0, variant="none", params=None, depth=3,
            pct_steps=0, max_steps=0, inject_faults=False, spurious_wakeups=False,
            first_execution=0, progress=None, progress_every=10000, script=None,
            fallback="round_robin", bound=2, dpor=False, max_seconds=0):
    """Runs up to `runs` executions; stops at the first failure, which comes
    back with its repro. strategy="dfs" is the bounded exhaustive search
    (see search(): `bound`, `dpor`; `runs` is its execution budget).
    max_seconds > 0 also stops it after that many seconds, whichever comes
    first (`.timed_out`)."""
    if strategy == "dfs":
        sr = search(scn, bound=bound, dpor=dpor, max_executions=runs, max_seconds=max_seconds,
                    variant=variant,
                    params=params, max_steps=max_steps, inject_faults=inject_faults,
                    spurious_wakeups=spurious_wakeups, progress=None,
                    progress_every=progress_every)
        out = ExploreResult(scn, sr.strategy, variant, sr.executions, sr.distinct, sr.seconds,
                            sr.failure, sr.repro)
        out.search = sr
        out.timed_out = not sr.exhausted and sr.failure is None and sr.executions < runs
        return out
    strat = _strategy(strategy, seed, depth, pct_steps, script, fallback)
    world = _world_opts(max_steps, inject_faults, spurious_wakeups)
    setup = _setup_for(scn, variant, params)
    t0 = time.monotonic()
    res = _call_core(_core.explore, setup, strat, int(runs), int(first_execution), world, True,
                     progress, int(progress_every), max_seconds=float(max_seconds or 0),
                     scn=scn)
    out = ExploreResult(scn, strat, variant, res["runs"], res["distinct"],
                        res["seconds"] or (time.monotonic() - t0),
                        timed_out=res.get("timed_out", False))
    if res["failure"] is not None:
        out.failure = Failure.from_core(res["failure"])
        out.repro = make_repro(scn, variant, params, strat, world, out.failure)
    return out


@dataclasses.dataclass
class SearchResult:
    """A bounded exhaustive search: `exhausted` says every execution within
    `bound` preemptions ran (with no failure, the scenario is proven free of
    bugs up to that bound); `bound` is the bound reached, or the one the
    failure was found at."""
    scenario: Scenario
    strategy: dict
    variant: str
    executions: int
    distinct: int
    exhausted: bool
    bound: int
    seconds: float
    per_bound: list
    redundant: int = 0
    failures: int = 0
    failure: Failure = None
    repro: object = None
    checkpoint: object = None  # kernsim_pb2.DfsCheckpoint to resume from
    distinct_failures: list = dataclasses.field(default_factory=list)  # simplest per signature
    interrupted: bool = False  # stopped by Ctrl-C (interruptible): the checkpoint continues it

    @property
    def runs(self):
        return self.executions

    def signatures(self):
        return sorted({(f.kind, f.signature) for f in self.distinct_failures})

    @property
    def runs_per_sec(self):
        return self.executions / self.seconds if self.seconds > 0 else 0.0


def checkpoint_header(scn, variant, params, world, opts):
    """A DfsCheckpoint saying what is searched, and how."""
    c = pb.DfsCheckpoint(version=1, driver=scn.driver, variant=variant,
                         max_bound=opts["bound"], dpor=opts["dpor"],
                         iterative=opts["iterative"])
    _describe_run(c, scn, variant, params, world)
    return c


def check_resume(c, scn, variant, opts, split):
    """A KernsimError unless checkpoint `c` continues this search."""
    if (c.driver, c.variant) != (scn.driver, variant):
        raise KernsimError(f"the checkpoint is of driver {c.driver} variant {c.variant}, not "
                           f"{scn.driver} variant {variant}")
    if (c.max_bound, c.dpor, c.iterative) != (opts["bound"], opts["dpor"], opts["iterative"]):
        raise KernsimError(f"the checkpoint was made with bound={c.max_bound} dpor={c.dpor} "
                           f"iterative={c.iterative}; resume it with the same options")
    if c.split and not split:
        raise KernsimError("the checkpoint is a split search's (--jobs/--cluster): resume it "
                           "with --jobs (any N)")
    if split and not c.split:
        raise KernsimError("the checkpoint is of a search in one process: resume it without "
                           "--jobs/--cluster")


def _state_to_checkpoint(st, scn, variant, params, world, opts):
    c = checkpoint_header(scn, variant, params, world, opts)
    c.bound, c.exhausted, c.executions = st["bound"], st["exhausted"], st["executions"]
    c.redundant = st["redundant"]
    for n in st["path"]:
        c.path.add(kind=n["kind"], option=n["options"], current=n["cur"],
                   current_runnable=n["cur_runnable"], preemptions=n["pre"],
                   chosen=n["chosen"], done=n["done"], todo=n["todo"], sleep=n["sleep"],
                   fixed=n["fixed"])
    for field, key in ((c.roots, "roots"), (c.next_roots, "next_roots")):
        for r in st[key]:
            repro_io.decisions_to_proto(r, field.add())
    return c


def _checkpoint_to_state(c):
    return {"bound": c.bound, "exhausted": c.exhausted, "executions": c.executions,
            "redundant": c.redundant,
            "path": [{"kind": n.kind, "options": list(n.option), "cur": n.current,
                      "cur_runnable": n.current_runnable, "pre": n.preemptions,
                      "chosen": n.chosen, "done": list(n.done), "todo": list(n.todo),
                      "sleep": list(n.sleep), "fixed": n.fixed} for n in c.path],
            "roots": [repro_io.decisions_from_proto(r) for r in c.roots],
            "next_roots": [repro_io.decisions_from_proto(r) for r in c.next_roots]}


TEXT_CHECKPOINT = ".txtpb"  # a checkpoint file so named is protobuf text; any other, binary


def save_checkpoint(c, path):
    """Writes checkpoint `c`: protobuf's binary encoding, or its text format
    if `path` ends in .txtpb (for reading it; a search's deferred subtrees
    make it some 10 times bigger and 100 times slower to read back: 30 MB
    and 9 s for a quarter of the sample at bound 1). Framed with its length
    and checksum and written atomically (statefile.py)."""
    if path.endswith(TEXT_CHECKPOINT):
        from google.protobuf import text_format
        data = statefile.frame_text(_CHECKPOINT_KIND, text_format.MessageToString(c))
    else:
        data = statefile.frame(_CHECKPOINT_KIND, c.SerializeToString())
    statefile.write_atomic(path, data)


_CHECKPOINT_KIND = "DfsCheckpoint"


def load_checkpoint(path):
    """A checkpoint saved with save_checkpoint (the format by the name); a
    damaged one is refused by name (StateFileError)."""
    from google.protobuf import message, text_format
    text = path.endswith(TEXT_CHECKPOINT)
    hint = "" if text else f" (a text checkpoint's name ends in {TEXT_CHECKPOINT})"
    c = pb.DfsCheckpoint()
    data = statefile.read(path, "checkpoint")
    try:
        if text:
            text_format.Parse(statefile.unframe_text(_CHECKPOINT_KIND, data, path), c)
        else:
            c.ParseFromString(statefile.unframe(_CHECKPOINT_KIND, data, path))
    except statefile.StateFileError as e:
        raise ReproError(f"{path}: not a DfsCheckpoint: {e.why}{hint}") from None
    except (text_format.ParseError, message.DecodeError, UnicodeDecodeError) as e:
        raise ReproError(f"{path}: not a DfsCheckpoint: {e}{hint}") from e
    if c.version != 1:
        raise ReproError(f"{path}: not a DfsCheckpoint (version {c.version}, want 1){hint}")
    return c


def search(scn, bound=2, dpor=False, iterative=True, max_executions=0, max_seconds=0,
           variant="none", params=None, max_steps=0, inject_faults=False,
           spurious_wakeups=False, progress=None, progress_every=10000, resume=None,
           stop_on_failure=True, want_kind="", want_signature="", fewest_steps=False,
           interruptible=False):
    """Bounded exhaustive search (DFS over every decision, preemption bounds
    0..`bound` in turn; `dpor` prunes orders of independent operations).
    Stops at the first failure, at exhaustion, or at `max_executions` /
    `max_seconds`; `.checkpoint` continues it (pass it, or a file saved with
    save_checkpoint, as `resume`). progress(executions, distinct, bound,
    failures) is called every `progress_every` executions. interruptible:
    Ctrl-C (SIGINT) ends the search between executions, as a budget does
    (`.interrupted`), instead of raising KeyboardInterrupt when it returns."""
    opts = {"bound": int(bound), "dpor": bool(dpor), "iterative": bool(iterative),
            "max_executions": int(max_executions), "max_seconds": float(max_seconds),
            "stop_on_failure": bool(stop_on_failure), "want_kind": want_kind,
            "want_signature": want_signature, "fewest_steps": bool(fewest_steps),
            "collect_failures": True, "interruptible": bool(interruptible)}
    state = None
    if resume is not None:
        c = load_checkpoint(resume) if isinstance(resume, str) else resume
        check_resume(c, scn, variant, opts, split=False)
        state = _checkpoint_to_state(c)
    world = _world_opts(max_steps, inject_faults, spurious_wakeups)
    setup = _setup_for(scn, variant, params)
    res = _call_core(_core.search, setup, opts, world, progress, int(progress_every), state,
                     scn=scn)
    strat = _dfs_strategy(opts["bound"], opts["dpor"])
    out = SearchResult(scn, strat, variant, res["executions"], res["distinct"], res["exhausted"],
                       res["bound"], res["seconds"], list(res["per_bound"]), res["redundant"],
                       res["failures"], interrupted=res["interrupted"])
    if res["failure"] is not None:
        out.failure = Failure.from_core(res["failure"])
        out.repro = make_repro(scn, variant, params, strat, world, out.failure)
    out.distinct_failures = [Failure.from_core(f) for f in res["distinct_failures"]]
    out.checkpoint = _state_to_checkpoint(res["state"], scn, variant, params, world, opts)
    return out


def _dfs_strategy(bound, dpor):
    """How a repro of a bounded search says it was found."""
    return {"name": "dfs", "seed": 0, "pct_depth": 0, "pct_steps": 0, "bound": int(bound),
            "dpor": bool(dpor)}


def _module_ref(path):
    """Scenario script path as stored in a repro: relative to the repository
    root when inside one (so repros travel with the repository)."""
    root = os.environ.get("KERNSIM_ROOT") or _find_root(os.path.dirname(path))
    if root and os.path.abspath(path).startswith(os.path.abspath(root) + os.sep):
        return os.path.relpath(path, root)
    return path


def _find_root(start):
    d = os.path.abspath(start)
    while True:
        if os.path.isdir(os.path.join(d, "scenarios")) and os.path.isdir(os.path.join(d, "drivers")):
            return d
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent


def _describe_run(msg, scn, variant, params, world):
    """The scenario (or whole Program) and World options of a run, as a
    Repro and a DfsCheckpoint both record them."""
    if scn.program:
        msg.program.ParseFromString(_setup_for(scn, variant, params))
    else:
        msg.scenario.module = _module_ref(scn.module_file)
        msg.scenario.name = scn.name
        for k, v in (params or {}).items():
            msg.scenario.params[k] = repr(v)
    msg.world.max_steps = world["max_steps"]
    msg.world.inject_faults = world["inject_faults"]
    msg.world.spurious_wakeups = world["spurious_wakeups"]
    msg.world.hang_ms = world.get("hang_ms", 0)


def make_repro(scn, variant, params, strat, world, failure):
    r = pb.Repro(version=repro_io.FORMAT_VERSION, driver=scn.driver, variant=variant,
                 execution=failure.execution)
    _describe_run(r, scn, variant, params, world)
    r.found_by.name = strat["name"]
    r.found_by.seed = strat["seed"]
    r.found_by.pct_depth = strat["pct_depth"]
    r.found_by.pct_steps = strat["pct_steps"]
    repro_io.decisions_to_proto(failure.decisions, r.schedule)
    r.expected.kind = failure.kind
    r.expected.signature = failure.signature
    r.expected.message = failure.message
    r.expected.trace_hash = failure.hash
    r.expected.steps = failure.steps
    return r


@dataclasses.dataclass
class ReplayResult:
    path: str
    repro: object
    outcome: Failure       # what this replay produced (with its trace)
    mismatches: list       # empty when outcome and hash match the repro

    @property
    def matched(self):
        return not self.mismatches

    @property
    def still_fails(self):
        """The recorded failure (kind and signature) happened again."""
        return (self.outcome.kind, self.outcome.signature) == \
            (self.repro.expected.kind, self.repro.expected.signature)

    @property
    def passed(self):
        """A repro marked fixed passes when its failure is gone (any other
        outcome); any other passes when it matched as recorded."""
        if self.repro.expect_fixed:
            return not self.still_fails
        return self.matched


def _repro_setup(r, path):
    if repro_io.is_program(r):
        return r.program.SerializeToString(), None
    module = r.scenario.module
    candidates = [module] if os.path.isabs(module) else []
    if not candidates:
        d = os.path.dirname(os.path.abspath(path))
        while True:
            candidates.append(os.path.join(d, module))
            if os.path.dirname(d) == d:
                break
            d = os.path.dirname(d)
        candidates.append(os.path.join(os.getcwd(), module))
        # A repro written outside the repository (--out /tmp/x.repro.txtpb)
        # names its script relative to the repository root.
        root = os.environ.get("KERNSIM_ROOT") or _find_root(os.getcwd())
        if root:
            candidates.append(os.path.join(root, module))
    script = next((c for c in candidates if os.path.isfile(c)), None)
    if script is None:
        raise ReproError(f"{path}: field scenario.module: {module} not found near the repro or here")
    found = scenarios_in(load_module(script))
    if r.scenario.name not in found:
        raise ReproError(f"{path}: field scenario.name: {script} has no scenario '{r.scenario.name}'")
    scn = found[r.scenario.name]
    if scn.driver != r.driver:
        raise ReproError(f"{path}: field driver: the repro says {r.driver}, "
                         f"scenario {scn.name} exercises {scn.driver}")
    import ast
    try:
        params = {k: ast.literal_eval(v) for k, v in r.scenario.params.items()}
    except (ValueError, SyntaxError) as e:
        raise ReproError(f"{path}: field scenario.params: {e}") from e
    return _setup_for(scn, r.variant, params), scn


def run_repro(r, path="repro"):
    """Replays a loaded repro once, trace recorded. An error names the file."""
    try:
        setup, scn = _repro_setup(r, path)
        strat = {"name": "replay", "decisions": repro_io.decisions_from_proto(r.schedule)}
        world = _world_opts(r.world.max_steps, r.world.inject_faults, r.world.spurious_wakeups,
                            r.world.hang_ms)
        d = _call_core(_core.run_one, setup, strat, r.execution, world, scn=scn)
    except KernsimError as e:
        if str(e).startswith(f"{path}:"):
            raise
        raise type(e)(f"{path}: {e}") from None
    return Failure.from_core(d)


def replay(path, check_build=True):
    """Replays a repro file; .matched says whether the outcome (kind and
    signature) and the trace hash are the ones recorded. A repro recorded
    with another build of a driver module is refused (ReproError) unless
    `check_build` is False, or it is marked fixed: the fix is a new build,
    and every later build must keep the failure away too."""
    r = repro_io.load(path)
    if check_build and not r.expect_fixed:
        repro_io.check_modules(r, path)
    out = run_repro(r, path)
    mism = []
    if out.kind != r.expected.kind:
        mism.append(f"outcome: expected {r.expected.kind}, got {out.kind}")
    elif out.signature != r.expected.signature:
        mism.append(f"signature: expected {r.expected.signature}, got {out.signature}")
    if out.hash != r.expected.trace_hash:
        mism.append(f"trace hash: expected {r.expected.trace_hash}, got {out.hash}")
    return ReplayResult(path, r, out, mism)


def run(scn, strategy="round_robin", seed=0, execution=0, variant="none", params=None, depth=3,
        max_steps=0, inject_faults=False, spurious_wakeups=False, script=None,
        fallback="round_robin"):
    """One execution of a scenario with its trace, as a Failure record (kind
    'pass' when nothing failed). With strategy="scripted" and a `script`,
    this is how a regression test pins a known race."""
    setup = _setup_for(scn, variant, params)
    d = _call_core(_core.run_one, setup, _strategy(strategy, seed, depth, 0, script, fallback),
                   int(execution),
                   _world_opts(max_steps, inject_faults, spurious_wakeups), scn=scn)
    return Failure.from_core(d)


def drivers():
    """The drivers in the driver path: name, personality, variants, path, hash."""
    return _core.drivers()


def module_info(spec, personality=""):
    """Loads the driver module `spec` names (a registered name or a path) and
    describes it; a bad module is a KernsimError naming what is wrong."""
    try:
        return _core.module_info(spec, personality or "")
    except ValueError as e:
        raise KernsimError(str(e)) from e
