"""The QNX resource-manager personality (kernel_model/qnx, message passing
in kernel_model/msg_channel.cc, the thread pool in msg_server.cc) and its
driver qnx_devctl: every bug variant is found by its scenario with the
failure it documents; the correct server passes every scenario (which
check direction mismatches, nbytes larger and smaller, ENOTTY for an
unknown dcmd, the read-only format refused, concurrent clients against a
pool of two threads, a client killed while REPLY-blocked, read() and
write() round trips, a read-only write refused, pread/pwrite at their own
offset). Saved repros
in scenarios/regressions/qnx-*.repro.txtpb are replayed by
test_regressions."""

import os

import pytest

import kernsim

SCRIPT = os.path.join(os.environ.get("KERNSIM_ROOT") or os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))), "scenarios", "qnx", "devctl.py")
SCENARIOS = ("basic", "direction_mismatch", "nbytes_sizes", "unknown_dcmd", "readonly_format",
             "concurrent", "killed_reply_blocked", "rw_roundtrip", "readonly_write",
             "pread_pwrite")


def scn(name):
    return kernsim.resolve(f"{SCRIPT}:{name}")


# variant, scenario, budget, failure kind, signature
FINDS = [
    # a security failure only the scenario sees: the read-only format succeeds
    ("no_mode_check", "readonly_format", 10, "scenario", "scenario:result:reader:3:ioctl"),
    # the receive buffer's stale bytes (kmem's fresh 0xba) past the stats
    ("reply_nbytes", "nbytes_sizes", 10, "scenario", "scenario:data_mismatch:client:10"),
    # the lost update, seen by the server's own check at its stop
    ("config_unlocked", "concurrent", 200, "panic",
     "assert:qd_stop:qd_cfg.generation == qd_st.sets"),
    # 64 bytes read into a 16-byte qd_config: kmem's redzone
    ("msgread_nbytes", "nbytes_sizes", 10, "memory", "overrun:malloc"),
    # the read-only open's write succeeds: only the scenario knows it should not
    ("write_no_verify", "readonly_write", 10, "scenario", "scenario:result:writer:8:write"),
]


@pytest.mark.parametrize("variant,name,budget,kind,sig", FINDS, ids=[f[0] for f in FINDS])
def test_variant_found(variant, name, budget, kind, sig):
    r = kernsim.explore(scn(name), strategy="pct", runs=budget, seed=1, variant=variant)
    assert r.failure is not None, f"{variant} not found in {budget} PCT runs"
    assert r.failure.kind == kind, r.failure
    assert r.failure.signature == sig, r.failure.signature


def test_reply_nbytes_shows_the_stale_bytes():
    r = kernsim.explore(scn("nbytes_sizes"), strategy="pct", runs=10, seed=1,
                        variant="reply_nbytes")
    assert "got 0xba, expected 0x00" in r.failure.message, r.failure.message


@pytest.mark.parametrize("strategy", ["pct", "random"])
@pytest.mark.parametrize("name", SCENARIOS)
def test_correct_server_passes(name, strategy):
    r = kernsim.explore(scn(name), strategy=strategy, runs=1500, seed=3)
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"


def _events(name, ex, seed=2):
    t = kernsim.run(scn(name), strategy="random", seed=seed, execution=ex)
    assert t.kind == "pass", t
    return t.trace


def test_killed_while_reply_blocked_in_a_devctl():
    """Some interleaving kills the victim while its SYNC (a header-only
    devctl: 16 bytes sent) is REPLY-blocked; the server's later reply finds
    no one and the run still passes (its open is closed as its process
    dies)."""
    for ex in range(300):
        last_send = None
        for e in _events("killed_reply_blocked", ex):
            if e["thread_name"] != "victim":
                continue
            if e["kind"] == "MsgSend":
                last_send = e
            if e["kind"] == "interrupted" and last_send and last_send["a1"] == 16:
                return
    pytest.fail("no run killed the victim in its devctl")


def test_third_client_waits_send_blocked():
    """Three clients against two server threads: some run has a client
    SEND-blocked while both threads handle the others."""
    send_blocked = None
    for ex in range(100):
        busy = set()
        for e in _events("concurrent", ex):
            if e["kind"] == "MsgSend":
                send_blocked = e["thread_name"]
            elif e["kind"] == "MsgReceive" and e["a1"]:
                busy.add(e["thread_name"])
            elif e["kind"] in ("MsgReply", "MsgError"):
                busy.discard(e["thread_name"])
            elif (e["kind"] == "block" and e["thread_name"] == send_blocked and
                  e["object"] == "dispatch" and len(busy) == 2):
                return
    pytest.fail("no client waited for a server thread")


def test_python_clients():
    """The same calls from Python generators: the correct server keeps its
    generations; without the lock the last client sees one lost (or the
    server's own check at its stop does, whichever comes first)."""
    r = kernsim.explore(scn("concurrent_py"), strategy="pct", runs=300, seed=1)
    assert r.failure is None, f"{r.failure}\n{r.failure and r.failure.message}"
    r = kernsim.explore(scn("concurrent_py"), strategy="pct", runs=300, seed=1,
                        variant="config_unlocked")
    assert r.failure is not None
    assert ("an update was lost" in r.failure.message or
            r.failure.signature.startswith("assert:qd_stop")), r.failure


def test_variants_listed():
    d = str(kernsim.drivers())
    for v in ("no_mode_check", "reply_nbytes", "config_unlocked", "msgread_nbytes",
              "write_no_verify"):
        assert v in d, v


def test_read_write_messages():
    """read() is an _IO_READ of a 16-byte header whose reply carries the
    data; write() an _IO_WRITE of the header and the data; pread/pwrite
    add the 8-byte one-shot offset (_IO_XTYPE_OFFSET)."""
    sends = [e["a1"] for e in _events("rw_roundtrip", 0)
             if e["kind"] == "MsgSend" and e["thread_name"] == "client"]
    # open, write 64, write 32, pread 96, read 16, pwrite 4096, ...
    assert sends[1:6] == [16 + 64, 16 + 32, 16 + 8, 16, 16 + 8 + 4096], sends


def test_write_no_verify_overwrites_the_data():
    """Without iofunc_write_verify the read-only open's write reaches the
    device: the scenario sees the write succeed where EBADF was due."""
    r = kernsim.explore(scn("readonly_write"), strategy="pct", runs=10, seed=1,
                        variant="write_no_verify")
    assert r.failure is not None
    assert "returned 32, expected -EBADF" in r.failure.message, r.failure.message
