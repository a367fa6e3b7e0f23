// A set of 64-bit keys (trace hashes, interleaving-pair keys) in one flat
// table with linear probing: a campaign inserts a hash per execution, and
// std::unordered_set allocated a node for each (one heap allocation per
// execution of every explore loop). Never iterated in table order: what
// leaves it is its size, a membership answer, or its keys sorted.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace ks::runner {

class U64Set {
 public:
  // True when k was not in the set.
  bool insert(uint64_t k) {
    if (k == 0) {  // the empty slot's value: kept aside
      bool added = !has_zero_;
      has_zero_ = true;
      return added;
    }
    if ((used_ + 1) * 4 > slots_.size() * 3) grow();
    size_t i = slot_of(k);
    for (; slots_[i]; i = (i + 1) & (slots_.size() - 1))
      if (slots_[i] == k) return false;
    slots_[i] = k;
    used_++;
    return true;
  }
  bool contains(uint64_t k) const {
    if (k == 0) return has_zero_;
    if (slots_.empty()) return false;
    for (size_t i = slot_of(k); slots_[i]; i = (i + 1) & (slots_.size() - 1))
      if (slots_[i] == k) return true;
    return false;
  }
  size_t size() const { return used_ + has_zero_; }
  std::vector<uint64_t> sorted() const {
    std::vector<uint64_t> v;
    v.reserve(size());
    if (has_zero_) v.push_back(0);
    for (uint64_t k : slots_)
      if (k) v.push_back(k);
    std::sort(v.begin(), v.end());
    return v;
  }

 private:
  // Fibonacci hashing: the keys may be small integers, not only hashes.
  size_t slot_of(uint64_t k) const { return (k * 0x9E3779B97F4A7C15ull) >> shift_; }
  void grow() {
    std::vector<uint64_t> old = std::move(slots_);
    size_t cap = old.empty() ? 1024 : 2 * old.size();
    slots_.assign(cap, 0);
    shift_ = 64 - __builtin_ctzll(cap);
    used_ = 0;
    for (uint64_t k : old)
      if (k) insert(k);
  }

  std::vector<uint64_t> slots_;  // 0: empty; size a power of two
  int shift_ = 64;
  size_t used_ = 0;
  bool has_zero_ = false;
};

}  // namespace ks::runner
