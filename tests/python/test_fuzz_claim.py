"""The exhaustion oracle's Program ops (solo_mark, assert_claim) on lofi,
hand-written: LOFI_MAP_FILE's EAGAIN claims every minor is in use, and
LOFI_GET_FILENAME of each must then not answer ENXIO. It fires on
minor_short (minor 4 is never handed out), not on the correct driver; it
counts only a claim and probes made after this thread's mark, and is
disarmed when another thread was in a system call meanwhile, or when this
thread made any system call but the probes after the claim (then an unmap
can free a minor after a true EAGAIN: never a false positive). Schedules are seed lists: deterministic."""

import struct

import pytest

from kernsim import _core
from kernsim import kernsim_pb2 as pb


def _strategy(name):
    """A fuzz schedule's serialized StrategySpec (FuzzExecutor's argument)."""
    return pb.StrategySpec(name=name).SerializeToString()

MAP, GET_FILENAME, GET_MAXMINOR, UNMAP_MINOR = 0x4c4601, 0x4c4605, 0x4c4607, 0x4c4604
EAGAIN, ENXIO = 11, 6
LABEL = "LOFI_MAP_FILE.minor.exhausted"


def _arg(c, v):
    a = c.arg.add()
    if isinstance(v, tuple):
        a.ref, a.offset = v
    elif isinstance(v, str):
        a.ref = v
    else:
        a.value = v


def _call(t, op, *args, out="", path="", data=b""):
    c = t.call.add(op=op, out=out, path=path, data=data)
    for v in args:
        _arg(c, v)
    return c


def _lofi_ioctl(name="", li_id=0, force=0):
    return struct.pack("<IiiI", li_id, force, 0, 0) + name.encode().ljust(1024, b"\0")


def _program(variant, maps, mark_first=True, other=None, between=None):
    """t0 maps `maps` files, then (mark,) one more map (the claim),
    `between(t0)`, the four probes and assert_claim; `other(t1)` adds a
    second thread."""
    p = pb.Program()
    p.driver.add(name="lofi", variant=variant)
    for i in range(6):
        p.file.add(path=f"/var/tmp/f{i}", size=4096)
    p.proc.add(name="user")
    t = p.thread.add(name="t0", proc="user")
    _call(t, "open", 2, out="fd", path="/dev/lofictl")
    _call(t, "mmap", 4096, 3, out="buf")
    for i in range(maps):
        _call(t, "poke", "buf", data=_lofi_ioctl(f"/var/tmp/f{i}"))
        _call(t, "ioctl", "fd", MAP, "buf", out=f"m{i}")
    _call(t, "poke", "buf", data=_lofi_ioctl(f"/var/tmp/f{maps}"))
    if mark_first:
        _call(t, "solo_mark", out="mark")
    _call(t, "ioctl", "fd", MAP, "buf", out="claim")
    if not mark_first:
        _call(t, "solo_mark", out="mark")
    if between:
        between(t)
    for v in range(1, 5):
        _call(t, "poke_int", "buf", v, 4)
        _call(t, "ioctl", "fd", GET_FILENAME, "buf", out=f"prb{v}")
    c = _call(t, "assert_claim", "mark", "claim", -EAGAIN, -ENXIO, GET_FILENAME,
              *[f"prb{v}" for v in range(1, 5)])
    c.path = LABEL
    if other:
        other(p.thread.add(name="t1", proc="user"))
    return p


def _oracle_fired(p, seeds, strategy="random"):
    res = _core.FuzzExecutor().run_batch(p.SerializeToString(), _strategy(strategy), seeds)
    return [f["seed"] for f in res["failures"] if f["signature"] == "scenario:oracle:" + LABEL]


def test_fires_when_the_last_minor_is_never_handed_out():
    fired = _oracle_fired(_program("minor_short", 3), [0])
    assert fired == [0]
    res = _core.FuzzExecutor().run(_program("minor_short", 3).SerializeToString(), _strategy("random"))
    assert res["kind"] == "scenario"
    assert "returned -EAGAIN (none free), yet the probe prb4 returned -ENXIO" in res["message"]


def test_correct_driver_exhausts_all_four_and_passes():
    assert not _oracle_fired(_program("none", 4), list(range(8)))


def test_a_claim_made_before_the_mark_is_not_checked():
    assert not _oracle_fired(_program("minor_short", 3, mark_first=False), [0])


def test_another_thread_in_a_system_call_disarms_it():
    """t1 asks GET_MAXMINOR a few times: where a schedule puts one of them in
    t0's window, the oracle stays quiet; elsewhere it fires."""
    def asker(t):
        _call(t, "open", 0, out="fd1", path="/dev/lofictl")
        _call(t, "mmap", 4096, 3, out="buf1")
        for _ in range(3):
            _call(t, "ioctl", "fd1", GET_MAXMINOR, "buf1")
    seeds = list(range(64))
    fired = _oracle_fired(_program("minor_short", 3, other=asker), seeds)
    assert 0 < len(fired) < len(seeds), fired


def test_its_own_thread_changing_the_state_disarms_it():
    """A mutation can put any call between the claim and the probes: here
    the thread itself unmaps minor 1 after a true EAGAIN. Only the probes
    may be its system calls there, so the oracle stays quiet."""
    def unmap_own(t):
        _call(t, "poke", "buf", data=_lofi_ioctl(li_id=1, force=1))
        _call(t, "ioctl", "fd", UNMAP_MINOR, "buf")  # then probe 1 answers ENXIO
    assert not _oracle_fired(_program("none", 4, between=unmap_own), [0])


@pytest.mark.parametrize("strategy", ["random", "pct"])
def test_a_concurrent_unmap_is_never_a_false_positive(strategy):
    """The correct driver with t1 unmapping minor 1 (and mapping f5 in its
    place) while t0 exhausts the minors: a probe may find a minor free after a
    true EAGAIN, but only with t1 in a system call in the window."""
    def unmapper(t):
        _call(t, "open", 2, out="fd1", path="/dev/lofictl")
        _call(t, "mmap", 4096, 3, out="buf1")
        for _ in range(6):  # later, so the unmap often falls after t0's claim
            _call(t, "ioctl", "fd1", GET_MAXMINOR, "buf1")
        _call(t, "poke", "buf1", data=_lofi_ioctl(li_id=1, force=1))
        _call(t, "ioctl", "fd1", UNMAP_MINOR, "buf1")
        _call(t, "poke", "buf1", data=_lofi_ioctl("/var/tmp/f5"))
        _call(t, "ioctl", "fd1", MAP, "buf1")
    assert not _oracle_fired(_program("none", 4, other=unmapper), list(range(300)), strategy)
