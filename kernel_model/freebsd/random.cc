// random(9)/arc4random(9): a xorshift64* generator per World, started from
// the same seed in every World (state.h), so a run replays bit for bit;
// the host's generators would not. Not a recorded choice.
#include <cstdint>
#include <cstring>

#include "kernel_model/freebsd/state.h"
#include "kernel_model/world.h"

extern "C" {
#include <sys/libkern.h>
#include <sys/random.h>
}

namespace {

uint64_t next() {
  uint64_t& x = ks::km::freebsd::state(*ks::km::World::current()).rng;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  return x * 0x2545f4914f6cdd1dull;
}

}  // namespace

extern "C" {

u_long ks_fb_random(void) { return static_cast<u_long>(next() >> 33); }  // 31 bits
void ks_fb_srandom(u_long seed) {
  ks::km::freebsd::state(*ks::km::World::current()).rng = seed ? seed : 0x9e3779b97f4a7c15ull;
}
uint32_t ks_fb_arc4random(void) { return static_cast<uint32_t>(next() >> 32); }
void ks_fb_arc4random_buf(void* buf, size_t len) {
  auto* p = static_cast<unsigned char*>(buf);
  while (len > 0) {
    uint64_t v = next();
    size_t n = len < 8 ? len : 8;
    std::memcpy(p, &v, n);
    p += n;
    len -= n;
  }
}
void ks_fb_arc4rand(void* buf, u_int len, int) { ks_fb_arc4random_buf(buf, len); }
void ks_fb_read_random(void* buf, u_int len) { ks_fb_arc4random_buf(buf, len); }
// Uniform in [0, bound): draws above the largest multiple of bound are
// drawn again, as libkern's arc4random_uniform does; 0 for a bound < 2.
uint32_t ks_fb_arc4random_uniform(uint32_t bound) {
  if (bound < 2) return 0;
  uint32_t floor = static_cast<uint32_t>(-bound) % bound;
  for (;;) {
    uint32_t r = ks_fb_arc4random();
    if (r >= floor) return r % bound;
  }
}

}  // extern "C"
