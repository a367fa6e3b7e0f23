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
//
// Clocks are dense by slot, not by thread id: a thread takes a slot while
// it runs, and a slot is given to a later thread once its thread has
// exited and no shadow cell holds an access of it any more. Only a shadow
// access is ever compared with a clock's entry, so by then the old
// thread's entries in every clock are dead; a slot's epochs go on rising
// across its threads (the next starts above the last one's final epoch),
// so a stale entry, left in a clock by the old thread, is below every
// epoch of the new one and orders nothing. The race check then answers as
// with a clock entry per thread, while a clock is as wide as the threads
// alive or still in the shadow at once: an execution of 100,000 callout
// runs no longer makes each new clock span every run before it.
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
    uint32_t slot = 0;  // the clock slot `tid` held (its epochs are the slot's)
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
  // join_all, which finds it in the exited threads' joined clock. Its slot
  // serves a later thread once the shadow holds none of its accesses.
  void exit(Tid t);
  // Slots ever taken at once in this execution: every clock's width.
  size_t width() const { return slots_.size(); }
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
  // A thread's clock, and its slot in `*slot` (a slot and its first epoch
  // taken on first use).
  std::vector<uint32_t>& clock_of(Tid t, uint32_t* slot) {
    if (__builtin_expect(t < slot_of_.size() && slot_of_[t], 1)) {
      *slot = slot_of_[t] - 1;
      return vc_[*slot];
    }
    return new_clock(t, slot);
  }
  std::vector<uint32_t>& new_clock(Tid t, uint32_t* slot);
  struct SlotState {
    uint32_t refs = 0;  // shadow accesses that name the slot
    uint32_t last = 0;  // its latest epoch, when its thread exited
    bool live = false;  // its thread has not exited
  };
  void ref(uint32_t s) { slots_[s].refs++; }
  void unref(uint32_t s) {
    if (--slots_[s].refs == 0 && !slots_[s].live) free_.push_back(s);
  }
  Access now_access(Tid t, uint8_t mask, bool write, uintptr_t pc) {
    uint32_t s;
    uint32_t now = clock_of(t, &s)[s];
    return Access{t, now, mask, write, s, pc};
  }
  bool granule(Tid t, uint64_t g, uint8_t mask, bool write, uintptr_t pc, Access* older);
  Cell& cell(uint64_t g);
  const Cell* find(uint64_t g) const;
  void grow();

  friend struct Image;
  std::vector<std::vector<uint32_t>> vc_;  // by slot, a live thread's (memory kept past a reset)
  std::vector<uint32_t> slot_of_;  // by tid: its slot + 1 while it runs, else 0
  std::vector<SlotState> slots_;  // every slot taken in this execution
  std::vector<uint32_t> free_;  // slots to give out, last freed first
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
  std::vector<uint32_t> slot_of;
  std::vector<SlotState> slots;
  std::vector<uint32_t> free;
  std::vector<uint32_t> exited;
  std::unordered_map<uint64_t, std::vector<uint32_t>> sync;
  std::vector<std::pair<uint64_t, Cell>> cells;
};

}  // namespace ks::sim
