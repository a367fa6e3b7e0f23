"""illumos packed nvlists (libnvpair's nvlist_pack/nvlist_unpack with
NV_ENCODE_NATIVE, little-endian LP64, or NV_ENCODE_XDR), for scenarios
that hand a driver a packed list, as a user program does before an ioctl,
and read one back.

A list is a sequence of (name, type, value): pack([("value", "uint64", 5),
("tag", "string", "x"), ("sub", "nvlist", [...])]). unpack gives the same
shape back. The layout is the kernel model's (kernel_model/illumos/
nvpair.cc) and illumos's: a 4-byte header, the list's version and flags,
each pair as it is in memory (its header, name, value at 8-byte
boundaries, pointers zeroed), an embedded list's pairs after its pair, and
a 4-byte zero after each list. XDR (encoding="xdr"): big-endian words, a
list's version and flags, per pair its XDR and native lengths, name,
type, count and value, two zero words after each list.
"""
import struct

NV_UNIQUE_NAME = 0x1
NV_UNIQUE_NAME_TYPE = 0x2

TYPES = {
    "boolean": 1, "byte": 2, "int16": 3, "uint16": 4, "int32": 5, "uint32": 6,
    "int64": 7, "uint64": 8, "string": 9, "byte_array": 10, "int16_array": 11,
    "uint16_array": 12, "int32_array": 13, "uint32_array": 14, "int64_array": 15,
    "uint64_array": 16, "string_array": 17, "hrtime": 18, "nvlist": 19,
    "nvlist_array": 20, "boolean_value": 21, "int8": 22, "uint8": 23,
    "boolean_array": 24, "int8_array": 25, "uint8_array": 26,
}
NAMES = {v: k for k, v in TYPES.items()}

_SCALAR = {"byte": "B", "int8": "b", "uint8": "B", "int16": "h", "uint16": "H",
           "int32": "i", "uint32": "I", "int64": "q", "uint64": "Q", "hrtime": "q",
           "boolean_value": "i"}
_ARRAY = {k + "_array": v for k, v in _SCALAR.items() if k not in ("hrtime",)}
_ARRAY["boolean_array"] = "i"
_ARRAY["byte_array"] = "B"


def _align(n):
    return (n + 7) & ~7


def _nvlist_t(nvflag):
    return struct.pack("<iIQIi", 0, nvflag, 0, 0, 0)


def _pair(name, typ, value):
    """(the pair's bytes, the embedded lists' bytes that follow it)"""
    if typ not in TYPES:
        raise ValueError(f"nvpair type {typ!r} is not one of {sorted(TYPES)}")
    after = b""
    if typ == "boolean":
        nelem, data = 0, b""
    elif typ in _SCALAR:
        nelem, data = 1, struct.pack("<" + _SCALAR[typ], value)
    elif typ == "string":
        nelem, data = 1, value.encode() + b"\0"
    elif typ in _ARRAY:
        nelem = len(value)
        data = bytes(value) if typ in ("byte_array", "uint8_array") else \
            struct.pack(f"<{nelem}{_ARRAY[typ]}", *value)
    elif typ == "string_array":
        nelem = len(value)
        data = b"\0" * (8 * nelem) + b"".join(s.encode() + b"\0" for s in value)
    elif typ == "nvlist":
        nelem, data = 1, _nvlist_t(NV_UNIQUE_NAME)
        after = _pairs(value)
    elif typ == "nvlist_array":
        nelem = len(value)
        data = b"\0" * (8 * nelem) + b"".join(_nvlist_t(NV_UNIQUE_NAME) for _ in value)
        after = b"".join(_pairs(v) for v in value)
    bname = name.encode() + b"\0"
    size = _align(16 + len(bname)) + _align(len(data))
    head = struct.pack("<ihhii", size, len(bname), 0, nelem, TYPES[typ]) + bname
    head += b"\0" * (_align(len(head)) - len(head))
    return head + data + b"\0" * (_align(len(data)) - len(data)), after


def _pairs(pairs):
    out = b""
    for name, typ, value in pairs:
        p, after = _pair(name, typ, value)
        out += p + after
    return out + b"\0" * 4


def _xstr(s):
    b = s.encode()
    return struct.pack(">I", len(b)) + b + b"\0" * ((4 - len(b) % 4) % 4)


_XWORD = {"byte": "b", "int8": "b", "uint8": "b", "int16": "h", "uint16": "H",
          "int32": "i", "uint32": "I", "boolean_value": "i"}


