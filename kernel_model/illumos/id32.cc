// illumos id32_alloc, id32_free, id32_lookup (sys/id32.h for the rules).
// An id names a 32-byte kmem entry holding the pointer (tag "id32_alloc",
// so an id never freed is a leak); ids are the table index in id32.c's
// encoding (aligned to 32, low bits a check), so a corrupt id is rejected
// as there. Freed entries are reused last-freed first, as a kmem cache's.
#include <cstdio>
#include <string>

#include "kernel_model/illumos/il_state.h"
#include "kernel_model/world.h"

extern "C" {
#include <sys/cmn_err.h>
#include <sys/id32.h>
#include <sys/kmem.h>
}

namespace {

using ks::km::World;

constexpr uint32_t kAlign = 32, kMod = kAlign - 1;
constexpr uint32_t kMaxIndex = (UINT32_MAX - kMod) / kAlign;

uint32_t encode(uint32_t index) {
  uint32_t x = index * kAlign;
  return (x | (x % kMod)) + 1;
}
uint32_t decode(uint32_t id) { return (id & ~kMod) / kAlign; }
std::string hex(uint32_t id) {
  char b[16];
  std::snprintf(b, sizeof b, "%x", id);
  return b;
}

bool valid(uint32_t id) { return decode(id) <= kMaxIndex && encode(decode(id)) == id; }

const char kTag[] = "id32_alloc";

// The table's entry for a well-formed id, or null when it was never handed
// out.
void** entry(World& w, uint32_t id) {
  auto& t = ks::km::illumos::il_state(w).id32;
  uint32_t i = decode(id);
  return i < t.slots.size() ? &t.slots[i] : nullptr;
}

}  // namespace

extern "C" {

uint32_t id32_alloc(void* ptr, int kmflag) {
  World& w = *World::current();
  auto* e = static_cast<void**>(
      ks_kmem_alloc(kAlign, (kmflag & KM_NOSLEEP) ? KS_KM_NOSLEEP : KS_KM_SLEEP, kTag));
  if (!e) return 0;
  *e = ptr;
  auto& t = ks::km::illumos::il_state(w).id32;
  uint32_t i;
  if (!t.free.empty()) {
    i = t.free.back();
    t.free.pop_back();
    t.slots[i] = e;
  } else {
    i = static_cast<uint32_t>(t.slots.size());
    t.slots.push_back(e);
  }
  return encode(i);
}

void id32_free(uint32_t id) {
  World& w = *World::current();
  if (!valid(id)) {
    cmn_err(CE_WARN, "id32_free(%x): bad ID rejected", id);
    return;
  }
  void** e = entry(w, id);
  if (!e || !*e)
    w.fail(ks::sim::FailureKind::kMemory,
           "duplicate free: id32_free(0x" + hex(id) + ") of an id " +
               (e ? "already freed" : "never allocated"),
           "double_free:id32");
  ks_kmem_free(*e, kAlign, "id32_free");
  *e = nullptr;
  ks::km::illumos::il_state(w).id32.free.push_back(decode(id));
}

void* id32_lookup(uint32_t id) {
  World& w = *World::current();
  if (!valid(id)) {
    cmn_err(CE_WARN, "id32_lookup(%x): bad ID rejected", id);
    return nullptr;
  }
  void** e = entry(w, id);
  if (!e || !*e)
    w.fail(ks::sim::FailureKind::kMemory,
           "read after free: id32_lookup(0x" + hex(id) + ") reads the entry of an id " +
               (e ? "freed and not handed out again" : "never allocated"),
           "read_after_free:id32_alloc");
  return *static_cast<void**>(*e);
}

}  // extern "C"
