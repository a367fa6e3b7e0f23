"""Every file kernsim reads back, cut short at every offset and with a bit
flipped at every offset, loads as exactly the original or is refused with a
KernsimError naming the file; never a different result nobody notices.

Checkpoints and corpus entries are framed and checksummed (statefile.py),
so every damage is refused. Repros and descriptions are hand-edited text
with no checksum: a flipped digit can make another valid file. A repro
says so when replayed (the outcome or trace hash no longer match: exit 1),
so for repros the test replays each mutant that parses to something else;
a description has no recorded outcome, so a mutant that stays a valid
description is a different one by design (counted, not refused)."""

import os

import pytest

import kernsim
from kernsim import _core, api, fuzz_corpus, fuzz_desc
from kernsim import kernsim_pb2 as pb

ROOT = os.environ.get("KERNSIM_ROOT", os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
PROGRAM = os.path.join(ROOT, "scenarios/sample/handshake.py:submit_program")
STATS = os.path.join(ROOT, "scenarios/sample/handshake.py:stats")


def offsets(n, most=320, edge=128):
    """Every offset of a small file; of a bigger one, the first and last
    `edge` (headers, the end) and an even spread between (a few seconds)."""
    if n <= most:
        return range(n)
    mid = range(edge, n - edge, max(1, (n - 2 * edge) // (most - 2 * edge)))
    return sorted(set(range(edge)) | set(mid) | set(range(n - edge, n)))


def mutants(data):
    """(what, bytes): truncations, and one bit flipped (bit i % 8 of byte i),
    at every offset of offsets()."""
    for i in offsets(len(data)):
        yield f"cut at {i}", data[:i]
    for i in offsets(len(data)):
        b = bytearray(data)
        b[i] ^= 1 << (i % 8)
        yield f"bit {i % 8} of byte {i} flipped", bytes(b)


def each_mutant(tmp_path, name, data, load):
    """load(path) of every mutant: (what, the result or the KernsimError)."""
    path = str(tmp_path / name)
    for what, m in mutants(data):
        with open(path, "wb") as f:
            f.write(m)
        try:
            yield what, load(path)
        except kernsim.KernsimError as e:
            assert name in str(e), f"{what}: the error does not name the file: {e}"
            yield what, e


@pytest.mark.parametrize("name", ["ck.pb", "ck.txtpb"])
def test_damaged_checkpoint_is_refused(tmp_path, name):
    s = kernsim.search(kernsim.resolve(PROGRAM), bound=1, max_executions=2,
                       params={"clients": 1})
    assert not s.exhausted
    path = str(tmp_path / name)
    api.save_checkpoint(s.checkpoint, path)
    data = open(path, "rb").read()
    assert api.load_checkpoint(path) == s.checkpoint
    n = 0
    for what, got in each_mutant(tmp_path, "bad-" + name, data, api.load_checkpoint):
        assert isinstance(got, kernsim.KernsimError) or got == s.checkpoint, \
            f"{what}: loaded a damaged checkpoint as another one"
        n += 1
    assert n == 2 * len(offsets(len(data)))


def test_damaged_corpus_entry_is_refused(tmp_path):
    gen = _core.FuzzGenerator(fuzz_desc.load(os.path.join(ROOT, "drivers/sample/sample.ioctl.txtpb"))
                              .SerializeToString(), "none", 7)
    e = fuzz_corpus.entry(gen.generate(), "sample")
    path = fuzz_corpus.save(str(tmp_path), e)
    data = open(path, "rb").read()
    assert fuzz_corpus.load_file(path) == e
    for what, got in each_mutant(tmp_path, "bad.pb", data, fuzz_corpus.load_file):
        assert isinstance(got, fuzz_corpus.CorpusError), f"{what}: loaded a damaged entry"


def test_damaged_repro_is_refused_or_replays_as_a_mismatch(tmp_path):
    r = kernsim.explore(kernsim.resolve(STATS), strategy="random", runs=50, seed=3,
                        variant="stats_no_copyout")
    assert r.failure is not None
    path = str(tmp_path / "r.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    data = open(path, "rb").read()
    orig = kernsim.load_repro(path)
    want = (orig.expected.kind, orig.expected.signature, orig.expected.trace_hash)
    replayed = {}  # a mutant that parses as one already replayed

    def load(p):
        rep = kernsim.load_repro(p)
        if rep == orig:
            return "identical"
        key = rep.SerializeToString()
        if key not in replayed:
            rr = kernsim.replay(p)
            o = rr.outcome
            replayed[key] = "mismatch" if not rr.matched else (o.kind, o.signature, o.hash)
        return replayed[key]

    kinds = {"identical": 0, "refused": 0, "mismatch": 0, "same outcome": 0}
    for what, got in each_mutant(tmp_path, "bad.repro.txtpb", data, load):
        if isinstance(got, kernsim.KernsimError):
            kinds["refused"] += 1
        elif got in ("identical", "mismatch"):
            kinds[got] += 1
        else:
            # It replays as recorded: a field that does not change the run
            # (found_by, a comment) was hit. It must be the same run.
            assert got == want, f"{what}: replays to {got}, recorded {want}"
            kinds["same outcome"] += 1
    assert kinds["refused"] > len(offsets(len(data)))  # every cut before the end is refused


def test_damaged_description_is_refused_or_still_valid(tmp_path):
    src = os.path.join(ROOT, "drivers/sample/sample.ioctl.txtpb")
    data = open(src, "rb").read()
    orig = fuzz_desc.load(src)
    other = 0
    for what, got in each_mutant(tmp_path, "bad.ioctl.txtpb", data, fuzz_desc.load):
        if isinstance(got, kernsim.KernsimError) or got == orig:
            continue
        other += 1  # hand-written text: a valid edit, passed by fuzz_desc.check
        assert isinstance(got, pb.DriverDescription)
    assert other < len(data)  # most damage is refused
