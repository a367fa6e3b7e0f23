"""STREAMS figures, as JSON: executions per second of the close-vs-buffer-
return scenario (streams_lp close_race) on the Program path, correct
driver, PCT, beside lofi's forced_unmap_program in the same process (the
ratio is the figure: the host's load moves both); and, per bug variant,
how many PCT executions it takes to find it (over several seeds).

    PYTHONPATH=build/python /usr/bin/python3 bench/bench_streams.py [--seeds N]
"""

import json
import os
import sys

from pct_figures import against_lofi, execs_to_find, parse_args

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STREAMS = os.path.join(ROOT, "scenarios", "streams", "lp.py")
PERIM = os.path.join(ROOT, "scenarios", "streams", "perim.py")

# variant, the scenario that finds it, with injected faults, with the race
# detector, its script
VARIANTS = [
    ("close_no_wait", "close_race", False, False, STREAMS),
    ("iocdata_double_free", "transparent_lp64", False, False, STREAMS),
    ("qreply_locked", "lock_order", False, False, STREAMS),
    ("off_before_untimeout", "close_pending_ack", False, False, STREAMS),
    ("ack_by_cmd", "late_ack", False, False, STREAMS),
    ("no_cont_check", "nodata", False, False, STREAMS),
    ("no_unbufcall", "close_race_faults", True, False, STREAMS),
    # perimeters (drivers/streams_perim): too weak a declaration races,
    # qwriter_sync assumes a deferred callback ran
    ("no_inner", "queue", False, True, PERIM),
    ("perq", "pair", False, True, PERIM),
    ("no_ocexcl", "opens", False, True, PERIM),
    ("qwriter_sync", "start", False, False, PERIM),
    ("no_permod", "permod", False, True, PERIM),
    ("put_unshared", "permod", False, True, PERIM),
]


def main():
    a = parse_args()
    out = against_lofi(STREAMS, "close_race", a.runs, a.rounds)
    finds = {}
    for variant, name, faults, races, script in VARIANTS:
        finds[variant] = dict(execs_to_find(script, name, variant, a.seeds, a.budget,
                                            inject_faults=faults, detect_races=races),
                              inject_faults=faults, detect_races=races)
    out["pct_execs_to_first_find"] = finds
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
