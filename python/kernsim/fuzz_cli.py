"""`kernsim fuzz --driver NAME [--time S] [--jobs N] [--corpus DIR]
[--variant V] [--seed S] [--execs N] [--desc FILE] [--out DIR]`: a
coverage-guided campaign over the driver's described ioctls, with a live
status line on stderr and a summary on stdout. Exit status 1 when a failure
was found (each one minimized and written as a repro), 0 when not, 2 for bad
input.

--jobs N runs N worker processes (seeds S, S+1, ...), each its own campaign;
they share the corpus directory (each picks up the others' entries every few
seconds) and the parent dedups their findings by kind and signature. The
status line sums executions; edges and pairs are the union of the workers'
coverage (each sends its edge map and pair keys with its status)."""

import argparse
import multiprocessing
import os
import shutil
import sys
import time

from . import api
from . import fuzz_desc
from . import progress
from .cli_types import I63, U64, int_in, rng, seconds_in
from .errors import KernsimError
from .scenario import beside_module_conf, is_module_path

REPLAY_CMD = "kernsim replay"  # pasteable in a fresh shell (cli.REPLAY_CMD)


def add_parser(sub, positive):
    f = sub.add_parser("fuzz", help="coverage-guided fuzzing of a driver's ioctl sequences",
                       description="Generates and mutates ioctl programs from the driver's "
                       "description (drivers/<name>/<name>.ioctl.txtpb), keeps those that cover "
                       "new driver edges or interleaving pairs, and writes a minimized repro of "
                       "every distinct failure.")
    f.add_argument("--driver", required=True)
    f.add_argument("--variant", default="none", help="bug variant (default: none)")
    f.add_argument("--time", type=seconds_in(0, 10**7), default=60.0,
                   help="seconds (default 60) (0..10000000]")
    f.add_argument("--execs", type=int_in(0, I63), default=0,
                   help="stop after this many executions per job (default 0: no limit)"
                   + rng(0, "2**63-1"))
    f.add_argument("--jobs", type=int_in(1, 1024), default=1,
                   help="worker processes (default 1)" + rng(1, 1024))
    f.add_argument("--seed", type=int_in(0, U64), default=0,
                   help="fuzzer seed (default 0)" + rng(0, "2**64-1"))
    f.add_argument("--hang-limit", type=seconds_in(0.001, 3600, lo_open=False), metavar="S",
                   help="a thread that runs S seconds of CPU time with no scheduling point "
                   "is a hang failure (default 1 for fuzz) [0.001..3600]")
    f.add_argument("--corpus", metavar="DIR", help="corpus directory (read, then grown)")
    f.add_argument("--desc", metavar="FILE", help="ioctl description (default: found under drivers/)")
    f.add_argument("--conf", metavar="DRIVER.conf",
                   help="the driver's driver.conf(5) (illumos; default: <driver>.conf beside "
                   "the module, if any)")
    f.add_argument("--out", metavar="DIR", default=os.path.join("out", "fuzz"),
                   help="where repros go (default out/fuzz)")
    f.add_argument("--stop-on-find", action="store_true", help="stop at the first failure")
    f.add_argument("--quiet", action="store_true", help="no status line")
    return f


def _load_desc(a):
    info = api.module_info(a.driver)
    name = info["name"]
    path = a.desc or fuzz_desc.path_for(info)
    desc = fuzz_desc.load(path)
    if desc.driver != name:
        raise KernsimError(f"{path}: field driver: describes '{desc.driver}', not '{name}'")
    variants = [n for n, _ in info["variants"]]
    if a.variant not in variants:
        raise KernsimError(f"driver {name} has no variant '{a.variant}' (variants: {', '.join(variants)})")
    if is_module_path(a.driver):
        desc.driver = info["path"]  # Programs (and repros) load the module by its file
        # A module the description also loads, named, is taken from beside
        # the described one when it is there (an out-of-tree layered pair,
        # built side by side, whose lower one is in no driver path).
        here = os.path.dirname(info["path"])
        for d in desc.also_load:
            beside = os.path.join(here, d.name + ".so")
            if not is_module_path(d.name) and os.path.isfile(beside):
                d.name = beside
    conf = a.conf or beside_module_conf(a.driver)
    if conf:
        try:
            with open(conf, "rb") as f:
                desc.conf = f.read().decode("utf-8")
        except OSError as e:
            raise KernsimError(f"--conf {conf}: {e.strerror}") from None
        except UnicodeDecodeError as e:
            raise KernsimError(f"--conf {conf}: not text (byte {e.start} is not UTF-8)") from None
        desc.conf_file = conf
    return desc


