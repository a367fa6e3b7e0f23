"""A driver's driver.conf(5) supplied by the user (tests/drivers/ilconf.c):
its properties reach the driver's attach through the DDI lookups, a bug only
the non-default configuration reaches is found only with it, the repro
replays the configuration it was found with, and a malformed file is
refused with the file, the line and what is wrong."""
import errno
import os
import shutil
import struct
import subprocess

import pytest

import kernsim
from kernsim import build_driver, repro as repro_io, sys
from kernsim.errors import KernsimError
from kernsim.kernsim_pb2 import Program

_TEST_DRIVERS = os.path.join(os.path.dirname(build_driver.config()["driver_dir"]),
                             "test_drivers")
ILCONF = os.path.join(_TEST_DRIVERS, "ilconf.so")
ILCONF_INFO = (ord("C") << 8) | 1
INFO = struct.Struct("<5i32s32s")

TUNED = """\
# /kernel/drv/ilconf.conf
name="ilconf" parent="pseudo" instance=0
    unit-label="unit zero";
max-clients=1;
greeting="hi \\"you\\"";
weights=1, 0x10, 010;   # 1 + 16 + 8
verbose;
"""


def info_body(out):
    def client():
        fd = yield sys.open("/dev/ilconf", sys.O_RDWR)
        assert fd >= 0, fd
        buf = yield sys.mmap(4096)
        assert (yield sys.ioctl(fd, ILCONF_INFO, buf)) == 0
        out.append(INFO.unpack((yield sys.peek(buf, INFO.size))))
        yield sys.close(fd)
    return client()


def read_info(conf):
    out = []

    @kernsim.scenario(driver=ILCONF, conf=conf)
    def info(w):
        w.spawn("client", info_body(out))
    r = kernsim.run(info)
    assert r.kind == "pass", r
    m, n, total, vexists, vvalue, greeting, label = out[-1]
    return dict(max=m, nweights=n, wsum=total, verbose_exists=vexists, verbose=vvalue,
                greeting=greeting.rstrip(b"\0").decode(), label=label.rstrip(b"\0").decode())


def test_without_a_conf_the_driver_sees_its_defaults():
    assert read_info("") == dict(max=0, nweights=0, wsum=0, verbose_exists=0, verbose=-1,
                                 greeting="hello", label="")


def test_every_type_reaches_attach_through_the_ddi_lookups():
    # verbose has no value: illumos makes it an integer 0 (make_prop), so
    # it exists and ddi_getprop reads 0, not the default
    assert read_info(TUNED) == dict(max=1, nweights=3, wsum=25, verbose_exists=1, verbose=0,
                                    greeting='hi "you"', label="unit zero")


@kernsim.scenario(driver=ILCONF)
def two_opens(w):
    """Two clients open /dev/ilconf at once (each would be a slot)."""
    def client():
        fd = yield sys.open("/dev/ilconf", sys.O_RDWR)
        if fd >= 0:
            yield sys.close(fd)
    w.spawn("a", client())
    w.spawn("b", client())


two_opens_limited = kernsim.scenario_of(two_opens.fn, ILCONF, "two_opens_limited",
                                        conf="max-clients=1;\n")


