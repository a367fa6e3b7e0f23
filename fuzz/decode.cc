#include "fuzz/decode.h"

#include <algorithm>

#include "fuzz/bytes.h"
#include "kernel_model/drivers.h"

namespace ks::fuzz {

namespace {

constexpr int64_t kPage = 4096;
constexpr int kKillable = 2;  // with signals: the thread SIGKILL may reach
constexpr int64_t kORdwr = 2;
constexpr int64_t kProtRw = 3;
constexpr int64_t kUserBase = 0xC0000000;  // DESIGN.md: user addresses start here
constexpr int64_t kSgdPages = 24;          // an S/G data mapping; entries in its far pages
constexpr int64_t kSgdData = 20 * kPage;
constexpr int64_t kSgGap = 8;              // bytes between entries, checked unwritten
constexpr int64_t kSgTotals[] = {512, 1024, 1536, 2048, 3072};
constexpr int64_t kBadFd = 1000;
constexpr int64_t kBadPointers[] = {0, 8, 0xFFF, kUserBase - 8, 0xFFFFF000};

using kernsim::Call;
using kernsim::FuzzField;
using kernsim::FuzzIoctl;

std::string kind_of(const std::string& out) { return out.substr(0, out.find('_')); }

void val(Call* c, int64_t v) { c->add_arg()->set_value(v); }
void ref(Call* c, const std::string& name, int64_t offset = 0) {
  auto* a = c->add_arg();
  a->set_ref(name);
  if (offset) a->set_offset(offset);
}

// Two's-complement arithmetic on described bounds (INT64_MAX + 1 is meant).
int64_t wrap(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}

void put_le(std::string& buf, size_t off, uint64_t v, uint32_t size) {
  for (uint32_t i = 0; i < size && off + i < buf.size(); i++) buf[off + i] = static_cast<char>(v >> (8 * i));
}

}  // namespace

// One decoding: the byte source, the Program being built, its threads.
struct Build {
  struct Thread {
    kernsim::ProgThread* t;
    int index;
    int serial = 0;
    std::vector<std::string> outs;  // results made so far, in order
  };

  const Decoder& dec;
  const kernsim::DriverDescription& d;
  Bytes b;
  Decoded out = Decoded::fresh();
  std::vector<Thread> threads;

  Build(const Decoder& dc, const uint8_t* data, size_t size)
      : dec(dc), d(dc.d_), b(data, size) {}

  // ---- names and calls ----
  std::string fresh(Thread& t, const std::string& kind) {
    return kind + "_" + std::to_string(t.index) + "_" + std::to_string(t.serial++);
  }
  Call* add(Thread& t, const char* op, const std::string& out = "") {
    Call* c = t.t->add_call();
    c->set_op(op);
    if (!out.empty()) {
      c->set_out(out);
      t.outs.push_back(out);
    }
    return c;
  }
  // Results of `kind` this thread made, or (visible) also earlier threads'.
  std::vector<std::string> own(const Thread& t, const std::string& kind) const {
    std::vector<std::string> v;
    for (const auto& o : t.outs)
      if (kind_of(o) == kind) v.push_back(o);
    return v;
  }
  std::vector<std::string> visible(const Thread& t, const std::string& kind,
                                   bool prefix = false) const {
    std::vector<std::string> v;
    for (const Thread& u : threads) {
      if (u.index > t.index) continue;
      for (const auto& o : u.outs) {
        std::string k = kind_of(o);
        if (prefix ? k.rfind(kind, 0) == 0 : k == kind) v.push_back(o);
      }
    }
    return v;
  }
  // One of a non-empty list, the latest by default.
  const std::string& pick(const std::vector<std::string>& v) {
    return v[v.size() - 1 - b.below(static_cast<uint32_t>(v.size()))];
  }
  int node_index(const std::string& path) const {
    for (int i = 0; i < d.node_size(); i++)
      if (d.node(i).path() == path) return i;
    return 0;  // checked by parse_description: never reached
  }
  int res_index(const std::string& name) const {
    for (int i = 0; i < d.resource_size(); i++)
      if (d.resource(i).name() == name) return i;
    return 0;
  }
  int ioctl_index(const std::string& name) const {
    for (int i = 0; i < d.ioctl_size(); i++)
      if (d.ioctl(i).name() == name) return i;
    return 0;
  }

