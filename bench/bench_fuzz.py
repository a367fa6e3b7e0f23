"""Fuzzer figures, JSON on stdout: for each driver with an ioctl description,
(1) executions per second of generated programs of ~10 calls over 2-3
threads, one core, coverage on, and of kernsim fuzz's own loop (mutation
and decoding included, its programs growing to ~50 calls) over 100,000
executions from an empty corpus; (2) time and executions to the first find of
each bug variant (capped; null when not found), and (3) with --long, a
60-second run of the correct driver from an empty corpus: executions/s,
edges and interleaving pairs over time (they grow, then flatten), and the
failures found (there must be none).

    PYTHONPATH=build/python KERNSIM_ROOT=$PWD /usr/bin/python3 bench/bench_fuzz.py \
        [--cap S] [--long] [--drivers lofi,ctl_ioctl] [--no-find]
"""

import argparse
import json
import os
import sys
import time

from kernsim import _core, api, fuzz_desc, fuzz_engine
from kernsim import kernsim_pb2 as pb


def exec_rate(desc, seconds=3.0):
    gen = _core.FuzzGenerator(desc.SerializeToString(), "none", 1)
    progs, calls = [], []
    while len(progs) < 64:
        x = gen.generate()
        for _ in range(6):
            x = gen.mutate(x)
        data = gen.decode(x)[0]
        p = pb.Program.FromString(data)
        n = sum(len(t.call) for t in p.thread)
        if 8 <= n <= 14 and len(p.thread) >= 2:
            progs.append(data)
            calls.append(n)
    ex = _core.FuzzExecutor()
    pct2 = pb.StrategySpec(name="pct", pct_depth=2).SerializeToString()
    # CPU time of this process: on a machine shared with other work, wall
    # time measured the load more than the executor.
    runs, t0, i = 0, time.process_time(), 0
    while time.process_time() - t0 < seconds:
        ex.run_batch(progs[i % len(progs)], pct2,
                     list(range(i * 64, i * 64 + 64)))
        runs += 64
        i += 1
    dt = time.process_time() - t0
    return {"executions_per_sec": round(runs / dt), "programs": len(progs),
            "mean_calls": round(sum(calls) / len(calls), 1), "edges": ex.edges,
            "pairs": ex.pairs}


def campaign_rate(desc, executions=100000):
    """kernsim fuzz's own loop (mutate, decode, run a batch, keep) from an
    empty corpus, seed 0, for a fixed number of executions: CPU-time rate,
    and the course it took (two builds compare on the same course only when
    these agree; the edge numbering follows the code layout)."""
    camp = _core.FuzzCampaign(desc.SerializeToString(), "none", 0)
    t0 = time.process_time()
    while camp.executions < executions:
        camp.run(min(512, executions - camp.executions))
    dt = time.process_time() - t0
    return {"executions_per_sec": round(camp.executions / dt), "executions": camp.executions,
            "course": {"edges": camp.edges, "pairs": camp.pairs, "corpus": camp.corpus,
                       "invalid": camp.invalid}}


def first_find(desc, variant, cap, tmp):
    fz = fuzz_engine.Fuzzer(desc, variant, seed=0, out_dir=tmp)
    st = fz.run(seconds=cap, stop_on_find=True)
    if not fz.findings:
        return {"found": None, "seconds_cap": cap, "executions": st.executions}
    f = next(iter(fz.findings.values()))
    return {"found": f"{f.kind} {f.signature}", "seconds": round(f.seconds, 3),
            "executions": f.executions, "replayed": f.replayed, "calls": f.calls}


def long_run(desc, seconds=60.0, every=2.0):
    fz = fuzz_engine.Fuzzer(desc, "none", seed=0, out_dir="/tmp/kernsim-bench-fuzz/long")
    curve = []
    st = fz.run(seconds=seconds, status=lambda s: curve.append(
        (round(s.seconds, 1), s.edges, s.pairs, s.corpus)), status_every=every)
    curve.append((round(st.seconds, 1), st.edges, st.pairs, st.corpus))
    half = [c for c in curve if c[0] <= seconds / 2][-1] if curve else (0, 0, 0, 0)
    return {"seconds": round(st.seconds, 1), "executions": st.executions,
            "executions_per_sec": round(st.rate), "invalid": st.invalid,
            "failures": [f"{k} {s}" for k, s in fz.findings],
            "edges": st.edges, "pairs": st.pairs, "corpus": st.corpus,
            # flattening: what the second half of the run added
            "edges_added_second_half": st.edges - half[1],
            "pairs_added_second_half": st.pairs - half[2],
            "curve_seconds_edges_pairs_corpus": curve}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cap", type=float, default=30.0, help="seconds per variant (default 30)")
    ap.add_argument("--long", action="store_true", help="also the 60 s no-false-positive run")
    ap.add_argument("--long-seconds", type=float, default=60.0)
    ap.add_argument("--drivers", default="", help="comma-separated (default: every described driver)")
    ap.add_argument("--no-find", action="store_true", help="skip the time-to-first-find runs")
    a = ap.parse_args()
    root = os.environ.get("KERNSIM_ROOT", os.getcwd())
    variants = {d["name"]: [n for n, _ in d["variants"] if n != "none"] for d in api.drivers()}
    only = [x for x in a.drivers.split(",") if x]
    out = {}
    for name in sorted(variants):
        if only and name not in only:
            continue
        try:
            desc = fuzz_desc.load(fuzz_desc.find(name, root))
        except fuzz_desc.DescriptionError:
            continue
        r = {"exec_rate": exec_rate(desc), "campaign": campaign_rate(desc)}
        if not a.no_find:
            r["first_find"] = {v: first_find(desc, v, a.cap, f"/tmp/kernsim-bench-fuzz/{name}")
                               for v in variants[name]}
        if a.long:
            r["long_run"] = long_run(desc, a.long_seconds)
        out[name] = r
        print(json.dumps({name: r}), file=sys.stderr, flush=True)  # progress
    json.dump(out, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
