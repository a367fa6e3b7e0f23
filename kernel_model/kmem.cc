#include "kernel_model/kmem.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "kernel_model/world.h"

namespace ks::km {

KmemState::~KmemState() {
  for (auto& [addr, a] : live) std::free(reinterpret_cast<void*>(addr));
}

static std::string hex(uintptr_t v) {
  char b[32];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}

KmemState& World::kmem() {
  if (!kmem_) {
    kmem_ = std::make_unique<KmemState>();
    on_final_check([this] {
      KmemState& k = *kmem_;
      // Writes after free: the poison must be intact.
      for (auto& [seq, addr] : k.by_seq) {
        KmemAlloc& a = k.live[addr];
        if (!a.freed) continue;
        const unsigned char* p = reinterpret_cast<const unsigned char*>(addr);
        for (size_t i = 0; i < a.size; i++) {
          if (p[i] == reinterpret_cast<const unsigned char*>(&kKmemPoison)[i % 8]) continue;
          set_failure(sim::FailureKind::kMemory,
                      std::string("write after free: ") + std::to_string(a.size) +
                          "-byte buffer of tag " + a.tag + " was modified at offset " +
                          std::to_string(i) + " after thread " + thread_name(a.free_tid) +
                          " freed it at step " + std::to_string(a.free_step),
                      std::string("modified_after_free:") + a.tag);
          return;
        }
      }
      // Leaks, grouped by tag, in allocation order.
      std::map<std::string, std::pair<size_t, size_t>> leaks;  // tag -> count, bytes
      const KmemAlloc* first = nullptr;
      for (auto& [seq, addr] : k.by_seq) {
        KmemAlloc& a = k.live[addr];
        if (a.freed) continue;
        if (!first) first = &a;
        auto& l = leaks[a.tag];
        l.first++;
        l.second += a.size;
      }
      if (!first) return;
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
  }
  return *kmem_;
}

void* kmem_alloc(World& w, size_t size, int flags, const char* tag) {
  sim::Sim& s = w.sim();
  s.point(kEvKmemAlloc, 0, size, static_cast<uint64_t>(flags));
  if (!(flags & kKmemNoSleep)) w.assert_may_sleep("kmem_alloc(KM_SLEEP)", 0);
  if ((flags & kKmemNoSleep) && w.options().inject_faults &&
      s.choose(2, sim::ChoiceKind::kFault) == 1)
    return nullptr;
  KmemState& k = w.kmem();
  void* p = std::malloc(size ? size : 1);
  if (!p) w.panic("host out of memory");
  if (flags & kKmemZero) std::memset(p, 0, size);
  else std::memset(p, kKmemUninit, size);
  uint64_t seq = k.next_seq++;
  k.live[reinterpret_cast<uintptr_t>(p)] =
      KmemAlloc{size, tag ? tag : "?", seq, s.step(), w.self_tid(), false, 0, 0};
  k.by_seq[seq] = reinterpret_cast<uintptr_t>(p);
  k.bytes_live += size;
  return p;
}

size_t kmem_size(World& w, void* p) {
  KmemState& k = w.kmem();
  auto it = k.live.find(reinterpret_cast<uintptr_t>(p));
  return it == k.live.end() || it->second.freed ? 0 : it->second.size;
}

void kmem_free(World& w, void* p, size_t size, const char* op) {
  sim::Sim& s = w.sim();
  s.point(kEvKmemFree, 0, size);
  KmemState& k = w.kmem();
  auto it = k.live.find(reinterpret_cast<uintptr_t>(p));
  if (it == k.live.end())
    w.fail(sim::FailureKind::kMemory,
           std::string(op) + " of " + hex(reinterpret_cast<uintptr_t>(p)) +
               ", which was never allocated (bad free) by thread " + w.thread_name(w.self_tid()),
           std::string("bad_free:") + op);
  KmemAlloc& a = it->second;
  if (a.freed)
    w.fail(sim::FailureKind::kMemory,
           std::string("double free: ") + op + " of a " + std::to_string(a.size) +
               "-byte buffer of tag " + a.tag + " by thread " + w.thread_name(w.self_tid()) +
               "; thread " + w.thread_name(a.free_tid) + " freed it at step " +
               std::to_string(a.free_step),
           std::string("double_free:") + a.tag);
  if (size != SIZE_MAX && size != a.size)
    w.fail(sim::FailureKind::kMemory,
           std::string(op) + " of a buffer of tag " + a.tag + " with size " +
               std::to_string(size) + ", but it was allocated with size " +
               std::to_string(a.size),
           std::string("free_size_mismatch:") + a.tag);
  for (size_t i = 0; i < a.size; i++)
    static_cast<unsigned char*>(p)[i] = reinterpret_cast<const unsigned char*>(&kKmemPoison)[i % 8];
  a.freed = true;
  a.free_step = s.step();
  a.free_tid = w.self_tid();
  k.bytes_live -= a.size;
}

}  // namespace ks::km
