// The neutral C boundary for kernel threads a driver starts itself
// (FreeBSD kthread_add/kproc_kthread_add): a World thread on a fiber.
#include "kernel_model/world.h"
#include "kernsim/abi.h"

extern "C" uint32_t ks_kthread_create(const char* name, void (*fn)(void*), void* arg,
                                      int daemon) {
  ks::km::World& w = *ks::km::World::current();
  const char* n = w.sim().intern(name && *name ? name : "kthread");
  return w.spawn(n, fn, arg, daemon != 0);
}
