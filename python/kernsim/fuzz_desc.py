"""Ioctl descriptions for the fuzzer: one protobuf text file per driver,
drivers/<name>/<name>.ioctl.txtpb (message DriverDescription in
sim/proto/kernsim.proto). load() parses and checks one; every problem is a
DescriptionError naming the file and the field ("ioctl[1] (LOFI_MAP_FILE)
.field[2].size: ..."), never a crash later in the generator. The checks are
the C++ ones (fuzz/desc.cc, through kernsim._core): the generator and the
libFuzzer entry points rely on them, so there is one copy."""

import glob
import os

from . import _core
from . import kernsim_pb2 as pb
from .errors import KernsimError

SUFFIX = ".ioctl.txtpb"


class DescriptionError(KernsimError):
    """A driver's ioctl description is malformed."""


def parse(text, path="description"):
    """Parses and checks description text; raises DescriptionError."""
    try:
        data = _core.fuzz_parse_description(text, path)
    except ValueError as e:
        raise DescriptionError(str(e)) from None
    return pb.DriverDescription.FromString(data)


def load(path):
    from .statefile import read_text
    return parse(read_text(path, "DriverDescription", DescriptionError), path)


def find(driver, root=None):
    """The description file of `driver` under root/drivers/*/ (the repository
    root: KERNSIM_ROOT, else found from the current directory)."""
    from .api import _find_root
    root = root or os.environ.get("KERNSIM_ROOT") or _find_root(os.getcwd())
    if not root:
        raise DescriptionError(f"no description of driver '{driver}': not in a kernsim checkout "
                               f"(set KERNSIM_ROOT or pass --desc FILE)")
    hits = sorted(glob.glob(os.path.join(root, "drivers", "*", driver + SUFFIX)))
    if not hits:
        have = sorted(os.path.basename(p)[:-len(SUFFIX)]
                      for p in glob.glob(os.path.join(root, "drivers", "*", "*" + SUFFIX)))
        raise DescriptionError(f"no description of driver '{driver}' (drivers/*/{driver}{SUFFIX}); "
                               f"described: {', '.join(have) or 'none'}")
    return hits[0]


def path_for(info, near=None):
    """Where the description of the driver module `info` (api.module_info)
    is: an out-of-tree module's NAME.ioctl.txtpb beside the module or in
    the current directory (beside its sources), else under drivers/ of the
    checkout `near` (a directory) is in, else of KERNSIM_ROOT's or the
    current directory's. DescriptionError if none."""
    from .api import _find_root
    name = info["name"]
    for d in (os.path.dirname(info["path"]), os.getcwd()):
        p = os.path.join(d, name + SUFFIX)
        if os.path.isfile(p):
            return p
    return find(name, _find_root(os.path.abspath(near)) if near else None)
