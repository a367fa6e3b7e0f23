#include "kernel_model/kmem.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>

#include "kernel_model/kmem_arena.h"
#include "kernel_model/poll.h"
#include "kernel_model/world.h"

namespace ks::km {

namespace {

constexpr uint32_t kHdrMagic = 0x6b6d656d;  // "kmem"
constexpr uint64_t kRedzone = 16;

uint64_t round16(uint64_t n) { return (n + 15) & ~uint64_t(15); }

std::string hex(uintptr_t v) {
  char b[32];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}

unsigned char poison_byte(size_t i) {
  return reinterpret_cast<const unsigned char*>(&kKmemPoison)[i % 8];
}

// A block of the poison pattern, for memcpy and memcmp: a freed buffer's
// poison is checked in every execution's final check (the boot's buffers
// too, which the image restores), where wide compares beat a loop of words
// or bytes.
struct Patterns {
  alignas(16) unsigned char poison[1024];
  Patterns() {
    for (size_t i = 0; i < sizeof poison; i++) poison[i] = poison_byte(i);
  }
};
const Patterns kPatterns;
constexpr unsigned char kRedzoneBlock[16] = {
    kKmemRedzone, kKmemRedzone, kKmemRedzone, kKmemRedzone, kKmemRedzone, kKmemRedzone,
    kKmemRedzone, kKmemRedzone, kKmemRedzone, kKmemRedzone, kKmemRedzone, kKmemRedzone,
    kKmemRedzone, kKmemRedzone, kKmemRedzone, kKmemRedzone};

// A buffer's data starts 16-aligned, so its poison is the pattern block's
// bytes from their start (byte by byte it was a fifth of a lofi execution;
// memcpy's wide stores beat a word at a time too: CTL frees its 32 KiB LUN
// in every execution).
void poison(unsigned char* p, size_t n) {
  for (size_t i = 0; i < n; i += sizeof kPatterns.poison) {
    size_t k = std::min(n - i, sizeof kPatterns.poison);
    // Hides k's bound from the compiler, which otherwise inlines the copy
    // as `rep movsq`, slower here than the C library's wide one.
    asm("" : "+r"(k));
    std::memcpy(p + i, kPatterns.poison, k);
  }
}

// The offset of the first byte of p[0, n) that is not poison, or n. p is
// 16-aligned (a buffer's data), so the pattern starts in phase.
size_t poison_intact(const unsigned char* p, size_t n) {
  size_t i = 0;
  while (i < n) {
    size_t k = std::min(n - i, sizeof kPatterns.poison);
    if (std::memcmp(p + i, kPatterns.poison, k) != 0) break;
    i += k;
  }
  for (; i < n; i++)
    if (p[i] != poison_byte(i)) return i;
  return n;
}

char* data_of(KmemHdr* h) { return reinterpret_cast<char*>(h + 1); }

// The header of p if p is the start of a buffer of this World, else null.
KmemHdr* header_of(const KmemState& k, const void* p) {
  const char* c = static_cast<const char*>(p);
  if (!k.base || c < k.base + sizeof(KmemHdr) || c >= k.base + k.used ||
      (reinterpret_cast<uintptr_t>(c) & 15) != 0)
    return nullptr;
  auto* h = reinterpret_cast<KmemHdr*>(const_cast<char*>(c)) - 1;
  return h->magic == kHdrMagic ? h : nullptr;
}

// First byte of the redzone after h's buffer that was written, or -1.
// Checked at every free and, for every buffer, in every execution's final
// check: its 16 to 31 bytes are its first 16 and its last 16 (which
// overlap), four words compared inline rather than a call to memcmp.
int64_t redzone_hit(KmemHdr* h) {
  const unsigned char* rz = reinterpret_cast<unsigned char*>(data_of(h)) + h->size;
  uint64_t n = round16(h->size + kRedzone) - h->size;  // 16 to 31 bytes
  constexpr uint64_t kWord = 0x0101010101010101ull * kKmemRedzone;
  uint64_t w[4];
  std::memcpy(&w[0], rz, 16);
  std::memcpy(&w[2], rz + n - 16, 16);
  if (((w[0] ^ kWord) | (w[1] ^ kWord) | (w[2] ^ kWord) | (w[3] ^ kWord)) == 0) return -1;
  for (uint64_t i = 0; i < n; i++)
    if (rz[i] != kKmemRedzone) return static_cast<int64_t>(i);
  return -1;
}

std::string overrun_message(const KmemHdr* h, int64_t at, const std::string& when) {
  return std::string("buffer overrun: ") + std::to_string(h->size) + "-byte buffer of tag " +
         h->tag + " was written past its end, at offset " + std::to_string(h->size + at) +
         " (found " + when + ")";
}

template <class Fn>
void for_each_buffer(KmemState& k, Fn fn) {
  for (uint64_t off = 0; off < k.used;) {
    auto* h = reinterpret_cast<KmemHdr*>(k.base + off);
    fn(h);
    off = h->next;
  }
}

}  // namespace

KmemState::~KmemState() {
  if (slot >= 0) kmem_arena_release(slot);
}

void World::release_arena() {
  if (!kmem_ || kmem_->slot < 0) return;
  kmem_arena_release(kmem_->slot);
  kmem_->slot = -1;
  kmem_->base = nullptr;
  kmem_live_ = false;
}

char* World::records_area() {
  if (!kmem_) kmem_ = std::make_unique<KmemState>();
  if (kmem_->slot < 0) kmem_->base = kmem_arena_claim(&kmem_->slot);
  char* area = kmem_->slot < 0 ? nullptr : kmem_arena_records(kmem_->slot);
  if (!area)
    fail(sim::FailureKind::kHostError,
         "the kernel memory arena has no slot for this World's thread and process records",
         "records_area_unavailable");
  return area;
}

KmemState& World::kmem_first_use() {
  // A reset World keeps its state; it claims an arena slot at first use, as
  // a new World does (the lowest free one: the same addresses).
  if (!kmem_) kmem_ = std::make_unique<KmemState>();
  if (kmem_->slot < 0) kmem_->base = kmem_arena_claim(&kmem_->slot);
  kmem_->used = 0;
  kmem_->nallocs = 0;
  kmem_live_ = true;
  on_final_check([this] {
    KmemState& k = *kmem_;
    std::map<std::string, std::pair<size_t, size_t>> leaks;  // tag -> count, bytes
    const KmemHdr* first = nullptr;
    bool failed = false;
    for_each_buffer(k, [&](KmemHdr* h) {
      if (failed) return;
      if (int64_t at = redzone_hit(h); at >= 0) {
        set_failure(sim::FailureKind::kMemory, overrun_message(h, at, "at teardown"),
                    std::string("overrun:") + h->tag);
        failed = true;
        return;
      }
      if (h->freed) {
        // Writes after free: the poison must be intact.
        const unsigned char* p = reinterpret_cast<unsigned char*>(data_of(h));
        if (size_t i = poison_intact(p, h->size); i < h->size) {
          set_failure(sim::FailureKind::kMemory,
                      std::string("write after free: ") + std::to_string(h->size) +
                          "-byte buffer of tag " + h->tag + " was modified at offset " +
                          std::to_string(i) + " after thread " + thread_name(h->free_tid) +
                          " freed it at step " + std::to_string(h->free_step),
                      std::string("modified_after_free:") + h->tag);
          failed = true;
          return;
        }
        return;
      }
      if (!first) first = h;
      auto& l = leaks[h->tag];
      l.first++;
      l.second += h->size;
    });
    if (failed || !first) return;
    std::string msg = "memory leak at teardown:";
    std::string sig = "leak";
    for (auto& [tag, l] : leaks) {
      msg += "\n  " + std::to_string(l.first) + " allocation(s), " + std::to_string(l.second) +
             " bytes, of tag " + tag;
      sig += ":" + tag;
    }
    msg += std::string("\n  first: ") + std::to_string(first->size) + " bytes by thread " +
           thread_name(first->tid) + " at step " + std::to_string(first->step);
    set_failure(sim::FailureKind::kMemory, msg, sig);
  });
  return *kmem_;
}

void* kmem_alloc(World& w, size_t size, int flags, const char* tag) {
  sim::Sim& s = w.sim();
  // kKmemMalloc only names the call in a report: the event is the same.
  s.point(kEvKmemAlloc, 0, size, static_cast<uint64_t>(flags & ~kKmemMalloc));
  if (!(flags & kKmemNoSleep))
    w.assert_may_sleep((flags & kKmemMalloc) ? "malloc(M_WAITOK)" : "kmem_alloc(KM_SLEEP)", 0);
  if ((flags & kKmemNoSleep) && w.options().inject_faults &&
      s.choose(2, sim::ChoiceKind::kFault) == 1)
    return nullptr;
  KmemState& k = w.kmem();
  uint64_t span = sizeof(KmemHdr) + round16(size + kRedzone);
  if (!k.base || !kmem_arena_commit(k.slot, k.used + span))
    w.fail(sim::FailureKind::kHostError,
           std::string("kernel memory arena exhausted (") + std::to_string(k.used) +
               " bytes in " + std::to_string(k.nallocs) + " allocations) allocating " +
               std::to_string(size) + " bytes for " + (tag ? tag : "?"),
           "kmem_arena_exhausted");
  auto* h = reinterpret_cast<KmemHdr*>(k.base + k.used);
  *h = KmemHdr{kHdrMagic, 0, {}, size, tag ? tag : "?", s.step(), w.self_tid(), 0, 0,
               k.used + span};
  k.used += span;
  k.nallocs++;
  char* p = data_of(h);
  std::memset(p, (flags & kKmemZero) ? 0 : kKmemUninit, size);
  // The redzone is 16 to 31 bytes: two overlapping 16-byte stores of the
  // pattern, inline, where a memset call per buffer was.
  uint64_t rz = round16(size + kRedzone) - size;
  std::memcpy(p + size, kRedzoneBlock, 16);
  std::memcpy(p + size + rz - 16, kRedzoneBlock, 16);
  return p;
}

const KmemHdr* kmem_buffer(World& w, const void* p) { return header_of(w.kmem(), p); }

size_t kmem_size(World& w, void* p) {
  KmemHdr* h = header_of(w.kmem(), p);
  return h && !h->freed ? h->size : 0;
}

void kmem_free(World& w, void* p, size_t size, const char* op) {
  sim::Sim& s = w.sim();
  s.point(kEvKmemFree, 0, size);
  KmemHdr* h = header_of(w.kmem(), p);
  if (!h)
    w.fail(sim::FailureKind::kMemory,
           std::string(op) + " of " + (p ? hex(reinterpret_cast<uintptr_t>(p)) : "NULL") +
               ", which is not an allocated buffer (bad free) by thread " +
               w.thread_name(w.self_tid()),
           std::string("bad_free:") + op);
  if (h->freed)
    w.fail(sim::FailureKind::kMemory,
           std::string("double free: ") + op + " of a " + std::to_string(h->size) +
               "-byte buffer of tag " + h->tag + " by thread " + w.thread_name(w.self_tid()) +
               "; thread " + w.thread_name(h->free_tid) + " freed it at step " +
               std::to_string(h->free_step),
           std::string("double_free:") + h->tag);
  if (size != SIZE_MAX && size != h->size)
    w.fail(sim::FailureKind::kMemory,
           std::string(op) + " of a buffer of tag " + h->tag + " with size " +
               std::to_string(size) + ", but it was allocated with size " +
               std::to_string(h->size),
           std::string("free_size_mismatch:") + h->tag);
  if (int64_t at = redzone_hit(h); at >= 0)
    w.fail(sim::FailureKind::kMemory, overrun_message(h, at, std::string("at ") + op),
           std::string("overrun:") + h->tag);
  poll_heads_freed(w, p, h->size, h->tag);  // a poll head with a poller on it
  poison(static_cast<unsigned char*>(p), h->size);
  h->freed = 1;
  h->free_step = s.step();
  h->free_tid = w.self_tid();
}

}  // namespace ks::km

