"""Scenarios of tests/drivers/racy.c, the data-race detector's test driver:
two threads meet on one field through one kind of synchronisation (see the
driver). Its race-instrumented build is loaded by path."""
import os

import kernsim
from kernsim import build_driver, sys

RACY = os.path.join(os.path.dirname(build_driver.config()["driver_dir"]), "test_drivers",
                    "race", "racy.so")
(RACY_ARM, RACY_POLL, RACY_WRITE, RACY_READ, RACY_TASK, RACY_POST, RACY_TAKE, RACY_SIGNAL,
 RACY_WAITCV, RACY_LATE, RACY_REFS, RACY_USE, RACY_ATOMIC, RACY_PUT,
 RACY_GET, RACY_RW) = range(0x7201, 0x7211)


def calls(*cmds, buf=0):
    """A thread that opens /dev/racy, makes the ioctls `cmds` (argument
    `buf`), closes it."""
    def body():
        fd = yield sys.open("/dev/racy", sys.O_RDWR)
        for c in cmds:
            yield sys.ioctl(fd, c, buf)
        yield sys.close(fd)
    return body()


def two(name, a, b):
    """Scenario `name`: thread t1 makes the ioctls `a`, t2 those of `b`."""
    def scn(w):
        w.spawn("t1", calls(*a))
        w.spawn("t2", calls(*b))
    scn.__name__ = name
    return kernsim.scenario(driver=RACY)(scn)


refs = two("refs", (RACY_USE,), (RACY_USE,))
callout_flag = two("callout_flag", (RACY_ARM,), (RACY_POLL,))
read_after_exit = two("read_after_exit", (RACY_WRITE,), (RACY_READ,))
taskq = two("taskq", (RACY_TASK,), ())
sema = two("sema", (RACY_POST,), (RACY_TAKE,))
condvar = two("condvar", (RACY_SIGNAL,), (RACY_WAITCV,))
callout_arm = two("callout_arm", (RACY_LATE,), ())
atomics = two("atomics", (RACY_ATOMIC,), (RACY_ATOMIC,))
rwlock = two("rwlock", (RACY_RW, RACY_RW), (RACY_RW,))
boot = two("boot", (), ())  # the race, if any, is in _init


@kernsim.scenario(driver=RACY)
def user_page(w):
    """t1 copies a word out to a buffer both threads share, t2 copies it in."""
    buf = w.map(4096)
    w.spawn("t1", calls(RACY_PUT, buf=buf))
    w.spawn("t2", calls(RACY_GET, buf=buf))
