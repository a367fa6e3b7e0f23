#include "sim/hb.h"

#include <algorithm>

namespace ks::sim {

void HbDetector::reset() {
  for (auto& c : vc_) c.clear();
  slot_of_.clear();
  slots_.clear();
  free_.clear();
  exited_.clear();
  sync_.clear();
  if (++gen_ == 0) {  // wrapped: every slot would look current
    for (Slot& s : table_) s.gen = 0;
    gen_ = 1;
  }
  used_ = 0;
  last_g_ = ~0ull;
  last_cell_ = nullptr;
}

void HbDetector::save(Image& im) const {
  im.vc.assign(vc_.begin(), vc_.begin() + static_cast<long>(slots_.size()));
  im.slot_of = slot_of_;
  im.slots = slots_;
  im.free = free_;
  im.exited = exited_;
  im.sync = sync_;
  im.cells.clear();
  for (const Slot& s : table_)
    if (s.gen == gen_) im.cells.emplace_back(s.granule, s.cell);
}

void HbDetector::restore(const Image& im) {
  reset();
  if (vc_.size() < im.vc.size()) vc_.resize(im.vc.size());
  for (size_t i = 0; i < im.vc.size(); i++) vc_[i] = im.vc[i];
  slot_of_ = im.slot_of;
  slots_ = im.slots;
  free_ = im.free;
  exited_ = im.exited;
  sync_ = im.sync;
  for (auto& [g, c] : im.cells) cell(g) = c;
}

namespace {
inline size_t slot_of(uint64_t g, size_t mask) { return (g * 0x9e3779b97f4a7c15ull >> 17) & mask; }
}  // namespace

HbDetector::Cell& HbDetector::cell(uint64_t g) {
  if (g == last_g_) return *last_cell_;
  if ((used_ + 1) * 2 > table_.size()) grow();
  size_t mask = table_.size() - 1;
  for (size_t i = slot_of(g, mask);; i = (i + 1) & mask) {
    Slot& s = table_[i];
    if (s.gen != gen_) {
      s.gen = gen_;
      s.granule = g;
      s.cell = Cell{};
      used_++;
    } else if (s.granule != g) {
      continue;
    }
    last_g_ = g;
    return *(last_cell_ = &s.cell);
  }
}

const HbDetector::Cell* HbDetector::find(uint64_t g) const {
  if (table_.empty()) return nullptr;
  size_t mask = table_.size() - 1;
  for (size_t i = slot_of(g, mask);; i = (i + 1) & mask) {
    const Slot& s = table_[i];
    if (s.gen != gen_) return nullptr;
    if (s.granule == g) return &s.cell;
  }
}

void HbDetector::grow() {
  std::vector<Slot> old;
  old.swap(table_);
  table_.resize(old.empty() ? 4096 : old.size() * 2);
  size_t mask = table_.size() - 1;
  for (Slot& o : old) {
    if (o.gen != gen_) continue;
    size_t i = slot_of(o.granule, mask);
    while (table_[i].gen == gen_) i = (i + 1) & mask;
    table_[i] = o;
  }
  last_g_ = ~0ull;
  last_cell_ = nullptr;
}

std::vector<uint32_t>& HbDetector::new_clock(Tid t, uint32_t* slot) {
  uint32_t s;
  if (!free_.empty()) {
    s = free_.back();
    free_.pop_back();
  } else {
    s = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
    if (vc_.size() <= s) vc_.resize(s + 1);
  }
  if (t >= slot_of_.size()) slot_of_.resize(t + 1, 0);
  slot_of_[t] = s + 1;
  SlotState& st = slots_[s];
  st.live = true;
  std::vector<uint32_t>& c = vc_[s];
  if (c.capacity() == 0 && !spare_.empty()) {
    c.swap(spare_.back());
    spare_.pop_back();
  }
  c.assign(s + 1, 0);
  // Above every epoch the slot's earlier threads had (epochs start at 1:
  // 0 is "never"), so no clock has seen this one yet. 32 bits hold more
  // releases than an execution's step budget allows.
  c[s] = st.last + 1;
  *slot = s;
  return c;
}

namespace {
void join(std::vector<uint32_t>& into, const std::vector<uint32_t>& from) {
  if (into.size() < from.size()) into.resize(from.size(), 0);
  for (size_t i = 0; i < from.size(); i++) into[i] = std::max(into[i], from[i]);
}
}  // namespace

void HbDetector::fork(Tid parent, Tid child) {
  uint32_t ps, cs;
  clock_of(parent, &ps);
  clock_of(child, &cs);  // may move vc_'s clocks: both looked up after
  std::vector<uint32_t>& p = vc_[ps];
  join(vc_[cs], p);
  p[ps]++;
}

void HbDetector::restart(Tid t) {
  uint32_t s;
  std::vector<uint32_t>& c = clock_of(t, &s);
  uint32_t own = c[s];
  std::fill(c.begin(), c.end(), 0);
  c[s] = own;
}

void HbDetector::join_all(Tid t) {
  uint32_t ts;
  std::vector<uint32_t>& c = clock_of(t, &ts);
  for (uint32_t u = 0; u < slots_.size(); u++) {
    if (u == ts || !slots_[u].live) continue;
    join(c, vc_[u]);
    vc_[u][u]++;  // what u's thread does from now on is not seen by t
  }
  join(c, exited_);
}

void HbDetector::exit(Tid t) {
  if (t >= slot_of_.size() || !slot_of_[t]) return;
  uint32_t s = slot_of_[t] - 1;
  slot_of_[t] = 0;
  std::vector<uint32_t>& c = vc_[s];
  join(exited_, c);
  slots_[s].last = c[s];
  slots_[s].live = false;
  if (slots_[s].refs == 0) free_.push_back(s);
  c.clear();
  // A few kept for the next threads (a reset detector allocates nothing
  // once warm); the rest freed, as they may be long.
  if (spare_.size() < 16) {
    spare_.emplace_back();
    spare_.back().swap(c);
  } else {
    std::vector<uint32_t>().swap(c);
  }
}

void HbDetector::release(uint64_t key, Tid t) {
  uint32_t s;
  std::vector<uint32_t>& c = clock_of(t, &s);
  join(sync_[key], c);
  c[s]++;
}

void HbDetector::acquire(uint64_t key, Tid t) {
  auto it = sync_.find(key);
  if (it == sync_.end()) return;
  uint32_t s;
  std::vector<uint32_t>& c = clock_of(t, &s);
  join(c, it->second);
}

bool HbDetector::granule(Tid t, uint64_t g, uint8_t mask, bool write, uintptr_t pc,
                         Access* older) {
  uint32_t slot;
  std::vector<uint32_t>& c = clock_of(t, &slot);
  uint32_t now = c[slot];
  Cell& cell = this->cell(g);
  // The same bytes, no more writing, at the same epoch: checked already,
  // against threads' accesses that came before, and any that came since
  // were checked against it.
  for (int i = 0; i < cell.n; i++) {
    const Access& s = cell.a[i];
    if (s.tid == t && s.clock == now && (s.mask | mask) == s.mask && (s.write || !write))
      return false;
  }
  for (int i = 0; i < cell.n; i++) {
    const Access& s = cell.a[i];
    if (s.tid == t || !(s.mask & mask) || !(s.write || write)) continue;
    uint32_t seen = s.slot < c.size() ? c[s.slot] : 0;
    if (s.clock > seen) {
      *older = s;
      return true;
    }
  }
  // Kept: merged into the thread's access of this epoch and kind (a byte
  // loop leaves one entry per granule), or over one it subsumes, or in a
  // free slot, or over the oldest.
  for (int i = 0; i < cell.n; i++) {
    Access& s = cell.a[i];
    if (s.tid != t) continue;
    if (s.clock == now && s.write == write) {
      s.mask |= mask;
      s.pc = pc;
      return false;
    }
    if ((s.mask | mask) == mask && (write || !s.write)) {
      if (s.slot != slot) {  // a tid seen again after its exit: a new slot
        ref(slot);
        unref(s.slot);
      }
      s = Access{t, now, mask, write, slot, pc};
      return false;
    }
  }
  Access a{t, now, mask, write, slot, pc};
  ref(slot);
  if (cell.n < kSlots) {
    cell.a[cell.n++] = a;
  } else {
    unref(cell.a[cell.next].slot);
    cell.a[cell.next] = a;
    cell.next = static_cast<uint8_t>((cell.next + 1) % kSlots);
  }
  return false;
}

bool HbDetector::access(Tid t, uintptr_t addr, uint32_t size, bool write, uintptr_t pc,
                        Race* out) {
  if (__builtin_expect((addr & 7) + size <= 8, 1)) {  // within one granule
    Access older;
    uint8_t mask = static_cast<uint8_t>(((1u << size) - 1) << (addr & 7));
    if (!granule(t, addr >> 3, mask, write, pc, &older)) return false;
    *out = Race{addr, size, older, now_access(t, mask, write, pc)};
    return true;
  }
  uintptr_t end = addr + size;
  for (uintptr_t at = addr; at < end;) {
    uint64_t g = at >> 3;
    uintptr_t gend = std::min<uintptr_t>(end, (g + 1) << 3);
    uint32_t n = static_cast<uint32_t>(gend - at);
    uint8_t mask = static_cast<uint8_t>(((1u << n) - 1) << (at & 7));
    Access older;
    if (granule(t, g, mask, write, pc, &older)) {
      *out = Race{addr, size, older, now_access(t, mask, write, pc)};
      return true;
    }
    at = gend;
  }
  return false;
}

bool HbDetector::shared(Tid t, uintptr_t addr, uint32_t size) const {
  if (!size) return false;
  for (uint64_t g = addr >> 3, last = (addr + size - 1) >> 3; g <= last; g++) {
    const Cell* c = find(g);
    if (!c) continue;
    for (int i = 0; i < c->n; i++)
      if (c->a[i].tid != t) return true;
  }
  return false;
}

}  // namespace ks::sim
