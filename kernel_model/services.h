// Per-World state of the kernel's service threads: taskqs and callouts
// share World::kSlotTaskq (the World has no callout slot), each owning its
// half, so both are freed with the World.
#pragma once

#include <memory>

#include "kernel_model/component_pool.h"
#include "kernel_model/world.h"

namespace ks::km {

struct TaskqTable;
struct CalloutTable;

struct ServiceState {
  std::shared_ptr<TaskqTable> taskqs;
  std::shared_ptr<CalloutTable> callouts;
  // Recycled (component_pool.h): the tables go back to their own pools.
  void recycle() {
    taskqs.reset();
    callouts.reset();
  }
};

// The tables' halves of a boot image (world.h): taskq.cc registers the
// slot's hooks, callout.cc keeps its table's type.
std::shared_ptr<void> callout_table_save(const CalloutTable& t);
bool callout_table_restore(CalloutTable& t, const void* saved);

inline ServiceState& services(World& w) {
  auto& slot = w.component(World::kSlotTaskq);
  if (!slot) slot = pooled_component<ServiceState>();
  return *static_cast<ServiceState*>(slot.get());
}

}  // namespace ks::km
