// kqueue(2)'s hooks (kqueue.h): the slot and the implementation's table.
#include "kernel_model/kqueue.h"

namespace ks::km {

const int kKqueueSlot = World::new_component_slot();

namespace {
const KqueueImpl* g_impl = nullptr;
}

void kqueue_set_impl(const KqueueImpl* impl) { g_impl = impl; }
const KqueueImpl* kqueue_impl() { return g_impl; }

}  // namespace ks::km
