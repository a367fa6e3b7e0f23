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

#include "kernel_model/world.h"

namespace ks::km {

struct ReleasedVnode {
  std::string path;
  uint64_t step;
  Tid tid;
};

struct VnodeCache {
  std::map<std::string, void*> live;  // held, by path: ordered
  // Released vnodes by address: looked up, never iterated.
  std::unordered_map<uintptr_t, ReleasedVnode> released;

  void* find(const std::string& path) const {
    auto it = live.find(path);
    return it == live.end() ? nullptr : it->second;
  }
  void insert(const std::string& path, void* vp) { live[path] = vp; }
  // The calling thread released the last hold of vp, the vnode of path.
  void release(World& w, const std::string& path, const void* vp) {
    live.erase(path);
    released[reinterpret_cast<uintptr_t>(vp)] = ReleasedVnode{path, w.sim().step(), w.self_tid()};
  }
  // How vp was released, or null if it never was.
  const ReleasedVnode* release_of(const void* vp) const {
    auto it = released.find(reinterpret_cast<uintptr_t>(vp));
    return it == released.end() ? nullptr : &it->second;
  }
};

}  // namespace ks::km
