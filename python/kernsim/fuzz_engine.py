"""The fuzzing loop: pick a corpus program, mutate it (fuzz_gen), run it
under a batch of schedule seeds with coverage (kernsim._core.FuzzExecutor),
keep it when it covered a new driver edge or interleaving pair, and turn
every new failure (kind + signature) into a minimized repro that
`kernsim replay` reproduces.

Deterministic: one random.Random(seed) makes every program and schedule
seed; the host clock only decides when to stop and when to print."""

import dataclasses
import os
import random
import time

from . import _core
from . import fuzz_corpus
from . import fuzz_min
from . import repro as repro_io
from .fuzz_gen import Generator

# Which outcomes are findings is decided in C++ (_core.fuzz_verdict,
# python/core/fuzz_verdict.cc), the one rule shared with the libFuzzer entry
# points: a program's own errors (a thread that used another's result before
# it existed: 'invalid'; other scenario failures, divergences, host errors,
# lofi's detach refused with a file mapped, an interruptible sleep nobody
# wakes: 'ignored') are not; an oracle the generator placed
# (scenario:oracle:...) and every driver failure are.
BATCH = 8            # schedule seeds per mutated program
INITIAL = 8          # programs generated when the corpus is empty
FRESH = 0.05         # chance of a freshly generated program instead of a mutant


@dataclasses.dataclass
class Finding:
    kind: str
    signature: str
    message: str
    repro_path: str
    replayed: bool        # the written repro replayed with the same outcome and hash
    calls: int            # calls in the minimized program
    executions: int       # executions of the campaign when first seen
    seconds: float


@dataclasses.dataclass
class Stats:
    executions: int = 0
    edges: int = 0
    pairs: int = 0
    corpus: int = 0
    invalid: int = 0      # executions that ended as scenario:no_result
    failures: int = 0
    seconds: float = 0.0

    @property
    def rate(self):
        return self.executions / self.seconds if self.seconds > 0 else 0.0


