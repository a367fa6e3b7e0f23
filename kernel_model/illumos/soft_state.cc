// illumos soft state: per-instance zeroed structures indexed by instance
// number. Every piece is kernel memory (kmem), tagged, so an item a driver
// never frees, or a state it never finis, is reported as a leak.
#include <cstring>

#include "kernel_model/kmem.h"
#include "kernel_model/world.h"

extern "C" {
#include <sys/ddi_impldefs.h>
}

namespace {

struct SoftState {
  size_t size;    // bytes per item
  size_t n;       // slots in items
  void** items;   // kmem, n pointers
};

using ks::km::World;

void** alloc_slots(World& w, size_t n) {
  return static_cast<void**>(ks::km::kmem_alloc(w, n * sizeof(void*),
                                                ks::km::kKmemSleep | ks::km::kKmemZero,
                                                "ddi_soft_state"));
}

}  // namespace

extern "C" {

int ddi_soft_state_init(void** state_p, size_t size, size_t n_items) {
  if (!state_p || size == 0) return EINVAL;
  World& w = *World::current();
  auto* ss = static_cast<SoftState*>(
      ks::km::kmem_alloc(w, sizeof(SoftState), ks::km::kKmemSleep, "ddi_soft_state_init"));
  ss->size = size;
  ss->n = n_items ? n_items : 1;
  ss->items = alloc_slots(w, ss->n);
  *state_p = ss;
  return 0;
}

int ddi_soft_state_zalloc(void* state, int item) {
  World& w = *World::current();
  w.sim().point(ks::km::kEvSoftState, 0, 1, static_cast<uint64_t>(item));
  auto* ss = static_cast<SoftState*>(state);
  if (!ss || item < 0) return DDI_FAILURE;
  // ddi_soft_state(9F): DDI_FAILURE when "the routine failed to allocate the
  // storage required"; a driver must check (an injected fault).
  if (w.inject_fault()) return DDI_FAILURE;
  size_t i = static_cast<size_t>(item);
  // Each allocation may sleep and let another thread in: grow, then look
  // again before installing.
  while (i >= ss->n) {
    size_t nn = ss->n * 2 > i ? ss->n * 2 : i + 1;
    void** a = alloc_slots(w, nn);
    if (ss->n >= nn) {
      ks::km::kmem_free(w, a, nn * sizeof(void*), "kmem_free");
      continue;
    }
    std::memcpy(a, ss->items, ss->n * sizeof(void*));
    void** old = ss->items;
    size_t on = ss->n;
    ss->items = a;
    ss->n = nn;
    ks::km::kmem_free(w, old, on * sizeof(void*), "kmem_free");
  }
  void* p = ks::km::kmem_alloc(w, ss->size, ks::km::kKmemSleep | ks::km::kKmemZero,
                               "ddi_soft_state_zalloc");
  if (ss->items[i]) {  // taken meanwhile, or already allocated
    ks::km::kmem_free(w, p, ss->size, "kmem_free");
    return DDI_FAILURE;
  }
  ss->items[i] = p;
  return DDI_SUCCESS;
}

// A lock-free lookup on illumos too: no scheduling point of its own.
void* ddi_get_soft_state(void* state, int item) {
  auto* ss = static_cast<SoftState*>(state);
  if (!ss || item < 0 || static_cast<size_t>(item) >= ss->n) return nullptr;
  return ss->items[item];
}

void ddi_soft_state_free(void* state, int item) {
  World& w = *World::current();
  w.sim().point(ks::km::kEvSoftState, 0, 0, static_cast<uint64_t>(item));
  auto* ss = static_cast<SoftState*>(state);
  if (!ss || item < 0 || static_cast<size_t>(item) >= ss->n) return;
  void* p = ss->items[item];
  if (!p) return;
  ss->items[item] = nullptr;
  ks::km::kmem_free(w, p, ss->size, "ddi_soft_state_free");
}

void ddi_soft_state_fini(void** state_p) {
  if (!state_p || !*state_p) return;
  World& w = *World::current();
  auto* ss = static_cast<SoftState*>(*state_p);
  *state_p = nullptr;
  // Items still allocated stay allocated: the leak check names them.
  ks::km::kmem_free(w, ss->items, ss->n * sizeof(void*), "ddi_soft_state_fini");
  ks::km::kmem_free(w, ss, sizeof(SoftState), "ddi_soft_state_fini");
}

}  // extern "C"
