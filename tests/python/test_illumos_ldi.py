"""The layered driver interface (ldi(9F), <sys/sunldi.h>) and nvlists
(nvpair(9F), <sys/nvpair.h>) of the illumos personality, as an outside
driver uses them: tests/drivers/illyr.c opens tests/drivers/illower.c
through the LDI and takes its configuration as a packed nvlist
(tests/python/ildi_scenarios.py). Before: neither header existed, so such
a driver did not compile."""
import os
import struct
import subprocess
import sys as pysys

import pytest

import kernsim
from kernsim import nvpair

HERE = os.path.dirname(os.path.abspath(__file__))
pysys.path.insert(0, HERE)
import ildi_scenarios as S  # noqa: E402


@pytest.mark.parametrize("name", ["passdown", "unload_layered", "configure"])
def test_a_layered_driver_gets_no_report(name):
    # sequential scenarios: every run checks the same answers
    r = kernsim.explore(getattr(S, name), strategy="random", runs=50, seed=1)
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"


@pytest.mark.parametrize("name", ["first_link", "config_readers", "poll_through"])
def test_the_correct_driver_survives_interleavings(name):
    for strategy in ("pct", "random"):
        r = kernsim.explore(getattr(S, name), strategy=strategy, runs=1500, seed=3)
        assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"


BUGS = {
    # scenario on the twin: (kind, signature)
    "first_link_race": ("memory", "leak:ldi_handle"),
    "configure_nvleak": ("memory", "leak:nvlist"),
    "config_readers_nvuaf": ("memory", "use_after_free:nvlist:nvlist_add_nvlist"),
}


@pytest.mark.parametrize("name", sorted(BUGS))
def test_each_planted_bug_is_found_and_replays(name, tmp_path):
    r = kernsim.explore(getattr(S, name), strategy="pct", runs=3000, seed=0)
    assert r.failure is not None, f"{name}: not found"
    kind, sig = BUGS[name]
    assert (r.failure.kind, r.failure.signature) == (kind, sig), r.failure.message
    path = str(tmp_path / f"{name}.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    rep = kernsim.replay(path)
    assert rep.matched, rep.mismatches
    # and from the command line, as a user replays it
    cli = os.path.join(os.path.dirname(os.path.dirname(HERE)), "build", "bin", "kernsim")
    if os.path.exists(cli):
        p = subprocess.run([cli, "replay", path], capture_output=True, text=True)
        assert p.returncode == 0 and "MATCH" in p.stdout, p.stdout + p.stderr


def test_the_leak_report_names_the_layered_handle():
    r = kernsim.explore(S.first_link_race, strategy="pct", runs=3000, seed=0)
    assert r.failure is not None
    assert "of tag ldi_handle" in r.failure.message, r.failure.message


def test_the_use_after_free_names_who_freed_it():
    r = kernsim.explore(S.config_readers_nvuaf, strategy="pct", runs=3000, seed=0)
    assert r.failure is not None
    m = r.failure.message
    assert "nvlist_add_nvlist of an nvlist already freed (by thread writer" in m, m


def test_pack_round_trips_every_type_it_knows():
    pairs = [("b", "boolean", True), ("v", "boolean_value", 1), ("i", "int32", -5),
             ("u", "uint32", 5), ("l", "int64", -(1 << 40)), ("q", "uint64", 1 << 63),
             ("s", "string", "hello"), ("a8", "uint8_array", [1, 2, 3]),
             ("a64", "uint64_array", [7, 8]), ("as", "string_array", ["x", "yz"]),
             ("n", "nvlist", [("inner", "uint32", 9)])]
    assert nvpair.unpack(nvpair.pack(pairs)) == pairs


def test_the_python_packer_lays_lists_out_as_the_kernel_does():
    # the list tests/cpp/kdrivers/kd_layered.c packs in the kernel: 468
    # bytes there (test_layered.cc, PackUnpackRoundTripsNestedLists)
    inner = [("deep", "uint32", 7)]
    pairs = [("u", "uint64", 5), ("s", "string", "hello"), ("b", "uint8_array", [1, 2, 3]),
             ("q", "uint64_array", [10, 20]), ("ss", "string_array", ["x", "yz"]),
             ("flag", "boolean", True), ("in", "nvlist", inner),
             ("arr", "nvlist_array", [inner, inner])]
    assert len(nvpair.pack(pairs)) == 468


def test_the_python_xdr_packer_lays_lists_out_as_the_kernel_does():
    # kd_layered.c's kl_nv_xdr: 156 bytes, words 0, 1, 32, 32, 1, 'u'
    b = nvpair.pack([("u", "uint64", 5), ("s", "string", "hello"),
                     ("n", "nvlist", [("d", "uint32", 7)])], encoding="xdr")
    assert len(b) == 156
    assert b[:4] == bytes([1, 1, 0, 0])
    assert struct.unpack(">6I", b[4:28]) == (0, 1, 32, 32, 1, 0x75000000)
