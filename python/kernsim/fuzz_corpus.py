"""The fuzzer's on-disk corpus: one CorpusEntry (sim/proto/kernsim.proto:
a Program and the schedule it earned its place with) per file,
<dir>/<sha1 of its bytes>.pb, binary protobuf in a checksummed frame
(statefile.py). Files are written atomically (temporary file, fsync,
rename), so several --jobs workers may share a directory; a damaged file,
one that does not parse as a CorpusEntry, or whose Program is malformed, is
a CorpusError naming the file and what is wrong."""

import hashlib
import os

from google.protobuf.message import DecodeError

from . import _core
from . import kernsim_pb2 as pb
from . import statefile
from .errors import KernsimError

SUFFIX = ".pb"
KIND = "CorpusEntry"


class CorpusError(KernsimError):
    """A corpus file is corrupt or names something this build lacks."""


def entry(program, schedule):
    e = pb.CorpusEntry()
    e.program.CopyFrom(program)
    e.schedule.name = schedule.get("name", "pct")
    e.schedule.seed = int(schedule.get("seed", 0))
    e.schedule.pct_depth = int(schedule.get("pct_depth", 3))
    return e


def schedule_of(e):
    return {"name": e.schedule.name or "pct", "seed": e.schedule.seed,
            "pct_depth": e.schedule.pct_depth or 3}


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
    if not e.program.thread:
        raise CorpusError(f"{path}: corrupt corpus file: field program.thread is empty")
    if e.schedule.name not in ("", "pct", "random", "round_robin"):
        raise CorpusError(f"{path}: field schedule.name: unknown strategy '{e.schedule.name}'")
    if driver and not any(d.name == driver for d in e.program.driver):
        raise CorpusError(f"{path}: field program.driver: this entry is not for driver '{driver}'")
    try:
        _core.fuzz_check_program(e.program.SerializeToString())
    except ValueError as ex:
        raise CorpusError(f"{path}: {ex}") from ex
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
