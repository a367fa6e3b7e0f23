// The fuzzer's input as a source of choices: every choice the decoder makes
// reads the next byte(s), and an exhausted input reads zeros, so any byte
// string decodes (a short one into a short program). A zero byte always
// means the ordinary choice (the first candidate, a valid argument); the
// deliberately invalid ones sit at the top of a byte's range, where
// libFuzzer's mutations reach them now and then.
//
// Generating (kernsim fuzz's own mutator, fuzz/mutate.h): past the input's
// end the bytes come from a seeded generator instead of zeros, and each one
// drawn is appended to a tape, so what was generated is again an input that
// decodes the same way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace ks::fuzz {

// splitmix64: one 64-bit state, seeded once from the campaign's seed; the
// only randomness of a kernsim fuzz campaign.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // One of n (n >= 1).
  uint32_t below(uint32_t n) { return static_cast<uint32_t>(next() % n); }
  // True k times in n.
  bool chance(uint32_t k, uint32_t n) { return below(n) < k; }
  uint8_t byte() { return static_cast<uint8_t>(next() >> 56); }

 private:
  uint64_t s_;
};

class Bytes {
 public:
  Bytes(const uint8_t* data, size_t size) : p_(data), n_(size) {}
  // Past the input's end, draw from rng and append each byte to *tape.
  void generate_into(Rng* rng, std::string* tape) {
    rng_ = rng;
    tape_ = tape;
  }

  uint8_t byte() {
    if (at_ < n_) return p_[at_++];
    if (!rng_) return 0;
    uint8_t v = rng_->byte();
    tape_->push_back(static_cast<char>(v));
    at_++;
    return v;
  }
  // One of n (n >= 1): one byte, two when n > 256.
  uint32_t below(uint32_t n) {
    if (n <= 1) {
      byte();  // a choice is one byte wide whatever the candidates
      return 0;
    }
    uint32_t v = byte();
    if (n > 256) v |= uint32_t{byte()} << 8;
    return v % n;
  }
  uint64_t le(int nbytes) {
    uint64_t v = 0;
    for (int i = 0; i < nbytes; i++) v |= uint64_t{byte()} << (8 * i);
    return v;
  }
  // True for the top k values of a byte: never for zeros.
  bool rare(uint8_t k) { return byte() >= 256 - k; }

  size_t pos() const { return at_; }
  bool done() const { return at_ >= n_ && !rng_; }

 private:
  const uint8_t* p_;
  size_t n_;
  size_t at_ = 0;
  Rng* rng_ = nullptr;
  std::string* tape_ = nullptr;
};

}  // namespace ks::fuzz
