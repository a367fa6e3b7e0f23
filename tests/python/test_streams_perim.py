"""STREAMS perimeters (kernel_model/stream_perimeter.cc) through the
loopback drivers streams_perim and streams_permod, whose state only their
perimeters guard: for each kind of perimeter a scenario where the correct
declaration gives no data race and the variant that weakens it races, and
qwriter's deferred callback (streams_perim's qwriter_sync assumes it ran;
its repro, scenarios/regressions/streams-qwriter_sync.repro.txtpb, is
replayed by test_regressions)."""

import os

import pytest

import kernsim

SCRIPT = os.path.join(os.environ.get("KERNSIM_ROOT") or os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))), "scenarios", "streams", "perim.py")


def scn(name):
    return kernsim.resolve(f"{SCRIPT}:{name}")


# scenario, the variant that weakens its perimeter, what that perimeter is
KINDS = [
    ("queue", "no_inner", "an inner perimeter (D_MTPERQ or wider) around the write queue"),
    ("pair", "perq", "D_MTQPAIR: one perimeter for the write put and read service"),
    ("opens", "no_ocexcl", "D_MTOUTPERIM | D_MTOCEXCL: open/close exclusive at the outer"),
    ("permod", "no_permod", "D_MTPERMOD: one perimeter for every stream's procedures"),
    ("permod", "put_unshared", "D_MTPUTSHARED: puts shared, so a put writes via qwriter"),
    ("tick", "plain_timeout", "qtimeout: the callback inside the perimeter, timeout: outside"),
]


@pytest.mark.parametrize("name,variant,what", KINDS, ids=[k[1] for k in KINDS])
def test_perimeter_orders_and_weaker_one_races(name, variant, what):
    ok = kernsim.explore(scn(name), strategy="pct", runs=500, seed=1, variant="none",
                         detect_races=True)
    assert ok.failure is None, f"{what}: the correct driver failed: {ok.failure}"
    assert ok.runs == 500
    bad = kernsim.explore(scn(name), strategy="pct", runs=2000, seed=1, variant=variant,
                          detect_races=True)
    f = bad.failure
    assert f is not None and f.kind == "data_race", f"{what} weakened: no race found ({f})"
    assert f.signature.startswith("data_race:perim.c:"), f.signature
    assert "with nothing ordering the two" in f.message


def test_qwriter_callback_may_run_later():
    """qwriter_sync uses what the PERIM_OUTER callback sets up right after
    qwriter returns: fine when the upgrade was immediate, a NULL
    dereference when another stream's procedure was inside the outer
    perimeter and the callback was deferred. The correct driver gets both
    acks (rval 1 then 2) whichever thread ran the callback."""
    ok = kernsim.explore(scn("start"), strategy="pct", runs=2000, seed=3, variant="none",
                         detect_races=True)
    assert ok.failure is None, f"{ok.failure}\n{ok.failure and ok.failure.message}"
    bad = kernsim.explore(scn("start"), strategy="pct", runs=2000, seed=3,
                          variant="qwriter_sync")
    assert bad.failure is not None and bad.failure.kind == "fault", bad.failure
    assert bad.failure.signature == "fault:null_deref"


@pytest.mark.parametrize("name", ["queue", "pair", "opens", "start", "permod", "tick"])
def test_correct_drivers_pass_random(name):
    r = kernsim.explore(scn(name), strategy="random", runs=1000, seed=7, variant="none",
                        detect_races=True)
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"


# M_SETOPTS (kernel_model/stream_head.cc set_options) through streams_perim.

@pytest.mark.parametrize("strategy", ["random", "pct"])
def test_setopts_marks_drive_flow_control(strategy):
    """SO_HIWAT 5 / SO_LOWAT 0 from the driver: the head never holds more
    than one 5-byte echo, the driver's read service procedure waits
    (canputnext) and is back-enabled by each read, and every byte arrives.
    Without the M_SETOPTS the default marks let all three pile up."""
    ok = kernsim.explore(scn("setopts_flow"), strategy=strategy, runs=2000, seed=2,
                         variant="none", params={"hiwat": 5, "echoes": 3})
    assert ok.failure is None, f"{ok.failure}\n{ok.failure and ok.failure.message}"
    bad = kernsim.explore(scn("setopts_flow"), strategy=strategy, runs=2000, seed=2,
                          variant="none", params={"hiwat": 0, "echoes": 3})
    assert bad.failure is not None and bad.failure.kind == "scenario", bad.failure
    assert "bytes queued at the head" in bad.failure.message


@pytest.mark.parametrize("strategy", ["random", "pct"])
def test_setopts_packet_sizes_and_read_modes(strategy):
    """SO_MINPSZ/SO_MAXPSZ/SO_HIWAT/SO_LOWAT as the driver then sees the head
    read queue; SO_READOPT RMSGD discards the rest of a message, I_SRDOPT
    RMSGN keeps it, I_GRDOPT reads the mode back, a bad mode is EINVAL."""
    r = kernsim.explore(scn("setopts"), strategy=strategy, runs=2000, seed=2, variant="none")
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"
    assert r.runs == 2000


# putmsg(2)/getmsg(2) (kernel_model/stream_msgio.cc) through the echo.

@pytest.mark.parametrize("strategy", ["random", "pct"])
@pytest.mark.parametrize("ilp32", [0, 1])
def test_putmsg_getmsg_python(strategy, ilp32):
    """Control and data parts, RS_HIPRI both ways, MORECTL/MOREDATA, read's
    EBADMSG at a control part, EINVAL and ERANGE, in both data models."""
    r = kernsim.explore(scn("msgs_py"), strategy=strategy, runs=1000, seed=4, variant="none",
                        params={"ilp32": ilp32})
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"
    assert r.runs == 1000


def test_putmsg_getmsg_program():
    r = kernsim.explore(scn("msgs"), strategy="pct", runs=1000, seed=4, variant="none")
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"


def test_putmsg_on_a_non_stream_is_enostr():
    """A device whose driver is not STREAMS has no putmsg/getmsg: ENOSTR."""
    r = kernsim.explore(scn("enostr"), strategy="random", runs=5, seed=1, variant="none")
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"
