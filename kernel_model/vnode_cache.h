// The vnode cache: one vnode per path while it is held, and a record of
// the vnodes already released, by address, so a stale pointer a driver
// passes back is named (its path, the thread that released it, the step).
// The personality's vnode structure is opaque here; the personality keeps
// one cache per World and decides when a vnode's last hold is gone.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>

#include "kernel_model/node_spares.h"
#include "kernel_model/world.h"

namespace ks::km {

struct ReleasedVnode {
  std::string path;
  uint64_t step;
  Tid tid;
};

struct VnodeCache {
  std::map<std::string, void*> live;  // held, by path: ordered
  NodeSpares<std::map<std::string, void*>> live_spares;  // its erased nodes
  // Released vnodes by address: looked up, never iterated.
  std::unordered_map<uintptr_t, ReleasedVnode> released;
  NodeSpares<std::unordered_map<uintptr_t, ReleasedVnode>> released_spares;

  void* find(const std::string& path) const {
    auto it = live.find(path);
    return it == live.end() ? nullptr : it->second;
  }
  void insert(const std::string& path, void* vp) { live_spares.get(live, path) = vp; }
  // The calling thread released the last hold of vp, the vnode of path.
  void release(World& w, const std::string& path, const void* vp) {
    if (auto it = live.find(path); it != live.end()) live_spares.erase(live, it);
    ReleasedVnode& r = released_spares.get(released, reinterpret_cast<uintptr_t>(vp));
    r.path = path;
    r.step = w.sim().step();
    r.tid = w.self_tid();
  }
  // Empties it, keeping its nodes (a recycled personality state's).
  void recycle() {
    live_spares.clear(live);
    released_spares.clear(released);
  }
  // How vp was released, or null if it never was.
  const ReleasedVnode* release_of(const void* vp) const {
    auto it = released.find(reinterpret_cast<uintptr_t>(vp));
    return it == released.end() ? nullptr : &it->second;
  }
};

}  // namespace ks::km
