// Thread and object records (the Sim's threads, the World's kernel objects
// and threads): a table whose records never move (a primitive keeps a
// reference to its object and its thread across a sleep, while other
// threads add more) and whose index is two dependent loads: chunks of 2^B
// records through a vector of chunk pointers.
// std::deque also keeps addresses, but its index divides by a buffer size
// that is no power of two for these records, on every access of every
// primitive. Records are never removed: a reset World reuses them (the
// first n in use, n kept by its owner), so a warm loop allocates nothing.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace ks::sim {

template <class T, unsigned B = 6>
class StableTable {
 public:
  size_t size() const { return n_; }
  T& operator[](size_t i) { return chunks_[i >> B][i & kMask]; }
  const T& operator[](size_t i) const { return chunks_[i >> B][i & kMask]; }
  // One more record, value-initialised.
  T& emplace_back() {
    if ((n_ >> B) == chunks_.size()) chunks_.push_back(std::make_unique<T[]>(kChunk));
    T& r = (*this)[n_++];
    r = T{};
    return r;
  }

 private:
  static constexpr size_t kChunk = size_t(1) << B, kMask = kChunk - 1;
  std::vector<std::unique_ptr<T[]>> chunks_;
  size_t n_ = 0;
};

}  // namespace ks::sim
