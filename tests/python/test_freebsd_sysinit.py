"""A FreeBSD module's start and end as the kernel linker runs them
(tests/drivers/fbsysinit.c): its SYSINITs in (subsystem, order) order with
DECLARE_MODULE's MOD_LOAD among them, its SYSUNINITs in reverse after
MOD_UNLOAD, and MOD_UNLOAD also after a MOD_LOAD that failed.

Facts (freebsd-src): linker_load_file runs every SYSINIT of the file
(linker_file_sysinit) and, if its module's MOD_LOAD failed, unloads the
file, running the SYSUNINITs (linker_file_unload, linker_file_sysuninit);
module_register_init sends MOD_UNLOAD after a failed MOD_LOAD (kern_linker.c,
kern_module.c); exit1 calls process_exit handlers before fdescfree
(kern_exit.c); EVENTHANDLER_DEFINE registers from a SYSINIT at
SI_SUB_CONFIGURE and never deregisters (sys/eventhandler.h)."""
import errno
import os

import pytest

import kernsim
from kernsim import build_driver, sys

_TEST_DRIVERS = os.path.join(os.path.dirname(build_driver.config()["driver_dir"]),
                             "test_drivers")


def _read(w):
    """A reader of the name table; if the module did not load (an injected
    allocation failure at MOD_LOAD), there is no device."""
    def user():
        buf = yield sys.mmap(4096)
        fd = yield sys.open("/dev/fbsysinit", sys.O_RDONLY)
        if fd == -errno.ENOENT:
            return
        assert fd >= 0, fd
        assert (yield sys.read(fd, buf, 9)) == 9
        assert (yield sys.peek(buf, 9)) == b"fbsysinit"
        yield sys.close(fd)

    w.spawn("u1", user())
    w.spawn("u2", user())


# module level, so that a repro names them: the correct driver and its twins
SCENARIOS = {b: kernsim.scenario_of(_read, os.path.join(_TEST_DRIVERS, b + ".so"), b)
             for b in ("fbsysinit", "fbsysinit_order", "fbsysinit_half", "fbsysinit_define")}
globals().update(SCENARIOS)


def scn(build):
    return SCENARIOS[build]


@pytest.mark.parametrize("strategy", ["random", "pct"])
def test_a_correct_two_step_start_gets_no_report(strategy):
    """The table's SYSINIT runs before MOD_LOAD, its SYSUNINIT after
    MOD_UNLOAD (else: a KASSERT, or a leak of the table and its mutex),
    and when MOD_LOAD fails half way (faults injected) MOD_UNLOAD cleans
    up what it made (else: a device and a buffer left at unload)."""
    r = kernsim.explore(scn("fbsysinit"), strategy=strategy, runs=2000, seed=3,
                        inject_faults=True)
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.console}"


def test_a_load_that_fails_leaves_no_device():
    """Some execution fails MOD_LOAD: its readers find no node."""
    seen = set()
    for e in range(64):
        r = kernsim.run(scn("fbsysinit"), strategy="random", seed=11, execution=e,
                        inject_faults=True)
        assert r.kind == "pass", r
        seen.add(any("MOD_LOAD (fbsysinit) error 12" in line for line in r.console))
    assert seen == {True, False}, "no execution failed MOD_LOAD, or every one did"


def test_a_sysinit_ordered_after_mod_load_is_run_after_it():
    r = kernsim.run(scn("fbsysinit_order"))
    assert r.kind == "panic", r
    assert "MOD_LOAD before the name table" in r.message


def test_mod_unload_after_a_failed_load_meets_the_half_made_state(tmp_path):
    """The bug FreeBSD's rule exposes: MOD_UNLOAD destroys a device that
    the failed make_dev_s never made."""
    r = kernsim.explore(scn("fbsysinit_half"), strategy="random", runs=2000, seed=3,
                        inject_faults=True)
    assert r.failure is not None and r.failure.kind == "panic", r.failure
    assert "destroy_dev of NULL" in r.failure.message, r.failure.message
    path = str(tmp_path / "half.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    rep = kernsim.replay(path)
    assert rep.matched, rep.mismatches


def test_process_exit_handlers_run_before_unload():
    """Each opener's record is freed by the driver's process_exit handler;
    MOD_UNLOAD refuses while one is left (a teardown failure if kernsim
    never called the handler, as it did not before 2026-12-07)."""
    r = kernsim.run(scn("fbsysinit"))
    assert r.kind == "pass", r


def test_an_event_handler_nothing_deregisters_outlives_the_module():
    r = kernsim.run(scn("fbsysinit_define"))
    assert r.kind != "pass" and "eventhandler" in r.message, r