class Fuzzer:
    def __init__(self, desc, variant="none", seed=0, corpus_dir=None, out_dir="out/fuzz",
                 world=None, batch=BATCH, on_find=None):
        self.desc = desc
        self.variant = variant
        self.rng = random.Random(seed)
        self.gen = Generator(desc, self.rng, variant)
        self.ex = _core.FuzzExecutor()
        self.corpus_dir = corpus_dir
        self.out_dir = out_dir
        self.world = dict(world or {})
        from . import api  # the hang limit set for this process (--hang-limit)
        self.world.setdefault("hang_ms", api._hang_ms)
        self.batch = batch
        self.corpus = []        # [(Program, schedule dict)]
        self.known = set()      # corpus file names already loaded
        self.findings = {}      # (kind, signature) -> Finding
        self.stats = Stats()
        self.on_find = on_find
        self.t0 = None

    # ---- corpus ----
    def _adopt(self, prog):
        for d in prog.driver:
            if d.name == self.desc.driver:
                d.variant = self.variant
        return prog

    def load_corpus(self):
        """Loads (and runs once, for its coverage) every entry not loaded yet;
        a corrupt file raises CorpusError."""
        if not self.corpus_dir:
            return
        os.makedirs(self.corpus_dir, exist_ok=True)
        for name in fuzz_corpus.names(self.corpus_dir):
            if name in self.known:
                continue
            self.known.add(name)
            e = fuzz_corpus.load_file(os.path.join(self.corpus_dir, name), self.desc.driver)
            prog, sched = self._adopt(e.program), fuzz_corpus.schedule_of(e)
            self._execute(prog, sched, [sched["seed"]], keep=False)
            self.corpus.append((prog, sched))

    def _keep(self, prog, sched):
        self.corpus.append((prog, sched))
        if self.corpus_dir:
            path = fuzz_corpus.save(self.corpus_dir, fuzz_corpus.entry(prog, sched))
            self.known.add(os.path.basename(path))

    # ---- one step ----
    def _execute(self, prog, sched, seeds, keep=True):
        res = self.ex.run_batch(prog.SerializeToString(), sched, seeds, self.world)
        self.stats.executions += len(seeds)
        if keep and res["interesting_seed"] is not None:
            self._keep(prog, dict(sched, seed=res["interesting_seed"]))
        for f in res["failures"]:
            verdict = _core.fuzz_verdict(f["kind"], f["signature"])
            if verdict == "invalid":
                self.stats.invalid += 1
            if verdict != "finding":
                continue
            key = (f["kind"], f["signature"])
            if key not in self.findings:
                self._found(prog, dict(sched, seed=f["seed"]), key, f)
        return res

    def _found(self, prog, sched, key, f):
        found_at, secs = self.stats.executions, time.monotonic() - self.t0
        small, sched = fuzz_min.minimize(prog, sched, key, self.world)
        rec, repro = fuzz_min.make_repro(small, sched, self.world)
        if (rec["kind"], rec["signature"]) != key:  # minimization lost it: keep the original
            rec, repro = fuzz_min.make_repro(prog, sched, self.world)
            small = prog
        os.makedirs(self.out_dir, exist_ok=True)
        n = len(self.findings)
        drv = os.path.basename(self.desc.driver).removesuffix(".so")  # a name, or a module's path
        path = os.path.join(self.out_dir, f"{drv}-{self.variant}-{key[0]}-{n}.repro.txtpb")
        repro_io.save(repro, path)
        from . import api
        try:
            out = api.run_repro(repro_io.load(path), path)
            replayed = (out.kind, out.signature, out.hash) == \
                (repro.expected.kind, repro.expected.signature, repro.expected.trace_hash)
        except Exception:  # noqa: BLE001 - reported as not replayed, never fatal to the campaign
            replayed = False
        fd = Finding(key[0], key[1], f["message"], path, replayed,
                     sum(len(t.call) for t in small.thread), found_at, secs)
        self.findings[key] = fd
        self.stats.failures = len(self.findings)
        if self.on_find:
            self.on_find(fd)

    def step(self):
        if not self.corpus or self.rng.random() < FRESH:
            prog, sched = self.gen.generate(), self.gen.schedule()
        else:
            parent, psched = self.rng.choice(self.corpus)
            other = self.rng.choice(self.corpus)[0]
            prog, sched = self.gen.mutate(parent, psched, other)
        seeds = [self.rng.getrandbits(31) for _ in range(self.batch)]
        self._execute(prog, sched, seeds)

    # ---- the campaign ----
    def run(self, seconds=None, executions=None, stop_on_find=False, status=None,
            status_every=0.5, rescan_every=5.0):
        """Runs until `seconds` of wall time or `executions` (whichever
        comes first; at least one must be given). status(Stats) is called
        about every status_every seconds."""
        if seconds is None and executions is None:
            raise ValueError("fuzz: give a time or an execution budget")
        self.t0 = time.monotonic()
        self.load_corpus()
        if not self.corpus:
            for _ in range(INITIAL):
                self._execute(self.gen.generate(), self.gen.schedule(),
                              [self.rng.getrandbits(31) for _ in range(self.batch)])
        last_status = last_scan = self.t0
        while True:
            now = time.monotonic()
            self._update(now)
            if seconds is not None and now - self.t0 >= seconds:
                break
            if executions is not None and self.stats.executions >= executions:
                break
            if stop_on_find and self.findings:
                break
            if status and now - last_status >= status_every:
                status(self.stats)
                last_status = now
            if self.corpus_dir and now - last_scan >= rescan_every:
                self.load_corpus()  # other --jobs workers' finds
                last_scan = now
            self.step()
        self._update(time.monotonic())
        return self.stats

    def _update(self, now):
        s = self.stats
        s.edges, s.pairs, s.corpus = self.ex.edges, self.ex.pairs, len(self.corpus)
        s.seconds = now - self.t0
