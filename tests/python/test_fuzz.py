"""The fuzzer (fuzz/campaign.h through python/kernsim/fuzz_*.py): finds the
sample driver's lost wakeup within a bounded number of executions for each
of several seeds and writes a repro that replays; finds nothing on the
correct driver; coverage grows from an empty corpus; generation is
deterministic; bad input (description, corpus file, dangling reference) is
a clear error."""

import os

import pytest

from kernsim import _core, api, fuzz_corpus, fuzz_desc, fuzz_engine
from kernsim import kernsim_pb2 as pb


def _strategy(name):
    """A fuzz schedule's serialized StrategySpec (FuzzExecutor's argument)."""
    return pb.StrategySpec(name=name).SerializeToString()


@pytest.fixture(scope="module")
def desc(root):
    return fuzz_desc.load(fuzz_desc.find("sample", root))


# Each seed finds it within a budget far above the worst seen (a few hundred
# executions over seeds 0-15): a property of the fuzzer, not one course.
@pytest.mark.parametrize("seed", [0, 1, 2, 7])
def test_finds_no_done_check_and_repro_replays(desc, tmp_path, seed):
    fz = fuzz_engine.Fuzzer(desc, "no_done_check", seed=seed, out_dir=str(tmp_path))
    fz.run(executions=20000, stop_on_find=True)
    assert ("stuck", "stuck:cv_wait:r_cv") in fz.findings, list(fz.findings)
    f = fz.findings[("stuck", "stuck:cv_wait:r_cv")]
    assert f.executions <= 20000 and f.replayed
    r = api.replay(f.repro_path)
    assert r.matched, r.mismatches
    assert sum(len(t.call) for t in r.repro.program.thread) <= 8  # minimized


def test_correct_driver_no_findings_and_coverage_grows(desc, tmp_path):
    fz = fuzz_engine.Fuzzer(desc, "none", seed=3, out_dir=str(tmp_path),
                            corpus_dir=str(tmp_path / "corpus"))
    fz.run(executions=200)
    early = (fz.stats.edges, fz.stats.pairs)
    fz.run(executions=20000)
    assert not fz.findings
    assert early[0] > 0 and (fz.stats.edges, fz.stats.pairs) > early
    assert fuzz_corpus.names(str(tmp_path / "corpus"))
    # The corpus loads back, entry by entry.
    assert len(fuzz_corpus.load_dir(str(tmp_path / "corpus"), "sample")) == fz.stats.corpus


def test_generation_is_deterministic(desc):
    a = _core.FuzzGenerator(desc.SerializeToString(), "none", 5)
    b = _core.FuzzGenerator(desc.SerializeToString(), "none", 5)
    c = _core.FuzzGenerator(desc.SerializeToString(), "none", 6)
    xa = xb = xc = b""
    for _ in range(50):
        xa, xb, xc = a.mutate(a.generate(), xa), b.mutate(b.generate(), xb), c.mutate(c.generate(), xc)
        assert xa == xb
        prog, sched, records = a.decode(xa)
        assert records > 0 and sched["name"] in ("pct", "random")
        _core.fuzz_check_program(prog)  # every mutant decodes into a valid Program
    assert xa != xc  # the seed matters


def test_campaign_is_deterministic(desc, tmp_path):
    """A seed and an execution budget make the same campaign."""
    runs = []
    for _ in range(2):
        fz = fuzz_engine.Fuzzer(desc, "none", seed=9, out_dir=str(tmp_path),
                                corpus_dir=str(tmp_path / f"c{len(runs)}"))
        st = fz.run(executions=3000)
        runs.append((st.executions, st.edges, st.pairs, st.corpus,
                     sorted(fuzz_corpus.names(str(tmp_path / f"c{len(runs)}")))))
    assert runs[0] == runs[1] and runs[0][3] > 0


@pytest.mark.parametrize("text,where", [
    ('driver: "sample" node { path: "/dev/sample" } ioctl { name: "X" cmd: 1 node: "/dev/sample" '
     'dir: "in" field { name: "a" type: "int" size: 3 } }', "ioctl[0] (X).field[0] (a).size"),
    ('driver: "sample" node { path: "/dev/sample" } ioctl { name: "X" cmd: 1 node: "/dev/nope" dir: "in" }',
     "ioctl[0] (X).node"),
    ('driver: "sample" node { path: "/dev/sample" } ioctl { name: "X" cmd: 1 node: "/dev/sample" '
     'dir: "sideways" }', "ioctl[0] (X).dir"),
    ('driver: "sample" node { path: "/dev/sample" } ioctl { name: "X" cmd: 1 node: "/dev/sample" '
     'dir: "in" field { name: "n" type: "len" size: 4 len_of: "p" } }', "len_of"),
    ('driver: "sample" nod { path: "/dev/sample" }', "not a DriverDescription"),
    ('node { path: "/dev/sample" }', "driver"),
])
def test_malformed_description(text, where, tmp_path):
    p = tmp_path / "bad.ioctl.txtpb"
    p.write_text(text)
    with pytest.raises(fuzz_desc.DescriptionError) as e:
        fuzz_desc.load(str(p))
    assert str(p) in str(e.value) and where in str(e.value)


