"""QNX resource-manager figures, as JSON: executions per second of the
concurrent-devctl scenario (three clients against qnx_devctl's pool of two
server threads) on the Program path, correct server, PCT, beside lofi's
forced_unmap_program in the same process (the ratio is the figure: the
host's load moves both); and, per bug variant, how many PCT executions it
takes to find it (over several seeds).

    PYTHONPATH=build/python /usr/bin/python3 bench/bench_qnx.py [--seeds N]
"""

import json
import os
import sys

from pct_figures import against_lofi, execs_to_find, parse_args

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QNX = os.path.join(ROOT, "scenarios", "qnx", "devctl.py")

# variant, the scenario that finds it
VARIANTS = [
    ("no_mode_check", "readonly_format"),
    ("reply_nbytes", "nbytes_sizes"),
    ("config_unlocked", "concurrent"),
    ("msgread_nbytes", "nbytes_sizes"),
]


def main():
    a = parse_args()
    out = against_lofi(QNX, "concurrent", a.runs, a.rounds)
    finds = {variant: execs_to_find(QNX, name, variant, a.seeds, a.budget)
             for variant, name in VARIANTS}
    out["pct_execs_to_first_find"] = finds
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
