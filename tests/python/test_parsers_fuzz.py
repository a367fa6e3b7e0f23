"""Fuzz of every parser kernsim exposes, with Hypothesis (derandomized, a
bounded number of examples, so CI runs the same inputs every time): repro
text (loaded and replayed), checkpoints (the frame, and a valid frame
around a damaged payload, resumed), corpus entries, ioctl descriptions
(parsed, then a few programs generated from them) and the command line
through cli.main(argv). Every input must end in a result or a KernsimError
(for main: exit status 0, 1 or 2, never "internal error"). Inputs that once
crashed are kept under fuzz_regressions/<parser>/ and rerun first.

bench/fuzz_repro_loader.py runs the repro loader's fuzz at 20,000 inputs."""

import contextlib
import glob
import io
import os
import random
import sys
import tempfile

import pytest

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

# Hypothesis keeps caches in ./.hypothesis: not in the checkout.
set_hypothesis_home_dir(tempfile.mkdtemp(prefix="kernsim-hypothesis-"))

import kernsim
from kernsim import _core, api, cli, fuzz_corpus, fuzz_desc, statefile
from kernsim import kernsim_pb2 as pb

ROOT = os.environ.get("KERNSIM_ROOT", os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
sys.path.insert(0, os.path.join(ROOT, "bench"))
from fuzz_repro_loader import INTERESTING, mutate, run_one  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REGRESSIONS = os.path.join(HERE, "fuzz_regressions")
HANDSHAKE = os.path.join(ROOT, "scenarios/sample/handshake.py")
PROGRAM = HANDSHAKE + ":submit_program"

FUZZ = settings(max_examples=int(os.environ.get("KERNSIM_FUZZ_EXAMPLES", "150")),
                derandomize=True, deadline=None, database=None,
                suppress_health_check=list(HealthCheck))


def regressions(parser):
    return sorted(glob.glob(os.path.join(REGRESSIONS, parser, "*")))


def repro_seeds():
    return [open(p, "rb").read()
            for p in sorted(glob.glob(os.path.join(ROOT, "scenarios/regressions/*.repro.txtpb")))]


def mutated(seeds):
    """A Hypothesis strategy: one seed mutated as the bench's mutator does,
    driven by a Hypothesis-drawn seed (so it shrinks and replays)."""
    return st.integers(0, 2**32 - 1).map(lambda s: mutate(random.Random(s), seeds))


# ---- repro text ----

SEEDS = repro_seeds()


@FUZZ
@given(data=st.one_of(mutated(SEEDS), st.binary(max_size=256),
                      st.text(max_size=256).map(str.encode)))
def test_repro_loader(tmp_path_factory, data):
    path = str(tmp_path_factory.mktemp("r") / "m.repro.txtpb")
    r = run_one(path, data)
    assert not isinstance(r, tuple), r[1]


@pytest.mark.parametrize("path", regressions("repro"))
def test_repro_regressions(tmp_path, path):
    r = run_one(str(tmp_path / "m.repro.txtpb"), open(path, "rb").read())
    assert not isinstance(r, tuple), r[1]


# ---- checkpoints: the frame, and a sound frame around damaged content ----

@pytest.fixture(scope="module")
def checkpoint():
    s = kernsim.search(kernsim.resolve(PROGRAM), bound=1, max_executions=2,
                       params={"clients": 1})
    return s.checkpoint.SerializeToString()


def _load_and_resume(path):
    try:
        c = api.load_checkpoint(path)
    except kernsim.KernsimError:
        return
    try:
        kernsim.search(kernsim.resolve(PROGRAM), bound=1, max_executions=3,
                       params={"clients": 1}, resume=c)
    except kernsim.KernsimError:
        pass


def _edit(data, edits):
    b = bytearray(data)
    for pos, val in edits:
        if b:
            b[pos % len(b)] = val
    return bytes(b)


@FUZZ
@given(edits=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=4),
       cut=st.integers(0, 10**6), framed=st.booleans())
