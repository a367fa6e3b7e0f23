"""The fuzzer's on-disk corpus: one CorpusEntry (sim/proto/kernsim.proto:
an input of the fuzz decoder, fuzz/decode.h, and the driver it is for) per
file, <dir>/<sha1 of its bytes>.pb, binary protobuf in a checksummed frame
(statefile.py). Files are written atomically (temporary file, fsync,
rename), so several --jobs workers may share a directory; a damaged file,
one that does not parse as a CorpusEntry, an entry of another driver, or an
entry of the older Program format is a CorpusError naming the file and what
is wrong. Any input decodes, so its bytes need no further check."""

import hashlib
import os

from google.protobuf.message import DecodeError

from . import kernsim_pb2 as pb
from . import statefile
from .errors import KernsimError

SUFFIX = ".pb"
KIND = "CorpusEntry"


class CorpusError(KernsimError):
    """A corpus file is corrupt, or is not one this fuzzer can use."""


def entry(input_bytes, driver):
    return pb.CorpusEntry(input=input_bytes, driver=driver)


def save(directory, e):
    data = e.SerializeToString(deterministic=True)
    path = os.path.join(directory, hashlib.sha1(data).hexdigest() + SUFFIX)
    if not os.path.exists(path):
        statefile.write_atomic(path, statefile.frame(KIND, data))
    return path


def load_file(path, driver=None):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise CorpusError(f"{path}: cannot read: {e.strerror}") from e
    try:
        data = statefile.unframe(KIND, data, path)
    except statefile.StateFileError as ex:
        raise CorpusError(f"{path}: corrupt corpus file: {ex.why}") from None
    e = pb.CorpusEntry()
    try:
        e.ParseFromString(data)
    except DecodeError as ex:
        raise CorpusError(f"{path}: corrupt corpus file (not a kernsim.CorpusEntry: {ex})") from ex
    if not e.input and (e.program.thread or e.HasField("schedule")):
        raise CorpusError(f"{path}: an entry of the older corpus format (fields program and "
                          "schedule: a Program); this kernsim keeps decoder inputs (field input). "
                          "Start a new corpus directory")
    if not e.input:
        raise CorpusError(f"{path}: corrupt corpus file: field input is empty")
    if not e.driver:
        raise CorpusError(f"{path}: corrupt corpus file: field driver is empty")
    if driver and e.driver != driver:
        raise CorpusError(f"{path}: field driver: this entry is for driver '{e.driver}', "
                          f"not '{driver}'")
    return e


def names(directory):
    """Entry file names, sorted (a campaign's order must not depend on the
    directory's)."""
    if not os.path.exists(directory):
        return []
    if not os.path.isdir(directory):
        raise CorpusError(f"corpus {directory}: is not a directory")
    return sorted(n for n in os.listdir(directory) if n.endswith(SUFFIX))


def load_dir(directory, driver=None):
    return [(n, load_file(os.path.join(directory, n), driver)) for n in names(directory)]
