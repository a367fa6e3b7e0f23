"""Scenarios that unload a driver module while the run goes on (the
modunload system call, kernel_model/module_unload.h), on the test drivers
tests/drivers/fbring.c (FreeBSD: kldunload) and ilworker.c (illumos:
modunload). One thread queues work through the driver, another unloads
it; the unload must find nothing of the module's left to run."""
import errno
import os

import kernsim
from kernsim import build_driver, sys
from kernsim import kernsim_pb2 as pb

_DIR = os.path.join(os.path.dirname(build_driver.config()["driver_dir"]), "test_drivers")
FBRING = os.path.join(_DIR, "fbring.so")
ILWORKER = os.path.join(_DIR, "ilworker.so")
FBRING_LEN = 0x40045201       # _IOR('R', 1, int)
ILW_JOB = 0x7701
ILW_RESET = 0x7702
ILW_KICK = 0x7703


# ---- FreeBSD: kldunload of fbring ----

@kernsim.scenario(driver=FBRING)
def unload_while_writing(w):
    """A writer's writes queue a wakeup task on taskqueue_thread (or arm
    the callout); kldunload runs meanwhile. Every write lands before the
    unload's destroy_dev or gets ENXIO after it."""
    def writer():
        fd = yield sys.open("/dev/fbring", sys.O_WRONLY)
        if fd < 0:
            assert fd in (-errno.ENXIO, -errno.ENOENT), f"open returned {fd}"
            return
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, b"abc")
        for _ in range(2):
            r = yield sys.write(fd, buf, 3)
            assert r in (3, -errno.ENXIO), f"write returned {r}"
        r = yield sys.close(fd)
        assert r == 0, f"close returned {r}"

    def unloader():
        r = yield sys.modunload("fbring")
        assert r == 0, f"modunload returned {r}"
    w.spawn("writer", writer())
    w.spawn("unloader", unloader())


@kernsim.scenario(driver=FBRING)
def open_file_after_unload(w):
    """A file open across the unload: destroy_dev took the device away, so
    devfs answers ENXIO without calling the driver; the module's file is
    gone, so a second kldunload finds nothing (ENOENT)."""
    def user():
        fd = yield sys.open("/dev/fbring", sys.O_RDWR)
        assert fd >= 0, f"open returned {fd}"
        buf = yield sys.mmap(4096)
        r = yield sys.modunload("fbring")
        assert r == 0, f"modunload returned {r}"
        for name, call in (("read", sys.read(fd, buf, 4)), ("write", sys.write(fd, buf, 4)),
                           ("ioctl", sys.ioctl(fd, FBRING_LEN, buf))):
            r = yield call
            assert r == -errno.ENXIO, f"{name} after the unload returned {r}"
        r = yield sys.close(fd)
        assert r == 0, f"close after the unload returned {r}"
        r = yield sys.open("/dev/fbring", sys.O_RDWR)
        assert r in (-errno.ENXIO, -errno.ENOENT), f"open after the unload returned {r}"
        r = yield sys.modunload("fbring")
        assert r == -errno.ENOENT, f"a second modunload returned {r}"
    w.spawn("user", user())


@kernsim.scenario(driver=FBRING)
def quiesce_refuses(w):
    """With variant busy_quiesce, MOD_QUIESCE refuses while the ring holds
    data: kldunload returns EBUSY and the module stays usable."""
    def user():
        fd = yield sys.open("/dev/fbring", sys.O_RDWR)
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, b"xyz")
        assert (yield sys.write(fd, buf, 3)) == 3
        r = yield sys.modunload("fbring")
        assert r == -errno.EBUSY, f"modunload with data in the ring returned {r}"
        r = yield sys.read(fd, buf, 8)
        assert r == 3, f"read after the refused unload returned {r}"
        r = yield sys.modunload("fbring")
        assert r == 0, f"modunload of the empty ring returned {r}"
        yield sys.close(fd)
    w.spawn("user", user())


@kernsim.program_scenario(driver=FBRING)
def unload_program():
    """unload_while_writing as a Program: the modunload op names the
    module, and its result is checked like any call's."""
    prog = pb.Program()
    prog.proc.add(name="user", model="lp64")
    t = prog.thread.add(name="writer", proc="user")
    c = t.call.add(op="open", path="/dev/fbring", out="fd")
    c.arg.add(value=sys.O_WRONLY)
    c = t.call.add(op="mmap", out="buf")
    c.arg.add(value=4096)
    c.arg.add(value=sys.PROT_READ | sys.PROT_WRITE)
    c = t.call.add(op="poke", data=b"abc")
    c.arg.add(ref="buf")
    for _ in range(2):
        c = t.call.add(op="write")
        c.arg.add(ref="fd")
        c.arg.add(ref="buf")
        c.arg.add(value=3)
    u = prog.thread.add(name="unloader", proc="user")
    u.call.add(op="modunload", path="fbring", expect=0)
    return prog


