// Counting semaphores, personality-neutral.
#pragma once

#include "kernel_model/world.h"

namespace ks::km {

void sema_init(World& w, ObjId s, unsigned count);
void sema_p(World& w, ObjId s);
// 0, or EINTR when a signal is pending at entry or interrupts the sleep.
int sema_p_sig(World& w, ObjId s);
bool sema_tryp(World& w, ObjId s);
// sema_p with each sleep bounded by `each_ns` of virtual time, counted
// again from every wakeup that finds the count taken (FreeBSD's
// sema_timedwait restarts its timeout so). 0 when it took the count,
// ETIMEDOUT when a sleep ran out with the count still zero.
int sema_p_timed(World& w, ObjId s, uint64_t each_ns);
// The count, as a racy read of it gives it (no scheduling point).
int sema_count(World& w, ObjId s);
void sema_v(World& w, ObjId s);
void sema_destroy(World& w, ObjId s);

}  // namespace ks::km