def test_checkpoint_loader(tmp_path_factory, checkpoint, edits, cut, framed):
    payload = _edit(checkpoint, edits)
    if cut < len(payload):
        payload = payload[:cut]
    data = statefile.frame(api._CHECKPOINT_KIND, payload) if framed else payload
    path = str(tmp_path_factory.mktemp("c") / "ck.pb")
    with open(path, "wb") as f:
        f.write(data)
    _load_and_resume(path)


@pytest.mark.parametrize("path", regressions("checkpoint"))
def test_checkpoint_regressions(path):
    _load_and_resume(path)


# ---- corpus entries ----

@pytest.fixture(scope="module")
def corpus_entry():
    gen = _core.FuzzGenerator(fuzz_desc.load(fuzz_desc.find("sample", ROOT)).SerializeToString())
    return fuzz_corpus.entry(gen.generate(), "sample").SerializeToString()


def _load_entry(path):
    try:
        fuzz_corpus.load_file(path, "sample")
    except kernsim.KernsimError:
        pass


@FUZZ
@given(edits=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=4),
       cut=st.integers(0, 10**6))
def test_corpus_loader(tmp_path_factory, corpus_entry, edits, cut):
    payload = _edit(corpus_entry, edits)[:cut]
    path = str(tmp_path_factory.mktemp("k") / "e.pb")
    with open(path, "wb") as f:
        f.write(statefile.frame(fuzz_corpus.KIND, payload))
    _load_entry(path)


@pytest.mark.parametrize("path", regressions("corpus"))
def test_corpus_regressions(path):
    _load_entry(path)


# ---- descriptions: parsed, then programs generated from what passes ----

DESCS = [open(p, "rb").read() for p in sorted(glob.glob(os.path.join(ROOT, "drivers/*/*.ioctl.txtpb")))]


def _parse_and_generate(data):
    try:
        d = fuzz_desc.parse(data.decode("utf-8"), "m.ioctl.txtpb")
    except UnicodeDecodeError:
        return  # load() refuses these (test_damaged_files); parse takes str
    except kernsim.KernsimError:
        return
    g = _core.FuzzGenerator(d.SerializeToString())
    x = b""
    for _ in range(5):
        x = g.mutate(g.generate(), x)
        try:
            _core.fuzz_check_program(g.decode(x)[0])
        except ValueError as e:
            # A mutated driver name parses (the parser cannot know what is
            # built); the program check names it. Anything else is a bug.
            if "unknown driver" not in str(e):
                raise
            return


@FUZZ
@given(data=mutated(DESCS))
def test_description_parser(data):
    _parse_and_generate(data)


@pytest.mark.parametrize("path", regressions("description"))
def test_description_regressions(path):
    _parse_and_generate(open(path, "rb").read())


# ---- the command line, through main(argv) ----

VALUES = ["0", "1", "2", "-1", "-5", "3", "2**40", "1099511627776", "inf", "nan", "-inf",
          "0.2", "1e400", "x", "", "\udcff", "0x10", "18446744073709551616"]
OPTIONS = {
    "explore": ["--strategy", "--seed", "--variant", "--depth", "--max-steps", "--param",
                "--bound", "--dpor", "--time", "--checkpoint", "--resume", "--jobs",
                "--inject-faults", "--spurious-wakeups", "--hang-limit", "--out", "--quiet"],
    "replay": ["--trace"], "show": ["--columns"], "drivers": [],
    "minimize": ["--out"], "rerecord": ["--bound"],
    "fuzz": ["--driver", "--variant", "--seed", "--jobs", "--corpus", "--desc", "--hang-limit",
             "--out", "--stop-on-find", "--quiet"],
}
# Budgets appended last (argparse keeps the last), so every run stays short;
# the drawn values of these options are still converted and range-checked.
BUDGET = {"explore": ["--runs", "5"], "fuzz": ["--time", "0.3", "--execs", "20"],
          "minimize": ["--budget", "20", "--time", "1"], "rerecord": ["--runs", "20"]}
# Inputs may be anything; outputs (--out, --corpus, --checkpoint) only
# paths in the test's own directory, never the checkout's files.
FILES = ["REPRO", "BINARY", "DIR", "MISSING", "CORPUSFILE", HANDSHAKE, HANDSHAKE + ":submit",
         PROGRAM, HANDSHAKE + ":nope", "/dev/null"]
