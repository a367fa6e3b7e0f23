"""kernsim.ioctls: a driver's commands and argument structs from its ioctl
description, for scenarios (the fuzzer's layout: one copy)."""

import struct

import pytest

import kernsim


def test_lofi_commands_and_struct_are_the_driver_header_s():
    lofi = kernsim.ioctls("lofi")
    base = (ord("L") << 16) | (ord("F") << 8)  # drivers/lofi/lofi_io.h
    assert (lofi.LOFI_MAP_FILE, lofi.LOFI_GET_MAXMINOR) == (base | 1, base | 7)
    li = lofi.struct("LOFI_MAP_FILE")
    assert li.size == struct.calcsize("<Iiii1024s") and li.offset("li_filename") == 16
    raw = li.pack(li_id=3, li_force=1, li_filename="/var/tmp/disk")
    assert raw == struct.pack("<Iiii1024s", 3, 1, 0, 0, b"/var/tmp/disk")
    assert li.unpack(raw) == {"li_id": 3, "li_force": 1, "li_cleanup": 0, "li_readonly": 0,
                              "li_filename": b"/var/tmp/disk"}


def test_what_is_not_described_is_named():
    lofi = kernsim.ioctls("lofi")
    with pytest.raises(AttributeError, match="describes no ioctl LOFI_NOPE .*LOFI_MAP_FILE"):
        lofi.LOFI_NOPE
    li = lofi.struct("LOFI_MAP_FILE")
    with pytest.raises(kernsim.KernsimError, match="no field 'li_nope'"):
        li.pack(li_nope=1)
    with pytest.raises(kernsim.KernsimError, match="li_filename: 1025 bytes do not fit in 1024"):
        li.pack(li_filename=b"x" * 1025)
    with pytest.raises(kernsim.KernsimError, match="li_force: 4294967296 does not fit in 4"):
        li.pack(li_force=1 << 32)
    with pytest.raises(kernsim.KernsimError, match="no description of driver 'sample_nope'|"
                                                   "unknown driver 'sample_nope'"):
        kernsim.ioctls("sample_nope")
