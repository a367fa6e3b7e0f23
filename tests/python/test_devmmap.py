"""mmap(2) of a character device (DESIGN.md, User memory: device
mappings), with tests/drivers/fbshm.c, a FreeBSD driver whose d_mmap maps
a malloc'd ring: user code and the driver see the same bytes; a mapping
outlives close(2); the twin that frees the ring in d_close while a
mapping remains is found and replays; the correct one is clean under PCT
and random search; errors are FreeBSD's."""
import os
import subprocess
import sys

import pytest

import kernsim

import devmmap_scenarios as dm


def scn(name):
    return kernsim.resolve(f"{dm.__file__}:{name}")


@pytest.mark.parametrize("name", ["ring", "ring_exit_mapped", "errors", "ring_program",
                                  "illumos_no_mapping", "touch_after_close"])
def test_one_run_passes(name):
    r = kernsim.explore(scn(name), strategy="random", runs=1, seed=1)
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"


@pytest.mark.parametrize("strategy", ["random", "pct"])
@pytest.mark.parametrize("name", ["ring", "ring_exit_mapped", "ring_program"])
def test_the_correct_driver_gets_no_report(name, strategy):
    r = kernsim.explore(scn(name), strategy=strategy, runs=3000, seed=7)
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"
    assert r.runs == 3000


def test_the_correct_driver_has_no_data_race():
    r = kernsim.explore(scn("ring_race"), strategy="pct", runs=2000, seed=2, detect_races=True)
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"


def test_user_code_through_the_mapping_races_with_the_driver(tmp_path):
    """The detector sees the process's loads through its mapping as the
    user thread's accesses."""
    r = kernsim.explore(scn("ring_unsynced"), strategy="pct", runs=2000, seed=0,
                        detect_races=True)
    assert r.failure is not None and r.failure.kind == "data_race", r.failure
    assert "through its device mapping" in r.failure.message, r.failure.message
    assert "shm_ioctl" in r.failure.message, r.failure.message
    path = str(tmp_path / "race.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    assert kernsim.replay(path).matched


@pytest.mark.parametrize("name", ["ring_closefree", "ring_exit_closefree"])
def test_freeing_mapped_memory_is_found_and_replays(name, tmp_path):
    r = kernsim.explore(scn(name), strategy="pct", runs=20000, seed=0)
    assert r.failure is not None, f"{name}: not found"
    assert r.failure.kind == "memory", r.failure.message
    assert r.failure.signature == "freed_while_mapped:M_FBSHM", r.failure.signature
    assert "freed while still mapped" in r.failure.message, r.failure.message
    assert "/dev/fbshm" in r.failure.message, r.failure.message
    path = str(tmp_path / f"{name}.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    rep = kernsim.replay(path)
    assert rep.matched, rep.mismatches


def test_a_fault_the_driver_refuses_is_the_process_sigbus(tmp_path):
    """fbshm_closefree freed the ring at the close, so d_mmap answers ENXIO
    at the first touch: the device pager's VM_PAGER_FAIL, SIGBUS."""
    r = kernsim.explore(scn("touch_after_closefree"), strategy="random", runs=1, seed=0)
    assert r.failure is not None and r.failure.kind == "fault", r.failure
    assert r.failure.signature == "sigbus:devmap:fbshm", r.failure.signature
    assert "SIGBUS" in r.failure.message and "(ENXIO" in r.failure.message, r.failure.message
    path = str(tmp_path / "sigbus.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    assert kernsim.replay(path).matched


def test_an_unload_under_a_mapping_frees_mapped_memory():
    """fbshm frees its ring at MOD_UNLOAD: correct as long as nothing maps
    it then, which a kldunload does not ensure."""
    r = kernsim.explore(scn("unload_while_mapped"), strategy="random", runs=1, seed=0)
    assert r.failure is not None, "not found"
    assert r.failure.signature == "freed_while_mapped:M_FBSHM", r.failure.message
    assert "read through page" in r.failure.message, r.failure.message


def test_the_bug_is_found_by_random_search_too():
    r = kernsim.explore(scn("ring_closefree"), strategy="random", runs=20000, seed=0)
    assert r.failure is not None and r.failure.signature == "freed_while_mapped:M_FBSHM", r.failure


def test_a_program_repro_round_trips_and_shows_the_call(tmp_path):
    """A Program with mmap_dev: its repro replays, `kernsim show` names the
    call and prints the address it returned."""
    r = kernsim.explore(scn("ring_closefree_program"), strategy="random", runs=200, seed=0)
    assert r.failure is not None and r.failure.signature == "freed_while_mapped:M_FBSHM", r.failure
    path = str(tmp_path / "prog.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    assert "mmap_dev" in open(path).read()
    assert kernsim.replay(path).matched
    out = subprocess.run([sys.executable, "-m", "kernsim", "show", path], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "mmap_dev(fd=" in out.stdout, out.stdout
    assert "mmap_dev = 0x" in out.stdout, out.stdout
