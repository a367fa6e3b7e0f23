"""Scenarios of a layered illumos driver (tests/drivers/illyr.c) over its
target (tests/drivers/illower.c), through the LDI (<sys/sunldi.h>), and of
its nvlist configuration ioctl (<sys/nvpair.h>), with its bug twins:
illyr_race (a lost layered handle), illyr_nvleak (an unpacked list not
freed on an error path), illyr_nvuaf (the kept list freed under a reader)."""
import errno
import os
import struct

import kernsim
from kernsim import build_driver, nvpair, sys

_DIR = os.path.join(os.path.dirname(build_driver.config()["driver_dir"]), "test_drivers")


def mod(name):
    return os.path.join(_DIR, name + ".so")


LYR = "/dev/illyr"
LOWER = "/dev/illower"
(LYR_SET, LYR_SETK, LYR_STATS, LYR_READ, LYR_SIZE, LYR_GET, LYR_CONFIG, LYR_INFO,
 LYR_WRITE, LYR_BLKREAD) = ((ord("Y") << 8) | n for n in range(1, 11))
OTYP_BLK = 0
LO_SET, LO_GET, LO_STATS = ((ord("L") << 8) | n for n in range(1, 4))
FKLYR_SEEN = 1
OTYP_CHR = 2
DATAMODEL_LP64 = 0x00200000
STATS = struct.Struct("<6I")  # opens closes open_lyr ioc_kernel ioc_model otyp


def stats(raw):
    return dict(zip(("opens", "closes", "open_lyr", "ioc_kernel", "ioc_model", "otyp"),
                    STATS.unpack(raw)))


def _lower(w):
    w.load_driver(mod("illower"))


def _u64(v):
    return struct.pack("<Q", v)


def _passdown_body(w):
    """Every way illyr passes a request down: a user pointer as it came
    (the lower's ddi_copyin copies from the user), a kernel copy with
    FKIOCTL (FNATIVE is what the lower sees), a kernel uio read, the
    lower's Size property through ldi_get_size. The layered open is an
    open of the lower with FKLYR, OTYP_CHR; its close(9E) runs at the last
    close, after the user's own open of it closed."""
    _lower(w)

    def user():
        low = yield sys.open(LOWER, sys.O_RDWR)
        assert low >= 0, low
        fd = yield sys.open(LYR, sys.O_RDWR)
        assert fd >= 0, fd
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, _u64(7))
        assert (yield sys.ioctl(fd, LYR_SET, buf)) == 0
        yield sys.poke(buf, _u64(0))
        assert (yield sys.ioctl(low, LO_GET, buf)) == 0
        assert struct.unpack("<Q", (yield sys.peek(buf, 8)))[0] == 7
        assert (yield sys.ioctl(fd, LYR_STATS, buf)) == 0
        st = stats((yield sys.peek(buf, STATS.size)))
        assert st["opens"] == 2 and st["closes"] == 0, st
        assert st["open_lyr"] == 1 and st["otyp"] == OTYP_CHR, st
        # the user's LO_GET above came without FKIOCTL
        assert st["ioc_kernel"] == 0, st

        yield sys.poke(buf, _u64(5))
        assert (yield sys.ioctl(fd, LYR_SETK, buf)) == 0
        assert (yield sys.ioctl(fd, LYR_STATS, buf)) == 0
        st = stats((yield sys.peek(buf, STATS.size)))
        assert st["ioc_kernel"] == 1 and st["ioc_model"] == DATAMODEL_LP64, st
        yield sys.poke(buf, _u64(0))
        assert (yield sys.ioctl(fd, LYR_GET, buf)) == 0
        assert struct.unpack("<Q", (yield sys.peek(buf, 8)))[0] == 1005

        r = yield sys.ioctl(fd, LYR_READ, buf)
        assert r == len(b"lower:1005"), r
        assert (yield sys.peek(buf, r)) == b"lower:1005"
        assert (yield sys.ioctl(fd, LYR_SIZE, buf)) == 0
        assert struct.unpack("<Q", (yield sys.peek(buf, 8)))[0] == 4096

        # a kernel uio written down (ldi_write), then block 0 of the lower's
        # disk read back by ldi_strategy through its block node, whose
        # size is Nblocks * DEV_BSIZE; that layered open is OTYP_BLK
        yield sys.poke(buf, b"hello, layered!\0")
        assert (yield sys.ioctl(fd, LYR_WRITE, buf)) == 16
        assert (yield sys.ioctl(fd, LYR_BLKREAD, buf)) == 0
        raw = yield sys.peek(buf, 24)
        assert raw[:16] == b"hello, layered!\0", raw
        assert struct.unpack_from("<Q", raw, 16)[0] == 4096
        assert (yield sys.ioctl(fd, LYR_STATS, buf)) == 0
        st = stats((yield sys.peek(buf, STATS.size)))
        assert st["otyp"] == OTYP_BLK and st["opens"] == 3 and st["closes"] == 1, st

        # the user's own open closes first: the layered one keeps the
        # device open, so no close(9E) yet
        assert (yield sys.close(low)) == 0
        assert (yield sys.ioctl(fd, LYR_STATS, buf)) == 0
        assert stats((yield sys.peek(buf, STATS.size)))["closes"] == 1  # the block one
        assert (yield sys.close(fd)) == 0  # illyr's close: ldi_close
        low = yield sys.open(LOWER, sys.O_RDONLY)
        assert (yield sys.ioctl(low, LO_STATS, buf)) == 0
        st = stats((yield sys.peek(buf, STATS.size)))
        assert st["closes"] == 2 and st["opens"] == 4 and st["open_lyr"] == 0, st
        assert (yield sys.close(low)) == 0
    w.spawn("user", user())


