"""Determinism across processes, and a regression pinned by a script."""

import json
import os
import subprocess
import sys

import kernsim

PROBE = r"""
import json, sys, kernsim
scn = kernsim.resolve(sys.argv[1])
out = []
for ex in range(40):
    f = kernsim.run(scn, strategy="random", seed=7, execution=ex, variant=sys.argv[2])
    out.append([f.kind, f.hash])
print(json.dumps(out))
"""


def hashes_in_a_new_process(spec, variant):
    p = subprocess.run([sys.executable, "-c", PROBE, spec, variant], capture_output=True,
                       text=True, timeout=120, env=dict(os.environ))
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def test_same_seed_same_hashes_in_two_processes(handshake):
    for name, variant in (("submit", "no_done_check"), ("submit_program", "none")):
        spec = f"{handshake}:{name}"
        a = hashes_in_a_new_process(spec, variant)
        b = hashes_in_a_new_process(spec, variant)
        assert a == b
        assert len({h for _, h in a}) > 10  # many interleavings, each reproduced


def test_script_pins_the_lost_wakeup(handshake):
    """Run client0 until the taskq has its request, then both workers until
    they are idle again, then client0: the broadcast comes before the wait,
    every time, with no search at all."""
    scn = kernsim.resolve(f"{handshake}:submit")
    script = [("client0", "taskq_dispatch", "sample_tq"),
              ("sample_tq/0", "", ""), ("sample_tq/1", "", ""),
              ("client0", "block", "r_cv")]
    f = kernsim.run(scn, strategy="scripted", script=script, variant="no_done_check",
                    params={"clients": 1})
    assert f.kind == "stuck", f
    assert f.signature == "stuck:cv_wait:r_cv"
    assert "the wakeup came before the wait" in f.message
    # The correct driver, pinned to the same interleaving, passes.
    ok = kernsim.run(scn, strategy="scripted", script=script[:3], variant="none",
                     params={"clients": 1})
    assert ok.kind == "pass", ok


def test_script_that_never_completes_is_a_divergence(handshake):
    scn = kernsim.resolve(f"{handshake}:submit")
    f = kernsim.run(scn, strategy="scripted", script=[("client0", "cv_wait", "no_such_cv")],
                    variant="none", params={"clients": 1})
    assert f.kind == "replay_divergence", f
    assert "never completed" in f.message
