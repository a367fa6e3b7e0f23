"""The verdicts of `kernsim ci` (ci_cli.py), one Case per repro or scenario.

A repro:
  reproduces      replays as recorded (kind, signature, trace hash): pass
  fixed           marked fixed (`kernsim mark-fixed`) and its failure is gone: pass
  regressed       marked fixed, and its failure (kind and signature) is back: fail
  not_reproduced  unmarked, and it no longer replays as recorded: fail (fixed?
                  mark it; changed on purpose? rerecord it)
  refused         malformed, or recorded with another build of a module: fail
A scenario:
  clean           no failure within its runs and time: pass
  new_failure     a failure, its repro written to the artifacts folder: fail
  error           the scenario raised, or bad input met while running: fail
"""

import dataclasses
import os
import shlex
import time

from . import api
from . import repro as repro_io
from .errors import KernsimError


@dataclasses.dataclass
class Case:
    kind: str            # "repro" or "scenario"
    name: str            # the repro's path, or script.py:name
    verdict: str
    passed: bool
    message: str = ""    # one line: why it failed (or what passed)
    replay: str = ""     # the command to paste, when there is a repro
    seconds: float = 0.0
    runs: int = 0        # scenarios: executions run
    repro: str = ""      # the repro file (a scenario's new failure: in the artifacts)

    def to_dict(self):
        return dataclasses.asdict(self)


def replay_command(path):
    return f"kernsim replay {shlex.quote(path)}"


def one_line(text):
    return "; ".join(x.strip() for x in str(text).splitlines() if x.strip())


def _at(f, path=None, r=None):
    """"; at: T: cv_wait at x.c:N in f (obj, step S); ..." naming the
    operations a failure turns on at source (sites.failure_where), from its
    trace, or from one replay of its repro; "" when there is none."""
    from . import sites
    trace = f.trace
    if not trace and r is not None:
        try:
            f = api.run_repro(r, path)
        except KernsimError:
            return ""
        trace = f.trace
    at = sites.failure_where(trace, f) if trace and f.kind != "pass" else []
    return f"; at: {'; '.join(at)}" if at else ""


def _outcome(f):
    return f"{f.kind} {f.signature}" if f.kind != "pass" else "pass (no failure)"


def check_repro(path):
    t0 = time.monotonic()
    case = Case("repro", path, "", False, replay=replay_command(path), repro=path)
    try:
        rr = api.replay(path)
    except KernsimError as e:
        case.verdict, case.message, case.replay = "refused", one_line(e), ""
        case.seconds = time.monotonic() - t0
        return case
    exp, got = rr.repro.expected, rr.outcome
    recorded = f"{exp.kind} {exp.signature}"
    if rr.repro.expect_fixed:
        if rr.passed:
            case.verdict, case.passed = "fixed", True
            case.message = f"marked fixed; {recorded} no longer happens (got {_outcome(got)})"
        else:
            case.verdict = "regressed"
            case.message = (f"marked fixed, but {recorded} happens again at step {got.step} "
                            f"in thread {got.thread or '-'}: {one_line(got.message)}"
                            + _at(got))
    elif rr.matched:
        case.verdict, case.passed = "reproduces", True
        case.message = f"{recorded} as recorded"
    else:
        q = shlex.quote(path)
        case.verdict = "not_reproduced"
        case.message = (f"no longer reproduces ({'; '.join(rr.mismatches)}): if the bug was "
                        f"fixed, kernsim mark-fixed {q}; if the driver changed on purpose, "
                        f"kernsim rerecord {q}")
    case.seconds = time.monotonic() - t0
    return case


def explore_scenario(label, scn, seconds, runs, strategy, seed, variant, artifacts):
    t0 = time.monotonic()
    case = Case("scenario", label, "", False)
    try:
        res = api.explore(scn, strategy=strategy, runs=runs, seed=seed, variant=variant,
                          max_seconds=max(seconds, 0.001))
    except KernsimError as e:
        case.verdict, case.message = "error", one_line(e)
        case.seconds = time.monotonic() - t0
        return case
    case.runs = res.runs
    f = res.failure
    if f is None:
        case.verdict, case.passed = "clean", True
        case.message = (f"no failure in {res.runs} {strategy} runs"
                        + (" (stopped by its share of the time budget)" if res.timed_out else ""))
    else:
        stem = os.path.splitext(os.path.basename(scn.module_file))[0]
        out = os.path.join(artifacts, f"{stem}-{scn.name}-{variant}.repro.txtpb")
        try:
            os.makedirs(artifacts, exist_ok=True)
            repro_io.save(res.repro, out)
        except OSError as e:
            raise KernsimError(f"cannot write the repro to {out}: {e.strerror or e}") from e
        case.verdict, case.repro, case.replay = "new_failure", out, replay_command(out)
        case.message = (f"{f.kind} at step {f.step} in thread {f.thread or '-'} "
                        f"(execution {f.execution} of {strategy} seed {seed}): "
                        f"{one_line(f.message)}{_at(f, out, res.repro)}; repro: {out}")
    case.seconds = time.monotonic() - t0
    return case
