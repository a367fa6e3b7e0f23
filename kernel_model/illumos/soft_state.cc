// illumos soft state, ddi_soft_state(9F): per-instance zeroed structures
// indexed by instance number, on the kernel model's instance table under
// illumos's names (the kmem tags a leak report shows).
#include <cerrno>

#include "kernel_model/instances.h"
#include "kernel_model/world.h"

extern "C" {
#include <sys/ddi_impldefs.h>
}

namespace {

using ks::km::World;

constexpr ks::km::InstanceTags kTags = {
    "ddi_soft_state_init", "ddi_soft_state", "ddi_soft_state_zalloc",
    "ddi_soft_state_free", "ddi_soft_state_fini", "kmem_free",
};

ks::km::InstanceTable* T(void* state) { return static_cast<ks::km::InstanceTable*>(state); }

}  // namespace

extern "C" {

int ddi_soft_state_init(void** state_p, size_t size, size_t n_items) {
  if (!state_p || size == 0) return EINVAL;
  *state_p = ks::km::instances_init(*World::current(), size, n_items, &kTags);
  return 0;
}

// DDI_FAILURE when the item is taken or negative. The man page also names
// a failed allocation, but illumos allocates with KM_SLEEP (sunddi.c), so
// that never happens and is not injected.
int ddi_soft_state_zalloc(void* state, int item) {
  return ks::km::instances_zalloc(*World::current(), T(state), item, &kTags) ? DDI_SUCCESS
                                                                              : DDI_FAILURE;
}

// A lock-free lookup on illumos too: no scheduling point of its own.
void* ddi_get_soft_state(void* state, int item) { return ks::km::instances_get(T(state), item); }

void ddi_soft_state_free(void* state, int item) {
  ks::km::instances_free(*World::current(), T(state), item, &kTags);
}

void ddi_soft_state_fini(void** state_p) {
  if (!state_p || !*state_p) return;
  ks::km::InstanceTable* t = T(*state_p);
  *state_p = nullptr;
  ks::km::instances_fini(*World::current(), t, &kTags);
}

}  // extern "C"
