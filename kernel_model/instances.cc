// Per-instance driver state (instances.h).
#include "kernel_model/instances.h"

#include <cstdint>
#include <cstring>

#include "kernel_model/kmem.h"

namespace ks::km {

struct InstanceTable {
  size_t size;    // bytes per item
  size_t n;       // slots in items
  void** items;   // kmem, n pointers
};

namespace {
void** alloc_slots(World& w, size_t n, const InstanceTags* tags) {
  return static_cast<void**>(kmem_alloc(w, n * sizeof(void*), kKmemSleep | kKmemZero,
                                        tags->slots));
}
}  // namespace

InstanceTable* instances_init(World& w, size_t size, size_t n_items, const InstanceTags* tags) {
  auto* t = static_cast<InstanceTable*>(kmem_alloc(w, sizeof(InstanceTable), kKmemSleep,
                                                   tags->table));
  t->size = size;
  t->n = n_items ? n_items : 1;
  t->items = alloc_slots(w, t->n, tags);
  return t;
}

bool instances_zalloc(World& w, InstanceTable* t, int item, const InstanceTags* tags) {
  w.sim().point(kEvInstanceState, 0, 1, static_cast<uint64_t>(item));
  if (!t || item < 0) return false;
  // No injected fault: illumos allocates the record and a grown slot array
  // with KM_SLEEP (sunddi.c), so only a taken or bad item fails, and a
  // driver that does not check an allocation failure here is not wrong.
  size_t i = static_cast<size_t>(item);
  // Each allocation may sleep and let another thread in: grow, then look
  // again before installing.
  while (i >= t->n) {
    size_t nn = t->n * 2 > i ? t->n * 2 : i + 1;
    void** a = alloc_slots(w, nn, tags);
    if (t->n >= nn) {
      kmem_free(w, a, nn * sizeof(void*), tags->regrow);
      continue;
    }
    std::memcpy(a, t->items, t->n * sizeof(void*));
    void** old = t->items;
    size_t on = t->n;
    t->items = a;
    t->n = nn;
    kmem_free(w, old, on * sizeof(void*), tags->regrow);
  }
  void* p = kmem_alloc(w, t->size, kKmemSleep | kKmemZero, tags->item);
  if (t->items[i]) {  // taken meanwhile, or already allocated
    kmem_free(w, p, t->size, tags->regrow);
    return false;
  }
  t->items[i] = p;
  return true;
}

void* instances_get(InstanceTable* t, int item) {
  if (!t || item < 0 || static_cast<size_t>(item) >= t->n) return nullptr;
  return t->items[item];
}

void instances_free(World& w, InstanceTable* t, int item, const InstanceTags* tags) {
  w.sim().point(kEvInstanceState, 0, 0, static_cast<uint64_t>(item));
  if (!t || item < 0 || static_cast<size_t>(item) >= t->n) return;
  void* p = t->items[item];
  if (!p) return;
  t->items[item] = nullptr;
  kmem_free(w, p, t->size, tags->free);
}

void instances_fini(World& w, InstanceTable* t, const InstanceTags* tags) {
  kmem_free(w, t->items, t->n * sizeof(void*), tags->fini);
  kmem_free(w, t, sizeof(InstanceTable), tags->fini);
}

}  // namespace ks::km
