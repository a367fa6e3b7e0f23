// The kernels' random bytes in a World (FreeBSD random(9)/arc4random,
// illumos random_get_bytes): xorshift64* on a state each personality keeps
// per World, started from one seed, so a run replays bit for bit (the
// host's generators would not). Not a recorded choice: exploration does
// not vary them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace ks::km {

constexpr uint64_t kDetRandomSeed = 0x9e3779b97f4a7c15ull;

inline uint64_t det_random_next(uint64_t& x) {
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  return x * 0x2545f4914f6cdd1dull;
}

// len bytes, eight from each draw, the last draw's low bytes first.
inline void det_random_fill(uint64_t& x, void* buf, size_t len) {
  auto* p = static_cast<unsigned char*>(buf);
  while (len > 0) {
    uint64_t v = det_random_next(x);
    size_t n = len < 8 ? len : 8;
    std::memcpy(p, &v, n);
    p += n;
    len -= n;
  }
}

}  // namespace ks::km
