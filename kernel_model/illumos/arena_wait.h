// The wait of an illumos vmem arena (an id space is one on illumos): an
// allocation that sleeps on an exhausted arena waits on the arena's vm_cv,
// which every return of space to the arena broadcasts (vmem.c's
// vmem_freelist_insert). One model for vmem.cc and id_space.cc.
#pragma once

#include <cstdint>

namespace ks::km::illumos {

// One wait of the calling thread (a scheduling point) for space in the
// arena `name`. *waitq is the arena's queue, made at its first wait so an
// arena nobody waits on adds no object to an execution; it lives in the
// arena's kmem record, so a reset restores it with the arena. `op` names
// the call in a "may not sleep here" report. The caller searches again.
void arena_wait(uint32_t* waitq, const char* name, const char* op);
// Wakes every thread waiting on the arena (cv_broadcast of vm_cv).
void arena_wake(uint32_t waitq);

}  // namespace ks::km::illumos