passdown = kernsim.scenario_of(_passdown_body, mod("illyr"), "passdown")


def _unload_body(w):
    """modunload of the lower while illyr holds it open through the LDI is
    refused (EBUSY), as is illyr's while its own device is open; after the
    last close both go, and an open through the LDI of the removed node
    then fails (ENXIO)."""
    _lower(w)

    def user():
        fd = yield sys.open(LYR, sys.O_RDWR)
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, _u64(3))
        assert (yield sys.ioctl(fd, LYR_SET, buf)) == 0
        assert (yield sys.modunload("illower")) == -errno.EBUSY
        assert (yield sys.modunload("illyr")) == -errno.EBUSY
        assert (yield sys.close(fd)) == 0
        assert (yield sys.modunload("illower")) == 0
        fd = yield sys.open(LYR, sys.O_RDWR)
        assert fd >= 0, fd
        assert (yield sys.ioctl(fd, LYR_SET, buf)) == -errno.ENXIO
        assert (yield sys.close(fd)) == 0
        assert (yield sys.modunload("illyr")) == 0
    w.spawn("user", user())


unload_layered = kernsim.scenario_of(_unload_body, mod("illyr"), "unload_layered")


def _first_link_body(w):
    """Two users' first ioctls link the lower device at once; each closes
    its own open. Exactly one layered handle may exist."""
    _lower(w)

    def user(v):
        fd = yield sys.open(LYR, sys.O_RDWR)
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, _u64(v))
        assert (yield sys.ioctl(fd, LYR_SET, buf)) == 0
        assert (yield sys.close(fd)) == 0
    w.spawn("a", user(1))
    w.spawn("b", user(2))


first_link = kernsim.scenario_of(_first_link_body, mod("illyr"), "first_link")
first_link_race = kernsim.scenario_of(_first_link_body, mod("illyr_race"), "first_link_race")


def _config(buf, packed):
    """A lyr_nv_t at buf pointing at the packed list placed after it."""
    return struct.pack("<QQ", buf + 64, len(packed)), packed