# ---- illumos: modunload of ilworker ----

@kernsim.scenario(driver=ILWORKER)
def unload_while_jobs(w):
    """A client hands the worker thread a job while modunload runs: the
    unload is refused (EBUSY) while the device is open, and once it
    succeeds the worker must be gone with the module."""
    def client():
        fd = yield sys.open("/dev/ilworker", sys.O_RDWR)
        if fd < 0:
            assert fd == -errno.ENXIO, f"open returned {fd}"
            return
        r = yield sys.ioctl(fd, ILW_JOB)
        assert r == 1, f"ILW_JOB returned {r}"
        yield sys.close(fd)

    def unloader():
        r = yield sys.modunload("ilworker")
        assert r in (0, -errno.EBUSY), f"modunload returned {r}"
    w.spawn("client", client())
    w.spawn("unloader", unloader())


@kernsim.scenario(driver=ILWORKER)
def unload_after_kick(w):
    """ILW_KICK arms a timeout(9F); the unload races its tick: detach
    must untimeout it (which waits for a running one)."""
    def client():
        fd = yield sys.open("/dev/ilworker", sys.O_RDWR)
        assert fd >= 0, f"open returned {fd}"
        assert (yield sys.ioctl(fd, ILW_KICK)) == 0
        yield sys.close(fd)
        r = yield sys.modunload("ilworker")
        assert r == 0, f"modunload returned {r}"
    w.spawn("client", client())


@kernsim.scenario(driver=ILWORKER)
def busy_while_open(w):
    """modunload of a driver whose device is open: EBUSY, and the driver
    still works; after the close it unloads, a second modunload finds it
    already unloaded (0, EALREADY), and the node is gone."""
    def user():
        fd = yield sys.open("/dev/ilworker", sys.O_RDWR)
        assert fd >= 0, f"open returned {fd}"
        r = yield sys.modunload("ilworker")
        assert r == -errno.EBUSY, f"modunload with the device open returned {r}"
        r = yield sys.ioctl(fd, ILW_JOB)
        assert r == 1, f"ILW_JOB after the refused unload returned {r}"
        yield sys.close(fd)
        r = yield sys.modunload("ilworker")
        assert r == 0, f"modunload after the close returned {r}"
        r = yield sys.modunload("ilworker")
        assert r == 0, f"a second modunload returned {r}"
        r = yield sys.open("/dev/ilworker", sys.O_RDWR)
        assert r == -errno.ENXIO, f"open after the unload returned {r}"
    w.spawn("user", user())


@kernsim.scenario(driver=ILWORKER)
def detach_refuses(w):
    """With variant busy_detach, detach refuses while jobs were counted:
    modunload returns EBUSY and the module keeps working; after ILW_RESET
    it unloads."""
    def user():
        fd = yield sys.open("/dev/ilworker", sys.O_RDWR)
        assert (yield sys.ioctl(fd, ILW_JOB)) == 1
        yield sys.close(fd)
        r = yield sys.modunload("ilworker")
        assert r == -errno.EBUSY, f"modunload with a refusing detach returned {r}"
        fd = yield sys.open("/dev/ilworker", sys.O_RDWR)
        assert fd >= 0, f"open after the refused unload returned {fd}"
        r = yield sys.ioctl(fd, ILW_JOB)
        assert r == 2, f"ILW_JOB after the refused unload returned {r}"
        assert (yield sys.ioctl(fd, ILW_RESET)) == 0
        yield sys.close(fd)
        r = yield sys.modunload("ilworker")
        assert r == 0, f"modunload after ILW_RESET returned {r}"
    w.spawn("user", user())


# ---- a name no module has ----

@kernsim.scenario(driver=FBRING)
def unknown_module(w):
    def user():
        yield sys.modunload("no_such_module")
    w.spawn("user", user())


# ---- two unloads at once ----

def _two_unloaders(w, module, gone):
    """Two threads unload the same module at once: one unload runs at a
    time (illumos's modunload holds the module busy, FreeBSD's kldunload
    the kld_sx lock), so the instance is torn down once; the second finds
    it gone (illumos: EALREADY, returned as 0; FreeBSD: ENOENT)."""
    def unloader():
        r = yield sys.modunload(module)
        assert r in (0, gone), f"modunload returned {r}"
    w.spawn("u1", unloader())
    w.spawn("u2", unloader())


@kernsim.scenario(driver=ILWORKER)
def two_unloads(w):
    _two_unloaders(w, "ilworker", 0)


@kernsim.scenario(driver=FBRING)
def two_kldunloads(w):
    _two_unloaders(w, "fbring", -errno.ENOENT)