def _xword(typ, v):
    base = typ[:-len("_array")] if typ.endswith("_array") else typ
    if base in ("int64", "hrtime"):
        return struct.pack(">q", v)
    if base == "uint64":
        return struct.pack(">Q", v)
    if base in ("byte", "uint8") and v > 127:
        v -= 256  # an x86 char: xdr_char widens it signed
    return struct.pack(">i" if _XWORD.get(base, "i") in "bhi" else ">I", v)


def _xlist(pairs, nvflag=NV_UNIQUE_NAME):
    """(the list's XDR bytes, the bytes nvlist_size counts beyond them)"""
    out, phantom = struct.pack(">iI", 0, nvflag), 0
    for name, typ, value in pairs:
        native, _ = _pair(name, typ, value)
        nelem = struct.unpack_from("<i", native, 8)[0]
        body = _xstr(name) + struct.pack(">ii", TYPES[typ], nelem)
        size = len(body)
        if nelem:
            if typ == "string":
                body += _xstr(value)
            elif typ == "byte_array":
                body += bytes(value) + b"\0" * ((4 - len(value) % 4) % 4)
            elif typ == "string_array":
                body += b"".join(_xstr(v) for v in value)
            elif typ == "nvlist":
                b, ph = _xlist(value)
                body, phantom = body + b, phantom + ph
            elif typ == "nvlist_array":
                for v in value:
                    b, ph = _xlist(v)
                    body, phantom = body + b, phantom + ph
            elif typ.endswith("_array"):
                body += struct.pack(">I", len(value)) + b"".join(_xword(typ, v) for v in value)
            elif typ != "boolean":
                body += _xword(typ, value)
        # nvlist_size's count: an empty array's 4-byte count is counted,
        # not written (nvs_xdr_nvp_size against nvs_xdr_nvp_op)
        extra = 4 if typ.endswith("_array") and typ not in (
            "byte_array", "string_array", "nvlist_array") and nelem == 0 else 0
        phantom += extra
        out += struct.pack(">ii", len(body) + extra + 8, len(native)) + body
    return out + b"\0" * 8, phantom


def pack(pairs, nvflag=NV_UNIQUE_NAME, encoding="native"):
    """The NV_ENCODE_NATIVE (or, encoding="xdr", NV_ENCODE_XDR) bytes of a
    list of (name, type, value)."""
    if encoding == "xdr":
        body, phantom = _xlist(pairs, nvflag)
        return bytes([1, 1, 0, 0]) + body + b"\0" * phantom
    if encoding != "native":
        raise ValueError(f"encoding {encoding!r} is neither 'native' nor 'xdr'")
    return bytes([0, 1, 0, 0]) + struct.pack("<iI", 0, nvflag) + _pairs(pairs)


def _unpack_list(buf, off):
    pairs = []
    while True:
        (size,) = struct.unpack_from("<i", buf, off)
        if size == 0:
            return pairs, off + 4
        _, name_sz, _, nelem, t = struct.unpack_from("<ihhii", buf, off)
        name = buf[off + 16:off + 16 + name_sz - 1].decode()
        val_at = off + _align(16 + name_sz)
        typ = NAMES[t]
        off += size
        if typ == "boolean":
            value = True
        elif typ in _SCALAR:
            (value,) = struct.unpack_from("<" + _SCALAR[typ], buf, val_at)
        elif typ == "string":
            value = buf[val_at:buf.index(b"\0", val_at)].decode()
        elif typ in _ARRAY:
            value = list(struct.unpack_from(f"<{nelem}{_ARRAY[typ]}", buf, val_at))
        elif typ == "string_array":
            at, value = val_at + 8 * nelem, []
            for _ in range(nelem):
                end = buf.index(b"\0", at)
                value.append(buf[at:end].decode())
                at = end + 1
        elif typ == "nvlist":
            value, off = _unpack_list(buf, off)
        elif typ == "nvlist_array":
            value = []
            for _ in range(nelem):
                v, off = _unpack_list(buf, off)
                value.append(v)
        pairs.append((name, typ, value))


def unpack(buf):
    """The (name, type, value) list of a NV_ENCODE_NATIVE buffer."""
    buf = bytes(buf)
    if buf[:2] != bytes([0, 1]):
        raise ValueError("not a little-endian NV_ENCODE_NATIVE nvlist (this helper "
                         "reads no NV_ENCODE_XDR)")
    pairs, _ = _unpack_list(buf, 12)
    return pairs
