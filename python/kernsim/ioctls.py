"""A driver's ioctl commands and argument structs, from its ioctl
description (the fuzzer's: drivers/<name>/<name>.ioctl.txtpb, or
NAME.ioctl.txtpb beside an out-of-tree module), so a scenario uses the
driver's own names instead of hand-copied numbers and struct formats:

    lofi = kernsim.ioctls("lofi")
    lofi.LOFI_MAP_FILE                          # the command number
    li = lofi.struct("LOFI_MAP_FILE")           # its argument struct
    li.size, li.offset("li_minor")
    arg = li.pack(li_filename=b"/var/tmp/disk")  # fields not named are 0
    li.unpack(out)["li_minor"]

The layout is the one the fuzzer uses (fuzz/desc.cc: natural alignment,
LP64): one copy."""

from . import _core
from . import api
from . import fuzz_desc
from .errors import KernsimError


class Struct:
    """An ioctl's argument struct: its size and its fields' offsets."""

    def __init__(self, ioctl, size, fields):
        self.ioctl = ioctl
        self.size = size
        # name -> (type, offset, size, signed)
        self.fields = {name: (typ, off, n, signed) for name, typ, off, n, signed in fields}

    def offset(self, field):
        return self._field(field)[1]

    def _field(self, name):
        try:
            return self.fields[name]
        except KeyError:
            raise KernsimError(f"{self.ioctl}'s struct has no field '{name}' (fields: "
                               f"{', '.join(self.fields)})") from None

    def pack(self, **values):
        """The struct's bytes: integers little-endian, strings and bytes
        NUL-padded to their size; a field not named is zero."""
        out = bytearray(self.size)
        for name, v in values.items():
            typ, off, n, _ = self._field(name)
            if isinstance(v, str):
                v = v.encode()
            if isinstance(v, (bytes, bytearray)):
                if len(v) > n:
                    raise KernsimError(f"{self.ioctl}.{name}: {len(v)} bytes do not fit in {n}")
                out[off:off + len(v)] = v
            else:
                try:
                    out[off:off + n] = int(v).to_bytes(n, "little", signed=int(v) < 0)
                except OverflowError:
                    raise KernsimError(f"{self.ioctl}.{name}: {v} does not fit in {n} "
                                       f"bytes") from None
        return bytes(out)

    def unpack(self, data):
        """{field: value} of the struct's bytes: integers (signed where the
        description's range goes below 0), strings and bytes up to their
        first NUL."""
        if len(data) < self.size:
            raise KernsimError(f"{self.ioctl}: {len(data)} bytes, the struct is {self.size}")
        out = {}
        for name, (typ, off, n, signed) in self.fields.items():
            raw = bytes(data[off:off + n])
            if typ in ("string", "bytes", "pad"):
                out[name] = raw.split(b"\0", 1)[0] if typ == "string" else raw
            else:
                out[name] = int.from_bytes(raw, "little", signed=signed)
        return out


class Ioctls:
    """The commands of one driver's description, as attributes."""

    def __init__(self, desc):
        self.description = desc
        self.driver = desc.driver
        self._by_name = {io.name: io for io in desc.ioctl}

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._by_name[name].cmd
        except KeyError:
            raise AttributeError(f"driver {self.driver} describes no ioctl {name} (it has: "
                                 f"{', '.join(self._by_name)})") from None

    def names(self):
        return list(self._by_name)

    def struct(self, ioctl):
        if ioctl not in self._by_name:
            getattr(self, ioctl)  # the error naming what there is
        size, fields = _core.fuzz_layout(self.description.SerializeToString(), ioctl)
        return Struct(ioctl, size, fields)


def ioctls(driver, desc=None, near=None):
    """The ioctl description of `driver` (a name or a module path), as an
    Ioctls: `desc`, a description file, or the one found beside the module,
    in the current directory, or under drivers/ of the checkout `near` (a
    scenario script's directory) is in (fuzz_desc.path_for)."""
    return Ioctls(fuzz_desc.load(desc or fuzz_desc.path_for(api.module_info(driver), near)))
