"""Drivers as loadable modules, as a driver engineer meets them (README,
"Run your own driver"): two drivers written outside the tree
(examples/own_driver: an illumos one and a FreeBSD one, each keeping state
in a global its _init/MOD_LOAD does not reset) are built with
`kernsim build-driver` in a temporary directory, explored, a seeded bug is
found and replayed; every execution starts from freshly loaded module data;
two builds of one driver live side by side; a module's fuzz coverage does
not depend on what else is loaded; bad modules are one-line errors."""

import json
import os
import shutil
import struct
import subprocess
import sys

import pytest

import kernsim
from kernsim import _core, api, build_driver
from kernsim import kernsim_pb2 as pb
from kernsim import repro as repro_io
from kernsim.scenario import load_module, scenarios_in

EXAMPLE = ("examples", "own_driver")


@pytest.fixture(scope="module")
def own(root, tmp_path_factory):
    """The example's sources copied outside the checkout, built with the
    documented command (`kernsim build-driver`), run from that directory."""
    d = tmp_path_factory.mktemp("own_driver")
    for f in ("tally.c", "ping.c", "scenarios.py", "tally.ioctl.txtpb"):
        shutil.copy(os.path.join(root, *EXAMPLE, f), d / f)
    for pers, src in (("illumos", "tally"), ("freebsd", "ping")):
        r = _kernsim(d, "build-driver", "--personality", pers, "-o", f"build/{src}.so", f"{src}.c")
        assert r.returncode == 0, r.stderr
    r = _kernsim(d, "build-driver", "--personality", "illumos", "-D", "FIXED",
                 "-o", "build/tally_fixed.so", "tally.c")
    assert r.returncode == 0, r.stderr
    return d


