"""Who may open a device node: the owner, group and mode of its /dev entry
and, on illumos, its device policy, checked at open(2) before the driver's
open, as devfs does on both kernels. An open a real kernel refuses never
reaches the driver (tests/drivers/fbperm.c and ilperm.c say each open they
see on the console); root passes every check; an illumos node takes
/etc/minor_perm's entry, else the mode ddi_create_priv_minor_node gave,
else devfs's 0600 root sys."""
import errno
import os

import pytest

import kernsim
from kernsim import build_driver, sys
from kernsim.errors import KernsimError
from kernsim.kernsim_pb2 import Program

_TEST_DRIVERS = os.path.join(os.path.dirname(build_driver.config()["driver_dir"]),
                             "test_drivers")
FBPERM = os.path.join(_TEST_DRIVERS, "fbperm.so")
ILPERM = os.path.join(_TEST_DRIVERS, "ilperm.so")
R, W, RW = sys.O_RDONLY, sys.O_WRONLY, sys.O_RDWR
EACCES = -errno.EACCES


def opens(driver, path, uid, flags, gid=None, minor_perm=()):
    """open(2) of `path` with `flags` by a process of `uid` (and `gid`):
    its result (0 for a descriptor) and the driver's console lines."""
    got = []

    @kernsim.scenario(driver=driver)
    def scn(w):
        if minor_perm:
            w.minor_perm(driver, minor_perm)
        w.proc("p", uid=uid, gid=gid)

        def body():
            fd = yield sys.open(path, flags)
            got.append(min(fd, 0))
            if fd >= 0:
                yield sys.close(fd)
        w.spawn("t", body(), proc="p")
    r = kernsim.run(scn)
    assert r.kind == "pass", r
    return got[0], [line for line in r.console if "open of" in line]


@pytest.mark.parametrize("path,uid,gid,flags,want", [
    ("/dev/fbperm_root", 0, None, RW, 0),        # root passes the mode
    ("/dev/fbperm_root", 100, None, R, EACCES),  # 0600 root
    ("/dev/fbperm_pub", 100, None, R, 0),        # 0644: others read
    ("/dev/fbperm_pub", 100, None, RW, EACCES),  # ... and do not write
    ("/dev/fbperm_grp", 100, None, RW, EACCES),  # 0660 root operator, not in it
    ("/dev/fbperm_grp", 100, 5, RW, 0),          # a member of operator
    ("/dev/fbperm_root", 100, 0, R, EACCES),     # wheel gets no bits of 0600
    ("/dev/fbperm_zero", 100, 0, R, EACCES),     # make_dev_args_init: 0000
    ("/dev/fbperm_zero", 0, None, RW, 0),        # which root still opens
])
def test_freebsd_devfs_checks_make_devs_owner_group_and_mode(path, uid, gid, flags, want):
    rc, lines = opens(FBPERM, path, uid, flags, gid=gid)
    assert rc == want
    # a refused open never reaches d_open
    assert len(lines) == (1 if want == 0 else 0), lines


@pytest.mark.parametrize("node,uid,flags,want", [
    ("plain", 0, RW, 0),
    ("plain", 100, R, EACCES),   # devfs's default, 0600 root sys
    ("admin", 100, R, EACCES),   # PRIVONLY_DEV: the mode is not checked,
    ("admin", 0, RW, 0),         # the policy is: sys_config, root's
    ("null", 100, RW, 0),        # PRIVONLY_DEV with no privilege: anyone
    ("wpriv", 100, R, 0),        # 0644, no privilege to read
    ("wpriv", 100, W, EACCES),   # the mode refuses first (vn_open's access)
    ("wopen", 100, W, EACCES),   # 0666: the policy refuses (EACCES too)
    ("wopen", 100, R, 0),
])
def test_illumos_minor_node_mode_and_device_policy(node, uid, flags, want):
    rc, lines = opens(ILPERM, "/dev/" + node, uid, flags)
    assert rc == want
    assert len(lines) == (1 if want == 0 else 0), lines


def test_illumos_minor_perm_sets_a_nodes_mode_before_the_drivers():
    perm = ["plain 0666 root sys", "w* 0600 root sys"]
    assert opens(ILPERM, "/dev/plain", 100, RW, minor_perm=perm)[0] == 0
    # the first matching entry wins over ddi_create_priv_minor_node's mode
    assert opens(ILPERM, "/dev/wpriv", 100, R, minor_perm=perm)[0] == EACCES
    # a group entry: the process's own group unless given one
    grp = ["plain 0660 root staff"]
    assert opens(ILPERM, "/dev/plain", 100, RW, minor_perm=grp)[0] == EACCES
    assert opens(ILPERM, "/dev/plain", 100, RW, gid=10, minor_perm=grp)[0] == 0


def program(minor_perm, uid):
    p = Program()
    p.driver.add(name=ILPERM, variant="none", minor_perm=minor_perm)
    p.proc.add(name="user", uid=uid)
    t = p.thread.add(name="client", proc="user")
    kernsim.program_call(t, "open", 2, path="/dev/plain",
                         expect=0 if minor_perm or uid == 0 else EACCES)
    return p


def test_a_program_carries_minor_perm_and_the_boot_image_keys_on_it():
    @kernsim.program_scenario(driver=ILPERM)
    def opened():
        return program(["* 0666 root sys"], 100)

    @kernsim.program_scenario(driver=ILPERM)
    def refused():
        return program([], 100)
    # later executions start from the first one's boot image: the nodes'
    # modes are the boot's, so each Program needs its own image
    for scn in (opened, refused, opened, refused):
        r = kernsim.explore(scn, strategy="random", runs=10, seed=3)
        assert r.failure is None, r.failure
        assert r.boot_images == 9, r.boot_images


@pytest.mark.parametrize("entry,message", [
    ("plain 0666 root", "wants four fields"),
    ("plain 0668 root sys", "mode '0668' is not an octal mode"),
    ("plain 0666 someone sys", "owner 'someone' is no user kernsim knows"),
    ("plain 0666 root wheel", "group 'wheel' is no group kernsim knows"),
    ("ilperm:plain 0666 root sys", "the minor name has a ':'"),
    ("plain 0666 root sys extra", "'extra' after the group"),
])
def test_a_bad_minor_perm_entry_is_refused_naming_it(entry, message):
    @kernsim.scenario(driver=ILPERM)
    def scn(w):
        w.minor_perm(ILPERM, [entry])
    with pytest.raises(KernsimError) as e:
        kernsim.run(scn)
    assert f"minor_perm of ilperm, entry 1 '{entry}': " in str(e.value)
    assert message in str(e.value)


def test_minor_perm_is_refused_for_a_freebsd_driver():
    @kernsim.scenario(driver=FBPERM)
    def scn(w):
        w.minor_perm(FBPERM, ["* 0666 root sys"])
    with pytest.raises(KernsimError, match="minor_perm is illumos's /etc/minor_perm"):
        kernsim.run(scn)
