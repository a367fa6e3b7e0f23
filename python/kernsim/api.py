"""The Python API: explore a scenario under a strategy, replay a repro, run
one execution with its trace. Every campaign runs in C++ (kernsim._core);
Python scenario threads are driven from there."""

import contextlib
import dataclasses
import os
import time
import traceback

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
    repro: object = None  # kernsim_pb2.Repro (runner/repro_build.cc), when the run had a spec

    @classmethod
    def from_core(cls, d):
        f = cls(**{f.name: d[f.name] for f in dataclasses.fields(cls)
                   if f.name in d and f.name != "repro"})
        if d.get("repro") is not None:
            f.repro = pb.Repro.FromString(d["repro"])
        return f

    def __str__(self):
        return f"{self.kind} at step {self.step}: {self.message}"


@dataclasses.dataclass
class ExploreResult:
    scenario: Scenario
    strategy: object  # kernsim_pb2.StrategySpec
    variant: str
    runs: int
    distinct: int
    seconds: float
    failure: Failure = None
    repro: object = None  # kernsim_pb2.Repro of the failure
    timed_out: bool = False  # stopped by max_seconds before its runs
    boot_images: int = 0  # executions started from the first one's booted kernel

    @property
    def runs_per_sec(self):
        return self.runs / self.seconds if self.seconds > 0 else 0.0


def strategy_spec(name, seed=0, depth=3, pct_steps=0, script=None, fallback="round_robin",
                  bound=2, dpor=False, iterative=True):
    """A StrategySpec. script: for strategy "scripted", a list of (thread,
    event, object) steps: run `thread` until it makes `event` (e.g. "block",
    "cv_wait", "thread_exit"; "" = until it blocks or exits) on `object` (""
    = any); `fallback` decides everything off-script. dfs: preemption
    `bound`, `dpor`, `iterative` (bounds 0..bound in turn)."""
    s = pb.StrategySpec(name=name, seed=int(seed))
    if name == "dfs":
        s.bound, s.dpor, s.single_bound = int(bound), bool(dpor), not iterative
    else:
        s.pct_depth, s.pct_steps = int(depth), int(pct_steps)
    if script is not None:
        for step in script:
            t, e, o = (tuple(str(x) for x in step) + ("", "", ""))[:3]
            s.script.add(thread=t, event=e, object=o)
        s.fallback = fallback
    return s


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
    hang repro's candidates then hang as fast as the original did, and a
    thread's long loop is a hang in them exactly when it was in the
    original). None recorded is the default the original ran under, not
    this process's limit."""
    global _hang_ms
    with hang_limit_kept():
        _hang_ms = r.world.hang_ms
        yield


_WORLD = pb.WorldSpec.DESCRIPTOR.fields_by_name


def world_spec(world=None, **options):
    """A WorldSpec: a copy of `world` (a WorldSpec or None) with `options`
    (its field names: max_steps, inject_faults, ...) set over it, and this
    process's hang limit (set_hang_limit) when it sets none."""
    w = pb.WorldSpec()
    if world is not None:
        w.CopyFrom(world)
    for k, v in options.items():
        f = _WORLD.get(k)
        if f is None:
            raise KernsimError(f"unknown World option '{k}' (WorldSpec has: "
                               f"{', '.join(_WORLD)})")
        try:
            setattr(w, k, bool(v) if f.type == f.TYPE_BOOL else v)
        except (TypeError, ValueError) as e:
            raise KernsimError(f"World option {k}: {v!r}: {e}") from None
    if not w.hang_ms:
        w.hang_ms = _hang_ms
    return w


def run_spec(scn, variant="none", params=None, strategy=None, world=None, **fields):
    """The RunSpec of a run of scenario `scn` (C++ parses it; repros and
    checkpoints copy its parts): `strategy` a StrategySpec, `world` a
    WorldSpec, `fields` RunSpec fields (runs, max_seconds, ...)."""
    params = dict(params or {})
    scn.check_params(params)
    spec = pb.RunSpec(driver=scn.driver, variant=variant, **fields)
    if scn.program:
        spec.program.CopyFrom(_program_of(scn, variant, params))
    else:
        spec.driver_conf, spec.driver_conf_file = scn.driver_conf()
        spec.scenario.module = _module_ref(scn.module_file)
        spec.scenario.name = scn.name
        for k, v in params.items():
            spec.scenario.params[k] = repr(v)
    if strategy is not None:
        spec.strategy.CopyFrom(strategy)
    spec.world.CopyFrom(world_spec(world))
    return spec


def _program_of(scn, variant, params):
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
    text, file = scn.driver_conf()
    for d in prog.driver:
        if d.name == scn.driver and not d.conf and text:
            d.conf, d.conf_file = text, file
    return prog


