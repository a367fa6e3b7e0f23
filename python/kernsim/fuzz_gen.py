"""Generating and mutating Programs (kernsim_pb2.Program) from a driver's
ioctl description. All randomness comes from the caller's random.Random,
so a fuzzing campaign with a given seed makes the same programs.

Results are named by kind: fd<node>_..., buf_..., res<resource>_..., so a
reference broken by a mutation can be repaired with a result of the same
kind (or, on purpose, a bad constant). Threads run concurrently, so a
reference to another thread's result may find it not produced yet: the run
ends as an invalid program (scenario:no_result), not a finding; the fuzzer
still tries it because a close or munmap of another thread's fd or buffer
is the race it is after.
"""

import struct

from . import kernsim_pb2 as pb
from .fuzz_desc import field_layout

PAGE = 4096
O_RDWR = 2
PROT_RW = 3
USER_BASE = 0xC0000000          # DESIGN.md: user addresses start here
MAX_THREADS = 3
MAX_CALLS = 24                  # per thread (an S/G bundle with its oracle is ~15)
SGD_PAGES = 24                  # an S/G data mapping; its entries sit in the last pages,
SGD_DATA = 20 * PAGE            # out of reach of guessed pointers plus the longest flat move
SG_GAP = 8                      # bytes between entries: the oracle checks they stay unwritten
SG_TOTALS = (512, 1024, 1536, 2048, 3072)
BAD_FD = 1000
BAD_POINTERS = (0, 8, 0xFFF, USER_BASE - 8, 0xFFFFF000)
INT_FMT = {1: "<B", 2: "<H", 4: "<I", 8: "<Q"}
STRATEGIES = ("pct", "pct", "pct", "random")
CLAIM_CHANCE = 0.35             # a producing ioctl gets its resource's exhaustion check


def kind_of(out):
    return out.split("_", 1)[0] if out else ""


