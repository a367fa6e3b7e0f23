// The illumos personality's per-World state (component slot kSlotIllumos):
// vnodes by path and the vnodes already released (to name a stale pointer),
// installed kstats. Its teardown checks report holds and kstats left behind.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "kernel_model/world.h"

struct vnode;
struct kstat;

namespace ks::km::illumos {

struct ReleasedVnode {
  std::string path;
  uint64_t step;
  sim::Tid tid;
};

struct IlState {
  std::map<std::string, struct vnode*> vnodes;  // held, by path: ordered
  // Freed vnodes by address: looked up, never iterated.
  std::unordered_map<uintptr_t, ReleasedVnode> released;
  std::vector<struct kstat*> kstats;  // installed, in installation order
};

IlState& il_state(World& w);

}  // namespace ks::km::illumos
