"""Repro files: protobuf text format (*.repro.txtpb). Loading checks every
field it relies on and names the field that is wrong; a malformed file is a
ReproError, never a crash."""

import os
import shlex

from google.protobuf import text_format

from . import kernsim_pb2 as pb
from . import statefile
from .errors import ReproError

FORMAT_VERSION = 1
FAILURE_KINDS = ("pass", "deadlock", "stuck", "step_budget", "panic", "lock_misuse",
                 "lock_order", "memory", "teardown", "fault", "replay_divergence",
                 "scenario", "host_error", "hang", "data_race", "unload")
STRATEGIES = ("round_robin", "random", "pct", "replay", "scripted", "dfs", "minimize")
DECISION_KINDS = {"thread": 0, "fault": 1, "spurious": 2, "signal": 3}


_KIND_NAMES = {v: k for k, v in DECISION_KINDS.items()}


def decision_to_proto(kind, value, d):
    setattr(d, _KIND_NAMES[kind], value)


def decision_from_proto(d, where):
    which = d.WhichOneof("choice")
    if which is None:
        raise ReproError(f"{where}: empty decision (want thread/fault/spurious/signal)")
    return (DECISION_KINDS[which], getattr(d, which))


def decisions_to_proto(decisions, schedule):
    for kind, value in decisions:
        decision_to_proto(kind, value, schedule.decision.add())


def decisions_from_proto(schedule):
    return [decision_from_proto(d, f"schedule.decision[{i}]")
            for i, d in enumerate(schedule.decision)]


def is_program(repro):
    """A repro (or checkpoint) of a Program scenario, rather than a Python one.
    A Program may have no thread: a driver whose load and unload alone fail
    minimizes to none."""
    return repro.HasField("program")


def _driver_specs(repro):
    if is_program(repro):
        return [d.name for d in repro.program.driver]
    return [repro.driver]


def _module_info(repro, spec):
    """The module a run of `repro` loads for `spec` (a race-detecting run:
    the race-instrumented build of a driver named by name)."""
    from . import _core
    return _core.module_info(spec, "", repro.world.detect_races or
                             repro.world.preempt_at_access)


def stamp_modules(repro):
    """Records which module file each driver of the run was loaded from."""
    del repro.module[:]
    for spec in _driver_specs(repro):
        try:
            info = _module_info(repro, spec)
        except ValueError:
            continue  # not loadable here: nothing to record (replay will say why)
        repro.module.add(name=info["name"], path=info["path"], hash=info["hash"])


def check_modules(repro, path):
    """A repro replays only on the build of each driver it was recorded
    with: the same schedule on other code means nothing."""
    specs = _driver_specs(repro)
    for i, m in enumerate(repro.module):
        spec = specs[i] if i < len(specs) else m.name
        try:
            info = _module_info(repro, spec)
        except ValueError as e:
            raise ReproError(f"{path}: field module[{i}] ({m.name}): {e}") from e
        if info["hash"] != m.hash:
            raise ReproError(
                f"{path}: field module[{i}] ({m.name}): recorded with the build of hash {m.hash}, "
                f"but {info['path']} is hash {info['hash']}: another build of the driver "
                f"(replay on the recorded build, or record it again: kernsim rerecord {path})")


def save(repro, path):
    # Not framed with a checksum: people edit repros by hand (statefile.py).
    stamp_modules(repro)
    text = text_format.MessageToString(repro)
    statefile.write_atomic(path, ("# kernsim repro: replay with  kernsim replay "
                                  + shlex.quote(path) + "\n" + text).encode("utf-8"))


def load(path):
    text = statefile.read_text(path, "kernsim repro", ReproError)
    repro = pb.Repro()
    try:
        text_format.Parse(text, repro)
    except (text_format.ParseError, ValueError, TypeError, RecursionError) as e:
        raise ReproError(f"{path}: not a kernsim repro: {_one_line(e)}") from None
    check(repro, path)
    return repro


def _one_line(e):
    return " ".join(str(e).split()) or type(e).__name__


def _hex64(s):
    return isinstance(s, str) and s.startswith("0x") and len(s) == 18 and \
        all(c in "0123456789abcdef" for c in s[2:])


def check(r, path="repro"):
    def bad(field, why):
        raise ReproError(f"{path}: field {field}: {why}")

    if r.version != FORMAT_VERSION:
        bad("version", f"is {r.version}, this kernsim reads version {FORMAT_VERSION}")
    has_scenario = bool(r.scenario.module)
    has_program = is_program(r)
    if has_scenario == has_program:
        bad("scenario/program", "exactly one of scenario (a Python script) or program must be set")
    if has_scenario and not r.scenario.name:
        bad("scenario.name", "is empty: which scenario of " + r.scenario.module + "?")
    if not r.driver:
        bad("driver", "is empty")
    if not r.variant:
        bad("variant", "is empty (use \"none\" for the correct driver)")
    if r.found_by.name and r.found_by.name not in STRATEGIES:
        bad("found_by.name", f"unknown strategy '{r.found_by.name}' (known: {', '.join(STRATEGIES)})")
    if r.expected.kind not in FAILURE_KINDS:
        bad("expected.kind", f"unknown outcome '{r.expected.kind}' (known: {', '.join(FAILURE_KINDS)})")
    if r.expected.kind != "pass" and not r.expected.signature:
        bad("expected.signature", "is empty for a failing outcome")
    if not _hex64(r.expected.trace_hash):
        bad("expected.trace_hash", f"'{r.expected.trace_hash}' is not 0x followed by 16 lower-case hex digits")
    try:
        decisions_from_proto(r.schedule)
    except ReproError as e:
        raise ReproError(f"{path}: field {e}") from e
    return r
