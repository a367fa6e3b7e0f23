"""User memory an illumos driver locks (DESIGN.md, User memory: locked
pages), with tests/drivers/ilpin.c: ddi_umem_lock(9F) and
umem_lockmemory's errors; an munmap or mprotect of locked pages waits
for the driver's unlock (vm_as.c as_unmap, as_setprot); a long-term lock's
cleanup callback runs instead and nothing waits; an exit whose driver
keeps the lock sleeps for ever and is reported as such; an unlock of an
unlocked cookie is found; every report replays."""
import pytest

import kernsim

import ilpin_scenarios as ip


def scn(name):
    return kernsim.resolve(f"{ip.__file__}:{name}")


CLEAN = ["pin_unpin", "munmap_waits", "mprotect_waits", "longterm_munmap",
         "longterm_mprotect", "longterm_exit", "exit_locked", "release_then_close", "errors",
         "unload_locked"]


@pytest.mark.parametrize("name", CLEAN)
def test_one_run_passes(name):
    r = kernsim.explore(scn(name), strategy="random", runs=1, seed=1)
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"


@pytest.mark.parametrize("strategy", ["random", "pct"])
@pytest.mark.parametrize("name", ["munmap_waits", "mprotect_waits", "longterm_munmap",
                                  "longterm_exit", "exit_locked"])
def test_the_correct_driver_gets_no_report(name, strategy):
    """munmap_waits asserts, after the munmap, that the driver counted the
    release: an munmap that did not wait fails it in some interleaving."""
    r = kernsim.explore(scn(name), strategy=strategy, runs=2000, seed=3)
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"
    assert r.runs == 2000


def _found(name, tmp_path):
    r = kernsim.explore(scn(name), strategy="random", runs=200, seed=0)
    assert r.failure is not None, "not found"
    path = str(tmp_path / f"{name}.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    rep = kernsim.replay(path)
    assert rep.matched, rep.mismatches
    return r.failure


def test_an_exit_with_pages_the_driver_keeps_locked_is_stuck(tmp_path):
    """illumos's as_free sleeps until the pages are unlocked when no
    callback is registered: ilpin_keep's close(9E) keeps the lock, so the
    exiting process never finishes."""
    f = _found("exit_locked_keep", tmp_path)
    assert f.kind == "stuck", f.message
    assert f.signature == "stuck:page_locked:ddi_umem_lock", f.signature
    assert "exit of process user" in f.message, f.message
    assert "locked by ddi_umem_lock in thread owner" in f.message, f.message


def test_unlocking_a_cookie_twice_is_found(tmp_path):
    f = _found("release_then_close_twice", tmp_path)
    assert f.kind == "memory", f.message
    assert f.signature == "ddi_umem_unlock_not_locked", f.signature


def test_unloading_with_a_cleanup_callback_registered_is_found(tmp_path):
    """The module's code is gone once modunload returns 0: a registered
    cleanup callback would run it at the process's next munmap."""
    f = _found("unload_locked_detach", tmp_path)
    assert f.kind == "unload", f.message
    assert f.signature == "unload:page_lock_callback:ilpin_detach:umem_lockmemory", f.signature
    assert "cleanup callback" in f.message, f.message
