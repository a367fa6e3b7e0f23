// Kernel memory: kmem_alloc/zalloc/free with tags, sleep and no-sleep
// allocations (a no-sleep one may fail, as a recorded choice, when the World
// injects faults), poisoning on free, and checks: double free, free of a
// pointer never allocated, size mismatch, writes after free (poison found
// disturbed at teardown) and leaks by tag.
//
// Freed memory stays in quarantine until the World ends, so a stale pointer
// reads poison rather than another allocation, and the poison is verified.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>

#include "kernel_model/kobject.h"

namespace ks::km {

class World;

constexpr uint64_t kKmemPoison = 0xdeadbeefdeadbeefull;
constexpr uint8_t kKmemUninit = 0xba;  // fresh kmem_alloc memory (illumos: 0xbaddcafe)

inline bool kmem_poisoned_word(uint64_t v) { return v == kKmemPoison; }

struct KmemAlloc {
  size_t size;
  const char* tag;
  uint64_t seq;    // allocation order: reports are sorted by it, never by address
  uint64_t step;
  Tid tid;
  bool freed;
  uint64_t free_step;
  Tid free_tid;
};

struct KmemState {
  // Lookup by address only; reports iterate `by_seq`, never this map.
  std::unordered_map<uintptr_t, KmemAlloc> live;
  std::map<uint64_t, uintptr_t> by_seq;
  uint64_t next_seq = 1;
  size_t bytes_live = 0;
  ~KmemState();
};

enum KmemFlags : int { kKmemSleep = 0, kKmemNoSleep = 1, kKmemZero = 2 };

// tag: what allocated it (the calling function, or a malloc type name).
void* kmem_alloc(World& w, size_t size, int flags, const char* tag);
void kmem_free(World& w, void* p, size_t size, const char* op);
// Size of a live allocation (FreeBSD free() passes no size), 0 if unknown.
size_t kmem_size(World& w, void* p);

}  // namespace ks::km
