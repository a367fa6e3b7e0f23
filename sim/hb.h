// A happens-before data-race detector over simulated threads (vector
// clocks, FastTrack's epochs for accesses). It knows threads and sync
// keys, not kernels: the kernel model tells it where synchronisation is
// (a lock released here is acquired there, a thread forked, memory freed),
// and instrumented driver code tells it every load and store.
//
// Shadow memory follows ThreadSanitizer's shape: per 8-byte granule up to
// kSlots recent accesses, each with its thread, its epoch, the bytes it
// touched and whether it wrote. Two accesses race when they overlap, come
// from different threads, at least one writes, and the older one does not
// happen before the newer. A granule that holds more accesses forgets its
// oldest (a race can be missed, never invented). Everything is indexed by
// value, never iterated by address: the first race found in an execution
// is the same in every replay.
//
// Thread id 0 is the host: the set-up and a module's _init, which happen
// before every thread they start.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "sim/event.h"

namespace ks::sim {

class HbDetector {
 public:
  struct Access {
    Tid tid = 0;
    uint32_t clock = 0;
    uint8_t mask = 0;  // bytes of the granule
    bool write = false;
    uintptr_t pc = 0;  // the instruction after the instrumented access
  };
  struct Race {
    uintptr_t addr = 0;  // of the newer access
    uint32_t size = 0;
    Access older, newer;
  };
  static constexpr int kSlots = 4;

  // Forgets everything (a new execution).
  void reset();
  // What it knows, kept in a boot image and put back (a reset first): the
  // clocks and the shadow cells of this execution, not the table's size.
  struct Image;
  void save(Image& im) const;
  void restore(const Image& im);
  // `child` starts with everything `parent` did so far.
  void fork(Tid parent, Tid child);
  // `t` starts afresh: nothing before it happens before it.
  void restart(Tid t);
  // `t` comes after everything every thread did so far (a join of all).
  void join_all(Tid t);
  // `t` returned: it does nothing more, and nothing asks for its clock but
  // join_all, which finds it in the exited threads' joined clock. Its own
  // clock's memory serves a later thread: a clock spans every tid up to
  // its own, so keeping every exited thread's would take memory quadratic
  // in the threads an execution starts.
  void exit(Tid t);
  // Nothing will acquire `key` again (a callout that ran, with nobody
  // waiting for it): its clock's memory goes. A callout is a key of its
  // own, so a periodic one would keep a clock per run.
  void forget(uint64_t key) { sync_.erase(key); }
  // A release of `key` by `t`, and an acquire that sees every release before.
  void release(uint64_t key, Tid t);
  void acquire(uint64_t key, Tid t);
  // A load or store of `size` bytes at `addr` by `t`: true, and the race in
  // `*out`, if it races with an access recorded before.
  bool access(Tid t, uintptr_t addr, uint32_t size, bool write, uintptr_t pc, Race* out);
  // Has a thread other than `t` accessed these bytes (as far as the
  // shadow remembers)?
  bool shared(Tid t, uintptr_t addr, uint32_t size) const;
 private:
  struct Cell {
    Access a[kSlots];
    uint8_t n = 0, next = 0;
  };
  // The shadow: open addressing by granule (addr / 8), emptied by bumping
  // the generation, so a reset costs nothing and a detector reused across
  // executions allocates only while the table grows.
  struct Slot {
    uint64_t granule = 0;
    uint32_t gen = 0;
    Cell cell;
  };
  std::vector<uint32_t>& clock_of(Tid t) {
    if (__builtin_expect(t < vc_.size() && t < vc_[t].size() && vc_[t][t], 1)) return vc_[t];
    return new_clock(t);
  }
  std::vector<uint32_t>& new_clock(Tid t);
  bool granule(Tid t, uint64_t g, uint8_t mask, bool write, uintptr_t pc, Access* older);
  Cell& cell(uint64_t g);
  const Cell* find(uint64_t g) const;
  void grow();

  friend struct Image;
  std::vector<std::vector<uint32_t>> vc_;  // per thread, by tid
  std::vector<uint32_t> exited_;  // the clocks of the threads that exited, joined
  std::vector<std::vector<uint32_t>> spare_;  // exited threads' clocks' memory
  std::unordered_map<uint64_t, std::vector<uint32_t>> sync_;  // looked up, never iterated
  std::vector<Slot> table_;
  uint32_t gen_ = 1;
  size_t used_ = 0;
  uint64_t last_g_ = ~0ull;  // the granule looked up last, and its cell
  Cell* last_cell_ = nullptr;
};

struct HbDetector::Image {
  std::vector<std::vector<uint32_t>> vc;
  std::vector<uint32_t> exited;
  std::unordered_map<uint64_t, std::vector<uint32_t>> sync;
  std::vector<std::pair<uint64_t, Cell>> cells;
};

}  // namespace ks::sim