def _kernsim(cwd, *args):
    env = dict(os.environ)
    env.pop("KERNSIM_ROOT", None)  # a user's directory, not the checkout
    return subprocess.run([sys.executable, "-m", "kernsim", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300, env=env)


def _scenarios(own):
    return scenarios_in(load_module(str(own / "scenarios.py")))


def test_walk_build_explore_find_replay(own):
    """The README's walk: the correct drivers pass, the seeded lost update
    is found, its repro replays from the user's directory."""
    r = _kernsim(own, "explore", "scenarios.py:two_bumps", "--runs", "3000", "--quiet")
    assert r.returncode == 0, r.stdout + r.stderr
    r = _kernsim(own, "explore", "scenarios.py:opens", "--runs", "300", "--quiet")
    assert r.returncode == 0, r.stdout + r.stderr
    r = _kernsim(own, "explore", "scenarios.py:two_bumps", "--variant", "split_bump",
                 "--runs", "3000", "--out", "out/bump.repro.txtpb")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "the bumps returned [1, 1]" in r.stdout
    rep = repro_io.load(str(own / "out" / "bump.repro.txtpb"))
    assert [(m.name, m.path) for m in rep.module] == [("tally", str(own / "build" / "tally.so"))]
    r = _kernsim(own, "replay", "out/bump.repro.txtpb")
    assert r.returncode == 0, r.stdout + r.stderr
    r = _kernsim(own, "drivers", "--load", "build/ping.so")
    assert r.returncode == 0 and r.stdout.startswith("ping  (personality freebsd"), r.stdout
    r = _kernsim(own, "explore", "scenarios.py:two_bumps", "--variant", "split_bump",
                 "--strategy", "dfs", "--bound", "2", "--dpor", "--quiet")
    assert r.returncode == 1, r.stdout + r.stderr
    # the description beside the sources; a correct driver: nothing found
    r = _kernsim(own, "fuzz", "--driver", "build/tally.so", "--time", "1", "--quiet")
    assert r.returncode == 0 and "ioctls=TALLY_BUMP" in r.stdout, r.stdout + r.stderr


def test_the_fuzzer_loads_the_coverage_build(own, tmp_path):
    """build-driver writes the plain module and, beside it, cov/ with the
    edge coverage: explore runs the plain one (no call per basic block),
    the fuzzer the other; a module built without it is refused by the
    fuzzer, saying how to build it."""
    plain = _core.module_info(str(own / "build" / "tally.so"))
    cov = _core.module_info(str(own / "build" / "cov" / "tally.so"))
    assert (plain["coverage"], cov["coverage"]) == (False, True)
    assert plain["name"] == cov["name"] and plain["hash"] != cov["hash"]
    shutil.copy(own / "tally.c", tmp_path / "tally.c")
    shutil.copy(own / "tally.ioctl.txtpb", tmp_path / "tally.ioctl.txtpb")
    r = _kernsim(tmp_path, "build-driver", "--personality", "illumos", "--no-coverage",
                 "-o", "build/tally.so", "tally.c")
    assert r.returncode == 0 and not (tmp_path / "build" / "cov").exists(), r.stderr
    line = _one_error(_kernsim(tmp_path, "fuzz", "--driver", "build/tally.so", "--time", "1"))
    assert "has no edge coverage" in line and "build-driver" in line, line


def test_module_data_is_fresh_in_every_execution(own):
    """`opens` asserts the module counted exactly one open: it holds in
    every execution only if each World sees the module's data as loaded.
    The same seed and index give the same outcome first in a process and
    after 10,000 other executions; a replay after a long campaign matches."""
    scn = _scenarios(own)
    one = subprocess.run(
        [sys.executable, "-c",
         "import kernsim, sys; from kernsim.scenario import load_module, scenarios_in; "
         f"s = scenarios_in(load_module({str(own / 'scenarios.py')!r})); "
         "f = kernsim.run(s['opens'], strategy='random', seed=7, execution=4321); "
         "print(f.kind, f.hash)"], capture_output=True, text=True, timeout=120)
    assert one.returncode == 0, one.stderr
    res = kernsim.explore(scn["opens"], strategy="random", runs=10000, seed=3)
    assert res.failure is None, res.failure
    after = kernsim.run(scn["opens"], strategy="random", seed=7, execution=4321)
    assert one.stdout.split() == [after.kind, after.hash] and after.kind == "pass"

    found = kernsim.explore(scn["two_bumps"], strategy="pct", runs=5000, seed=1,
                            variant="split_bump")
    assert found.failure is not None
    path = str(own / "after_campaign.repro.txtpb")
    kernsim.save_repro(found.repro, path)
    kernsim.explore(scn["opens"], strategy="random", runs=2000, seed=5)
    assert api.replay(path).matched


def test_jobs_two_agree_with_one_process(own):
    outs = []
    for jobs in ("1", "2"):
        out = f"out/jobs{jobs}.repro.txtpb"
        r = _kernsim(own, "explore", "scenarios.py:two_bumps", "--variant", "split_bump",
                     "--strategy", "random", "--seed", "9", "--runs", "4000", "--jobs", jobs,
                     "--out", out, "--quiet")
        assert r.returncode == 1, r.stdout + r.stderr
        rep = repro_io.load(str(own / out))
        outs.append((rep.execution, rep.expected.trace_hash, rep.expected.signature))
    assert outs[0] == outs[1]


def test_two_builds_of_one_driver_side_by_side(own):
    """tally.so and its -D FIXED twin, both registered as 'tally', loaded in
    one process and explored in turn: each gives its own verdict."""
    fn = _scenarios(own)["two_bumps"].fn
    buggy = kernsim.scenario(driver=str(own / "build" / "tally.so"))(fn)
    fixed = kernsim.scenario(driver=str(own / "build" / "tally_fixed.so"))(fn)
    a, b = api.module_info(buggy.driver), api.module_info(fixed.driver)
    assert a["name"] == b["name"] == "tally" and a["hash"] != b["hash"]
    for _ in range(2):
        assert kernsim.explore(buggy, runs=3000, seed=2, variant="split_bump").failure
        assert kernsim.explore(fixed, runs=3000, seed=2, variant="split_bump").failure is None


def test_replay_refuses_another_build(root, tmp_path):
    """A repro names its module's hash: replaying it on another build of
    the driver is refused; `rerecord` on a build that behaves the same (its
    race-instrumented one, which a World that tracks no races runs as the
    plain) records its hash; on the fixed twin the bug is gone."""
    for f in ("tally.c", "scenarios.py"):
        shutil.copy(os.path.join(root, *EXAMPLE, f), tmp_path / f)
    build = ("build-driver", "--personality", "illumos", "-o", "build/tally.so", "tally.c")
    assert _kernsim(tmp_path, *build).returncode == 0
    found = _kernsim(tmp_path, "explore", "scenarios.py:two_bumps", "--variant", "split_bump",
                     "--runs", "3000", "--out", "out/hash.repro.txtpb")
    assert found.returncode == 1, found.stdout + found.stderr
    assert _kernsim(tmp_path, *build, "--race").returncode == 0
    line = _one_error(_kernsim(tmp_path, "replay", "out/hash.repro.txtpb"))
    assert "field module[0] (tally)" in line and "another build" in line, line
    r = _kernsim(tmp_path, "rerecord", "out/hash.repro.txtpb")
    assert r.returncode == 0 and "module hashes updated" in r.stdout, r.stdout + r.stderr
    assert _kernsim(tmp_path, "replay", "out/hash.repro.txtpb").returncode == 0
    assert _kernsim(tmp_path, *build, "-D", "FIXED").returncode == 0
    _one_error(_kernsim(tmp_path, "replay", "out/hash.repro.txtpb"))
    r = _kernsim(tmp_path, "rerecord", "out/hash.repro.txtpb")
    assert r.returncode == 1, r.stdout + r.stderr  # the lost update is not there to find


def test_the_hash_is_of_what_the_module_maps(own, tmp_path):
    """A module's hash (which a repro names) is of the bytes it maps: a
    build that differs only in what is not loaded (its debug information,
    which moves when a comment in a header the driver includes does) is
    the same build; one byte of its code is another."""
    so = own / "build" / "tally.so"
    stripped = tmp_path / "tally.so"
    subprocess.run(["objcopy", "--strip-debug", str(so), str(stripped)], check=True)
    assert os.path.getsize(stripped) < os.path.getsize(so)
    assert _core.module_info(str(stripped))["hash"] == _core.module_info(str(so))["hash"]
    img = bytearray(stripped.read_bytes())
    phoff, = struct.unpack_from("<Q", img, 0x20)
    phnum, = struct.unpack_from("<H", img, 0x38)
    for i in range(phnum):  # the first byte of its executable PT_LOAD
        p_type, p_flags, p_offset = struct.unpack_from("<IIQ", img, phoff + 56 * i)
        if p_type == 1 and p_flags & 1:
            img[p_offset] ^= 0xff
            break
    else:
        pytest.fail("tally.so maps no code")
    other = tmp_path / "other" / "tally.so"
    other.parent.mkdir()
    other.write_bytes(bytes(img))
    assert _core.module_info(str(other))["hash"] != _core.module_info(str(so))["hash"]


def _one_error(r):
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    line = r.stderr.strip()
    assert "\n" not in line and line.startswith("kernsim: error: "), line
    return line


def test_bad_modules_are_one_line_errors(own, tmp_path):
    (tmp_path / "notes.txt").write_text("not a module\n")
    assert "not a shared object" in _one_error(_kernsim(tmp_path, "drivers", "--load", "notes.txt"))
    assert "built for the freebsd personality, not illumos" in _one_error(
        _kernsim(own, "drivers", "--load", "build/ping.so", "--personality", "illumos"))
    (tmp_path / "noreg.c").write_text("int x(void) { return 1; }\n")
    cc = build_driver.config()["cc"]
    subprocess.run([cc, "-shared", "-fPIC", "-o", str(tmp_path / "noreg.so"),
                    str(tmp_path / "noreg.c")], check=True)
    assert "has no kernsim registration" in _one_error(
        _kernsim(tmp_path, "drivers", "--load", "noreg.so"))
    (tmp_path / "s.py").write_text("import kernsim\n@kernsim.scenario(driver='nosuch')\n"
                                   "def s(w):\n    pass\n")
    assert "unknown driver 'nosuch'" in _one_error(_kernsim(tmp_path, "explore", "s.py", "--runs", "1"))


def test_a_driver_with_nothing_of_kernsims_builds_and_runs(root, tmp_path):
    """The examples with every kernsim line taken out (the include, the
    variant, the registration macro), ping declared with DEV_MODULE as
    FreeBSD pseudo drivers are: build-driver registers each from what it
    declares for its own kernel (illumos _init/_fini, named after the
    module's file; FreeBSD DECLARE_MODULE), and the scenarios pass."""
    import re
    tally = open(os.path.join(root, *EXAMPLE, "tally.c")).read()
    tally = re.sub(r"#ifndef FIXED.*?#endif\n", "", tally, flags=re.S)
    tally = re.sub(r"static const char \*const tally_variants.*", "", tally, flags=re.S)
    ping = open(os.path.join(root, *EXAMPLE, "ping.c")).read()
    ping = re.sub(r"static moduledata_t ping_mod.*", "DEV_MODULE(ping, ping_modevent, NULL);\n",
                  ping, flags=re.S)
    for name, src in (("tally.c", tally), ("ping.c", ping)):
        src = src.replace("#include <sys/kernsim.h>\n", "")
        assert "KS_" not in src, src
        (tmp_path / name).write_text(src)
    shutil.copy(os.path.join(root, *EXAMPLE, "scenarios.py"), tmp_path / "scenarios.py")
    for pers, src in (("illumos", "tally"), ("freebsd", "ping")):
        r = _kernsim(tmp_path, "build-driver", "--personality", pers, "-o", f"build/{src}.so",
                     f"{src}.c")
        assert r.returncode == 0, r.stderr
        r = _kernsim(tmp_path, "drivers", "--load", f"build/{src}.so")
        assert r.returncode == 0 and f"{src}  (personality {pers}," in r.stdout, r.stdout + r.stderr
    for name in ("two_bumps", "opens"):
        r = _kernsim(tmp_path, "explore", f"scenarios.py:{name}", "--runs", "200", "--quiet")
        assert r.returncode == 0, r.stdout + r.stderr
    # An illumos source without _fini is refused at build, by name.
    (tmp_path / "nofini.c").write_text(tally.replace("int\n_fini(void)", "int\nno_fini(void)")
                                       .replace("#include <sys/kernsim.h>\n", ""))
    r = _kernsim(tmp_path, "build-driver", "--personality", "illumos", "-o", "build/nofini.so",
                 "nofini.c")
    assert r.returncode != 0 and "defines no _init or no _fini" in r.stderr, r.stderr


def test_undeclared_kernel_function_is_a_compile_error(tmp_path):
    """-Werror=implicit-function-declaration: a call the personality does not
    declare fails the build with the compiler's message naming it."""
    (tmp_path / "drv.c").write_text(
        "#include <sys/ddi.h>\n#include <sys/sunddi.h>\n"
        "int f(void) { return ddi_no_such_function(1); }\n")
    r = _kernsim(tmp_path, "build-driver", "--personality", "illumos", "-o", "drv.so", "drv.c")
    assert r.returncode == 2
    assert "ddi_no_such_function" in r.stderr and "implicit" in r.stderr, r.stderr
    assert not (tmp_path / "drv.so").exists()


def test_coverage_does_not_depend_on_other_modules(root, own, tmp_path):
    """A pinned fuzz campaign on sample runs the same course whether or not
    unrelated modules are loaded first (edges are numbered per module)."""
    prog = ("import json, sys; from kernsim import _core, fuzz_desc, fuzz_engine\n"
            "for m in sys.argv[1:]: _core.module_info(m)\n"
            f"d = fuzz_desc.load(fuzz_desc.find('sample', {root!r}))\n"
            f"fz = fuzz_engine.Fuzzer(d, 'none', seed=5, out_dir={str(tmp_path)!r})\n"
            "fz.run(executions=3000)\n"
            "print(json.dumps([fz.stats.edges, fz.stats.pairs, fz.stats.corpus]))\n")
    runs = []
    for extra in ([], [str(own / "build" / "tally.so"), str(own / "build" / "ping.so"), "lofi"]):
        r = subprocess.run([sys.executable, "-c", prog, *extra], capture_output=True, text=True,
                           timeout=300)
        assert r.returncode == 0, r.stderr
        runs.append(json.loads(r.stdout))
    assert runs[0] == runs[1] and runs[0][0] > 10


def test_race_build_of_an_own_driver(own):
    """--detect-races on a scenario naming build/tally.so: refused, naming
    the module, while only the plain build exists; once build-driver --race
    wrote build/race/tally.so, that build is loaded and explored."""
    r = _kernsim(own, "explore", "scenarios.py:two_bumps", "--detect-races", "--runs", "10")
    assert r.returncode == 2 and "is not race-instrumented" in r.stderr, r.stderr
    r = _kernsim(own, "build-driver", "--personality", "illumos", "--race",
                 "-o", "build/race/tally.so", "tally.c")
    assert r.returncode == 0, r.stderr
    assert not [f for f in os.listdir(own / "build" / "race") if f.endswith(".o")]
    r = _kernsim(own, "explore", "scenarios.py:two_bumps", "--detect-races", "--runs", "500",
                 "--quiet", "--out", "out/race.repro.txtpb")
    assert r.returncode == 0, r.stdout + r.stderr
    r = _kernsim(own, "explore", "scenarios.py:two_bumps", "--variant", "split_bump",
                 "--detect-races", "--runs", "3000", "--quiet", "--out", "out/race.repro.txtpb")
    assert r.returncode == 1, r.stdout + r.stderr
    repro = (own / "out" / "race.repro.txtpb").read_text()
    assert "race/tally.so" in repro  # the race build is the one recorded
    assert _kernsim(own, "replay", "out/race.repro.txtpb").returncode == 0


def test_a_kernel_header_the_personality_lacks_is_refused_not_the_hosts(tmp_path):
    # <sys/random.h> once fell through to glibc's (getrandom: the host's
    # entropy in a driver). A kernel header kernsim lacks is refused,
    # naming it; another host header is a warning; the build stops before
    # any module is written.
    (tmp_path / "epoll.c").write_text(
        "#include <sys/param.h>\n#include <sys/systm.h>\n#include <sys/module.h>\n"
        "#include <sys/conf.h>\n#include <sys/epoll.h>\n"
        "static int ev(module_t m, int t, void *d) { return 0; }\n"
        "DEV_MODULE(epoll, ev, NULL);\n")
    line = _one_error(_kernsim(tmp_path, "build-driver", "--personality", "freebsd",
                               "-o", "out/epoll.so", "epoll.c"))
    assert "epoll.c: <sys/epoll.h> is the host's" in line, line
    assert "not a header of kernsim's freebsd personality" in line, line
    assert not (tmp_path / "out" / "epoll.so").exists()
    (tmp_path / "lib.c").write_text(
        "#include <sys/param.h>\n#include <sys/systm.h>\n#include <sys/module.h>\n"
        "#include <sys/conf.h>\n#include <ctype.h>\n"
        "static int ev(module_t m, int t, void *d) { return 0; }\n"
        "DEV_MODULE(lib, ev, NULL);\n")
    r = _kernsim(tmp_path, "build-driver", "--personality", "freebsd", "-o", "out/lib.so", "lib.c")
    assert r.returncode == 0, r.stderr
    assert "warning: lib.c: <ctype.h> is the host's" in r.stderr, r.stderr


@pytest.mark.parametrize("personality,pattern", [
    ("illumos", "drivers/lofi/*.c"), ("illumos", "drivers/sample/*.c"),
    ("illumos", "drivers/streams_*/*.c"), ("illumos", "drivers/ddiparity/*.c"),
    ("freebsd", "drivers/ctl_ioctl/*.c"), ("illumos", "tests/drivers/il*.c"),
    ("freebsd", "tests/drivers/fb*.c"), ("illumos", "examples/own_driver/tally.c"),
    ("freebsd", "examples/own_driver/ping.c"),
])
def test_the_shipped_drivers_include_no_host_header(root, personality, pattern):
    import glob
    sources = sorted(glob.glob(os.path.join(root, pattern)))
    assert sources, pattern
    for s in sources:
        assert build_driver.host_includes(personality, [s]) == ([], []), s
