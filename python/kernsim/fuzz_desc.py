"""Ioctl descriptions for the fuzzer: one protobuf text file per driver,
drivers/<name>/<name>.ioctl.txtpb (message DriverDescription in
sim/proto/kernsim.proto). load() parses and checks one; every problem is a
DescriptionError naming the file and the field ("ioctl[1] (LOFI_MAP_FILE)
.field[2].size: ..."), never a crash later in the generator."""

import glob
import os

from google.protobuf import text_format

from . import kernsim_pb2 as pb
from .errors import KernsimError

FIELD_TYPES = ("int", "flags", "enum", "string", "bytes", "len", "pointer", "sglist", "resource", "pad")
DIRS = ("in", "out", "inout", "none")
ARGS = ("", "struct", "value", "none")
SUFFIX = ".ioctl.txtpb"


class DescriptionError(KernsimError):
    """A driver's ioctl description is malformed."""


def _fail(path, where, msg):
    raise DescriptionError(f"{path}: {where}: {msg}")


def check(d, path="description"):
    """Checks a parsed DriverDescription; raises DescriptionError."""
    if not d.driver:
        _fail(path, "driver", "missing (the driver's name, as `kernsim drivers` lists it)")
    paths = set()
    for i, n in enumerate(d.node):
        if not n.path.startswith("/dev/"):
            _fail(path, f"node[{i}].path", f"'{n.path}' is not a device path under /dev/")
        if n.path in paths:
            _fail(path, f"node[{i}].path", f"'{n.path}' is described twice")
        paths.add(n.path)
    if not d.node:
        _fail(path, "node", "no device node: the fuzzer has nothing to open")
    resources = set()
    for i, r in enumerate(d.resource):
        if not r.name or not r.name.isidentifier():
            _fail(path, f"resource[{i}].name", f"'{r.name}' is not a name")
        if r.name in resources:
            _fail(path, f"resource[{i}].name", f"'{r.name}' is described twice")
        resources.add(r.name)
        if r.HasField("valid_min") != r.HasField("valid_max") or r.valid_min > r.valid_max:
            _fail(path, f"resource[{i}] ({r.name}).valid_min",
                  "an oracle range needs valid_min <= valid_max, both given")
    names, cmds = set(), set()
    for i, io in enumerate(d.ioctl):
        w = f"ioctl[{i}] ({io.name or '?'})"
        if not io.name:
            _fail(path, f"ioctl[{i}].name", "missing")
        if io.name in names:
            _fail(path, f"{w}.name", "described twice")
        names.add(io.name)
        if (io.node, io.cmd) in cmds:
            _fail(path, f"{w}.cmd", f"{io.cmd:#x} on {io.node} is described twice")
        cmds.add((io.node, io.cmd))
        if io.node not in paths:
            _fail(path, f"{w}.node", f"'{io.node}' is not one of the nodes ({', '.join(sorted(paths))})")
        if io.dir not in DIRS:
            _fail(path, f"{w}.dir", f"'{io.dir}': want one of {', '.join(DIRS)}")
        if io.arg not in ARGS:
            _fail(path, f"{w}.arg", f"'{io.arg}': want struct, value or none")
        if io.arg == "value" and len(io.field) != 1:
            _fail(path, f"{w}.field", f"arg: value takes exactly one field, has {len(io.field)}")
        if io.arg == "none" and io.field:
            _fail(path, f"{w}.field", "arg: none takes no fields")
        if io.produces and io.produces not in resources:
            _fail(path, f"{w}.produces", f"unknown resource '{io.produces}'")
        if io.produces_field:
            pf = [f for f in io.field if f.name == io.produces_field]
            if not io.produces or not pf or pf[0].size not in (1, 2, 4, 8) or io.dir not in ("out", "inout"):
                _fail(path, f"{w}.produces_field", f"'{io.produces_field}' is not an integer field "
                      "of an out/inout struct ioctl that produces a resource")
        _check_fields(path, w, io, resources)
    _check_exhaustion(path, d)
    for i, f in enumerate(d.file):
        if not f.path.startswith("/"):
            _fail(path, f"file[{i}].path", f"'{f.path}' is not absolute")
    if not d.ioctl:
        # Also what a description cut short after its nodes looks like.
        _fail(path, "ioctl", "no ioctl described: the fuzzer has nothing to call")
    return d


