// FreeBSD pmap_kextract (vm/pmap.h, machine/pmap.h's vtophys): kernel
// memory's physical addresses, the kernel model's (devmap.h).
#include <cinttypes>
#include <cstdio>
#include <string>

#include "kernel_model/devmap.h"
#include "kernel_model/world.h"

extern "C" {
#include <vm/pmap.h>
}

extern "C" vm_paddr_t pmap_kextract(vm_offset_t va) {
  ks::km::World& w = *ks::km::World::current();
  uint64_t pa = ks::km::kmem_vtophys(w, reinterpret_cast<const void*>(va));
  if (pa) return pa;
  // A real kernel has a physical address for every mapped kernel address;
  // kernsim has one only for kmem (malloc, uma, contigmalloc).
  char b[96];
  std::snprintf(b, sizeof b, "pmap_kextract(0x%" PRIxPTR ")", static_cast<uintptr_t>(va));
  w.fail(ks::sim::FailureKind::kHostError,
         std::string(b) + ": an address outside kernel memory (a module's global, a stack?): "
         "kernsim models physical addresses of kmem only (reached by thread " +
             w.thread_name(w.self_tid()) + ")",
         "not_modelled:pmap_kextract");
}
