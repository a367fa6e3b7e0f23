// The one random generator of an execution: splitmix64 to seed, xoshiro256**
// to draw. Probabilities are integer ratios (TigerBeetle's rule): a float
// compare would make a schedule depend on the host's rounding.
#pragma once

#include <cstdint>

namespace ks::sim {

inline uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

class Rng {
 public:
  explicit Rng(uint64_t seed = 0) { reseed(seed); }
  void reseed(uint64_t seed) {
    uint64_t x = seed;
    for (auto& w : s_) w = splitmix64(x);
  }
  uint64_t next() {
    uint64_t r = rotl(s_[1] * 5, 7) * 9;
    uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return r;
  }
  // Uniform in [0, n), n > 0 (Lemire's multiply-shift; bias below 2^-32 for
  // the small n we draw).
  uint32_t below(uint32_t n) {
    return static_cast<uint32_t>(((next() >> 32) * static_cast<uint64_t>(n)) >> 32);
  }
  // True with probability num/den.
  bool chance(uint32_t num, uint32_t den) { return below(den) < num; }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// Seed of execution i of a campaign seeded with `seed`: any single run can be
// re-created from (seed, i) alone, so campaigns split across workers.
inline uint64_t execution_seed(uint64_t seed, uint64_t i) {
  uint64_t x = seed ^ (i * 0xd1342543de82ef95ull);
  splitmix64(x);
  return splitmix64(x);
}

}  // namespace ks::sim
