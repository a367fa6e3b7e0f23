// Lock-class rules a real system checks at its entry points, as neutral
// operations a personality maps its names onto. A system with one entry
// point per mutex class (FreeBSD: mtx_lock for sleep mutexes, mtx_lock_spin
// for spin ones) checks the class it serves; one with a single entry point
// for both (illumos mutex_enter) calls World::mutex_enter and checks
// nothing. Recursion (KObject::recursable) is in the mutex itself
// (mutex.cc), so every entry point sees it alike.
#pragma once

#include "kernel_model/world.h"

namespace ks::km {

// Enter/exit m through an entry point serving spin mutexes (spin) or
// blockable ones: the other class is misuse ("<op>_of_spin_mutex"); `op`
// names the entry point, `right_op` the one m's class needs. A blockable
// mutex of a class-checked lock (KObject::class_checked) taken with a spin
// lock held is misuse even uncontended ("sleep_with_spin:<op>").
void mutex_enter_class(World& w, ObjId m, bool spin, const char* op, const char* right_op,
                       uintptr_t at = 0);
void mutex_exit_class(World& w, ObjId m, bool spin, const char* op, const char* right_op);

// Held by the caller and entered more than once.
inline bool mutex_recursed(World& w, ObjId m) {
  return w.mutex_owned(m) && w.obj(m).recursed > 0;
}

}  // namespace ks::km
