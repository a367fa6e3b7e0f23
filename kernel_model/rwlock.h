// Reader/writer locks, personality-neutral. Waiting writers hold off new
// readers (illumos's default policy), so a thread that re-enters as reader
// while a writer waits hangs here as it would on the real kernel.
#pragma once

#include "kernel_model/world.h"

namespace ks::km {

// `at`: the driver's call site (World::witness_acquire).
void rw_enter(World& w, ObjId rw, bool write, uintptr_t at = 0);
bool rw_tryenter(World& w, ObjId rw, bool write, uintptr_t at = 0);
// A reader that holds `rw` reads it again at once, whatever waits for it
// (FreeBSD's RM_RECURSE rmlock readers).
void rw_reenter_read(World& w, ObjId rw, uintptr_t at);
void rw_exit(World& w, ObjId rw);
// Reader to writer only if it is the sole reader and no writer waits.
bool rw_tryupgrade(World& w, ObjId rw);
void rw_downgrade(World& w, ObjId rw);
void rw_destroy(World& w, ObjId rw);
// Held as writer by the calling thread.
bool rw_write_held(World& w, ObjId rw);
// Held by readers (any thread), as illumos's rw_read_held().
bool rw_read_held(World& w, ObjId rw);
// Held as writer by the calling thread and entered exclusively more than
// once (a recursable lock, KObject::recursable).
bool rw_recursed(World& w, ObjId rw);

}  // namespace ks::km
