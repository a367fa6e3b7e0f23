#include "sim/hb.h"

#include <algorithm>

namespace ks::sim {

void HbDetector::reset() {
  vc_.clear();
  sync_.clear();
  shadow_.clear();
}

std::vector<uint32_t>& HbDetector::clock_of(Tid t) {
  if (t >= vc_.size()) vc_.resize(t + 1);
  std::vector<uint32_t>& c = vc_[t];
  if (c.size() <= t) c.resize(t + 1, 0);
  if (c[t] == 0) c[t] = 1;  // epochs start at 1: 0 is "never"
  return c;
}

namespace {
void join(std::vector<uint32_t>& into, const std::vector<uint32_t>& from) {
  if (into.size() < from.size()) into.resize(from.size(), 0);
  for (size_t i = 0; i < from.size(); i++) into[i] = std::max(into[i], from[i]);
}
}  // namespace

void HbDetector::fork(Tid parent, Tid child) {
  std::vector<uint32_t> p = clock_of(parent);
  clock_of(parent)[parent]++;
  std::vector<uint32_t>& c = clock_of(child);
  join(c, p);
}

void HbDetector::restart(Tid t) {
  std::vector<uint32_t>& c = clock_of(t);
  uint32_t own = c[t];
  std::fill(c.begin(), c.end(), 0);
  c[t] = own;
}

void HbDetector::join_all(Tid t) {
  for (Tid u = 0; u < vc_.size(); u++) {
    if (u == t || vc_[u].empty()) continue;
    std::vector<uint32_t> other = vc_[u];
    join(clock_of(t), other);
    vc_[u][u]++;  // what u does from now on is not seen by t
  }
}

void HbDetector::release(uint64_t key, Tid t) {
  std::vector<uint32_t>& c = clock_of(t);
  join(sync_[key], c);
  c[t]++;
}

void HbDetector::acquire(uint64_t key, Tid t) {
  auto it = sync_.find(key);
  if (it == sync_.end()) return;
  std::vector<uint32_t>& c = clock_of(t);
  join(c, it->second);
}

bool HbDetector::granule(Tid t, uint64_t g, uint8_t mask, bool write, uintptr_t pc,
                         Access* older) {
  std::vector<uint32_t>& c = clock_of(t);
  Cell& cell = shadow_[g];
  for (int i = 0; i < cell.n; i++) {
    const Access& s = cell.a[i];
    if (s.tid == t || !(s.mask & mask) || !(s.write || write)) continue;
    uint32_t seen = s.tid < c.size() ? c[s.tid] : 0;
    if (s.clock > seen) {
      *older = s;
      return true;
    }
  }
  Access now{t, c[t], mask, write, pc};
  // The thread's own earlier access to the same bytes is subsumed (a write
  // also subsumes its reads); else a free slot, else the oldest.
  for (int i = 0; i < cell.n; i++) {
    Access& s = cell.a[i];
    if (s.tid == t && s.mask == mask && (write || !s.write)) {
      s = now;
      return false;
    }
  }
  if (cell.n < kSlots) {
    cell.a[cell.n++] = now;
  } else {
    cell.a[cell.next] = now;
    cell.next = static_cast<uint8_t>((cell.next + 1) % kSlots);
  }
  return false;
}

bool HbDetector::access(Tid t, uintptr_t addr, uint32_t size, bool write, uintptr_t pc,
                        Race* out) {
  uintptr_t end = addr + size;
  for (uintptr_t at = addr; at < end;) {
    uint64_t g = at >> 3;
    uintptr_t gend = std::min<uintptr_t>(end, (g + 1) << 3);
    uint32_t n = static_cast<uint32_t>(gend - at);
    uint8_t mask = static_cast<uint8_t>(((1u << n) - 1) << (at & 7));
    Access older;
    if (granule(t, g, mask, write, pc, &older)) {
      out->addr = addr;
      out->size = size;
      out->older = older;
      out->newer = Access{t, clock_of(t)[t], mask, write, pc};
      return true;
    }
    at = gend;
  }
  return false;
}

bool HbDetector::shared(Tid t, uintptr_t addr, uint32_t size) const {
  if (!size) return false;
  for (uint64_t g = addr >> 3, last = (addr + size - 1) >> 3; g <= last; g++) {
    auto it = shadow_.find(g);
    if (it == shadow_.end()) continue;
    for (int i = 0; i < it->second.n; i++)
      if (it->second.a[i].tid != t) return true;
  }
  return false;
}

void HbDetector::forget(uintptr_t addr, uint64_t size) {
  if (!size || shadow_.empty()) return;
  for (uint64_t g = addr >> 3, last = (addr + size - 1) >> 3; g <= last; g++) shadow_.erase(g);
}

}  // namespace ks::sim
