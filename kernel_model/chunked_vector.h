// A growing array whose elements never move (a primitive keeps references
// to its object and thread across a sleep while others are made), indexed
// by a shift and a mask: the World's objects and threads are looked up in
// every primitive, where std::deque's indexing (an offset, a division by
// its node size, two loads) was about 5% of a lofi execution's
// instructions. Elements are only added (emplace_back), never removed.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace ks::km {

template <class T, unsigned kShift = 5>
class ChunkedVector {
 public:
  static constexpr size_t kChunk = size_t(1) << kShift;
  T& operator[](size_t i) { return chunks_[i >> kShift][i & (kChunk - 1)]; }
  const T& operator[](size_t i) const { return chunks_[i >> kShift][i & (kChunk - 1)]; }
  size_t size() const { return size_; }
  // A new element, value-initialised, at the end.
  T& emplace_back() {
    if (size_ == chunks_.size() * kChunk) chunks_.push_back(std::make_unique<T[]>(kChunk));
    return (*this)[size_++];  // value-initialised with its chunk, never used since
  }

 private:
  std::vector<std::unique_ptr<T[]>> chunks_;
  size_t size_ = 0;
};

}  // namespace ks::km