def _status_line(s, jobs):
    return (f"[{s['seconds']:6.1f}s] execs {s['executions']} ({s['rate']:.0f}/s)  "
            f"edges {s['edges']}  pairs {s['pairs']}  corpus {s['corpus']}  "
            f"failures {s['failures']}  invalid {s['invalid']}" + (f"  jobs {jobs}" if jobs > 1 else ""))


def _stats_dict(st):
    return {"executions": st.executions, "edges": st.edges, "pairs": st.pairs,
            "corpus": st.corpus, "invalid": st.invalid, "failures": st.failures,
            "seconds": st.seconds, "rate": st.rate}


def _worker(job, a, desc_bytes, q):
    """One campaign; reports stats and findings through q."""
    from . import fuzz_engine
    from . import kernsim_pb2 as pb
    desc = pb.DriverDescription()
    desc.ParseFromString(desc_bytes)
    out = a.out if a.jobs == 1 else os.path.join(a.out, f"job{job}")
    fz = fuzz_engine.Fuzzer(desc, a.variant, seed=a.seed + job, corpus_dir=a.corpus, out_dir=out,
                            on_find=lambda f: q.put(("find", job, f.__dict__)))

    def stats(s):
        d = _stats_dict(s)
        if a.jobs > 1:  # the parent merges coverage as a union
            d["coverage"] = fz.coverage()
        return d
    try:
        st = fz.run(seconds=a.time, executions=a.execs or None, stop_on_find=a.stop_on_find,
                    status=lambda s: q.put(("status", job, stats(s))))
        q.put(("done", job, stats(st)))
    except KernsimError as e:
        q.put(("error", job, str(e)))
    except Exception as e:  # noqa: BLE001 - a worker must always say it is done
        q.put(("error", job, f"fuzz job {job}: {type(e).__name__}: {e}"))


FUZZ_HANG_LIMIT = 1.0  # s: a campaign's executions take microseconds, and
# each hanging one costs the limit (the minimizer runs it dozens of times)


def cmd(a):
    desc = _load_desc(a)
    if not a.hang_limit:
        api.set_hang_limit(FUZZ_HANG_LIMIT)
    if a.corpus:
        if os.path.exists(a.corpus) and not os.path.isdir(a.corpus):
            raise KernsimError(f"--corpus {a.corpus}: is a file, not a directory")
        os.makedirs(a.corpus, exist_ok=True)
        from . import fuzz_corpus
        fuzz_corpus.load_dir(a.corpus, desc.driver)  # a corrupt file is an error before anything runs
    print(f"kernsim fuzz driver={a.driver} variant={a.variant} time={a.time:g}s jobs={a.jobs} "
          f"seed={a.seed} corpus={a.corpus or '-'} out={a.out} "
          + (f"conf={desc.conf_file} " if desc.conf else "")
          + f"ioctls={','.join(io.name for io in desc.ioctl)}", flush=True)
    col = _Collector(a, a.jobs)
    try:
        return _run(a, desc, col)
    except KeyboardInterrupt:
        col.prog.interrupted(f"{len(col.found)} distinct failures found")
        col.summary()
        return 130  # as cli.EXIT_INTERRUPTED


