"""mmap(2) of an illumos device (DESIGN.md, Device mappings), with
tests/drivers/ilshm.c, a pseudo driver whose devmap(9E) maps a ring of
ddi_umem_alloc memory through ddi_devmap_segmap: user code and the driver
see the same bytes; close(9E) waits for the last unmap; a mapping holds
the driver against unload; the devmap_map/devmap_unmap callbacks count
mappings; the twin that frees a mapped ring is found and replays; the
correct one is clean under PCT and random search."""
import os
import subprocess
import sys

import pytest

import kernsim

import ildevmap_scenarios as dm


def scn(name):
    return kernsim.resolve(f"{dm.__file__}:{name}")


@pytest.mark.parametrize("name", ["ring", "close_deferred", "exit_mapped", "grow",
                                  "unload_while_mapped", "errors", "grow_program",
                                  "model_lp64", "model_ilp32"])
def test_one_run_passes(name):
    r = kernsim.explore(scn(name), strategy="random", runs=1, seed=1)
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"


@pytest.mark.parametrize("strategy", ["random", "pct"])
@pytest.mark.parametrize("name", ["ring", "exit_mapped", "grow", "grow_program"])
def test_the_correct_driver_gets_no_report(name, strategy):
    r = kernsim.explore(scn(name), strategy=strategy, runs=3000, seed=7)
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"
    assert r.runs == 3000


@pytest.mark.parametrize("name", ["grow_bug", "grow_latecount"])
@pytest.mark.parametrize("strategy", ["random", "pct"])
def test_freeing_a_mapped_ring_is_found_and_replays(name, strategy, tmp_path):
    """grow_latecount: a GROW between devmap(9E) and the devmap_map
    callback (devmap_setup calls it only once the mapping is made) sees
    no mapping yet and frees the ring being mapped."""
    r = kernsim.explore(scn(name), strategy=strategy, runs=20000, seed=0)
    assert r.failure is not None, "not found"
    assert r.failure.kind == "memory", r.failure.message
    assert r.failure.signature == "freed_while_mapped:ddi_umem_alloc", r.failure.signature
    assert "freed while still mapped" in r.failure.message, r.failure.message
    assert "/dev/ilshm" in r.failure.message, r.failure.message
    path = str(tmp_path / "grow.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    rep = kernsim.replay(path)
    assert rep.matched, rep.mismatches


def test_a_program_repro_round_trips_and_shows_the_call(tmp_path):
    r = kernsim.explore(scn("grow_bug_program"), strategy="random", runs=10, seed=0)
    assert r.failure is not None, "not found"
    assert r.failure.signature == "freed_while_mapped:ddi_umem_alloc", r.failure
    assert "unmapped page" in r.failure.message, r.failure.message
    path = str(tmp_path / "prog.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    assert "mmap_dev" in open(path).read()
    assert kernsim.replay(path).matched
    out = subprocess.run([sys.executable, "-m", "kernsim", "show", path], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "mmap_dev(fd=" in out.stdout, out.stdout
