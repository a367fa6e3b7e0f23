"""kqueue(2)/kevent(2) for FreeBSD drivers (kernel_model/freebsd/kern_event.cc):
fbring's d_kqfilter with a reader in kevent and a writer that KNOTEs. The
correct driver passes every schedule explored; its buggy variants are
found, named in a driver engineer's terms, and replayed."""
import pytest

import kernsim

import kevent_scenarios as ks


def scn(name):
    return kernsim.resolve(f"{ks.__file__}:{name}")


def test_the_correct_driver_passes_every_schedule():
    """Bounded DFS, exhausted: no schedule of reader and writer within two
    preemptions loses the event (the knote's readiness test at EV_ADD is
    under the knlist's lock, the lock the write KNOTEs under)."""
    r = kernsim.search(scn("fb_kevent_reader_and_writer"), bound=2, max_executions=200000)
    assert r.failure is None, r.failure
    assert r.exhausted, (r.executions, r.bound)


@pytest.mark.parametrize("strategy", ["pct", "random"])
def test_the_correct_driver_passes_many_runs(strategy):
    r = kernsim.explore(scn("fb_kevent_reader_and_writer"), strategy=strategy, runs=2000,
                        seed=7)
    assert r.failure is None, r.failure


def test_knote_locked_without_the_knlist_lock_is_lock_misuse(tmp_path):
    """knote_unlocked: the write KNOTE_LOCKEDs after dropping the mutex
    that is the knlist's lock; FreeBSD's INVARIANTS kernel asserts it."""
    r = kernsim.explore(scn("fb_kevent_reader_and_writer"), strategy="pct", runs=200, seed=7,
                        variant="knote_unlocked")
    assert r.failure is not None and r.failure.kind == "lock_misuse", r.failure
    assert "fbring.c" in r.failure.message, r.failure.message
    path = str(tmp_path / "knote_unlocked.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    rep = kernsim.replay(path)
    assert rep.matched, rep.mismatches


def test_a_missing_knote_leaves_the_reader_stuck_and_says_why(tmp_path):
    """no_knote: the write appends without KNOTE; a reader asleep in
    kevent on the empty ring is never woken."""
    r = kernsim.explore(scn("fb_kevent_reader_and_writer"), strategy="pct", runs=2000, seed=7,
                        variant="no_knote")
    assert r.failure is not None and r.failure.kind == "stuck", r.failure
    assert r.failure.signature == "stuck:kevent:fbring", r.failure
    m = r.failure.message
    assert "sleeps in kevent(2)" in m and "/dev/fbring, EVFILT_READ" in m, m
    assert "no KNOTE on its knlist reached it" in m, m
    path = str(tmp_path / "no_knote.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    rep = kernsim.replay(path)
    assert rep.matched, rep.mismatches


def test_a_missing_knote_is_found_by_dfs():
    r = kernsim.search(scn("fb_kevent_reader_and_writer"), bound=2, max_executions=200000,
                       variant="no_knote")
    assert r.failure is not None and r.failure.signature == "stuck:kevent:fbring", r.failure


@pytest.mark.parametrize("name", ["fb_kevent_semantics", "fb_kevent_eof_at_unload",
                                  "fb_kevent_without_d_kqfilter"])
def test_sequential_semantics(name):
    r = kernsim.explore(scn(name), strategy="pct", runs=20, seed=1)
    assert r.failure is None, r.failure


def test_the_program_ops():
    """The Program form (program.cc's ops, program_proto.cc's table)."""
    r = kernsim.explore(scn("fb_kevent_program"), strategy="pct", runs=5, seed=1)
    assert r.failure is None, r.failure


def test_kevent_of_another_personalitys_device_is_a_scenario_error():
    r = kernsim.explore(scn("kevent_of_an_illumos_device"), strategy="pct", runs=1, seed=1)
    assert r.failure is not None, "kevent on an illumos device passed"
    assert r.failure.signature == "scenario:kevent_personality:sample", r.failure
    assert "not a FreeBSD device" in r.failure.message, r.failure.message


@pytest.mark.parametrize("op", ["kqueue", "kevent"])
def test_qemu_rejects_the_kqueue_ops_by_name(op):
    from kernsim import kernsim_pb2 as pb
    from kernsim import qemu
    from kernsim.errors import KernsimError
    p = pb.Program()
    t = p.thread.add(name="t", proc="p")
    t.call.add(op=op)
    with pytest.raises(KernsimError, match=f"is '{op}': .*FreeBSD's"):
        qemu.guest_program(p)


def test_the_program_form_finds_a_missing_knote_and_its_repro_replays(tmp_path):
    s = scn("fb_kevent_program_reader_and_writer")
    r = kernsim.explore(s, strategy="pct", runs=500, seed=3)
    assert r.failure is None, r.failure
    r = kernsim.explore(s, strategy="pct", runs=500, seed=3, variant="no_knote")
    assert r.failure is not None and r.failure.signature == "stuck:kevent:fbring", r.failure
    path = str(tmp_path / "program_no_knote.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    assert 'op: "kevent"' in open(path).read()
    rep = kernsim.replay(path)
    assert rep.matched, rep.mismatches


@pytest.mark.parametrize("strategy", ["pct", "random"])
def test_an_unload_during_a_scan_waits_for_the_knote_in_flux(strategy):
    r = kernsim.explore(scn("fb_kevent_unload_race"), strategy=strategy, runs=2000, seed=11)
    assert r.failure is None, r.failure


def test_a_filter_with_no_driver_behind_it_is_not_modelled_and_says_so():
    r = kernsim.explore(scn("kevent_timer_filter"), strategy="pct", runs=1, seed=1)
    assert r.failure is not None, "EVFILT_TIMER passed"
    assert r.failure.signature == "not_modelled:kevent:EVFILT_TIMER", r.failure
    assert "d_kqfilter" in r.failure.message, r.failure.message


def test_knlist_clear_does_not_wake_a_sleeping_reader_and_the_report_says_so():
    f = kernsim.run(scn("fb_kevent_waiter_at_unload"))
    assert f.kind == "stuck" and f.signature == "stuck:kevent:fbring", f
    assert "knlist_clear took it off the driver's knlist" in f.message, f.message
    assert "does not activate a cleared knote" in f.message, f.message
