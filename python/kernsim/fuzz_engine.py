"""The fuzzing campaign as Python sees it. The loop itself is C++
(_core.FuzzCampaign, fuzz/campaign.h): pick a corpus input, mutate it
(fuzz/mutate.h: records of the decoder's inputs, fuzz/decode.h), run its
Program under a batch of schedule seeds with coverage, keep it when it
covered a new driver edge or interleaving pair, report each new failure
(kind + signature). Here: slices of that loop between looks at the clock,
the corpus directory, and every finding turned into a minimized repro
(written by C++, fuzz/finding.h) that is replayed from the file at once.

Deterministic: the C++ generator is seeded with the campaign's seed and
makes every input and schedule seed; the host clock only decides when to
stop and when to print. Which outcomes are findings is one C++ rule
(_core.fuzz_verdict, runner/fuzz_verdict.cc) shared with the libFuzzer
entry points."""

import dataclasses
import os
import time

from . import _core
from . import fuzz_corpus
from . import repro as repro_io

BATCH = 8      # schedule seeds per mutated input
SLICE = 512    # executions per call into C++ between looks at the clock


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


# The step budget of a fuzz execution. A program is a few dozen calls of a
# few hundred steps each; what runs longer is a spin (a finding either
# way, sooner) or a program whose timed waits go on (step_budget:
# clock_running, ignored), which at the default million steps made every
# such execution cost a thousand ordinary ones (iltick: 1 k executions/s
# against 40 k). Recorded in each repro's WorldSpec, so replays agree.
FUZZ_MAX_STEPS = 100_000


class Fuzzer:
    def __init__(self, desc, variant="none", seed=0, corpus_dir=None, out_dir="out/fuzz",
                 world=None, batch=BATCH, on_find=None):
        self.desc = desc
        self.variant = variant
        from . import api  # World options, and this process's hang limit (--hang-limit)
        world = dict(world or {})
        world.setdefault("max_steps", FUZZ_MAX_STEPS)
        self.world = api.world_spec(**world)
        self.camp = _core.FuzzCampaign(desc.SerializeToString(), variant, seed & (2**64 - 1),
                                       self.world.SerializeToString(), batch)
        self.corpus_dir = corpus_dir
        self.out_dir = out_dir
        self.known = set()      # corpus file names already loaded
        self.findings = {}      # (kind, signature) -> Finding
        self.stats = Stats()
        self.on_find = on_find
        self.t0 = None

    # ---- corpus ----
    def load_corpus(self):
        """Adopts (runs once, for its coverage) every entry not loaded yet;
        a corrupt file raises CorpusError."""
        if not self.corpus_dir:
            return
        os.makedirs(self.corpus_dir, exist_ok=True)
        for name in fuzz_corpus.names(self.corpus_dir):
            if name in self.known:
                continue
            self.known.add(name)
            e = fuzz_corpus.load_file(os.path.join(self.corpus_dir, name), self.desc.driver)
            self._took(self.camp.adopt(e.input))

    def _took(self, sl):
        if self.corpus_dir:
            for inp in sl["kept"]:
                path = fuzz_corpus.save(self.corpus_dir, fuzz_corpus.entry(inp, self.desc.driver))
                self.known.add(os.path.basename(path))
        for f in sl["found"]:
            key = (f["kind"], f["signature"])
            if key not in self.findings:
                self._found(key, f)

    def _found(self, key, f):
        secs = time.monotonic() - self.t0
        os.makedirs(self.out_dir, exist_ok=True)
        n = len(self.findings)
        drv = os.path.basename(self.desc.driver).removesuffix(".so")  # a name, or a module's path
        w = self.camp.write_finding(f["input"], key[0], key[1], self.out_dir,
                                    f"{drv}-{self.variant}-{key[0]}-{n}")
        path = w["path"]
        from . import api
        try:  # replayed from the file, as `kernsim replay` reads it
            rep = repro_io.load(path)
            out = api.run_repro(rep, path)
            replayed = (out.kind, out.signature, out.hash) == \
                (rep.expected.kind, rep.expected.signature, rep.expected.trace_hash) and \
                (rep.expected.kind, rep.expected.signature) == key
        except Exception:  # noqa: BLE001 - reported as not replayed, never fatal to the campaign
            replayed = False
        fd = Finding(key[0], key[1], f["message"], path, replayed, w["calls"], f["executions"], secs)
        self.findings[key] = fd
        self.stats.failures = len(self.findings)
        if self.on_find:
            self.on_find(fd)

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
            n = SLICE if executions is None else max(1, min(SLICE, executions - self.stats.executions))
            self._took(self.camp.run(n))
        self._update(time.monotonic())
        return self.stats

    def coverage(self):
        """(edge map bytes, sorted pair keys), for merging --jobs workers."""
        return self.camp.coverage()

    def _update(self, now):
        s, c = self.stats, self.camp
        s.executions, s.edges, s.pairs, s.corpus, s.invalid = \
            c.executions, c.edges, c.pairs, c.corpus, c.invalid
        s.seconds = now - self.t0
