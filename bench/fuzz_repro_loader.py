"""Mutation fuzz of the repro loader: N mutated repros (from the shipped
regressions) through kernsim.replay, the loading API a user calls. Every
input must end as a replay result or a KernsimError; anything else is a
traceback, counted, and its input written under --crashes (add those to
tests/python/fuzz_regressions/repro/ once fixed).

    PYTHONPATH=build/python KERNSIM_ROOT=$PWD /usr/bin/python3 \\
        bench/fuzz_repro_loader.py --inputs 20000

Prints JSON: inputs, loaded (parsed and checked), replayed, refused,
tracebacks, seconds."""

import argparse
import glob
import json
import os
import random
import sys
import tempfile
import time
import traceback

INTERESTING = [b"0", b"-1", b"1", b"4294967295", b"4294967296", b"18446744073709551615",
               b"18446744073709551616", b"99999999999999999999999", b"-9223372036854775809",
               b"0x", b"1e400", b"nan", b"\"\"", b"\"\\xff\"", b"\xff\xfe", b"\x00", b"{", b"}",
               b"thread: 9", b"thread: 0", b"fault: 7", b"signal: 1", b"decision { }",
               b"module: \"/etc/passwd\"", b"module: \"scenarios\"", b"name: \"__init__\"",
               b"params { key: \"x\" value: \"(\" }", b"variant: \"\"", b"driver: \"nope\"",
               b"version: 2", b"program { thread { name: \"t\" } }"]


def mutate(rng, seeds):
    data = bytearray(rng.choice(seeds))
    for _ in range(1 if rng.random() < 0.6 else rng.randint(2, 4)):
        op = rng.randrange(8)
        i = rng.randrange(len(data) + 1)
        if op == 0 and data:  # flip a bit
            j = min(i, len(data) - 1)
            data[j] ^= 1 << rng.randrange(8)
        elif op == 1:  # a random byte, often not UTF-8
            data[i:i] = bytes([rng.randrange(256)])
        elif op == 2 and data:  # delete a run
            del data[i:i + rng.randint(1, 16)]
        elif op == 3:  # truncate
            del data[i:]
        elif op == 4:  # an interesting token
            data[i:i] = rng.choice(INTERESTING)
        elif op == 5:  # replace a number
            k = data.find(b": ", i)
            if k >= 0:
                e = k + 2
                while e < len(data) and data[e:e + 1] not in (b"\n", b" ", b"}"):
                    e += 1
                data[k + 2:e] = rng.choice(INTERESTING)
        elif op == 6:  # a line of another seed
            lines = rng.choice(seeds).split(b"\n")
            data[i:i] = rng.choice(lines) + b"\n"
        else:  # duplicate a run
            data[i:i] = data[i:i + rng.randint(1, 64)]
    return bytes(data)


def run_one(path, data):
    """'loaded'/'refused'/('traceback', text) for one input."""
    import kernsim
    with open(path, "wb") as f:
        f.write(data)
    try:
        kernsim.load_repro(path)
    except kernsim.KernsimError:
        return "refused"
    except Exception:  # noqa: BLE001 - what the fuzz looks for
        return ("traceback", traceback.format_exc())
    try:
        kernsim.replay(path)
        return "replayed"
    except kernsim.KernsimError:
        return "refused_at_replay"
    except Exception:  # noqa: BLE001
        return ("traceback", traceback.format_exc())


def seeds_from(root):
    return [open(p, "rb").read()
            for p in sorted(glob.glob(os.path.join(root, "scenarios/regressions/*.repro.txtpb")))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--inputs", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--crashes", default=None, help="directory for inputs that tracebacked")
    a = ap.parse_args()
    root = os.environ.get("KERNSIM_ROOT", os.getcwd())
    seeds = seeds_from(root)
    rng = random.Random(a.seed)
    counts = {"refused": 0, "loaded": 0, "replayed": 0, "refused_at_replay": 0, "tracebacks": 0}
    seen = {}
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "m.repro.txtpb")
        for n in range(a.inputs):
            data = mutate(rng, seeds)
            r = run_one(path, data)
            if isinstance(r, tuple):
                counts["tracebacks"] += 1
                last = r[1].strip().splitlines()[-1]
                if last not in seen:
                    seen[last] = data
                    print(f"input {n}: {last}", file=sys.stderr)
                    if a.crashes:
                        os.makedirs(a.crashes, exist_ok=True)
                        with open(os.path.join(a.crashes, f"crash-{n}.repro.txtpb"), "wb") as f:
                            f.write(data)
                continue
            if r in ("replayed", "refused_at_replay"):
                counts["loaded"] += 1
            counts[r] += 1
    counts["inputs"] = a.inputs
    counts["seconds"] = round(time.monotonic() - t0, 1)
    counts["distinct_tracebacks"] = sorted(seen)
    print(json.dumps(counts))
    return 1 if counts["tracebacks"] else 0


if __name__ == "__main__":
    sys.exit(main())
