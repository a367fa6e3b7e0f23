"""poll(2) for character drivers (kernel_model/poll.h): FreeBSD's d_poll
with selrecord/selwakeup (tests/drivers/fbring.c) and illumos's chpoll
with pollwakeup/pollhead_clean (tests/drivers/ilmbox.c). The correct
drivers pass every schedule explored; each buggy variant is a bug the
real kernel has too, and is found and replayed."""
import pytest

import kernsim

import poll_scenarios as ps


def scn(name):
    return kernsim.resolve(f"{ps.__file__}:{name}")


@pytest.mark.parametrize("name", ["fb_poller_and_writer", "il_poller_and_poster",
                                  "il_poller_and_two_posts"])
def test_the_correct_drivers_pass_every_schedule(name):
    """Bounded DFS, exhausted: no schedule of poller and producer within
    two preemptions loses the wakeup."""
    r = kernsim.search(scn(name), bound=2, max_executions=200000)
    assert r.failure is None, r.failure
    assert r.exhausted, (r.executions, r.bound)


@pytest.mark.parametrize("name", ["fb_poller_and_writer", "il_poller_and_poster"])
def test_the_correct_drivers_pass_pct(name):
    r = kernsim.explore(scn(name), strategy="pct", runs=2000, seed=7)
    assert r.failure is None, r.failure


def test_freebsd_readiness_tested_before_selrecord_loses_the_wakeup(tmp_path):
    """poll_unlocked: d_poll tests sc.len without the mutex, then records;
    a write in between selwakeups nobody, and the poller sleeps for ever.
    FreeBSD loses that wakeup too (selrecord came after it)."""
    r = kernsim.explore(scn("fb_poller_and_writer"), strategy="pct", runs=5000, seed=7,
                        variant="poll_unlocked")
    assert r.failure is not None and r.failure.kind == "stuck", r.failure
    assert r.failure.signature == "stuck:poll:fbring", r.failure
    # The report tells the story: recorded after the wakeup it needed.
    assert "sleeps in poll(2)" in r.failure.message, r.failure.message
    assert "before the recording" in r.failure.message, r.failure.message
    path = str(tmp_path / "poll_unlocked.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    rep = kernsim.replay(path)
    assert rep.matched, rep.mismatches


def test_freebsd_poll_unlocked_is_found_by_dfs():
    r = kernsim.search(scn("fb_poller_and_writer"), bound=2, max_executions=200000,
                       variant="poll_unlocked")
    assert r.failure is not None and r.failure.kind == "stuck", r.failure


def test_illumos_chpoll_without_phpp_is_never_woken(tmp_path):
    """no_phpp: chpoll finds the mailbox empty and hands back no pollhead;
    the post's pollwakeup finds nobody, and the poller sleeps for ever."""
    r = kernsim.explore(scn("il_poller_and_poster"), strategy="pct", runs=5000, seed=7,
                        variant="no_phpp")
    assert r.failure is not None and r.failure.kind == "stuck", r.failure
    assert r.failure.signature == "stuck:poll:ilmbox", r.failure
    assert "recorded it on no struct pollhead" in r.failure.message, r.failure.message
    path = str(tmp_path / "no_phpp.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    rep = kernsim.replay(path)
    assert rep.matched, rep.mismatches


def test_illumos_pollwakeup_under_the_lock_chpoll_takes_deadlocks(tmp_path):
    """wakeup_locked: the second post's pollwakeup holds g.lock while the
    poller, woken by the first, calls chpoll again holding its poll cache
    lock: each waits for the other's lock, as on illumos."""
    r = kernsim.explore(scn("il_poller_and_two_posts"), strategy="pct", runs=5000, seed=7,
                        variant="wakeup_locked")
    assert r.failure is not None and r.failure.kind == "deadlock", r.failure
    assert "poll wait lock" in r.failure.message, r.failure.message
    path = str(tmp_path / "wakeup_locked.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    rep = kernsim.replay(path)
    assert rep.matched, rep.mismatches
    d = kernsim.search(scn("il_poller_and_two_posts"), bound=2, max_executions=200000,
                       variant="wakeup_locked")
    assert d.failure is not None and d.failure.kind == "deadlock", d.failure


def test_illumos_pollhead_freed_with_a_cached_poller_is_a_use_after_free(tmp_path):
    r = kernsim.explore(scn("il_reset_after_poll"), strategy="pct", runs=20, seed=1,
                        variant="no_pollhead_clean")
    assert r.failure is not None and r.failure.kind == "memory", r.failure
    assert r.failure.signature.startswith("poll_head_freed:"), r.failure.signature
    assert "pollhead_clean" in r.failure.message, r.failure.message
    path = str(tmp_path / "no_pollhead_clean.repro.txtpb")
    kernsim.save_repro(r.repro, path)
    rep = kernsim.replay(path)
    assert rep.matched, rep.mismatches


@pytest.mark.parametrize("name", ["fb_timeouts", "fb_bad_arguments", "il_reset_after_poll",
                                  "nochpoll_fails_the_call"])
def test_sequential_semantics(name):
    r = kernsim.explore(scn(name), strategy="pct", runs=20, seed=1)
    assert r.failure is None, r.failure


@pytest.mark.parametrize("name", ["poll_of_a_stream", "poll_of_a_qnx_server"])
def test_poll_of_a_stream_or_qnx_server_is_not_modelled_and_says_so(name):
    r = kernsim.explore(scn(name), strategy="pct", runs=1, seed=1)
    assert r.failure is not None and r.failure.signature == "not_modelled:poll", r.failure
    assert "STREAMS" in r.failure.message and "QNX" in r.failure.message, r.failure.message


def test_the_program_op_poll():
    """The Program form (program.cc's op, program_proto.cc's table)."""
    r = kernsim.explore(scn("fb_poll_program"), strategy="pct", runs=5, seed=1)
    assert r.failure is None, r.failure


def test_qemu_rejects_the_poll_op_by_name():
    from kernsim import kernsim_pb2 as pb
    from kernsim import qemu
    from kernsim.errors import KernsimError
    p = pb.Program()
    t = p.thread.add(name="t", proc="p")
    t.call.add(op="poll")
    with pytest.raises(KernsimError, match="is 'poll': .*no chpoll"):
        qemu.guest_program(p)


@pytest.mark.parametrize("name", ["il_close_while_polled", "fb_close_while_polled"])
def test_a_close_while_polled_follows_each_kernel(name):
    """Round robin: the closer runs once the poller sleeps in poll."""
    f = kernsim.run(scn(name))
    assert f.kind == "pass", f.message
