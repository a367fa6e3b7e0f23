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

// Name of one of the simulator's own kinds (< kEvFirstKernel), else null.
const char* sim_event_name(uint16_t kind);

struct Event {
  uint64_t step;   // scheduling points taken before this event
  Tid tid;         // thread that made it
  uint16_t kind;
  ObjId obj;
  uint64_t a0, a1;
  int64_t result;
  uint64_t vtime;  // virtual time, ns
  // For the reader of a recorded trace only, never hashed (hash_event):
  uintptr_t site = 0;  // the guest code's call that made it (sim/call_site.h), 0: none
  uint64_t note = 0;   // a detail the execution does not depend on (Sim::note)
};

// Running 64-bit hash of the canonical events (step, thread, kind, object,
// arguments, result, time). Stable across builds and hosts. The event's own
// words are mixed independently of the running value, so only one multiply
// sits on the chain from one event to the next.
inline uint64_t hash_rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// On the event's fields, so an emit that keeps no Event builds none.
inline uint64_t hash_event_fields(uint64_t h, uint64_t step, Tid tid, uint16_t kind, ObjId obj,
                                  uint64_t a0, uint64_t a1, int64_t result, uint64_t vtime) {
  uint64_t x = (step * 0x9e3779b97f4a7c15ull) ^
               ((uint64_t(tid) << 48) | (uint64_t(kind) << 32) | obj);
  uint64_t y = (a0 * 0xc2b2ae3d27d4eb4full) ^ hash_rotl(a1 * 0x165667b19e3779f9ull, 21) ^
               (static_cast<uint64_t>(result) * 0xd6e8feb86659fd93ull) ^ hash_rotl(vtime, 43);
  h = (h ^ (x + hash_rotl(y, 31))) * 0xff51afd7ed558ccdull;
  return h ^ (h >> 29);
}

inline uint64_t hash_event(uint64_t h, const Event& e) {
  return hash_event_fields(h, e.step, e.tid, e.kind, e.obj, e.a0, e.a1, e.result, e.vtime);
}

}  // namespace ks::sim
