// Per-World state of the kernel's service threads: taskqs and callouts
// share World::kSlotTaskq (the World has no callout slot), each owning its
// half, so both are freed with the World.
#pragma once

#include <memory>

#include "kernel_model/world.h"

namespace ks::km {

struct TaskqTable;
struct CalloutTable;

struct ServiceState {
  std::shared_ptr<TaskqTable> taskqs;
  std::shared_ptr<CalloutTable> callouts;
};

inline ServiceState& services(World& w) {
  auto& slot = w.component(World::kSlotTaskq);
  if (!slot) slot = std::make_shared<ServiceState>();
  return *static_cast<ServiceState*>(slot.get());
}

}  // namespace ks::km
