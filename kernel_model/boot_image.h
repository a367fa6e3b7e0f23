// The World's half of a boot image (world.h, "boot once"): what the boot
// left in the World's own lists, kernel memory and the loaded modules'
// data, and each component's copy beside the live state it is restored
// into. The Sim keeps its own half (sim.h, Sim::save_image).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "kernel_model/world.h"

namespace ks::km {

struct BootImage {
  std::string key;
  uint16_t epoch = 0;
  std::vector<KObject> objs;
  std::vector<KThread> kthreads;
  std::vector<std::function<void()>> teardown, checks;
  std::vector<std::pair<std::string, std::string>> variants;
  std::vector<std::string> log;
  bool kmem_live = false;
  int kmem_slot = -1;
  uint64_t kmem_used = 0, kmem_nallocs = 0;
  std::string kmem_bytes;
  std::vector<std::pair<Module*, std::string>> modules;
  // Per component slot: the live state (kept alive for the restore to
  // assign into) and its saved copy.
  std::shared_ptr<void> live[World::kNumSlots];
  std::shared_ptr<void> saved[World::kNumSlots];
};

// Helpers for components' image hooks. A component keeps its records in
// containers that only grow while a World runs (deques, or vectors of
// owning pointers), so a restore drops the records made after the boot and
// assigns the boot's values into the boot's records, which stay where the
// driver's pointers expect them.
template <class T>
bool restore_grown(std::deque<T>& live, const std::deque<T>& saved) {
  if (live.size() < saved.size()) return false;
  while (live.size() > saved.size()) live.pop_back();
  for (size_t i = 0; i < saved.size(); i++) live[i] = saved[i];
  return true;
}
template <class T>
std::vector<T> save_owned(const std::vector<std::unique_ptr<T>>& live) {
  std::vector<T> out;
  out.reserve(live.size());
  for (auto& p : live) out.push_back(*p);
  return out;
}
template <class T>
bool restore_owned(std::vector<std::unique_ptr<T>>& live, const std::vector<T>& saved) {
  if (live.size() < saved.size()) return false;
  live.resize(saved.size());
  for (size_t i = 0; i < saved.size(); i++) *live[i] = saved[i];
  return true;
}

// Assigns `saved` to `live` whole but for the record deques named by
// `records`, whose storage (which the driver's pointers name) is swapped
// aside and back (a swap moves no element) and then restored in place. A
// member added later is restored by the whole assignment, with no change
// here.
//
// The deques set aside are the host thread's, kept from one restore to the
// next: a deque allocates as it is made, and the whole assignment copies
// the saved records into them, so new ones cost about ten heap allocations
// per restore (a CTL execution's). A restore runs on the host, never
// inside a fiber, so one set per host thread and T is never in use twice.
// Held by pointer: the module's thread-local block must fit the static
// TLS that glibc keeps for a dlopen'ed module with initial-exec variables
// (sim.h), and a deque is 80 bytes per record kind and component.
template <class T, class... R>
bool restore_keeping_records(T& live, const T& saved, std::deque<R> T::*... records) {
  if ((((live.*records).size() < (saved.*records).size()) || ...)) return false;
  static thread_local std::unique_ptr<std::tuple<std::deque<R>...>> kept_set;
  if (!kept_set) kept_set = std::make_unique<std::tuple<std::deque<R>...>>();
  auto& kept = *kept_set;
  std::apply([&](auto&... k) { ((k.swap(live.*records)), ...); }, kept);
  live = saved;
  std::apply([&](auto&... k) { ((k.swap(live.*records)), ...); }, kept);
  return (restore_grown(live.*records, saved.*records) && ...);
}

// The image hooks of a component whose state is a value but for the
// record deques `Records` (pointers to members) that a driver or a timer
// points into.
template <class T, auto... Records>
World::ComponentImage records_image() {
  return {[](const void* live) -> std::shared_ptr<void> {
            return std::make_shared<T>(*static_cast<const T*>(live));
          },
          [](void* live, const void* saved) {
            return restore_keeping_records(*static_cast<T*>(live),
                                           *static_cast<const T*>(saved), Records...);
          }};
}

// The image hooks of a component whose state is a plain value (no record
// a driver points into).
template <class T>
World::ComponentImage value_image() {
  return {[](const void* live) -> std::shared_ptr<void> {
            return std::make_shared<T>(*static_cast<const T*>(live));
          },
          [](void* live, const void* saved) {
            *static_cast<T*>(live) = *static_cast<const T*>(saved);
            return true;
          }};
}

}  // namespace ks::km