def test_the_bug_is_reached_only_with_the_non_default_configuration(tmp_path):
    r = kernsim.explore(two_opens, strategy="pct", runs=2000, seed=1)
    assert r.failure is None, r.failure
    r = kernsim.explore(two_opens_limited, strategy="pct", runs=2000, seed=1)
    assert r.failure is not None
    assert r.failure.kind == "panic", r.failure
    assert "slot" in r.failure.message and "ilconf.c" in r.failure.message, r.failure.message
    # the repro records the configuration and replays it
    path = str(tmp_path / "limited.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    saved = repro_io.load(path)
    assert saved.driver_conf == "max-clients=1;\n"
    rep = kernsim.replay(path)
    assert rep.matched, rep.mismatches


def test_a_repro_replays_the_recorded_conf_not_the_scenarios_current_one(tmp_path):
    r = kernsim.explore(two_opens_limited, strategy="pct", runs=2000, seed=1)
    assert r.failure is not None
    path = str(tmp_path / "limited.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    # the same repro with the conf taken away no longer fails as recorded:
    # the replay loads what the repro says
    text = open(path).read().replace('driver_conf: "max-clients=1;\\n"', 'driver_conf: ""')
    assert text != open(path).read()
    other = str(tmp_path / "noconf.repro.txtpb")
    open(other, "w").write(text)
    assert not kernsim.replay(other).matched
    assert kernsim.replay(path).matched


def test_a_program_carries_its_conf_and_the_boot_image_keys_on_it():
    def prog(conf):
        p = Program()
        p.driver.add(name=ILCONF, variant="none", conf=conf)
        t = p.thread.add(name="client", proc="user")
        p.proc.add(name="user")
        kernsim.program_call(t, "open", 2, path="/dev/ilconf", out="fd")
        kernsim.program_call(t, "mmap", 4096, 3, out="buf")
        kernsim.program_call(t, "ioctl", "fd", ILCONF_INFO, "buf", expect=0)
        # max-clients as the driver read it
        kernsim.program_call(t, "check", "buf", data=struct.pack("<i", 7 if conf else 0))
        return p

    @kernsim.program_scenario(driver=ILCONF)
    def tuned():
        return prog("max-clients=7;")

    @kernsim.program_scenario(driver=ILCONF)
    def plain():
        return prog("")
    # executions after the first start from its boot's image, which holds
    # the configured attach: the check passes in every one
    for scn in (tuned, plain, tuned, plain):
        r = kernsim.explore(scn, strategy="random", runs=20, seed=3)
        assert r.failure is None, r.failure
        assert r.boot_images == 19, r.boot_images


def test_program_scenario_conf_goes_into_the_programs_driver():
    @kernsim.program_scenario(driver=ILCONF, conf="max-clients=3;")
    def p():
        return Program()
    spec = kernsim.api.run_spec(p)
    assert [(d.name, d.conf) for d in spec.program.driver] == [(ILCONF, "max-clients=3;")]


@pytest.mark.parametrize("conf,message", [
    ("max-clients=1\n", "conf= of scenario bad:1: the entry starting here has no ';' before the end "
                        "of the file"),
    ("a=1;\nweights=1,\"two\";\n", "conf= of scenario bad:2: property 'weights' mixes integers and "
                                   "strings in one list"),
    ('name="other" parent="pseudo";', 'the entry is for node "other", but this is the '
                                      "driver.conf of ilconf"),
    ('name="ilconf" parent="isa";', 'parent="isa": kernsim\'s illumos has only the pseudo '
                                    "nexus"),
])
def test_a_malformed_conf_is_refused_naming_file_line_and_what(conf, message):
    @kernsim.scenario(driver=ILCONF, conf=conf)
    def bad(w):
        pass
    with pytest.raises(KernsimError) as e:
        kernsim.run(bad)
    assert "driver.conf of ilconf" in str(e.value)
    assert message in str(e.value), str(e.value)


def test_a_freebsd_driver_takes_no_driver_conf():
    fb = os.path.join(_TEST_DRIVERS, "fbtick.so")

    @kernsim.scenario(driver=fb, conf="a=1;")
    def fbconf(w):
        pass
    with pytest.raises(KernsimError, match="takes no driver configuration file"):
        kernsim.run(fbconf)


def test_build_driver_puts_the_conf_beside_the_module_and_it_is_found(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(os.path.join(os.path.dirname(__file__), "..", "drivers", "ilconf.c"), src)
    (src / "ilconf.conf").write_text("max-clients=1;\n")
    out = tmp_path / "build" / "ilconf.so"
    subprocess.run([os.path.join(os.environ.get("KERNSIM_ROOT", "."), "build", "bin", "kernsim"),
                    "build-driver", "--personality", "illumos", "-o", str(out),
                    str(src / "ilconf.c")], check=True, capture_output=True)
    assert (tmp_path / "build" / "ilconf.conf").read_text() == "max-clients=1;\n"
    scn = kernsim.scenario_of(two_opens.fn, str(out), "found_conf")
    assert scn.driver_conf() == ("max-clients=1;\n", str(tmp_path / "build" / "ilconf.conf"))
    r = kernsim.explore(scn, strategy="pct", runs=2000, seed=1)
    assert r.failure is not None and r.failure.kind == "panic", r.failure
    # conf="" says none, even with the file there
    none = kernsim.scenario_of(two_opens.fn, str(out), "no_conf", conf="")
    assert kernsim.explore(none, strategy="pct", runs=500, seed=1).failure is None
    # a malformed file beside the module is named by its path
    (tmp_path / "build" / "ilconf.conf").write_text("max-clients=\n")
    broken = kernsim.scenario_of(two_opens.fn, str(out), "broken_conf")
    with pytest.raises(KernsimError, match=r"build/ilconf\.conf:1: 'max-clients=' has no value"):
        kernsim.run(broken)


def _kernsim(*args):
    root = os.environ.get("KERNSIM_ROOT", ".")
    return subprocess.run([os.path.join(root, "build", "bin", "kernsim"), *args],
                          capture_output=True, text=True, cwd=root)


def test_the_command_line_takes_a_conf_and_the_repro_replays_it(tmp_path):
    conf = tmp_path / "ilconf.conf"
    conf.write_text("# one client at a time\nmax-clients=1;\n")
    out = tmp_path / "found.repro.txtpb"
    scn = f"{__file__}:two_opens"
    plain = _kernsim("explore", scn, "--runs", "2000", "--quiet", "--out", str(out))
    assert plain.returncode == 0, plain.stdout + plain.stderr
    found = _kernsim("explore", scn, "--runs", "2000", "--conf", str(conf), "--out", str(out))
    assert found.returncode == 1, found.stdout + found.stderr
    assert f"conf={conf}" in found.stdout
    assert 'driver_conf: "# one client at a time\\nmax-clients=1;\\n"' in out.read_text()
    conf.write_text("")  # the file changing after does not change the replay
    replayed = _kernsim("replay", str(out))
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    assert f"driver.conf {conf}" in replayed.stdout, replayed.stdout
    conf.write_text("max-clients=1,\n")
    bad = _kernsim("explore", scn, "--runs", "10", "--conf", str(conf))
    assert bad.returncode == 2, bad.stdout + bad.stderr
    assert f"{conf}:1: the list of 'max-clients' ends in a ','" in bad.stderr, bad.stderr


def test_a_search_resumes_only_with_the_conf_it_ran_with():
    two_2 = kernsim.scenario_of(two_opens.fn, ILCONF, "two_opens_2", conf="max-clients=2;")
    r = kernsim.search(two_2, bound=2, max_executions=3)
    assert r.checkpoint is not None and r.checkpoint.driver_conf == "max-clients=2;"
    with pytest.raises(KernsimError, match="another driver.conf"):
        kernsim.search(two_opens, bound=2, max_executions=3, resume=r.checkpoint)
    kernsim.search(two_2, bound=2, max_executions=3, resume=r.checkpoint)


ILINST = os.path.join(_TEST_DRIVERS, "ilinst.so")
ILINST_INFO = (ord("I") << 8) | 1
INST = struct.Struct("<2i32s")

INSTANCES = """\
name="ilinst" parent="pseudo" instance=0 depth=4;
name="ilinst" parent="pseudo" instance=2 depth=16 label="two";
label="global";
"""


def test_each_node_entry_is_an_instance_with_its_own_properties():
    seen = {}

    def client(path):
        fd = yield sys.open(path, sys.O_RDWR)
        if fd < 0:
            seen[path] = fd
            return
        buf = yield sys.mmap(4096)
        assert (yield sys.ioctl(fd, ILINST_INFO, buf)) == 0
        inst, depth, label = INST.unpack((yield sys.peek(buf, INST.size)))
        seen[path] = (inst, depth, label.rstrip(b"\0").decode())
        yield sys.close(fd)

    def body(w):
        for i in range(3):
            w.spawn(f"c{i}", client(f"/dev/ilinst{i}"))

    two = kernsim.scenario_of(body, ILINST, "two_instances", conf=INSTANCES)
    r = kernsim.explore(two, strategy="pct", runs=200, seed=1)
    assert r.failure is None, r.failure
    assert seen == {"/dev/ilinst0": (0, 4, "global"), "/dev/ilinst1": -errno.ENOENT,
                    "/dev/ilinst2": (2, 16, "two")}
    seen.clear()
    # no entry: instance 0 alone, as without a driver.conf
    one = kernsim.scenario_of(body, ILINST, "one_instance", conf="label=\"g\";")
    assert kernsim.run(one).kind == "pass"
    assert seen == {"/dev/ilinst0": (0, 1, "g"), "/dev/ilinst1": -errno.ENOENT,
                    "/dev/ilinst2": -errno.ENOENT}


@pytest.mark.parametrize("conf,message", [
    ('name="ilinst" parent="pseudo" instance=0;\nname="ilinst" parent="pseudo";',
     "conf= of scenario bad:2: the entry has no instance=: with several entries for ilinst, "
     "each names its instance number"),
    ('name="ilinst" parent="pseudo" instance=1;\nname="ilinst" parent="pseudo" instance=1;',
     "conf= of scenario bad:2: a second entry for instance 1 of ilinst (the first is on "
     "line 1)"),
])
def test_instances_are_named_once_each(conf, message):
    @kernsim.scenario(driver=ILINST, conf=conf)
    def bad(w):
        pass
    with pytest.raises(KernsimError) as e:
        kernsim.run(bad)
    assert message in str(e.value), str(e.value)


ILCONF_DESC = """\
driver: "ilconf"
node { path: "/dev/ilconf" oflags: 2 }
ioctl {
  name: "ILCONF_INFO"
  cmd: 0x4301
  node: "/dev/ilconf"
  dir: "out"
  field { name: "ci_max_clients" type: "int" size: 4 min: 0 max: 0 }
}
"""


def test_the_fuzzer_loads_the_conf_beside_the_module_and_its_repro_carries_it(tmp_path):
    d = tmp_path / "drv"
    built = _kernsim("build-driver", "--personality", "illumos", "-o", str(d / "ilconf.so"),
                     os.path.join(os.path.dirname(__file__), "..", "drivers", "ilconf.c"))
    assert built.returncode == 0, built.stdout + built.stderr  # with cov/ilconf.so for the fuzzer
    (d / "ilconf.ioctl.txtpb").write_text(ILCONF_DESC)
    common = ["fuzz", "--driver", str(d / "ilconf.so"), "--execs", "3000", "--seed", "1",
              "--stop-on-find", "--quiet"]
    plain = _kernsim(*common, "--out", str(tmp_path / "plain"))
    assert plain.returncode == 0, plain.stdout + plain.stderr
    (d / "ilconf.conf").write_text("max-clients=1;\n")
    found = _kernsim(*common, "--out", str(tmp_path / "found"))
    assert found.returncode == 1, found.stdout + found.stderr
    assert f"conf={d / 'ilconf.conf'}" in found.stdout
    repros = sorted((tmp_path / "found").glob("*.repro.txtpb"))
    assert repros, found.stdout
    r = repro_io.load(str(repros[0]))
    assert [dr.conf for dr in r.program.driver] == ["max-clients=1;\n"]
    (d / "ilconf.conf").write_text("")  # the repro replays its own conf
    replayed = _kernsim("replay", str(repros[0]))
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr


ILLYR_DESC = """\
driver: "illyr"
also_load { name: "illower" variant: "none" }
node { path: "/dev/illyr" oflags: 2 }
ioctl { name: "LYR_SET" cmd: 0x5901 node: "/dev/illyr" dir: "in"
  field { name: "v" type: "int" size: 8 min: 0 max: 100 } }
ioctl { name: "LYR_GET" cmd: 0x5906 node: "/dev/illyr" dir: "out"
  field { name: "v" type: "int" size: 8 min: 0 max: 0 } }
"""


def test_the_fuzzer_loads_a_layered_pair_built_side_by_side(tmp_path):
    """illyr opens illower through the LDI; both built out of tree into one
    directory, the description's also_load names the lower by name, which
    no driver path holds: it is taken from beside the described module (it
    was `unknown driver 'illower'`)."""
    d = tmp_path / "drv"
    src = os.path.join(os.path.dirname(__file__), "..", "drivers")
    for name in ("illyr", "illower"):
        built = _kernsim("build-driver", "--personality", "illumos", "-o",
                         str(d / f"{name}.so"), os.path.join(src, f"{name}.c"))
        assert built.returncode == 0, built.stdout + built.stderr
    (d / "illyr.ioctl.txtpb").write_text(ILLYR_DESC)
    r = _kernsim("fuzz", "--driver", str(d / "illyr.so"), "--execs", "2000", "--seed", "1",
                 "--quiet", "--out", str(tmp_path / "out"))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "executions=2000" in r.stdout, r.stdout