def _setup_for(scn, variant, params, conf=None):
    """What _core runs per execution besides the spec: a Python scenario's
    set-up function; None for a Program (the spec carries it). `conf`: the
    driver.conf (text, file) to load the driver with (a repro's recorded
    one); the scenario's own when None."""
    if scn.program:
        return None
    params = dict(params or {})
    conf_text, conf_file = conf if conf is not None else scn.driver_conf()

    def setup(core_world):
        core_world.load_driver(scn.driver, variant, conf_text, conf_file)
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
            raise ScenarioError(f"scenario {scn.name}: {e}{_raised_at(e)}") from e
        raise KernsimError(str(e)) from e
    except (Exception, SystemExit) as e:  # noqa: BLE001 - a scenario thread's own bug
        if scn is not None and not scn.program:
            raise ScenarioError(f"scenario {scn.name}: a thread raised "
                                f"{type(e).__name__}: {e}{_raised_at(e)}") from e
        raise


def _raised_at(e):
    """" (at FILE:LINE in FUNCTION)": the innermost frame of `e`'s traceback
    outside this package (the scenario's own line), or "" if none."""
    pkg = os.path.dirname(os.path.abspath(__file__)) + os.sep
    frames = [f for f in traceback.extract_tb(e.__traceback__)
              if not os.path.abspath(f.filename).startswith(pkg)]
    if not frames:
        return ""
    f = frames[-1]
    return f" (at {f.filename}:{f.lineno} in {f.name})"


def explore(scn, strategy="pct", runs=1000, seed=0, variant="none", params=None, depth=3,
            pct_steps=0, first_execution=0, progress=None, progress_every=10000, script=None,
            fallback="round_robin", bound=2, dpor=False, max_seconds=0, world=None, **options):
    """Runs up to `runs` executions; stops at the first failure, which comes
    back with its repro. strategy="dfs" is the bounded exhaustive search
    (see search(): `bound`, `dpor`; `runs` is its execution budget).
    max_seconds > 0 also stops it after that many seconds, whichever comes
    first (`.timed_out`). `world` (a WorldSpec) and `options` (WorldSpec
    fields: max_steps, inject_faults, spurious_wakeups, hang_ms) set the World."""
    w = world_spec(world, **options)
    if strategy == "dfs":
        sr = search(scn, bound=bound, dpor=dpor, max_executions=runs, max_seconds=max_seconds,
                    variant=variant, params=params, world=w, progress=None,
                    progress_every=progress_every)
        out = ExploreResult(scn, sr.strategy, variant, sr.executions, sr.distinct, sr.seconds,
                            sr.failure, sr.repro)
        out.search = sr
        out.timed_out = not sr.exhausted and sr.failure is None and sr.executions < runs
        return out
    strat = strategy_spec(strategy, seed, depth, pct_steps, script, fallback)
    spec = run_spec(scn, variant, params, strat, w, runs=int(runs),
                    first_execution=int(first_execution), max_seconds=float(max_seconds or 0))
    t0 = time.monotonic()
    res = _call_core(_core.explore, _setup_for(scn, variant, params), spec.SerializeToString(),
                     progress, int(progress_every), scn=scn)
    out = ExploreResult(scn, strat, variant, res["runs"], res["distinct"],
                        res["seconds"] or (time.monotonic() - t0),
                        timed_out=res.get("timed_out", False),
                        boot_images=res.get("boot_images", 0))
    if res["failure"] is not None:
        out.failure = Failure.from_core(res["failure"])
        out.repro = out.failure.repro
    return out


@dataclasses.dataclass
class SearchResult:
    """A bounded exhaustive search: `exhausted` says every execution within
    `bound` preemptions ran (with no failure, the scenario is proven free of
    bugs up to that bound); `bound` is the bound reached, or the one the
    failure was found at."""
    scenario: Scenario
    strategy: object  # kernsim_pb2.StrategySpec
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


