"""Files kernsim writes to continue from (DFS checkpoints, fuzz corpus
entries): framed, checksummed, written atomically, and refused by name when
damaged. A checkpoint cut short once resumed silently and counted a
different search; a frame makes every truncation or flipped bit a
StateFileError instead.

Binary frame: the 8-byte magic, then the payload's length (8 bytes, little
endian) and its CRC-32 (zlib's, 4 bytes), then the kind and the payload:

    b"KSSTATE1" | len u64 | crc32 u32 | kind (len-prefixed ASCII) | payload

Text frame (a .txtpb checkpoint, for reading): a first comment line

    # kernsim-state v1 kind=<kind> length=<n> crc32=<8 hex>

then the payload. Both check the kind, so a corpus entry is not taken for a
checkpoint. Repros and descriptions are not framed: people write and edit
them by hand, and their loaders check every field instead.

Writes go to a temporary file in the same directory, are fsync'ed, renamed
over the target and the directory fsync'ed, so a crash leaves the old file
or the new one, never half of one."""

import os
import re
import struct
import zlib

from .errors import KernsimError

MAGIC = b"KSSTATE1"
_HEAD = struct.Struct("<QI")
TEXT_TAG = "# kernsim-state v1 "
_TEXT_HEAD = re.compile(rb"# kernsim-state v1 kind=([A-Za-z]+) length=(0|[1-9][0-9]{0,15}) "
                        rb"crc32=([0-9a-f]{8})")


class StateFileError(KernsimError):
    """A state file is damaged (cut short, a bit flipped) or is not one."""

    def __init__(self, path, why):
        super().__init__(f"{path}: {why}")
        self.path, self.why = path, why


def frame(kind, payload):
    k = kind.encode("ascii")
    body = bytes([len(k)]) + k + payload
    return MAGIC + _HEAD.pack(len(body), zlib.crc32(body)) + body


def unframe(kind, data, path):
    """The payload of a framed binary state file of this `kind`."""
    if not data.startswith(MAGIC):
        raise StateFileError(path, f"not a kernsim state file (no {MAGIC.decode()} header: "
                             "damaged, or written by an older kernsim)")
    head = data[len(MAGIC):len(MAGIC) + _HEAD.size]
    if len(head) < _HEAD.size:
        raise StateFileError(path, f"damaged: cut short in its header")
    n, crc = _HEAD.unpack(head)
    body = data[len(MAGIC) + _HEAD.size:]
    if len(body) != n:
        raise StateFileError(path, f"damaged: {len(body)} bytes after the header, "
                             f"the header says {n}")
    if zlib.crc32(body) != crc:
        raise StateFileError(path, f"damaged: checksum mismatch")
    got = body[1:1 + body[0]] if body else b""
    if got != kind.encode("ascii"):
        raise StateFileError(path, f"is a {got.decode('ascii', 'replace') or '?'} file, "
                             f"not a {kind}")
    return body[1 + body[0]:]


def frame_text(kind, text):
    data = text.encode("utf-8")
    return (f"{TEXT_TAG}kind={kind} length={len(data)} crc32={zlib.crc32(data):08x}\n"
            .encode("ascii") + data)


def unframe_text(kind, data, path):
    """The payload (str) of a framed text state file of this `kind`."""
    nl = data.find(b"\n")
    first = data[:nl] if nl >= 0 else data
    if not first.startswith(TEXT_TAG.encode()):
        raise StateFileError(path, f"not a kernsim state file (no '{TEXT_TAG.strip()}' "
                             "first line: damaged, or written by an older kernsim)")
    # Exactly as frame_text writes it: a header read loosely (" 1" for "1",
    # "A" for "a") would take a damaged line for the same one.
    m = _TEXT_HEAD.fullmatch(first)
    if not m:
        raise StateFileError(path, "damaged: its first line is not a valid state header")
    got, n, crc = m.group(1).decode("ascii"), int(m.group(2)), int(m.group(3), 16)
    body = data[nl + 1:] if nl >= 0 else b""
    if len(body) != n:
        raise StateFileError(path, f"damaged: {len(body)} bytes after the first line, "
                             f"it says {n}")
    if zlib.crc32(body) != crc:
        raise StateFileError(path, f"damaged: checksum mismatch")
    if got != kind:
        raise StateFileError(path, f"is a {got} file, not a {kind}")
    return body.decode("utf-8")


def write_atomic(path, data):
    """Writes bytes to `path` via a temporary file, fsync and rename."""
    d = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(d, f".{os.path.basename(path)}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:
        fd = os.open(d, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        pass  # a directory that cannot be fsync'ed: the rename still happened


def read(path, what):
    try:
        with open(path, "rb") as f:
            return f.read()
    except IsADirectoryError:
        raise KernsimError(f"{path}: is a directory, not a {what}") from None
    except OSError as e:
        raise KernsimError(f"cannot read {what} {path}: {e.strerror or e}") from e


def read_text(path, what, error):
    """A hand-written text file (a repro, a description) as str; unreadable
    or non-UTF-8 content is `error` naming the file, never a traceback."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except IsADirectoryError:
        raise error(f"{path}: is a directory, not a {what}") from None
    except OSError as e:
        raise error(f"{path}: cannot read: {e.strerror or e}") from e
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise error(f"{path}: not a {what}: not UTF-8 text (byte 0x{data[e.start]:02x} at "
                    f"offset {e.start}; a binary file?)") from None
    if "\0" in text:
        raise error(f"{path}: not a {what}: holds a NUL byte (a binary file?)")
    return text