def test_corrupt_corpus_file(tmp_path):
    (tmp_path / "0badc0de.pb").write_bytes(b"\xff\xff\xff\x07garbage")
    with pytest.raises(fuzz_corpus.CorpusError) as e:
        fuzz_corpus.load_dir(str(tmp_path), "sample")
    assert "0badc0de.pb" in str(e.value) and "corrupt" in str(e.value)


def _dangling():
    p = pb.Program()
    p.driver.add(name="sample")
    p.proc.add(name="user")
    t = p.thread.add(name="t0", proc="user")
    c = t.call.add(op="close")
    c.arg.add(ref="fd_never_made")
    return p


def test_old_program_corpus_entry_is_refused_by_name(tmp_path):
    """Corpus entries from before the C++ generator held a Program: they are
    refused with what to do, not run or mistaken for inputs."""
    e = pb.CorpusEntry()
    e.program.CopyFrom(_dangling())
    e.schedule.name = "pct"
    fuzz_corpus.save(str(tmp_path), e)
    with pytest.raises(fuzz_corpus.CorpusError) as ex:
        fuzz_corpus.load_dir(str(tmp_path), "sample")
    assert "older corpus format" in str(ex.value) and "new corpus directory" in str(ex.value)


def test_corpus_entry_of_another_driver_is_refused(tmp_path):
    fuzz_corpus.save(str(tmp_path), fuzz_corpus.entry(b"\0" * 9, "lofi"))
    with pytest.raises(fuzz_corpus.CorpusError, match="for driver 'lofi', not 'sample'"):
        fuzz_corpus.load_dir(str(tmp_path), "sample")


def test_dangling_reference_run(tmp_path):
    ex = _core.FuzzExecutor()
    with pytest.raises(ValueError, match="fd_never_made"):
        ex.run(_dangling().SerializeToString(), _strategy("pct"))


def test_cli_fuzz(cli, tmp_path):
    out = tmp_path / "found"
    r = cli("fuzz", "--driver", "sample", "--variant", "no_done_check", "--time", "20",
            "--execs", "20000", "--stop-on-find", "--out", str(out), "--corpus", str(tmp_path / "c"))
    assert r.returncode == 1, r.stdout + r.stderr
    assert "FAILURE stuck stuck:cv_wait:r_cv" in r.stdout and "replay matches" in r.stdout
    repro = next(p for p in os.listdir(out) if p.endswith(".repro.txtpb"))
    r2 = cli("replay", str(out / repro))
    assert r2.returncode == 0, r2.stdout + r2.stderr
    # Its minimized input is an input of the libFuzzer entry points too:
    # one generator, one input format.
    import subprocess
    import kernsim
    build = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(kernsim.__file__))))
    runner = os.path.join(build, "fuzz", "ks_fuzz_sample_run")
    inp = out / repro.replace(".repro.txtpb", ".input")
    if os.path.exists(runner):
        r3 = subprocess.run([runner, str(inp)], capture_output=True, text=True, timeout=120,
                            env=dict(os.environ, KERNSIM_VARIANT="no_done_check",
                                     KERNSIM_FUZZ_CONTINUE="1", KERNSIM_REPRO_DIR=str(tmp_path / "r")))
        assert r3.returncode == 1 and "stuck:cv_wait:r_cv" in r3.stderr, r3.stderr


def test_cli_fuzz_bad_input(cli, tmp_path):
    r = cli("fuzz", "--driver", "sample", "--variant", "nope", "--time", "1")
    assert r.returncode == 2 and "no variant 'nope'" in r.stderr
    c = tmp_path / "c"
    c.mkdir()
    (c / "x.pb").write_bytes(b"\x0a\xff")
    r = cli("fuzz", "--driver", "sample", "--time", "1", "--corpus", str(c))
    assert r.returncode == 2 and "x.pb" in r.stderr and "corrupt" in r.stderr


def test_malformed_description_sent_from_python_is_refused():
    d = pb.DriverDescription(driver="sample")
    d.node.add(path="/tmp/x")
    with pytest.raises(ValueError, match="node\\[0\\].path: '/tmp/x' is not a device path"):
        _core.FuzzCampaign(d.SerializeToString(), "none", 0)
