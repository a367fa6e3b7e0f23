#include "kernel_model/kmem_arena.h"

#include <sys/mman.h>

#include <atomic>
#include <cstdio>
#include <cstring>

#include "sim/asan_fiber.h"  // KS_ASAN

namespace ks::km {

namespace {

// Far from the user range (below 4 GiB), the brk heap (low) and mmap's
// top-down area (near 0x7f...). AddressSanitizer keeps its shadow memory
// there (x86-64: [0x02008fff7000, 0x10007fff7fff]), so ASan builds (the
// libFuzzer targets, fuzz/) use a base in its high application range, below
// its allocator (0x600000000000): kmem addresses appear in messages only,
// never in trace hashes, so repros replay across the two builds.
#if KS_ASAN
constexpr uint64_t kArenaBase = 0x0000500000000000ull;
#else
constexpr uint64_t kArenaBase = 0x0000100000000000ull;
#endif
constexpr int kSlots = 8;
constexpr uint64_t kCommitChunk = 1ull << 20;

char* g_arena = nullptr;
std::atomic<uint32_t> g_taken{0};
uint64_t g_committed[kSlots];  // per slot; only its owner touches it
bool g_records[kSlots];        // the slot's records area is committed

// Each claim asks: a function-local static (a guard load after the first),
// not std::call_once, whose thread-local state cost a TLS lookup per call.
void reserve() {
  [[maybe_unused]] static const bool once = [] {
    size_t len = kKmemSlotSize * kSlots;
    void* want = reinterpret_cast<void*>(kArenaBase);
    void* got = mmap(want, len, PROT_NONE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
    if (got == MAP_FAILED || got != want) {
      if (got != MAP_FAILED) munmap(got, len);
      // Anywhere will do; addresses then differ between processes (not runs).
      std::fprintf(stderr, "kernsim: warning: kernel memory arena not at its fixed address: "
                           "kmem addresses will differ between processes\n");
      got = mmap(nullptr, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      if (got == MAP_FAILED) return false;
    }
    g_arena = static_cast<char*>(got);
    return true;
  }();
}

}  // namespace

char* kmem_arena_claim(int* slot) {
  reserve();
  if (!g_arena) return nullptr;
  uint32_t cur = g_taken.load();
  for (;;) {
    int s = 0;
    while (s < kSlots && (cur >> s & 1)) s++;
    if (s == kSlots) return nullptr;
    if (g_taken.compare_exchange_weak(cur, cur | (1u << s))) {
      *slot = s;
      return g_arena + uint64_t(s) * kKmemSlotSize;
    }
  }
}

void kmem_arena_release(int slot) { g_taken.fetch_and(~(1u << slot)); }

bool kmem_arena_commit(int slot, uint64_t len) {
  if (len <= g_committed[slot]) return true;
  if (len > kKmemSize) return false;
  uint64_t want = (len + kCommitChunk - 1) / kCommitChunk * kCommitChunk;
  if (want > kKmemSize) want = kKmemSize;
  char* base = g_arena + uint64_t(slot) * kKmemSlotSize;
  if (mprotect(base + g_committed[slot], want - g_committed[slot], PROT_READ | PROT_WRITE) != 0)
    return false;
  g_committed[slot] = want;
  return true;
}

char* kmem_arena_records(int slot) {
  char* area = g_arena + uint64_t(slot) * kKmemSlotSize + kKmemSize;
  if (!g_records[slot]) {
    if (mprotect(area, kRecordsSize, PROT_READ | PROT_WRITE) != 0) return nullptr;
    g_records[slot] = true;
  }
  return area;
}

}  // namespace ks::km