class Generator:
    def __init__(self, desc, rng, variant="none"):
        self.d = desc
        self.rng = rng
        self.variant = variant
        self.layouts = {io.name: field_layout(io) for io in desc.ioctl}
        self.by_cmd = {io.cmd: io for io in desc.ioctl}
        self.nodes = [n.path for n in desc.node]
        self.res_index = {r.name: i for i, r in enumerate(desc.resource)}
        self.uniq = 0

    # ---- helpers ----
    def _name(self, kind):
        self.uniq += 1
        return f"{kind}_n{self.uniq}"

    def _chance(self, p):
        return self.rng.random() < p

    @staticmethod
    def _arg(call, value=None, ref=None, offset=0):
        a = call.arg.add()
        if ref is not None:
            a.ref = ref
            if offset:
                a.offset = offset
        else:
            a.value = value
        return a

    def _call(self, op, out="", path="", data=b""):
        c = pb.Call(op=op, out=out, path=path, data=data)
        return c

    # ---- values ----
    def _int(self, f):
        r = self.rng
        lo, hi = f.min, f.max
        if f.type == "int" and lo == hi == 0 and f.size == 8 and r.random() < 0.9:
            return 0
        x = r.random()
        if x < 0.08:  # deliberately outside the range
            return r.choice((hi + 1, lo - 1, -1, 1 << (8 * f.size - 1), (1 << (8 * f.size)) - 1))
        if x < 0.4:
            return r.choice((lo, hi, lo + 1, hi - 1, 0, 1))
        return r.randint(lo, hi) if hi >= lo else lo

    def field_value(self, f):
        r = self.rng
        if f.type == "int":
            return self._int(f)
        if f.type == "flags":
            v = 0
            for bit in f.value:
                if r.random() < 0.4:
                    v |= bit
            if r.random() < 0.05:
                v |= 1 << r.randrange(8 * f.size)
            return v
        if f.type == "enum":
            return r.choice(f.value) if r.random() < 0.93 else r.choice((-1, max(f.value) + 1, 0x7f))
        if f.type == "resource":
            special = list(self.d.resource[self.res_index[f.resource]].special)
            return r.choice(special + [0, 1, 2, 3]) if r.random() < 0.9 else r.randrange(1 << 16)
        if f.type == "sglist":
            return 0  # its address is stored by a poke_int (sg_bundle)
        if f.type == "pointer":
            if r.random() < 0.8:  # where this program's mmaps land (contiguous pages from the base)
                return USER_BASE + PAGE * r.randrange(8)
            return r.choice(BAD_POINTERS)
        if f.type == "len":
            return r.choice((0, 1, 8, 64, PAGE, PAGE + 1, r.randrange(PAGE * 2)))
        return 0

    def encode_field(self, f):
        if f.type == "pad":
            return bytes(f.size)
        if f.type == "bytes":
            b = bytearray(self.rng.choice(f.blob)[:f.size].ljust(f.size, b"\0"))
            if self.rng.random() < 0.05:  # one byte flipped
                b[self.rng.randrange(f.size)] ^= 1 << self.rng.randrange(8)
            return bytes(b)
        if f.type == "string":
            s = self.rng.choice(f.text).encode()
            if self.rng.random() < 0.05:  # no terminating NUL
                return (s * (f.size // max(len(s), 1) + 1))[:f.size]
            return s[:f.size - 1].ljust(f.size, b"\0")
        v = self.field_value(f) & ((1 << (8 * f.size)) - 1)
        return struct.pack(INT_FMT[f.size], v)

    def encode_struct(self, io):
        layout, size = self.layouts[io.name]
        buf = bytearray(size)
        for f, off in layout:
            b = self.encode_field(f)
            buf[off:off + len(b)] = b
        return bytes(buf)

    def remutate_struct(self, io, data):
        """data with one field of io's struct generated afresh."""
        layout, size = self.layouts[io.name]
        buf = bytearray(data.ljust(size, b"\0"))
        if not layout:
            return bytes(buf)
        f, off = self.rng.choice(layout)
        b = self.encode_field(f)
        buf[off:off + len(b)] = b
        return bytes(buf)

    # ---- calls ----
    def _outs_before(self, thread, pos, kind):
        return [c.out for c in thread.call[:pos] if kind_of(c.out) == kind]

    def ioctl_calls(self, thread, pos, io=None):
        """The calls that issue one described ioctl at `pos` of thread: an
        open and an mmap when the thread has none to reuse, the poke of the
        argument struct, the ioctl."""
        r = self.rng
        io = io or r.choice(self.d.ioctl)
        calls = []
        if not self.d.ioctl:
            return calls
        node = self.nodes.index(io.node)
        fds = self._outs_before(thread, pos, f"fd{node}")
        if fds and r.random() < 0.85:
            fd = r.choice(fds)
        else:
            fd = self._name(f"fd{node}")
            calls.append(self.open_call(node, fd))
        c_io = self._call("ioctl", out=self._name(f"res{self.res_index[io.produces]}")
                          if io.produces else "")
        if r.random() < 0.02:
            self._arg(c_io, BAD_FD)
        else:
            self._arg(c_io, ref=fd)
        cmd = io.cmd
        if r.random() < 0.03:  # an unknown command
            cmd = io.cmd ^ (1 << r.randrange(8)) if r.random() < 0.7 else r.randrange(1 << 16)
        if cmd != io.cmd:
            c_io.out = ""  # another command (a flipped bit may name a real one): no resource, no oracle
        self._arg(c_io, cmd)
        if io.arg == "none":
            self._arg(c_io, 0)
        elif io.arg == "value":
            self._arg(c_io, self.field_value(io.field[0]))
        else:
            bufs = self._outs_before(thread, pos, "buf")
            if bufs and r.random() < 0.7:
                buf = r.choice(bufs)
            else:
                buf = self._name("buf")
                calls.append(self.mmap_call(buf))
            size = self.layouts[io.name][1]
            x = r.random()
            off = 0
            if x < 0.04:
                off = PAGE - max(size // 2, 1)  # the struct runs past the mapping
            elif x < 0.15:
                off = r.randrange(0, PAGE - size, 8) if size < PAGE else 0
            after = []
            if io.dir != "out" or r.random() < 0.3:
                data = bytearray(self.encode_struct(io))
                inner, after = self.struct_refs(thread, pos, io, buf, off, data, calls)
                if off + len(data) > PAGE:
                    data = data[:PAGE - off]
                    inner = [c for c in inner if c.arg[0].offset < PAGE]
                if data:
                    poke = self._call("poke", data=bytes(data))
                    self._arg(poke, ref=buf, offset=off)
                    calls.append(poke)
                calls.extend(inner)
            if r.random() < 0.03:
                self._arg(c_io, r.choice(BAD_POINTERS))
            else:
                self._arg(c_io, ref=buf, offset=off)
            if io.produces_field:
                f_off = next(o for f, o in self.layouts[io.name][0] if f.name == io.produces_field)
                size = next(f.size for f in io.field if f.name == io.produces_field)
                peek = self._call("peek_int", out=c_io.out)  # the resource is the loaded field
                c_io.out = ""
                self._arg(peek, ref=buf, offset=off + f_off)
                self._arg(peek, size)
                after.insert(0, peek)
            mark, claim = self.claim_check(thread, pos, io, c_io, calls)
            calls.extend(mark)
            calls.append(c_io)
            calls.extend(self.oracle(io, c_io.out))
            calls.extend(after)
            calls.extend(claim)
            return calls
        mark, claim = self.claim_check(thread, pos, io, c_io, calls)
        calls.extend(mark)
        calls.append(c_io)
        calls.extend(self.oracle(io, c_io.out))
        calls.extend(claim)
        return calls

    def oracle(self, io, out):
        """assert_range on a produced resource the description bounds."""
        if not io.produces or not out:
            return []
        res = self.d.resource[self.res_index[io.produces]]
        if not res.HasField("valid_min"):
            return []
        c = self._call("assert_range", path=f"{io.name}.{res.name}")
        self._arg(c, ref=out)
        self._arg(c, res.valid_min)
        self._arg(c, res.valid_max)
        return [c]

    def claim_check(self, thread, pos, io, c_io, before):
        """The exhaustion oracle of the resource io produces, sometimes:
        ([solo_mark] to run just before the ioctl, the probes and
        assert_claim to run after it). The ioctl's return value is the claim
        (named if it was not); the probe's struct goes to a buffer of the
        thread's (mapped first, appended to `before`, if it has none)."""
        res = self.d.resource[self.res_index[io.produces]] if io.produces else None
        if res is None or not res.exhausted_errno or c_io.arg[1].value != io.cmd or \
                self.rng.random() >= CLAIM_CHANCE:
            return [], []
        if not c_io.out:
            c_io.out = self._name("ret")
        probe = next(x for x in self.d.ioctl if x.name == res.probe)
        node = self.nodes.index(probe.node)
        if probe.node == io.node and c_io.arg[0].WhichOneof("v") == "ref":
            fd = c_io.arg[0].ref
        else:
            fds = self._outs_before(thread, pos, f"fd{node}")
            fd = fds[-1] if fds else self._name(f"fd{node}")
            if not fds:
                before.append(self.open_call(node, fd))
        bufs = self._outs_before(thread, pos, "buf") + \
            [c.out for c in before if kind_of(c.out) == "buf"]
        buf = bufs[-1] if bufs else self._name("buf")
        if not bufs:
            before.append(self.mmap_call(buf))
        mark = self._call("solo_mark", out=self._name("mark"))
        layout, _size = self.layouts[probe.name]
        f_off, f = next((o, f) for f, o in layout if f.type == "resource" and f.resource == res.name)
        pk = self._call("poke", data=self.encode_struct(probe))
        self._arg(pk, ref=buf)
        after, probes = [pk], []
        for v in range(res.valid_min, res.valid_max + 1):
            c = self._call("poke_int")
            self._arg(c, ref=buf, offset=f_off)
            self._arg(c, v)
            self._arg(c, f.size)
            q = self._call("ioctl", out=self._name("prb"))
            self._arg(q, ref=fd)
            self._arg(q, probe.cmd)
            self._arg(q, ref=buf)
            after += [c, q]
            probes.append(q.out)
        chk = self._call("assert_claim", path=f"{io.name}.{res.name}.exhausted")
        self._arg(chk, ref=mark.out)
        self._arg(chk, ref=c_io.out)
        self._arg(chk, -res.exhausted_errno)
        self._arg(chk, -res.probe_free_errno)
        self._arg(chk, probe.cmd)
        for q in probes:
            self._arg(chk, ref=q)
        after.append(chk)
        return [mark], after

    def struct_refs(self, thread, pos, io, buf, off, data, before):
        """Pointers and resources inside the struct: poke_int calls that
        store a buffer's address or an earlier call's resource into their
        fields (run after the struct's poke), the S/G bundle's set-up
        (appended to `before`) and the oracle calls to run after the ioctl.
        Fills the S/G count/byte fields in `data`."""
        r = self.rng
        inner, after = [], []
        layout = dict((f.name, o) for f, o in self.layouts[io.name][0])
        for f, fo in self.layouts[io.name][0]:
            if f.type == "resource":
                have = self._outs_before(thread, pos, f"res{self.res_index[f.resource]}")
                if have and r.random() < 0.7:
                    c = self._call("poke_int")
                    self._arg(c, ref=buf, offset=off + fo)
                    self._arg(c, ref=r.choice(have))
                    self._arg(c, f.size)
                    inner.append(c)
            elif f.type == "pointer" and r.random() < 0.7:
                # a real buffer: the second half of the struct's own page
                c = self._call("poke_int")
                self._arg(c, ref=buf, offset=off + fo)
                self._arg(c, ref=buf, offset=PAGE // 2)
                self._arg(c, f.size)
                inner.append(c)
                if f.blob:  # holding one of the described blobs, its length in len_of
                    blob = r.choice(f.blob)
                    pk = self._call("poke", data=blob)
                    self._arg(pk, ref=buf, offset=PAGE // 2)
                    inner.append(pk)
                    if f.len_of and r.random() < 0.92:
                        g = next(x for x in io.field if x.name == f.len_of)
                        o = layout[f.len_of]
                        data[o:o + g.size] = struct.pack(INT_FMT[g.size], len(blob) & ((1 << (8 * g.size)) - 1))
            elif f.type == "sglist" and r.random() < 0.9:
                sgd = self._name("sgd")
                m = self._call("mmap", out=sgd)
                self._arg(m, SGD_PAGES * PAGE)
                self._arg(m, PROT_RW)
                before.append(m)
                total = r.choice(SG_TOTALS)
                k = r.randint(1, 4)
                cuts = sorted(r.sample(range(1, total), k - 1)) if k > 1 else []
                sizes = [b - a for a, b in zip([0] + cuts, cuts + [total])]
                lst = self._call("poke", data=b"".join(struct.pack("<QQ", 0, n) for n in sizes))
                self._arg(lst, ref=sgd)
                before.append(lst)
                at = SGD_DATA + SG_GAP
                gaps = []
                for i, n in enumerate(sizes):
                    c = self._call("poke_int")
                    self._arg(c, ref=sgd, offset=16 * i)
                    self._arg(c, ref=sgd, offset=at)
                    self._arg(c, 8)
                    before.append(c)
                    gaps.append(at + n)
                    at += n + SG_GAP
                c = self._call("poke_int")
                self._arg(c, ref=buf, offset=off + fo)
                self._arg(c, ref=sgd)
                self._arg(c, 8)
                inner.append(c)
                for name, v in ((f.sg_count, k), (f.sg_bytes, total)):
                    if name and r.random() < 0.92:
                        g = next(x for x in io.field if x.name == name)
                        o = layout[name]
                        data[o:o + g.size] = struct.pack(INT_FMT[g.size], v & ((1 << (8 * g.size)) - 1))
                # The oracle: the gap after each of the first two entries holds
                # the same 8 bytes after the call as before it.
                for gap in gaps[:2]:
                    pre, post = self._name("pre"), self._name("post")
                    a = self._call("peek_int", out=pre)
                    self._arg(a, ref=sgd, offset=gap)
                    self._arg(a, 8)
                    inner.append(a)
                    b = self._call("peek_int", out=post)
                    self._arg(b, ref=sgd, offset=gap)
                    self._arg(b, 8)
                    chk = self._call("assert_range", path=f"{io.name}.{f.name}.gap_written")
                    self._arg(chk, ref=post)
                    self._arg(chk, ref=pre)
                    self._arg(chk, ref=pre)
                    after += [b, chk]
        return inner, after

    def rw_calls(self, thread, pos, node):
        """read/write/pread/pwrite of a node described with rw."""
        r = self.rng
        calls = []
        fds = self._outs_before(thread, pos, f"fd{node}")
        if fds and r.random() < 0.85:
            fd = r.choice(fds)
        else:
            fd = self._name(f"fd{node}")
            calls.append(self.open_call(node, fd))
        bufs = self._outs_before(thread, pos, "buf")
        if bufs and r.random() < 0.7:
            buf = r.choice(bufs)
        else:
            buf = self._name("buf")
            calls.append(self.mmap_call(buf))
        op = r.choice(("read", "write", "pread", "pwrite"))
        mx = self.d.node[node].rw_max or PAGE
        n = r.choice((512, 512, 1024, mx, r.randrange(1, mx + 1), mx + 512))
        c = self._call(op)
        self._arg(c, ref=fd)
        self._arg(c, ref=buf) if r.random() < 0.96 else self._arg(c, r.choice(BAD_POINTERS))
        self._arg(c, n)
        if op.startswith("p"):
            self._arg(c, r.choice((0, 512, 1024, 2048, 4096, -512)))
        calls.append(c)
        return calls

    def op_calls(self, thread, pos):
        """One described operation: mostly an ioctl, sometimes a read or
        write of a node described with rw."""
        rw = [i for i, n in enumerate(self.d.node) if n.rw]
        if rw and (not self.d.ioctl or self.rng.random() < 0.3):
            return self.rw_calls(thread, pos, self.rng.choice(rw))
        return self.ioctl_calls(thread, pos)

    def open_call(self, node, out):
        c = self._call("open", out=out, path=self.nodes[node])
        flags = list(self.d.node[node].oflags) or [O_RDWR]
        self._arg(c, self.rng.choice(flags) if self.rng.random() < 0.95 else self.rng.randrange(0x1000))
        return c

    def mmap_call(self, out):
        c = self._call("mmap", out=out)
        self._arg(c, PAGE)
        self._arg(c, PROT_RW)
        return c

    # ---- programs ----
    def skeleton(self):
        p = pb.Program()
        p.driver.add(name=self.d.driver, variant=self.variant)
        for f in self.d.file:
            p.file.add().CopyFrom(f)
        p.proc.add(name="user", model="lp64")
        return p

    def new_thread(self, p):
        used = {t.name for t in p.thread}
        name = next(f"t{i}" for i in range(len(used) + 1) if f"t{i}" not in used)
        return p.thread.add(name=name, proc="user")

    def generate(self):
        p = self.skeleton()
        for _ in range(self.rng.randint(1, MAX_THREADS)):
            t = self.new_thread(p)
            for _ in range(self.rng.randint(1, 3)):
                t.call.extend(self.op_calls(t, len(t.call)))
        repair(p)
        return p

    def schedule(self):
        return {"name": self.rng.choice(STRATEGIES), "pct_depth": self.rng.randint(1, 3)}

    # ---- mutations ----
    def mutate(self, p, sched, other=None):
        """A mutated copy of (program, schedule); `other` a second corpus
        program to splice from."""
        q = pb.Program()
        q.CopyFrom(p)
        sched = dict(sched)
        ops = [self.m_insert] * 6 + [self.m_args] * 5 + [self.m_remove] * 3 + \
              [self.m_move] * 2 + [self.m_unmap] * 2 + [self.m_close] * 2 + \
              [self.m_thread] + [self.m_splice] + [self.m_dup] * 3
        for _ in range(self.rng.choice((1, 1, 1, 2, 3))):
            if self.rng.random() < 0.1:
                sched = self.schedule()
            else:
                self.rng.choice(ops)(q, other)
        repair(q)
        return q, sched

    def _pick_thread(self, p):
        if not p.thread:
            self.new_thread(p)
        return self.rng.choice(p.thread)

    def m_insert(self, p, other):
        t = self._pick_thread(p)
        if len(t.call) >= MAX_CALLS:
            return
        pos = self.rng.randint(0, len(t.call))
        for k, c in enumerate(self.op_calls(t, pos)):
            t.call.insert(pos + k, c)

    def m_remove(self, p, other):
        t = self._pick_thread(p)
        if t.call:
            del t.call[self.rng.randrange(len(t.call))]

    def m_args(self, p, other):
        t = self._pick_thread(p)
        ioctls = [i for i, c in enumerate(t.call) if c.op == "ioctl"]
        if not ioctls:
            return self.m_insert(p, other)
        i = self.rng.choice(ioctls)
        c = t.call[i]
        io = self.by_cmd.get(c.arg[1].value) if len(c.arg) > 1 else None
        pokes = [j for j in range(i) if t.call[j].op == "poke" and c.arg[2].ref
                 and t.call[j].arg[0].ref == c.arg[2].ref]
        if io is not None and io.arg in ("", "struct") and pokes and self.rng.random() < 0.8:
            pk = t.call[pokes[-1]]
            pk.data = self.remutate_struct(io, pk.data)
        elif io is not None and io.arg == "value" and self.rng.random() < 0.8:
            c.arg[2].value = self.field_value(io.field[0])
        else:  # another described command on the same fd, or a bad one
            io2 = self.rng.choice(self.d.ioctl)
            cmd = io2.cmd if self.rng.random() < 0.9 else io2.cmd + 0x40
            if io2.produces != (io.produces if io else "") or io2.produces_field or cmd != io2.cmd:
                c.out = ""  # not the same resource: its users and oracle are repaired away
            c.arg[1].value = cmd

    def m_dup(self, p, other):
        """Repeats an ioctl with its struct's poke, one field regenerated
        (map one more file, one more minor: state that builds up)."""
        t = self._pick_thread(p)
        cands = [i for i, c in enumerate(t.call) if c.op == "ioctl" and i > 0
                 and t.call[i - 1].op == "poke" and len(t.call) + 2 <= MAX_CALLS]
        if not cands:
            return self.m_insert(p, other)
        i = self.rng.choice(cands)
        io = self.by_cmd.get(t.call[i].arg[1].value)
        pk, c = pb.Call(), pb.Call()
        pk.CopyFrom(t.call[i - 1])
        c.CopyFrom(t.call[i])
        if io is not None and io.arg in ("", "struct"):
            pk.data = self.remutate_struct(io, pk.data)
        before, claim = [], []
        if io is not None and len(t.call) + 16 <= MAX_CALLS:
            mark, claim = self.claim_check(t, i + 1, io, c, before)
            before += mark
        new = [pk] + before + [c] + (self.oracle(io, c.out) if io is not None else []) + claim
        for k, x in enumerate(new):
            t.call.insert(i + 1 + k, x)

    def m_move(self, p, other):
        while len(p.thread) < 2:
            self.new_thread(p)
        src, dst = self.rng.sample(list(p.thread), 2)
        if not src.call:
            return
        a = self.rng.randrange(len(src.call))
        b = min(len(src.call), a + self.rng.randint(1, 4))
        moved = [pb.Call() for _ in range(b - a)]
        for m, c in zip(moved, src.call[a:b]):
            m.CopyFrom(c)
        del src.call[a:b]
        pos = self.rng.randint(0, len(dst.call))
        for k, c in enumerate(moved):
            dst.call.insert(pos + k, c)

    def _later_use(self, p, kind, op, nargs):
        """Insert `op` on a result of `kind` somewhere after it is made (in
        that thread, or in another: the race)."""
        cands = [(t, i) for t in p.thread for i, c in enumerate(t.call) if kind(c.out)]
        if not cands:
            return
        t, i = self.rng.choice(cands)
        c = self._call(op)
        self._arg(c, ref=t.call[i].out)
        for v in nargs:
            self._arg(c, v)
        if self.rng.random() < 0.6 or len(p.thread) == 1:
            t.call.insert(self.rng.randint(i + 1, len(t.call)), c)
        else:
            others = [u for u in p.thread if u is not t]
            u = self.rng.choice(others)
            u.call.insert(self.rng.randint(0, len(u.call)), c)

    def m_unmap(self, p, other):
        self._later_use(p, lambda o: kind_of(o) == "buf", "munmap", (PAGE,))

    def m_close(self, p, other):
        self._later_use(p, lambda o: kind_of(o).startswith("fd"), "close", ())

    def m_thread(self, p, other):
        if len(p.thread) < MAX_THREADS and self.rng.random() < 0.7:
            t = self.new_thread(p)
            t.call.extend(self.op_calls(t, 0))
        elif len(p.thread) > 1:
            del p.thread[self.rng.randrange(len(p.thread))]

    def m_splice(self, p, other):
        if other is None or not other.thread:
            return self.m_insert(p, other)
        src = self.rng.choice(other.thread)
        if len(p.thread) >= MAX_THREADS:
            del p.thread[self.rng.randrange(len(p.thread))]
        t = self.new_thread(p)
        t.call.extend(src.call)


def repair(p):
    """Makes a mutated program valid for program_check, deterministically:
    results renamed <kind>_<thread>_<call>; a reference to a result no
    earlier call (this thread's, or an earlier thread's) made goes to the
    latest result of the same kind in the thread (never for an oracle's
    refs or an S/G data mapping), else becomes a bad constant (an EBADF fd,
    a NULL buffer: invalid arguments on purpose; -1 for an oracle);
    threads trimmed to MAX_CALLS and MAX_THREADS; empty threads dropped."""
    del p.thread[MAX_THREADS:]
    defined = {}  # old name -> new name, of earlier threads (last definition wins)
    for ti, t in enumerate(p.thread):
        del t.call[MAX_CALLS:]
        local = {}
        latest = {}  # kind -> new name, in this thread so far
        for ci, c in enumerate(t.call):
            # An oracle compares what it was made for, or nothing: a broken
            # reference becomes -1 (an error result: assert_range passes,
            # assert_claim's window is disarmed).
            exact = c.op in ("assert_range", "assert_claim")
            for a in c.arg:
                if a.WhichOneof("v") != "ref":
                    continue
                new = local.get(a.ref) or defined.get(a.ref)
                # An S/G data mapping (sgd) belongs to its bundle: the entry
                # offsets and the gap oracle are laid out for it alone, so no
                # other mapping stands in for a lost one (another bundle's
                # data in "its" gaps would be a false finding).
                if not new and not exact and kind_of(a.ref) != "sgd":
                    new = latest.get(kind_of(a.ref))
                if exact and not new:
                    a.value = -1  # an error result: the oracle passes
                    continue
                if new:
                    a.ref = new
                else:
                    off = a.offset
                    a.value = BAD_FD if kind_of(a.ref).startswith("fd") else 0
                    a.offset = off
            if c.out:
                new = f"{kind_of(c.out)}_{ti}_{ci}"
                local[c.out] = new
                latest[kind_of(c.out)] = new
                c.out = new
        defined.update(local)
    keep = [t for t in p.thread if t.call]
    if len(keep) != len(p.thread):
        kept = [pb.ProgThread() for _ in keep]
        for k, t in zip(kept, keep):
            k.CopyFrom(t)
        del p.thread[:]
        p.thread.extend(kept)
    return p
