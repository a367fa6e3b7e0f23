// The fuzzer's input as a source of choices: every choice the decoder makes
// reads the next byte(s), and an exhausted input reads zeros, so any byte
// string decodes (a short one into a short program). A zero byte always
// means the ordinary choice (the first candidate, a valid argument); the
// deliberately invalid ones sit at the top of a byte's range, where
// libFuzzer's mutations reach them now and then.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ks::fuzz {

class Bytes {
 public:
  Bytes(const uint8_t* data, size_t size) : p_(data), n_(size) {}

  uint8_t byte() { return at_ < n_ ? p_[at_++] : 0; }
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
  bool done() const { return at_ >= n_; }

 private:
  const uint8_t* p_;
  size_t n_;
  size_t at_ = 0;
};

}  // namespace ks::fuzz
