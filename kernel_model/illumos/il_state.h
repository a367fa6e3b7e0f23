// The illumos personality's per-World state (a component slot of its own):
// vnodes by path and the vnodes already released (to name a stale pointer),
// installed kstats, the kernel threads drivers started (thread.cc). Its teardown checks report holds and kstats left behind.
#pragma once

#include <deque>
#include <vector>

#include "kernel_model/det_random.h"
#include "kernel_model/kthread_exit.h"
#include "kernel_model/vnode_cache.h"
#include "kernel_model/world.h"

struct vnode;
struct kstat;

namespace ks::km::illumos {

// Recycled (component_pool.h) when the boot made none: a driver that opens
// its backing file per mapping (lofi) makes it in every execution.
struct IlState {
  VnodeCache vnodes;  // of struct vnode
  std::vector<struct kstat*> kstats;  // installed, in installation order
  std::deque<ExitableThread> kthreads;  // thread_create's, their fibers point in
  std::vector<void*> umem_locks;  // the live ddi_umem_lock cookies (umem_lock.cc)
  struct {
    std::vector<void*> slots;     // by index: the id's kmem entry, null once freed
    std::vector<uint32_t> free;   // freed indexes, the last freed at the back
  } id32;  // id32.cc
  uint64_t rng = kDetRandomSeed;  // random_get_bytes (det_random.h)
  void recycle() {
    vnodes.recycle();
    kstats.clear();
    kthreads.clear();
    umem_locks.clear();
    id32.slots.clear();
    id32.free.clear();
    rng = kDetRandomSeed;
  }
};

IlState& il_state(World& w);

}  // namespace ks::km::illumos
