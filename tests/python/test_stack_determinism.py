"""An execution found in a campaign replays alone, in a fresh process, as
it ran: whatever the process ran before, and whatever hang limit it set.

fbstack's STACK_NOTE decides by an uninitialised local whether to take
its mutex (its events, and so the schedule's decisions, change with it),
and every execution scribbles its threads' stacks after. The fiber stacks
are reused from execution to execution without being cleared, so before
driver modules were built with -ftrivial-auto-var-init=zero the local was
0x5a5a5a5a in a campaign's second and later executions and 0 on a fresh
process's stacks: the campaign's find did not replay alone.

A repro that records no hang limit ran under the default (10 s); replay
used the replaying process's limit instead, and a thread's long loop with
no scheduling point (a hang under a short limit, not under 10 s) then
changed the outcome."""
import json
import os
import re
import shutil
import subprocess
import sys

import pytest

import kernsim
from kernsim import api

import stack_scenarios as ss

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
# About 0.25 s of CPU here (a turn takes 0.25 ns): far above the 0.02 s
# hang limit the replaying process sets, far below the default 10 s.
SPIN_TURNS = 1_000_000_000


def scn(name):
    return kernsim.resolve(f"{ss.__file__}:{name}")


def _fresh(code):
    """Runs `code` in a new Python process (fresh fiber stacks); returns
    the JSON it prints."""
    env = dict(os.environ, KERNSIM_ROOT=ROOT,
               PYTHONPATH=os.pathsep.join([HERE, os.environ.get("PYTHONPATH", "")]))
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       env=env, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    return json.loads(p.stdout.strip().splitlines()[-1])


def _campaign(seed):
    return kernsim.explore(scn("takers"), strategy="random", runs=5000, seed=seed)


def test_a_campaigns_find_replays_alone_after_other_executions(cli, tmp_path):
    # Other executions first, in this process: their threads leave their
    # stacks scribbled, as any earlier test's or campaign's would.
    for seed in range(3):
        kernsim.explore(scn("takers"), strategy="pct", runs=200, seed=seed)
    r = _campaign(11)
    f = r.failure
    assert f is not None, "the token race was not found"
    assert f.kind == "panic" and "the last token taken twice" in f.message, f.message
    path = tmp_path / "takers.repro.txtpb"
    kernsim.save_repro(r.repro, str(path))

    # Alone, in a new process: the same outcome and trace hash.
    p = cli("replay", path)
    assert p.returncode == 0, p.stdout + p.stderr

    # And the campaign's whole course is the one a new process takes.
    fresh = _fresh(
        "import json, kernsim, stack_scenarios as ss\n"
        f"r = kernsim.explore(kernsim.resolve(ss.__file__ + ':takers'), strategy='random', "
        f"runs=5000, seed=11)\n"
        "print(json.dumps([r.runs, r.failure.kind, r.failure.signature, r.failure.hash]))")
    assert fresh == [r.runs, f.kind, f.signature, f.hash]


def test_every_execution_sees_the_stacks_a_new_process_gives_it():
    # Execution by execution, the trace hash on stacks others wrote equals
    # the one a new process computes for that execution alone.
    kernsim.explore(scn("takers"), strategy="pct", runs=100, seed=1)
    for ex in (0, 1, 5):
        here = kernsim.run(scn("takers"), strategy="random", seed=4, execution=ex)
        alone = _fresh(
            "import json, kernsim, stack_scenarios as ss\n"
            "s = kernsim.resolve(ss.__file__ + ':takers')\n"
            f"o = kernsim.run(s, strategy='random', seed=4, execution={ex})\n"
            "print(json.dumps([o.kind, o.hash]))")
        assert [here.kind, here.hash] == alone, ex


def test_replay_keeps_the_recorded_default_hang_limit(tmp_path):
    # Found under the default limit: the spinning thread is no hang there.
    api.set_hang_limit(None)
    r = kernsim.explore(scn("spin_takers"), strategy="random", runs=40, seed=2,
                        params={"turns": SPIN_TURNS})
    f = r.failure
    assert f is not None and f.kind == "panic", f
    path = str(tmp_path / "spin.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    assert "hang_ms" not in open(path).read()
    try:
        # A process whose own limit the loop exceeds replays it as recorded.
        api.set_hang_limit(0.02)
        again = kernsim.replay(path)
        assert again.matched, again.mismatches
        assert again.outcome.kind == "panic"
    finally:
        api.set_hang_limit(None)


def test_minimize_and_rerecord_run_under_the_recorded_limit():
    rec = kernsim.kernsim_pb2.Repro()
    try:
        api.set_hang_limit(0.05)
        with api.recorded_hang_limit(rec):        # none recorded: the default
            assert api.world_spec().hang_ms == 0
        rec.world.hang_ms = 7000
        with api.recorded_hang_limit(rec):
            assert api.world_spec().hang_ms == 7000
        assert api.world_spec().hang_ms == 50
    finally:
        api.set_hang_limit(None)


@pytest.mark.skipif(shutil.which("clang") is None, reason="no clang on this host")
def test_build_driver_with_clang_zeroes_locals_too(cli, tmp_path):
    # The flag list is GCC's build's; clang before 16 wants an enabling flag
    # beside -ftrivial-auto-var-init=zero, and build-driver adds it.
    src = os.path.join(HERE, "..", "drivers", "fbstack.c")
    p = cli("build-driver", "--personality", "freebsd", "--cc", "clang", "--no-coverage",
            "-o", tmp_path / "fbstack.so", src)
    assert p.returncode == 0, p.stdout + p.stderr
    # the local STACK_NOTE reads is zeroed in clang's code as well: the
    # function clears it before the test (a store of zero to the frame)
    dis = subprocess.run(["objdump", "-d", "--no-show-raw-insn", str(tmp_path / "fbstack.so")],
                         capture_output=True, text=True).stdout
    note = dis[dis.index("<stack_note>:"):]
    note = note[:note.index("\n\n")]
    assert "memset" in note or re.search(r"\b(rep stos|movaps|movups|mov[lq]?\s+\$0x0,)", note), \
        note