def _configure_body(w):
    """LYR_CONFIG with packed lists: value * scale + sum(add) reaches the
    lower device; a list without "value" is EINVAL, a damaged one EFAULT;
    LYR_INFO packs the kept configuration back (an embedded nvlist)."""
    _lower(w)

    def user():
        fd = yield sys.open(LYR, sys.O_RDWR)
        buf = yield sys.mmap(8192)

        def send(pairs, damage=None, encoding="native"):
            packed = nvpair.pack(pairs, encoding=encoding)
            if damage:
                packed = damage(packed)
            head, body = _config(buf, packed)
            yield sys.poke(buf, head)
            yield sys.poke(buf + 64, body)
            return (yield sys.ioctl(fd, LYR_CONFIG, buf))

        r = yield from send([("value", "uint64", 6), ("scale", "uint32", 3),
                             ("add", "uint64_array", [1, 2]), ("tag", "string", "t1")])
        assert r == 0, r
        yield sys.poke(buf, _u64(0))
        assert (yield sys.ioctl(fd, LYR_GET, buf)) == 0
        assert struct.unpack("<Q", (yield sys.peek(buf, 8)))[0] == 21
        # the same list as XDR: nvlist_unpack reads either encoding
        r = yield from send([("value", "uint64", 6), ("scale", "uint32", 3),
                             ("add", "uint64_array", [1, 2]), ("tag", "string", "t1")],
                            encoding="xdr")
        assert r == 0, r
        r = yield from send([("scale", "uint32", 2)])
        assert r == -errno.EINVAL, r
        # a pair length past the end of the buffer
        r = yield from send([("value", "uint64", 1)],
                            damage=lambda p: p[:12] + struct.pack("<i", 4000) + p[16:])
        assert r == -errno.EFAULT, r
        # a name without its NUL
        r = yield from send([("value", "uint64", 1)],
                            damage=lambda p: p[:12 + 16 + 5] + b"X" + p[12 + 16 + 6:])
        assert r == -errno.EFAULT, r
        # big-endian native: not this kernel's
        r = yield from send([("value", "uint64", 1)], damage=lambda p: p[:1] + b"\0" + p[2:])
        assert r == -errno.ENOTSUP, r

        yield sys.poke(buf, struct.pack("<QQ", buf + 64, 4096))
        assert (yield sys.ioctl(fd, LYR_INFO, buf)) == 0
        n = struct.unpack("<QQ", (yield sys.peek(buf, 16)))[1]
        info = nvpair.unpack((yield sys.peek(buf + 64, n)))
        assert info[0] == ("lower_value", "uint64", 21), info
        assert info[1] == ("lower", "string", "/dev/illower"), info
        assert info[2][0:2] == ("config", "nvlist"), info
        assert info[2][2] == [("value", "uint64", 6), ("scale", "uint32", 3),
                              ("add", "uint64_array", [1, 2]), ("tag", "string", "t1")], info
        # too little room: EOVERFLOW, and the size it needs
        yield sys.poke(buf, struct.pack("<QQ", buf + 64, 16))
        assert (yield sys.ioctl(fd, LYR_INFO, buf)) == -errno.EOVERFLOW
        assert struct.unpack("<QQ", (yield sys.peek(buf, 16)))[1] == n
        assert (yield sys.close(fd)) == 0
    w.spawn("user", user())


configure = kernsim.scenario_of(_configure_body, mod("illyr"), "configure")
configure_nvleak = kernsim.scenario_of(_configure_body, mod("illyr_nvleak"), "configure_nvleak")


def _config_readers_body(w):
    """One user reconfigures while another reads the configuration back."""
    _lower(w)

    def writer():
        fd = yield sys.open(LYR, sys.O_RDWR)
        buf = yield sys.mmap(8192)
        for v in (1, 2):
            head, body = _config(buf, nvpair.pack([("value", "uint64", v)]))
            yield sys.poke(buf, head)
            yield sys.poke(buf + 64, body)
            assert (yield sys.ioctl(fd, LYR_CONFIG, buf)) == 0
        assert (yield sys.close(fd)) == 0

    def reader():
        fd = yield sys.open(LYR, sys.O_RDWR)
        buf = yield sys.mmap(8192)
        for _ in range(2):
            yield sys.poke(buf, struct.pack("<QQ", buf + 64, 4096))
            assert (yield sys.ioctl(fd, LYR_INFO, buf)) == 0
        assert (yield sys.close(fd)) == 0
    w.spawn("writer", writer())
    w.spawn("reader", reader())


config_readers = kernsim.scenario_of(_config_readers_body, mod("illyr"), "config_readers")
config_readers_nvuaf = kernsim.scenario_of(_config_readers_body, mod("illyr_nvuaf"),
                                           "config_readers_nvuaf")


def _poll_body(w):
    """A poller of /dev/illyr sleeps on the lower device's pollhead, which
    illyr's chpoll hands back through ldi_poll; the lower's pollwakeup at a
    LYR_SET of a value wakes it."""
    _lower(w)
    st = {"linked": False}

    def poller():
        fd = yield sys.open(LYR, sys.O_RDWR)
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, _u64(0))
        assert (yield sys.ioctl(fd, LYR_SET, buf)) == 0  # links, not readable
        st["linked"] = True
        yield sys.poke(buf, sys.pollfds((fd, sys.POLLIN)))
        r = yield sys.poll(buf, 1, -1)
        assert r == 1, r
        assert sys.revents((yield sys.peek(buf, 8)), 0) & sys.POLLIN
        assert (yield sys.close(fd)) == 0

    def setter():
        while not st["linked"]:
            yield sys.poll(0, 0, 1)
        fd = yield sys.open(LYR, sys.O_RDWR)
        buf = yield sys.mmap(4096)
        yield sys.poke(buf, _u64(4))
        assert (yield sys.ioctl(fd, LYR_SET, buf)) == 0
        assert (yield sys.close(fd)) == 0
    w.spawn("poller", poller())
    w.spawn("setter", setter())


poll_through = kernsim.scenario_of(_poll_body, mod("illyr"), "poll_through")