  std::string open_call(Thread& t, int node) {
    std::string fd = fresh(t, "fd" + std::to_string(node));
    Call* c = add(t, "open", fd);
    c->set_path(d.node(node).path());
    const auto& fl = d.node(node).oflags();
    if (b.rare(12)) val(c, b.le(2) & 0xfff);
    else if (fl.empty()) val(c, kORdwr);
    else val(c, fl[b.below(fl.size())]);
    return fd;
  }
  std::string mmap_call(Thread& t, const std::string& kind = "buf", int64_t len = kPage) {
    std::string buf = fresh(t, kind);
    Call* c = add(t, "mmap", buf);
    val(c, len);
    val(c, kProtRw);
    return buf;
  }
  // An fd of node (fresh when asked or when the thread has none).
  std::string fd_for(Thread& t, int node, bool fresh_one) {
    auto fds = own(t, "fd" + std::to_string(node));
    if (!fds.empty() && !fresh_one) return pick(fds);
    return open_call(t, node);
  }
  std::string buf_for(Thread& t, bool fresh_one) {
    auto bufs = own(t, "buf");
    if (!bufs.empty() && !fresh_one) return pick(bufs);
    return mmap_call(t);
  }

  // ---- field values ----
  int64_t int_value(const FuzzField& f) {
    int64_t lo = f.min(), hi = f.max();
    uint8_t m = b.byte();
    if (m >= 236) {  // deliberately outside the range
      uint64_t all = f.size() >= 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * f.size())) - 1;
      const int64_t bad[] = {wrap(hi, 1), wrap(lo, -1), -1, static_cast<int64_t>(uint64_t{1} << (8 * f.size() - 1)),
                             static_cast<int64_t>(all)};
      return bad[b.below(5)];
    }
    switch (m % 7) {
      case 1: return lo;
      case 2: return hi;
      case 3: return wrap(lo, 1);
      case 4: return wrap(hi, -1);
      case 5: return 0;
      case 6: return 1;
      default: {
        uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo) + 1;
        uint64_t r = b.le(span > 0xffffffffull || span == 0 ? 8 : 4);
        return span == 0 ? static_cast<int64_t>(r) : wrap(lo, static_cast<int64_t>(r % span));
      }
    }
  }
  int64_t field_value(const FuzzField& f) {
    const std::string& ty = f.type();
    if (ty == "int") return int_value(f);
    if (ty == "flags") {
      int64_t v = 0;
      for (int i = 0; i < f.value_size(); i += 8) {
        uint8_t bits = b.byte();
        for (int j = 0; j < 8 && i + j < f.value_size(); j++)
          if (bits >> j & 1) v |= f.value(i + j);
      }
      if (b.rare(12)) v |= int64_t{1} << b.below(8 * f.size());
      return v;
    }
    if (ty == "enum") {
      uint8_t m = b.byte();
      if (m >= 246) {
        int64_t mx = *std::max_element(f.value().begin(), f.value().end());
        const int64_t bad[] = {-1, wrap(mx, 1), 0x7f};
        return bad[m % 3];
      }
      return f.value(m % f.value_size());
    }
    if (ty == "resource") {
      const auto& r = d.resource(res_index(f.resource()));
      uint8_t m = b.byte();
      if (m >= 240) return static_cast<int64_t>(b.le(2));
      std::vector<int64_t> v(r.special().begin(), r.special().end());
      for (int64_t x : {0, 1, 2, 3}) v.push_back(x);
      return v[m % v.size()];
    }
    if (ty == "pointer") {
      uint8_t m = b.byte();
      if (m >= 230) return kBadPointers[m % 5];
      return kUserBase + kPage * (m % 8);
    }
    if (ty == "len") {
      switch (b.below(7)) {
        case 0: return 0;
        case 1: return 1;
        case 2: return 8;
        case 3: return 64;
        case 4: return kPage;
        case 5: return kPage + 1;
        default: return static_cast<int64_t>(b.le(2) % (2 * kPage));
      }
    }
    return 0;  // sglist (stored by a poke_int), pad
  }
  void encode_field(const FuzzField& f, std::string& buf, size_t off) {
    const std::string& ty = f.type();
    if (ty == "pad") return;
    if (ty == "bytes") {
      std::string v = f.blob(b.below(f.blob_size())).substr(0, f.size());
      v.resize(f.size(), '\0');
      if (b.rare(12)) v[b.below(f.size())] ^= static_cast<char>(1 << b.below(8));
      buf.replace(off, f.size(), v);
      return;
    }
    if (ty == "string") {
      std::string s = f.text(b.below(f.text_size()));
      std::string v;
      if (b.rare(12) && !s.empty()) {  // no terminating NUL
        while (v.size() < f.size()) v += s;
        v.resize(f.size());
      } else {
        v = s.substr(0, f.size() - 1);
        v.resize(f.size(), '\0');
      }
      buf.replace(off, f.size(), v);
      return;
    }
    put_le(buf, off, static_cast<uint64_t>(field_value(f)), f.size());
  }
  std::string encode_struct(const Layout& l) {
    std::string buf(l.size, '\0');
    for (auto [f, off] : l.fields) encode_field(*f, buf, off);
    return buf;
  }

  // ---- one ioctl ----
  // Pointers, resources and S/G lists inside the struct: set-up calls are
  // appended now (before the struct's poke), poke_ints and the S/G gap
  // oracle's loads go to `inner`/`post`. Fills the S/G count/byte fields.
  void struct_refs(Thread& t, const FuzzIoctl& io, const Layout& l, const std::string& buf,
                   int64_t off, std::string& data, std::vector<Call>& inner,
                   std::vector<Call>& post) {
    for (auto [fp, fo] : l.fields) {
      const FuzzField& f = *fp;
      if (f.type() == "resource") {
        auto have = visible(t, "res" + std::to_string(res_index(f.resource())));
        uint8_t m = b.byte();
        if (have.empty() || m >= 180) continue;
        Call c;
        c.set_op("poke_int");
        ref(&c, buf, off + fo);
        ref(&c, have[have.size() - 1 - m % have.size()]);
        val(&c, f.size());
        inner.push_back(c);
      } else if (f.type() == "pointer") {
        if (b.byte() >= 180) continue;
        Call c;  // a real buffer: the second half of the struct's own page
        c.set_op("poke_int");
        ref(&c, buf, off + fo);
        ref(&c, buf, kPage / 2);
        val(&c, f.size());
        inner.push_back(c);
        if (f.blob_size() == 0) continue;
        // holding one of the described blobs, its length in len_of
        const std::string& blob = f.blob(b.below(f.blob_size()));
        Call pk;
        pk.set_op("poke");
        ref(&pk, buf, kPage / 2);
        pk.set_data(blob);
        inner.push_back(pk);
        if (f.len_of().empty() || b.rare(20)) continue;
        for (auto [g, go] : l.fields)
          if (g->name() == f.len_of()) put_le(data, go, blob.size(), g->size());
      } else if (f.type() == "sglist") {
        uint8_t m = b.byte();
        if (m >= 230) continue;
        int64_t total = kSgTotals[m % 5];
        int k = 1 + b.below(4);
        std::vector<int64_t> cuts;
        for (int i = 0; i < k - 1; i++) cuts.push_back(1 + static_cast<int64_t>(b.le(2) % (total - 1)));
        std::sort(cuts.begin(), cuts.end());
        cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
        std::vector<int64_t> sizes;
        int64_t prev = 0;
        for (int64_t x : cuts) {
          sizes.push_back(x - prev);
          prev = x;
        }
        sizes.push_back(total - prev);
        std::string sgd = mmap_call(t, "sgd", kSgdPages * kPage);
        std::string list;
        for (int64_t n : sizes) {
          std::string e(16, '\0');
          put_le(e, 8, static_cast<uint64_t>(n), 8);
          list += e;
        }
        Call* lp = add(t, "poke");
        ref(lp, sgd);
        lp->set_data(list);
        int64_t at = kSgdData + kSgGap;
        std::vector<int64_t> gaps;
        for (size_t i = 0; i < sizes.size(); i++) {
          Call* c = add(t, "poke_int");
          ref(c, sgd, static_cast<int64_t>(16 * i));
          ref(c, sgd, at);
          val(c, 8);
          gaps.push_back(at + sizes[i]);
          at += sizes[i] + kSgGap;
        }
        Call c;
        c.set_op("poke_int");
        ref(&c, buf, off + fo);
        ref(&c, sgd);
        val(&c, 8);
        inner.push_back(c);
        for (auto [name, v] : {std::pair<const std::string*, int64_t>{&f.sg_count(), int64_t(sizes.size())},
                               {&f.sg_bytes(), total}}) {
          if (name->empty() || b.rare(20)) continue;
          for (auto [g, go] : l.fields)
            if (g->name() == *name) put_le(data, go, static_cast<uint64_t>(v), g->size());
        }
        // The oracle: the gap after each of the first two entries holds the
        // same 8 bytes after the call as before it.
        for (size_t i = 0; i < gaps.size() && i < 2; i++) {
          std::string pre = fresh(t, "pre"), postn = fresh(t, "post");
          Call a;
          a.set_op("peek_int");
          a.set_out(pre);
          ref(&a, sgd, gaps[i]);
          val(&a, 8);
          inner.push_back(a);
          Call p;
          p.set_op("peek_int");
          p.set_out(postn);
          ref(&p, sgd, gaps[i]);
          val(&p, 8);
          Call chk;
          chk.set_op("assert_range");
          chk.set_path(io.name() + "." + f.name() + ".gap_written");
          ref(&chk, postn);
          ref(&chk, pre);
          ref(&chk, pre);
          post.push_back(p);
          post.push_back(chk);
        }
      }
    }
  }
  Call* append(Thread& t, const Call& c) {
    Call* x = t.t->add_call();
    *x = c;
    if (!c.out().empty()) t.outs.push_back(c.out());
    return x;
  }

  // The resource's exhaustion check around a producing ioctl: a solo_mark
  // now (just before it); the probes and assert_claim once it ran.
  struct Claim {
    std::string mark, fd, buf;
    const kernsim::FuzzResource* res = nullptr;
  };
  Claim claim_begin(Thread& t, const FuzzIoctl& io, const std::string& io_fd) {
    Claim cl;
    const auto& res = d.resource(res_index(io.produces()));
    const FuzzIoctl& probe = d.ioctl(ioctl_index(res.probe()));
    cl.fd = probe.node() == io.node() && !io_fd.empty()
                ? io_fd
                : fd_for(t, node_index(probe.node()), false);
    cl.buf = buf_for(t, false);
    cl.mark = fresh(t, "mark");
    add(t, "solo_mark", cl.mark);
    cl.res = &res;
    return cl;
  }
  void claim_end(Thread& t, const Claim& cl, const FuzzIoctl& io, const std::string& claim) {
    const auto& res = *cl.res;
    int pi = ioctl_index(res.probe());
    const FuzzIoctl& probe = d.ioctl(pi);
    const Layout& l = dec.layouts_[pi];
    uint32_t f_off = 0, f_size = 4;
    for (auto [f, o] : l.fields)
      if (f->type() == "resource" && f->resource() == res.name()) {
        f_off = o;
        f_size = f->size();
      }
    std::string data = encode_struct(l);
    if (!data.empty()) {
      Call* pk = add(t, "poke");
      ref(pk, cl.buf);
      pk->set_data(data);
    }
    std::vector<std::string> probes;
    for (int64_t v = res.valid_min(); v <= res.valid_max(); v++) {
      Call* c = add(t, "poke_int");
      ref(c, cl.buf, f_off);
      val(c, v);
      val(c, f_size);
      std::string out = fresh(t, "prb");
      Call* q = add(t, "ioctl", out);
      ref(q, cl.fd);
      val(q, static_cast<int64_t>(probe.cmd()));
      ref(q, cl.buf);
      probes.push_back(out);
    }
    Call* chk = add(t, "assert_claim");
    chk->set_path(io.name() + "." + res.name() + ".exhausted");
    ref(chk, cl.mark);
    ref(chk, claim);
    val(chk, -int64_t{res.exhausted_errno()});
    val(chk, -int64_t{res.probe_free_errno()});
    val(chk, static_cast<int64_t>(probe.cmd()));
    for (const auto& p : probes) ref(chk, p);
  }

  void ioctl_record(Thread& t) {
    if (d.ioctl_size() == 0) return;
    int ii = b.below(d.ioctl_size());
    const FuzzIoctl& io = d.ioctl(ii);
    const Layout& l = dec.layouts_[ii];
    uint8_t flags = b.byte();
    uint8_t bad = b.byte();  // >= 250 bad fd, 244.. unknown command, 238.. bad pointer
    int node = node_index(io.node());
    std::string fd = bad >= 250 ? "" : fd_for(t, node, flags & 1);
    int64_t cmd = static_cast<int64_t>(io.cmd());
    if (bad >= 244 && bad < 250)
      cmd = b.rare(77) ? static_cast<int64_t>(b.le(2)) : cmd ^ (int64_t{1} << b.below(8));
    // Another command (a flipped bit may name a real one) produces nothing
    // the oracles may check.
    const auto* res = io.produces().empty() || cmd != static_cast<int64_t>(io.cmd())
                          ? nullptr
                          : &d.resource(res_index(io.produces()));
    // The exhaustion check (about ten calls) on a quarter of drawn records.
    bool claim = res && res->exhausted_errno() && (flags & 0x0c) == 0x0c;

    Call c_io;
    c_io.set_op("ioctl");
    std::vector<Call> inner, post;
    std::string buf;
    int64_t off = 0;
    if (fd.empty()) val(&c_io, kBadFd);
    else ref(&c_io, fd);
    val(&c_io, cmd);
    if (io.arg() == "none") {
      val(&c_io, 0);
    } else if (io.arg() == "value") {
      val(&c_io, field_value(io.field(0)));
    } else {
      buf = buf_for(t, flags & 2);
      // flags >> 4: 0..12 the struct at the start of its page, 13..14
      // somewhere inside it, 15 running past the mapping's end (about 12%
      // and 6% of random bytes: an EFAULT is worth trying, not every time).
      uint8_t where = flags >> 4;
      if (where == 15)
        off = kPage - std::max<int64_t>(l.size / 2, 1);  // the struct runs past the mapping
      else if (where >= 13)
        off = l.size < kPage ? (int64_t{b.byte()} * 8) % (kPage - l.size) / 8 * 8 : 0;
      if (io.dir() != "out" || b.byte() < 77) {
        std::string data = encode_struct(l);
        struct_refs(t, io, l, buf, off, data, inner, post);
        if (off + static_cast<int64_t>(data.size()) > kPage) {
          data.resize(static_cast<size_t>(kPage - off));
          std::vector<Call> keep;
          for (auto& c : inner)  // stores into the struct past its page go with it
            if (c.op() != "poke_int" || c.arg(0).ref() != buf || c.arg(0).offset() < kPage)
              keep.push_back(c);
          inner.swap(keep);
        }
        if (!data.empty()) {
          Call* pk = add(t, "poke");
          ref(pk, buf, off);
          pk->set_data(data);
        }
      }
      if (bad >= 238 && bad < 244) val(&c_io, kBadPointers[bad % 5]);
      else ref(&c_io, buf, off);
    }
    for (const auto& c : inner) append(t, c);
    std::string produced;
    if (res) {
      if (!io.produces_field().empty()) {
        // the resource is a field of the struct the call fills in
        for (auto [f, fo] : l.fields)
          if (f->name() == io.produces_field() && !buf.empty()) {
            Call peek;
            peek.set_op("peek_int");
            produced = fresh(t, "res" + std::to_string(res_index(io.produces())));
            peek.set_out(produced);
            ref(&peek, buf, off + fo);
            val(&peek, f->size());
            post.insert(post.begin(), peek);
          }
        if (claim) c_io.set_out(fresh(t, "ret"));
      } else {
        produced = fresh(t, "res" + std::to_string(res_index(io.produces())));
        c_io.set_out(produced);
      }
    }
    Claim cl;
    if (claim) cl = claim_begin(t, io, fd);
    append(t, c_io);
    if (res && res->has_valid_min() && !produced.empty() && io.produces_field().empty()) {
      Call* o = add(t, "assert_range");
      o->set_path(io.name() + "." + res->name());
      ref(o, produced);
      val(o, res->valid_min());
      val(o, res->valid_max());
    }
    for (const auto& c : post) append(t, c);
    if (claim) claim_end(t, cl, io, c_io.out());
  }

  void rw_record(Thread& t) {
    std::vector<int> rw;
    for (int i = 0; i < d.node_size(); i++)
      if (d.node(i).rw()) rw.push_back(i);
    int node = rw[b.below(rw.size())];
    uint8_t flags = b.byte();
    std::string fd = fd_for(t, node, flags & 1);
    std::string buf = buf_for(t, flags & 2);
    static const char* const kOps[] = {"read", "write", "pread", "pwrite"};
    int op = b.below(4);
    int64_t mx = d.node(node).rw_max() ? d.node(node).rw_max() : kPage;
    int64_t n;
    switch (b.below(6)) {
      case 0: case 1: n = 512; break;
      case 2: n = 1024; break;
      case 3: n = mx; break;
      case 4: n = 1 + static_cast<int64_t>(b.le(2)) % mx; break;
      default: n = mx + 512; break;
    }
    Call* c = add(t, kOps[op]);
    ref(c, fd);
    if (b.rare(10)) val(c, kBadPointers[b.below(5)]);
    else ref(c, buf);
    val(c, n);
    if (op >= 2) {
      static const int64_t kOffs[] = {0, 512, 1024, 2048, 4096, -512};
      val(c, kOffs[b.below(6)]);
    }
  }

  // A close or munmap mostly of this thread's own fd or buffer; now and
  // then (byte >= 224) of an earlier thread's: the race, which often finds
  // the result not made yet (an invalid run, scenario:no_result).
  void close_record(Thread& t) {
    auto fds = visible(t, "fd", true);
    std::vector<std::string> mine;
    for (const auto& o : t.outs)
      if (kind_of(o).rfind("fd", 0) == 0) mine.push_back(o);
    if (b.byte() < 224 && !mine.empty()) fds = mine;
    if (fds.empty()) return;
    Call* c = add(t, "close");
    ref(c, pick(fds));
  }
  // The described driver's unload, after closing every fd this thread can
  // see (its own and earlier threads': an unload is refused while a node
  // is open): the close and the detach race with what those fds started
  // (taskq entries, soft interrupts, callouts) and with later threads.
  void unload_record(Thread& t) {
    for (const std::string& fd : visible(t, "fd", true)) ref(add(t, "close"), fd);
    add(t, "modunload")->set_path(dec.module_);
  }
  // A signal to another thread: SIGKILL to t2, the one thread in a
  // process of its own (when this is not t2 and k is odd), else SIGINT to
  // one of the others, chosen by k. A name no thread ends up with (a
  // thread dropped for having no calls) answers ESRCH.
  void signal_record(Thread& t, uint8_t k) {
    constexpr int kSigint = 2, kSigkill = 9;
    const int n = kMaxThreads - 1;
    int target = (t.index + 1 + (k >> 1) % n) % kMaxThreads;
    int sig = kSigint;
    if ((k & 1) && t.index != kKillable) {
      target = kKillable;
      sig = kSigkill;
    }
    Call* c = add(t, "kill");
    c->set_path("t" + std::to_string(target));
    val(c, sig);
  }
  void munmap_record(Thread& t) {
    auto bufs = visible(t, "buf");
    auto mine = own(t, "buf");
    if (b.byte() < 224 && !mine.empty()) bufs = mine;
    if (bufs.empty()) return;
    Call* c = add(t, "munmap");
    ref(c, pick(bufs));
    val(c, kPage);
  }

  // A described sysctl knob read, or written with a value of its range
  // (its edges and beyond now and then), from this thread's buffer's last
  // bytes: the old value at kSysOld, *oldlenp at kSysLen, the new at
  // kSysNew. The handler runs beside the other threads' ioctls.
  static constexpr int64_t kSysOld = 3072, kSysLen = 3840, kSysNew = 3904;
  void sysctl_record(Thread& t) {
    const auto& k = d.sysctl(static_cast<int>(b.below(static_cast<uint32_t>(d.sysctl_size()))));
    std::string buf = buf_for(t, false);
    uint8_t how = b.byte();
    bool write = !k.read_only() && (how & 1);
    int64_t size = k.size() ? k.size() : 4;
    const int64_t lens[] = {size, size, size, 512, 0, 1};
    Call* pl = add(t, "poke_int");
    ref(pl, buf, kSysLen);
    val(pl, lens[b.below(6)]);
    val(pl, 8);
    if (write) {
      FuzzField f;
      f.set_size(static_cast<uint32_t>(size));
      f.set_min(k.min());
      f.set_max(k.max());
      Call* pv = add(t, "poke_int");
      ref(pv, buf, kSysNew);
      val(pv, int_value(f));
      val(pv, size);
    }
    Call* c = add(t, "sysctl");
    c->set_path(k.name());
    if (how & 2) val(c, 0);  // the size query
    else if (b.rare(10)) val(c, kBadPointers[b.below(5)]);
    else ref(c, buf, kSysOld);
    ref(c, buf, kSysLen);
    if (write) {
      ref(c, buf, kSysNew);
      val(c, b.rare(10) ? size / 2 : size);
    } else {
      val(c, 0);
      val(c, 0);
    }
  }

  void header() {
    uint8_t s = b.byte();
    out.schedule.name = (s & 3) == 3 ? "random" : "pct";
    out.schedule.pct_depth = 1 + (s >> 2) % 3;
    out.schedule.seed = b.le(4);
  }

  // Decodes records until the input ends (or, generating, until `target`
  // records beginning at or after byte `counted_from` were made), at most
  // kMaxRecords in all.
  void program(size_t target = kMaxRecords, size_t counted_from = 0) {
    kernsim::Program& p = out.program();
    for (const auto& x : d.also_load()) {
      auto* m = p.add_driver();
      *m = x;
      if (m->variant().empty()) m->set_variant("none");
    }
    auto* drv = p.add_driver();
    drv->set_name(d.driver());
    drv->set_variant(dec.variant_);
    drv->set_conf(d.conf());
    drv->set_conf_file(d.conf_file());
    for (const auto& f : d.file()) *p.add_file() = f;
    auto* pr = p.add_proc();
    pr->set_name("user");
    pr->set_model("lp64");
    if (d.signals()) {
      auto* k = p.add_proc();
      k->set_name("client2");
      k->set_model("lp64");
    }
    bool rw = std::any_of(d.node().begin(), d.node().end(), [](const auto& n) { return n.rw(); });
    threads.reserve(kMaxThreads);
    size_t counted = 0;
    while (!b.done() && counted < target && out.records.size() < kMaxRecords) {
      size_t begin = b.pos();
      size_t ti = b.byte() % kMaxThreads;
      if (ti >= threads.size()) {
        ti = threads.size();
        auto* pt = p.add_thread();
        pt->set_name("t" + std::to_string(ti));
        // With signals, t2 is a process of its own: the one SIGKILL kills.
        pt->set_proc(d.signals() && static_cast<int>(ti) == kKillable ? "client2" : "user");
        threads.push_back(Thread{pt, static_cast<int>(ti), 0, {}});
      }
      Thread& t = threads[ti];
      uint8_t action = b.byte() % 16;
      if (t.t->call_size() < kMaxCalls) {
        // Action 15's byte: below 128 the unload, else a signal (each when
        // the description asks for it; a description with neither decodes
        // as before either option existed).
        uint8_t k = action == 15 && (d.modunload() || d.signals()) ? b.byte() : 0;
        if (action == 15 && d.modunload() && k < 128) unload_record(t);
        else if (action == 15 && d.signals() && k >= 128) signal_record(t, k);
        else if (action == 13) close_record(t);
        else if (action == 14) munmap_record(t);
        else if ((action == 11 || action == 12) && rw) rw_record(t);
        else if (action == 10 && d.sysctl_size() > 0) sysctl_record(t);
        else ioctl_record(t);
      }
      out.records.push_back({begin, b.pos()});
      counted += begin >= counted_from;
    }
    // A thread a record created but left without calls (a close with no
    // fd to close) is dropped; names stay unique (t0, t2 is fine).
    for (int i = p.thread_size() - 1; i >= 0; i--)
      if (p.thread(i).call_size() == 0) p.mutable_thread()->DeleteSubrange(i, 1);
  }
};

