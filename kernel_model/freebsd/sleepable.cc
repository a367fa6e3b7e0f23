// Taking a sleepable lock (sx(9), a sleepable rmlock(9)) as WITNESS judges
// it. FreeBSD facts, checked in freebsd-src: witness_checkorder reports
// "lock order reversal: (sleepable after non-sleepable)" when a lock whose
// class is LO_SLEEPABLE is acquired (not tried) while a lock that is not
// is held (sys/kern/subr_witness.c), on the first such acquire, contended
// or not; rm_rlock of an RM_SLEEPABLE rmlock checks the order of its sx
// too (sys/kern/kern_rmlock.c, _rm_rlock_debug). From memory: an sx that
// is contended sleeps on a sleep queue, and sleepq_add asserts that the
// thread may sleep (a callout may not), so a contended sx in a callout is
// an INVARIANTS panic, an uncontended one passes.
#include <string>

#include "kernel_model/rwlock.h"
#include "kernel_model/world.h"

extern "C" {
#include <kernsim/abi.h>
}

using ks::km::World;

namespace {
const char* base_name(const char* file) {
  const char* b = file;
  for (const char* p = file; *p; p++)
    if (*p == '/') b = p + 1;
  return b;
}
}  // namespace

extern "C" {

void ks_fb_sleepable_lock(ks_handle_t* h, int write, const char* op, const char* expr,
                          const char* file, int line) {
  World& w = *World::current();
  auto rw = w.resolve(reinterpret_cast<ks::km::KHandle*>(h), ks::km::kObjRwlock, expr, op);
  const ks::km::KObject& o = w.obj(rw);
  ks::km::KThread& k = w.self();
  // The writer's recursion on an SX_RECURSE lock takes nothing new.
  bool recursion = write && o.owner == w.self_tid() && o.recursable;
  if (o.wait_sleeps && !recursion && k.nheld != 0) {
    for (int i = k.nheld - 1; i >= 0; i--) {
      ks::sim::ObjId held = k.held[i];
      if (held == rw || !w.obj(held).no_sleep_held) continue;
      std::string a = w.name(held), b = w.name(rw);
      w.fail(ks::sim::FailureKind::kLockOrder,
             std::string("lock order reversal: (sleepable after non-sleepable): thread ") +
                 w.thread_name(w.self_tid()) + " takes the sleepable lock " + b + " (" + op +
                 " at " + base_name(file) + ":" + std::to_string(line) +
                 ") while holding the non-sleepable lock " + a,
             "lock_order_sleepable:" + a + ":" + b);
    }
  }
  // A contended sleepable lock sleeps: say so where the driver asked.
  bool busy = write ? (o.owner != 0 || o.readers != 0) : (o.owner != 0 || o.count != 0);
  if (o.wait_sleeps && busy && !recursion && o.owner != w.self_tid())
    w.assert_may_sleep(op, rw);
  ks::km::rw_enter(w, rw, write != 0);  // resolved once, above
}

}  // extern "C"
