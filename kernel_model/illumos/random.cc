// random_get_bytes(9F) and random_get_pseudo_bytes(9F) (sys/random.h for
// the rules): an xorshift64* generator in the personality's per-World
// state, restored with a boot image like the rest of it.
#include <cstring>

#include "kernel_model/illumos/il_state.h"

extern "C" {
#include <sys/random.h>
}

namespace {

int fill(uint8_t* p, size_t len) {
  uint64_t& x = ks::km::illumos::il_state(*ks::km::World::current()).rng;
  while (len > 0) {
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    uint64_t v = x * 0x2545f4914f6cdd1dull;
    size_t n = len < 8 ? len : 8;
    std::memcpy(p, &v, n);
    p += n;
    len -= n;
  }
  return 0;
}

}  // namespace

extern "C" {

int random_get_bytes(uint8_t* p, size_t len) { return fill(p, len); }
int random_get_pseudo_bytes(uint8_t* p, size_t len) { return fill(p, len); }

}  // extern "C"