OUTPUTS = ["OUTFILE", "OUTFILE.txtpb", "DIR", "MISSING", "CORPUSFILE", "NODIR"]
PARAMS = ["clients=-1", "clients=2", "clients=x", "=1", "base=99999999999999999999", "nope=1"]


@st.composite
def argvs(draw):
    cmd = draw(st.sampled_from(sorted(OPTIONS)))
    argv = [cmd]
    if cmd in ("explore", "replay", "show", "minimize", "rerecord"):
        argv.append(draw(st.sampled_from(FILES)))
    for opt in draw(st.lists(st.sampled_from(OPTIONS[cmd] or ["--help"]), max_size=4)):
        argv.append(opt)
        if opt in ("--dpor", "--inject-faults", "--spurious-wakeups", "--quiet", "--trace",
                   "--columns", "--stop-on-find", "--help"):
            continue
        if opt == "--param":
            argv.append(draw(st.sampled_from(PARAMS)))
        elif opt in ("--resume", "--desc"):
            argv.append(draw(st.sampled_from(FILES)))
        elif opt in ("--checkpoint", "--out", "--corpus"):
            argv.append(draw(st.sampled_from(OUTPUTS)))
        elif opt == "--strategy":
            argv.append(draw(st.sampled_from(["pct", "random", "dfs", "round_robin", "bogus"])))
        elif opt in ("--variant", "--driver"):
            argv.append(draw(st.sampled_from(["none", "sample", "no_done_check", "x"])))
        elif opt == "--jobs":
            argv.append(draw(st.sampled_from(["0", "1", "2", "-1", "2**40", "x"])))
        else:
            argv.append(draw(st.sampled_from(VALUES)))
    if cmd == "fuzz" and "--driver" not in argv:
        argv += ["--driver", "sample"]
    return argv + BUDGET.get(cmd, [])


@pytest.fixture(scope="module")
def cli_files(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    r = kernsim.explore(kernsim.resolve(HANDSHAKE + ":submit"), strategy="pct", runs=2000,
                        variant="no_done_check")
    kernsim.save_repro(r.repro, str(d / "r.repro.txtpb"))
    (d / "bin").write_bytes(bytes(range(256)))
    (d / "corpusfile").write_text("not a directory")
    (d / "dir").mkdir()
    return {"REPRO": str(d / "r.repro.txtpb"), "BINARY": str(d / "bin"), "DIR": str(d / "dir"),
            "MISSING": str(d / "missing"), "CORPUSFILE": str(d / "corpusfile"),
            "OUTFILE": str(d / "out.pb"), "OUTFILE.txtpb": str(d / "out.txtpb"),
            "NODIR": str(d / "no" / "such" / "dir" / "f")}, d


def _main(argv, files, cwd, monkeypatch):
    argv = [files.get(a, a) for a in argv]
    for i, a in enumerate(argv[:-1]):
        if a in ("--out", "--corpus", "--checkpoint"):
            assert argv[i + 1].startswith(str(cwd)), argv  # never the checkout
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.chdir(cwd)
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = cli.main(argv)
        except SystemExit as e:  # --help only
            rc = e.code
    assert rc in (0, 1, 2, 130), (argv, rc, err.getvalue())
    assert "internal error" not in err.getvalue() and "Traceback" not in err.getvalue(), \
        (argv, err.getvalue())
    if rc == 2:
        assert len(err.getvalue().strip().splitlines()) == 1, (argv, err.getvalue())


@settings(FUZZ, max_examples=int(os.environ.get("KERNSIM_FUZZ_ARGV_EXAMPLES", "100")))
@given(argv=argvs())
def test_command_line(cli_files, monkeypatch, argv):
    files, d = cli_files
    _main(argv, files, d, monkeypatch)


@pytest.mark.parametrize("path", regressions("argv"))
def test_command_line_regressions(cli_files, monkeypatch, path):
    files, d = cli_files
    _main(open(path).read().split("\n")[:-1], files, d, monkeypatch)