Decoder::Decoder(const kernsim::DriverDescription& desc, std::string variant)
    : d_(desc), variant_(std::move(variant)), module_(desc.driver()) {
  // A driver given by path registers under its own name (program_check
  // asks a modunload for that name).
  if (d_.modunload()) module_ = km::driver_module(d_.driver(), variant_).name();
  for (const auto& io : d_.ioctl()) layouts_.push_back(field_layout(io));
}

Decoded Decoded::fresh() {
  google::protobuf::ArenaOptions o;
  o.start_block_size = 16 * 1024;  // one block holds a typical decoding
  o.max_block_size = 64 * 1024;
  Decoded d;
  d.arena_ = std::make_unique<google::protobuf::Arena>(o);
  d.program_ = google::protobuf::Arena::CreateMessage<kernsim::Program>(d.arena_.get());
  return d;
}

Decoded Decoder::decode(const uint8_t* data, size_t size) const {
  Build bld(*this, data, size);
  bld.header();
  bld.program();
  return std::move(bld.out);
}

std::string Decoder::extend(const std::string& prefix, size_t records, Rng& rng) const {
  std::string tape;
  Build bld(*this, reinterpret_cast<const uint8_t*>(prefix.data()), prefix.size());
  bld.b.generate_into(&rng, &tape);
  bld.header();
  // The prefix's records are decoded from it and not counted; `records`
  // more are drawn after it.
  bld.program(records, prefix.size());
  return prefix + tape;
}

}  // namespace ks::fuzz
