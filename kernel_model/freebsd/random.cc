// random(9), arc4random(9), read_random: the World's generator
// (det_random.h) on the personality's per-World state (state.h).
#include "kernel_model/det_random.h"
#include "kernel_model/freebsd/state.h"
#include "kernel_model/world.h"

extern "C" {
#include <sys/libkern.h>
#include <sys/random.h>
}

namespace {

uint64_t& rng() { return ks::km::freebsd::state(*ks::km::World::current()).rng; }
uint64_t next() { return ks::km::det_random_next(rng()); }

}  // namespace

extern "C" {

u_long ks_fb_random(void) { return static_cast<u_long>(next() >> 33); }  // 31 bits
void ks_fb_srandom(u_long seed) { rng() = seed ? seed : ks::km::kDetRandomSeed; }
uint32_t ks_fb_arc4random(void) { return static_cast<uint32_t>(next() >> 32); }
void ks_fb_arc4random_buf(void* buf, size_t len) { ks::km::det_random_fill(rng(), buf, len); }
void ks_fb_arc4rand(void* buf, u_int len, int) { ks_fb_arc4random_buf(buf, len); }
void ks_fb_read_random(void* buf, u_int len) { ks_fb_arc4random_buf(buf, len); }
// Uniform in [0, bound): draws below 2^32 mod bound are drawn again, as
// libkern's arc4random_uniform does; 0 for a bound < 2.
uint32_t ks_fb_arc4random_uniform(uint32_t bound) {
  if (bound < 2) return 0;
  uint32_t floor = static_cast<uint32_t>(-bound) % bound;
  for (;;) {
    uint32_t r = ks_fb_arc4random();
    if (r >= floor) return r % bound;
  }
}

}  // extern "C"