namespace ks::km {

const KmemHdr* kmem_containing(World& w, const void* p, uint64_t* offset) {
  KmemState& k = w.kmem();
  auto a = reinterpret_cast<const char*>(p);
  if (!k.base || a < k.base || a >= k.base + k.used) return nullptr;
  const KmemHdr* found = nullptr;
  for_each_buffer(k, [&](const KmemHdr* h) {
    auto buf = reinterpret_cast<const char*>(h + 1);
    if (a >= buf && a < buf + h->size) {
      found = h;
      *offset = static_cast<uint64_t>(a - buf);
    }
  });
  return found;
}

const KmemHdr* kmem_freed_read(World& w, const void* p, size_t n, uint64_t* offset) {
  if (n == 0) return nullptr;
  KmemState& k = w.kmem();
  auto a = reinterpret_cast<const unsigned char*>(p);
  if (!k.base || a < reinterpret_cast<const unsigned char*>(k.base) ||
      a >= reinterpret_cast<const unsigned char*>(k.base) + k.used)
    return nullptr;
  // A buffer's data is 16-aligned, so its poison's phase is the address's.
  for (size_t i = 0; i < std::min<size_t>(n, 8); i++)
    if (a[i] != poison_byte((reinterpret_cast<uintptr_t>(a) + i) % 8)) return nullptr;
  const KmemHdr* h = kmem_containing(w, p, offset);
  return h && h->freed ? h : nullptr;
}

}  // namespace ks::km