def _run(a, desc, col):
    if a.jobs == 1:  # in this process: the collector sees each message as it is put
        _worker(0, a, desc.SerializeToString(), col)
        return col.finish()
    ctx = multiprocessing.get_context("fork")
    q = ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(j, a, desc.SerializeToString(), q), daemon=True)
             for j in range(a.jobs)]
    for p in procs:
        p.start()
    try:
        done = 0
        while done < a.jobs:
            m = q.get()
            done += m[0] in ("done", "error")
            col.put(m)
        return col.finish()
    finally:
        for p in procs:
            p.join(timeout=5)


class _Collector:
    """Merges the workers' messages: the live status line, findings deduped
    by kind and signature, and the summary."""

    def __init__(self, a, jobs):
        self.a, self.jobs = a, jobs
        self.status, self.found, self.errors = {}, {}, []
        self.edge_map, self.pair_set = None, set()  # union of the workers' coverage
        self.tty = progress.is_tty() and not a.quiet
        self.prog = progress.Progress("fuzz", "executions", total=a.execs or None,
                                      seconds=a.time, quiet=a.quiet)

    def _agg(self):
        v = list(self.status.values())
        if not v:
            return {}
        edges, pairs = max(x["edges"] for x in v), max(x["pairs"] for x in v)
        if self.edge_map is not None:
            edges = sum(1 for b in self.edge_map if b)
            pairs = len(self.pair_set)
        agg = {"executions": sum(x["executions"] for x in v), "edges": edges,
               "pairs": pairs, "corpus": max(x["corpus"] for x in v),
               "invalid": sum(x["invalid"] for x in v), "failures": len(self.found),
               "seconds": max(x["seconds"] for x in v)}
        agg["rate"] = agg["executions"] / agg["seconds"] if agg["seconds"] > 0 else 0
        return agg

    def _show(self, final=False):
        agg = self._agg()
        if self.a.quiet or not agg:
            return
        self.prog.update(agg["executions"], _status_line(agg, self.jobs),
                         info=f"edges {agg['edges']}  pairs {agg['pairs']}  corpus "
                         f"{agg['corpus']}  failures {agg['failures']}")
        if final:
            self.prog.close()

    def put(self, m):
        kind, job, x = m
        if kind in ("status", "done"):
            cov = x.pop("coverage", None)
            if cov is not None:
                emap, keys = cov
                self.edge_map = bytearray(emap) if self.edge_map is None else \
                    bytearray(p | q for p, q in zip(self.edge_map, emap))
                self.pair_set.update(keys)
            self.status[job] = x
            if kind == "status":
                self._show()
        elif kind == "find":
            key = (x["kind"], x["signature"])
            if key in self.found:
                return
            self.found[key] = x
            if self.jobs > 1:  # one repro per distinct failure, at the top of --out
                dst = os.path.join(self.a.out, os.path.basename(x["repro_path"]))
                shutil.copyfile(x["repro_path"], dst)
                x["repro_path"] = dst
            if not self.a.quiet:
                print(f"kernsim: found {x['kind']} ({x['signature']}) "
                      f"after {x['executions']} executions, {x['seconds']:.2f}s",
                      file=sys.stderr, flush=True)
        elif kind == "error":
            self.errors.append(x)

    def finish(self):
        if self.errors:
            raise KernsimError(self.errors[0])
        self._show(final=True)
        return self.summary()

    def summary(self):
        agg = self._agg()
        print(f"executions={agg.get('executions', 0)} execs/s={agg.get('rate', 0):.0f} "
              f"edges={agg.get('edges', 0)} pairs={agg.get('pairs', 0)} corpus={agg.get('corpus', 0)} "
              f"invalid={agg.get('invalid', 0)} failures={len(self.found)}")
        for x in self.found.values():
            print(f"FAILURE {x['kind']} {x['signature']}: found after {x['executions']} executions "
                  f"({x['seconds']:.2f}s), minimized to {x['calls']} calls, "
                  f"replay {'matches' if x['replayed'] else 'DOES NOT match'}")
            first = str(x["message"]).splitlines()[0] if x["message"] else ""
            print(f"    {first}")
            print(f"    repro: {x['repro_path']}")
            print(f"    replay: {REPLAY_CMD} {x['repro_path']}")
        return 1 if self.found else 0
