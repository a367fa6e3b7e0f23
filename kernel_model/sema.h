// Counting semaphores, personality-neutral.
#pragma once

#include "kernel_model/world.h"

namespace ks::km {

void sema_init(World& w, ObjId s, unsigned count);
void sema_p(World& w, ObjId s);
// 0, or EINTR when a signal is pending at entry or interrupts the sleep.
int sema_p_sig(World& w, ObjId s);
bool sema_tryp(World& w, ObjId s);
void sema_v(World& w, ObjId s);
void sema_destroy(World& w, ObjId s);

}  // namespace ks::km
