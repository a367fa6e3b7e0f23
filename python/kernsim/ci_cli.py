"""`kernsim ci [PATHS] [--budget S] [--runs N] [--junit FILE] [--json FILE]
[--artifacts DIR]`: regression of concurrency bugs in a CI job.

First every repro under PATHS (files, or folders searched for
*.repro.txtpb; default scenarios/regressions/) is replayed, each a verdict
(ci.py); then every scenario script in PATHS (`x.py`: all its scenarios, or
`x.py:name`) is explored under the time budget, split fairly (each gets the
time left divided by the scenarios left, so one that ends early leaves its
time to the others) and capped by --runs so that a short job's verdict does
not depend on the machine's load. A new failure's repro goes into the
artifacts folder. Exit status 1 on any failing testcase, 0 when none, 2 for
bad input found before anything runs (a path that does not exist, a
scenario script that does not load, an option out of range)."""

import os
import sys
import time

from . import api
from . import ci
from . import ci_report
from . import progress as progress_mod
from .cli_types import U64, int_in, rng, seconds_in
from .errors import KernsimError
from .scenario import load_module, resolve, scenarios_in

DEFAULT_PATHS = [os.path.join("scenarios", "regressions")]
MAX_RUNS = 10**15


def add_parser(sub):
    c = sub.add_parser("ci", help="replay a folder of repros, explore scenarios, report",
                       description="Replays every repro under PATHS (folders are searched for "
                       "*.repro.txtpb; default scenarios/regressions/), then explores every "
                       "scenario script given (x.py or x.py:name) under the time budget. Exit "
                       "status 1 on a regression or a new failure, 0 when none, 2 for bad input.")
    c.add_argument("paths", nargs="*", metavar="PATH",
                   help="repro files, folders of repros, scenario scripts")
    c.add_argument("--budget", type=seconds_in(0, 10**7), default=60.0, metavar="SECONDS",
                   help="exploration time, split fairly between the scenarios (default 60)"
                   " (0..1e7]")
    c.add_argument("--runs", type=int_in(1, MAX_RUNS), default=100000,
                   help="at most this many executions per scenario, whichever of budget and "
                   "runs comes first (default 100000)" + rng(1, MAX_RUNS))
    c.add_argument("--strategy", choices=("random", "pct", "dfs"), default="pct",
                   help="exploration strategy (default pct)")
    c.add_argument("--seed", type=int_in(0, U64), default=0, help="strategy seed (default 0)"
                   + rng(0, "2**64-1"))
    c.add_argument("--variant", default="none",
                   help="driver variant the scenarios run (default none, the correct driver)")
    c.add_argument("--junit", metavar="FILE", help="write a JUnit XML report here")
    c.add_argument("--json", metavar="FILE", help="write the same report as JSON here")
    c.add_argument("--artifacts", default=os.path.join("out", "ci"), metavar="DIR",
                   help="where new failures' repros go (default out/ci)")


def _collect(paths):
    """(repro files, [(label, Scenario)]) of the paths; bad input raises."""
    repros, scenarios = [], []
    for p in paths:
        if ".py" in p and (p.endswith(".py") or ".py:" in p):
            script, _, name = p.partition(":")
            if name:
                scenarios.append((p, resolve(p)))
            else:
                found = scenarios_in(load_module(script))
                if not found:
                    raise KernsimError(f"{script} declares no scenario (use @kernsim.scenario)")
                scenarios += [(f"{script}:{n}", found[n]) for n in sorted(found)]
        elif os.path.isdir(p):
            for d, dirs, files in os.walk(p):
                dirs.sort()
                repros += [os.path.join(d, f) for f in sorted(files)
                           if f.endswith(".repro.txtpb")]
        elif os.path.isfile(p):
            repros.append(p)
        else:
            raise KernsimError(f"{p}: no such file or directory")
    return repros, scenarios


def _check_variant(label, scn, variant):
    names = [n for n, _ in api.module_info(scn.driver)["variants"]]
    if variant != "none" and variant not in names:
        raise KernsimError(f"{label}: driver {scn.driver} has no variant '{variant}' "
                           f"(variants: {', '.join(names)})")


def _tally(cases):
    bad = sum(not c.passed for c in cases)
    return f"{len(cases) - bad} passed, {bad} failing"


def cmd(a):
    repros, scenarios = _collect(a.paths or DEFAULT_PATHS)
    if not repros and not scenarios:
        raise KernsimError(f"nothing to check under {', '.join(a.paths or DEFAULT_PATHS)}")
    for label, scn in scenarios:
        _check_variant(label, scn, a.variant)
    cases = []
    # The live line counts checks; a log gets the plain line per scenario.
    prog = progress_mod.Progress("ci", "checks", total=len(repros) + len(scenarios))
    try:
        with prog:
            for p in repros:
                cases.append(ci.check_repro(p))
                prog.update(len(cases), info=_tally(cases))
            deadline = time.monotonic() + a.budget
            for i, (label, scn) in enumerate(scenarios):
                left = max(0.0, deadline - time.monotonic()) / (len(scenarios) - i)
                prog.update(len(cases), f"kernsim ci: exploring {label} ({a.strategy}, variant "
                            f"{a.variant}, up to {a.runs} runs or {left:.1f} s)",
                            info=_tally(cases) + f"; exploring {label}")
                cases.append(ci.explore_scenario(label, scn, seconds=left, runs=a.runs,
                                                 strategy=a.strategy, seed=a.seed,
                                                 variant=a.variant, artifacts=a.artifacts))
                prog.update(len(cases), info=_tally(cases))
    except KeyboardInterrupt:
        prog.interrupted("; ".join(f"{'PASS' if c.passed else 'FAIL'} {c.name}" for c in cases)
                         or "nothing checked yet")
        return 130  # as cli.EXIT_INTERRUPTED: the shell's status for SIGINT
    for c in cases:
        print(f"{'PASS' if c.passed else 'FAIL'}  {c.kind:<8} {c.name}: {c.verdict}"
              + ("" if c.passed else f"\n    {c.message}")
              + (f"\n    replay: {c.replay}" if c.replay and not c.passed else ""))
    failures = sum(not c.passed for c in cases)
    status = 1 if failures else 0
    for path, write in ((a.junit, ci_report.write_junit), (a.json, ci_report.write_json)):
        if path:
            try:
                if os.path.dirname(path):
                    os.makedirs(os.path.dirname(path), exist_ok=True)
                write(cases, path)
            except OSError as e:
                raise KernsimError(f"cannot write the report to {path}: {e.strerror or e}") from e
    print(f"kernsim ci: {len(cases)} checks ({len(repros)} repros, {len(scenarios)} "
          f"scenarios), {failures} failing")
    sys.stdout.flush()
    return status

