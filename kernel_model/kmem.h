// Kernel memory: kmem_alloc/zalloc/free with tags, sleep and no-sleep
// allocations (a no-sleep one may fail, as a recorded choice, when the World
// injects faults), poisoning on free, and checks: double free, free of a
// pointer never allocated, size mismatch, buffer overruns (a redzone after
// every buffer), writes after free (poison found disturbed) and leaks by tag.
//
// Buffers come from an arena at a fixed host address, bump-allocated in
// allocation order and never reused within a World: the addresses a driver
// sees are the same in every run and every process (a driver that hashes or
// sorts by address stays deterministic), a stale pointer reads poison rather
// than another allocation, and walking the arena is walking allocation order.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernel_model/kobject.h"

namespace ks::km {

class World;

constexpr uint64_t kKmemPoison = 0xdeadbeefdeadbeefull;
constexpr uint8_t kKmemUninit = 0xba;   // fresh kmem_alloc memory (illumos: 0xbaddcafe)
constexpr uint8_t kKmemRedzone = 0xfe;  // after the end of every buffer

inline bool kmem_poisoned_word(uint64_t v) { return v == kKmemPoison; }

// The header before every buffer.
struct alignas(16) KmemHdr {  // 64 bytes: buffers stay 16-byte aligned
  uint32_t magic;
  uint8_t freed;
  uint8_t pad[3];
  uint64_t size;
  const char* tag;   // the allocating function, or a malloc type name
  uint64_t step;     // when allocated
  Tid tid;           // by whom
  Tid free_tid;
  uint64_t free_step;
  uint64_t next;     // offset of the next header from the slot base
};

struct KmemState {
  char* base = nullptr;  // this World's slot of the arena
  uint64_t used = 0;     // bytes handed out (headers, buffers, redzones)
  int slot = -1;
  uint64_t nallocs = 0;
  ~KmemState();
};

enum KmemFlags : int { kKmemSleep = 0, kKmemNoSleep = 1, kKmemZero = 2, kKmemMalloc = 4 };

// tag: what allocated it (the calling function, or a malloc type name).
void* kmem_alloc(World& w, size_t size, int flags, const char* tag);
// size SIZE_MAX: the caller does not know it (FreeBSD free(9)).
void kmem_free(World& w, void* p, size_t size, const char* op);
// Size of a live allocation, 0 if p is not one.
size_t kmem_size(World& w, void* p);
// The header of the buffer that starts at p (live or freed), null if p is
// not the start of a buffer of this World: what a personality checks before
// trusting a pointer a driver hands back (a vnode, a port).
const KmemHdr* kmem_buffer(World& w, const void* p);
// The buffer (live or freed) whose bytes hold p, and p's offset in it; null
// if none. A walk of the arena: for reports, not for hot paths.
const KmemHdr* kmem_containing(World& w, const void* p, uint64_t* offset);
// The freed buffer whose bytes a copy of p[0, n) would read, and p's offset
// in it; null if none. Cheap unless p is in the arena and its first bytes
// are poison at a buffer's phase: a copy to user memory asks it.
const KmemHdr* kmem_freed_read(World& w, const void* p, size_t n, uint64_t* offset);

}  // namespace ks::km
