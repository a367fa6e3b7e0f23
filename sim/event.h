// Canonical trace events. sim/ knows nothing of kernels: an event kind is a
// small integer; the kernel model registers names for its own kinds (>= 32).
#pragma once

#include <cstdint>

namespace ks::sim {

using Tid = uint32_t;    // simulated thread id, 1-based, in creation order
using ObjId = uint32_t;  // object id, 1-based, in creation order; 0 = none

constexpr Tid kClockTid = 0;  // the pseudo-thread "advance the virtual clock"

enum SimEvent : uint16_t {
  kEvThreadStart = 1,
  kEvThreadExit = 2,
  kEvBlock = 3,      // obj = what it waits on, a0 = the kernel event kind
  kEvWake = 4,       // tid = the woken thread, a0 = wake code, a1 = waker
  kEvClock = 5,      // virtual clock advanced to a0
  kEvChoice = 6,     // data choice: a0 = choice kind, a1 = chosen value
  kEvFirstKernel = 32,
};

struct Event {
  uint64_t step;   // scheduling points taken before this event
  Tid tid;         // thread that made it
  uint16_t kind;
  ObjId obj;
  uint64_t a0, a1;
  int64_t result;
  uint64_t vtime;  // virtual time, ns
};

// Running 64-bit hash of the canonical events (step, thread, kind, object,
// arguments, result, time). Stable across builds and hosts.
inline uint64_t hash_mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
  h *= 0xff51afd7ed558ccdull;
  return h ^ (h >> 32);
}

inline uint64_t hash_event(uint64_t h, const Event& e) {
  h = hash_mix(h, e.step);
  h = hash_mix(h, (uint64_t(e.tid) << 32) ^ (uint64_t(e.kind) << 16) ^ (uint64_t(e.obj) << 40));
  h = hash_mix(h, e.a0);
  h = hash_mix(h, e.a1);
  h = hash_mix(h, static_cast<uint64_t>(e.result));
  return hash_mix(h, e.vtime);
}

}  // namespace ks::sim