def _check_exhaustion(path, d):
    """A resource's exhaustion oracle: its probe is a struct ioctl with
    exactly one field of that resource."""
    by_name = {io.name: io for io in d.ioctl}
    for i, r in enumerate(d.resource):
        w = f"resource[{i}] ({r.name})"
        if not (r.exhausted_errno or r.probe or r.probe_free_errno):
            continue
        if r.exhausted_errno <= 0 or r.probe_free_errno <= 0:
            _fail(path, f"{w}.exhausted_errno", "an exhaustion oracle needs exhausted_errno and "
                  "probe_free_errno, both positive errno values")
        if not r.HasField("valid_min"):
            _fail(path, f"{w}.valid_min", "an exhaustion oracle needs the range valid_min..valid_max")
        if r.valid_max - r.valid_min >= 16:
            _fail(path, f"{w}.valid_max", "an exhaustion oracle probes every value: at most 16")
        io = by_name.get(r.probe)
        if io is None:
            _fail(path, f"{w}.probe", f"'{r.probe}' is not one of the ioctls")
        fields = [f for f in io.field if f.type == "resource" and f.resource == r.name]
        if io.arg not in ("", "struct") or len(fields) != 1:
            _fail(path, f"{w}.probe", f"'{r.probe}' is not a struct ioctl with exactly one "
                  f"field of resource {r.name}")
        if not any(x.produces == r.name for x in d.ioctl):
            _fail(path, f"{w}.exhausted_errno", f"no ioctl produces {r.name}: nothing to check")


def _check_fields(path, w, io, resources):
    fnames = {}
    for j, f in enumerate(io.field):
        fw = f"{w}.field[{j}] ({f.name or '?'})"
        if not f.name:
            _fail(path, f"{w}.field[{j}].name", "missing")
        if f.name in fnames:
            _fail(path, f"{fw}.name", "described twice")
        fnames[f.name] = f
        if f.type not in FIELD_TYPES:
            _fail(path, f"{fw}.type", f"'{f.type}': want one of {', '.join(FIELD_TYPES)}")
        if f.type in ("string", "bytes", "pad"):
            if not 0 < f.size <= 65536:
                _fail(path, f"{fw}.size", f"{f.size}: a {f.type} needs a size of 1..65536 bytes")
        elif f.size not in (1, 2, 4, 8):
            _fail(path, f"{fw}.size", f"{f.size}: an integer field is 1, 2, 4 or 8 bytes")
        if f.type == "int" and f.min > f.max:
            _fail(path, f"{fw}.min", f"min {f.min} > max {f.max}")
        if f.type in ("enum", "flags") and not f.value:
            _fail(path, f"{fw}.value", f"a {f.type} field lists its values")
        if f.type == "bytes" and not f.blob:
            _fail(path, f"{fw}.blob", "a bytes field lists candidate blobs")
        if f.blob and f.type not in ("bytes", "pointer"):
            _fail(path, f"{fw}.blob", f"blobs belong to a bytes or pointer field, not a {f.type}")
        if f.type == "pointer" and any(not 0 < len(b) <= 2048 for b in f.blob):
            _fail(path, f"{fw}.blob", "a pointed-to blob is 1..2048 bytes")
        if f.type == "sglist" and f.size != 8:
            _fail(path, f"{fw}.size", "an sglist pointer is 8 bytes")
        if f.type == "string" and not f.text:
            _fail(path, f"{fw}.text", "a string field lists candidate strings")
        if f.type == "resource" and f.resource not in resources:
            _fail(path, f"{fw}.resource", f"unknown resource '{f.resource}'")
    for j, f in enumerate(io.field):
        for attr in ("sg_count", "sg_bytes"):
            ref = getattr(f, attr)
            if ref and (f.type != "sglist" or fnames.get(ref) is None or
                        fnames[ref].type not in ("int", "len") or fnames[ref].size not in (1, 2, 4, 8)):
                _fail(path, f"{w}.field[{j}] ({f.name}).{attr}",
                      f"'{ref}' is not an integer field of this ioctl (or {f.name} is not an sglist)")
        if f.type in ("len", "pointer") and f.len_of:
            other = fnames.get(f.len_of)
            want = "pointer" if f.type == "len" else "len"
            if other is None or other.type != want:
                _fail(path, f"{w}.field[{j}] ({f.name}).len_of",
                      f"'{f.len_of}' is not a {want} field of this ioctl")


def parse(text, path="description"):
    d = pb.DriverDescription()
    try:
        text_format.Parse(text, d)
    except (text_format.ParseError, ValueError, TypeError, RecursionError) as e:
        raise DescriptionError(f"{path}: not a DriverDescription: "
                               f"{' '.join(str(e).split()) or type(e).__name__}") from None
    return check(d, path)


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


def field_layout(io):
    """[(field, offset)] in declaration order, packed with natural alignment
    of integer fields (as the C compiler lays the struct out on LP64), and
    the struct's size."""
    off, out, align = 0, [], 1
    for f in io.field:
        a = f.size if f.type not in ("string", "bytes", "pad") else 1
        align = max(align, a)
        off = (off + a - 1) // a * a
        out.append((f, off))
        off += f.size
    size = (off + align - 1) // align * align
    return out, size