def check_resume(c, spec, split):
    """A KernsimError unless checkpoint `c` continues the search RunSpec
    `spec` describes."""
    if (c.driver, c.variant) != (spec.driver, spec.variant):
        raise KernsimError(f"the checkpoint is of driver {c.driver} variant {c.variant}, not "
                           f"{spec.driver} variant {spec.variant}")
    if c.driver_conf != spec.driver_conf:
        raise KernsimError("the checkpoint's search ran with another driver.conf than this one "
                           f"({c.driver_conf_file or 'none'} then, "
                           f"{spec.driver_conf_file or 'none'} now): resume it with the same")
    st = spec.strategy
    if (c.max_bound, c.dpor, c.iterative) != (st.bound, st.dpor, not st.single_bound):
        raise KernsimError(f"the checkpoint was made with bound={c.max_bound} dpor={c.dpor} "
                           f"iterative={c.iterative}; resume it with the same options")
    if c.split and not split:
        raise KernsimError("the checkpoint is a split search's (--jobs/--cluster): resume it "
                           "with --jobs (any N)")
    if split and not c.split:
        raise KernsimError("the checkpoint is of a search in one process: resume it without "
                           "--jobs/--cluster")


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
           variant="none", params=None, progress=None, progress_every=10000, resume=None,
           stop_on_failure=True, want_kind="", want_signature="", fewest_steps=False,
           interruptible=False, world=None, **options):
    """Bounded exhaustive search (DFS over every decision, preemption bounds
    0..`bound` in turn; `dpor` prunes orders of independent operations).
    Stops at the first failure, at exhaustion, or at `max_executions` /
    `max_seconds`; `.checkpoint` continues it (pass it, or a file saved with
    save_checkpoint, as `resume`). progress(executions, distinct, bound,
    failures) is called every `progress_every` executions. interruptible:
    Ctrl-C (SIGINT) ends the search between executions, as a budget does
    (`.interrupted`), instead of raising KeyboardInterrupt when it returns.
    `world` and `options` set the World as for explore()."""
    spec = search_spec(scn, variant, params, bound, dpor, iterative, max_executions,
                       max_seconds, stop_on_failure, world_spec(world, **options),
                       interruptible=bool(interruptible))
    spec.goal.kind, spec.goal.signature = want_kind, want_signature
    spec.goal.fewest_steps = bool(fewest_steps)
    resume_bytes = None
    if resume is not None:
        c = load_checkpoint(resume) if isinstance(resume, str) else resume
        check_resume(c, spec, split=False)
        resume_bytes = c.SerializeToString()
    res = _call_core(_core.search, _setup_for(scn, variant, params), spec.SerializeToString(),
                     progress, int(progress_every), resume_bytes, scn=scn)
    out = SearchResult(scn, spec.strategy, variant, res["executions"], res["distinct"],
                       res["exhausted"], res["bound"], res["seconds"], list(res["per_bound"]),
                       res["redundant"], res["failures"], interrupted=res["interrupted"])
    if res["failure"] is not None:
        out.failure = Failure.from_core(res["failure"])
        out.repro = out.failure.repro
    out.distinct_failures = [Failure.from_core(f) for f in res["distinct_failures"]]
    out.checkpoint = pb.DfsCheckpoint.FromString(res["checkpoint"])
    return out


def search_spec(scn, variant, params, bound, dpor, iterative, max_executions, max_seconds,
                stop_on_failure, world, **fields):
    """The RunSpec of a bounded search (one process's, or a split's)."""
    return run_spec(scn, variant, params, strategy_spec("dfs", bound=bound, dpor=dpor,
                                                        iterative=iterative),
                    world, runs=int(max_executions), max_seconds=float(max_seconds or 0),
                    keep_going=not stop_on_failure, collect_failures=True, **fields)


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
        return None, None
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
    # The driver.conf the repro ran with, whatever the scenario says now
    # (minimize and rerecord search this scenario again: the same one).
    scn = scn.with_conf(r.driver_conf, r.driver_conf_file)
    return _setup_for(scn, r.variant, scenario_params(r.scenario.params, path)), scn


def scenario_params(params, path):
    """A RunSpec's or repro's scenario.params (Python literals) as values."""
    import ast
    try:
        return {k: ast.literal_eval(v) for k, v in params.items()}
    except (ValueError, SyntaxError) as e:
        raise ReproError(f"{path}: field scenario.params: {e}") from e


def run_repro(r, path="repro"):
    """Replays a loaded repro once, trace recorded, under its recorded hang
    limit (set_hang_limit does not reach it). An error names the file."""
    try:
        setup, scn = _repro_setup(r, path)
        d = _call_core(_core.replay, setup, r.SerializeToString(), scn=scn)
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
        script=None, fallback="round_robin", world=None, **options):
    """One execution of a scenario with its trace, as a Failure record (kind
    'pass' when nothing failed). With strategy="scripted" and a `script`,
    this is how a regression test pins a known race. `world` and `options`
    set the World as for explore()."""
    spec = run_spec(scn, variant, params, strategy_spec(strategy, seed, depth, 0, script, fallback),
                    world_spec(world, **options))
    d = _call_core(_core.run_one, _setup_for(scn, variant, params), spec.SerializeToString(),
                   int(execution), scn=scn)
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
