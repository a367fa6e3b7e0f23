// Taking a sleepable lock (sx(9), a sleepable rmlock(9)) as WITNESS judges
// it, and any rmlock(9) as INVARIANTS does. FreeBSD facts, checked in
// freebsd-src: witness_checkorder reports
// "lock order reversal: (sleepable after non-sleepable)" when a lock whose
// class is LO_SLEEPABLE is acquired (not tried) while a lock that is not
// is held (sys/kern/subr_witness.c), on the first such acquire, contended
// or not; rm_rlock of an RM_SLEEPABLE rmlock checks the order of its sx
// too (sys/kern/kern_rmlock.c, _rm_rlock_debug). From memory: an sx that
// is contended sleeps on a sleep queue, and sleepq_add asserts that the
// thread may sleep (a callout may not), so a contended sx in a callout is
// an INVARIANTS panic, an uncontended one passes (checked since: sleepq_add
// KASSERTs td_no_sleeping == 0, subr_sleepqueue.c; softclock_call_cc
// brackets the handler with THREAD_NO_SLEEPING, kern_timeout.c; _sx_xlock
// checks only the order, kern_sx.c, so an uncontended sx passes).
// rmlock readers (kern_rmlock.c): rm_init_flags makes RM_RECURSE
// LO_RECURSABLE; _rm_rlock_debug KASSERTs that a reader without it holds
// no tracker of the lock already ("recursed on non-recursive rmlock"), and
// _rm_rlock_hard grants a recursable lock's reader at once even with a
// writer waiting. _rm_wlock_debug asserts RA_UNLOCKED: a writer never
// recurses, RM_RECURSE or not.
#include <cstring>
#include <string>

#include "kernel_model/code_site.h"
#include "kernel_model/rwlock.h"
#include "kernel_model/world.h"

extern "C" {
#include <kernsim/abi.h>
}

using ks::km::World;

namespace {
[[noreturn, gnu::cold]] void rm_recursed(World& w, ks::sim::ObjId rw, const char* op,
                                         uintptr_t at, const char* why) {
  w.misuse(std::string(op) + ": recursed on rmlock " + w.name(rw) + " by thread " +
               w.thread_name(w.self_tid()) + ", " + why + "\n 1st " + w.name(rw) +
               ks::km::at_site(w.held_site(rw)) + "\n 2nd " + w.name(rw) +
               ks::km::at_site(at),
           std::string("recursive_enter:") + w.name(rw));
}

// A thread taking an rmlock it holds: true if granted here (an RM_RECURSE
// reader), a report if FreeBSD's INVARIANTS would panic.
bool rm_recursion(World& w, ks::sim::ObjId rw, int write, const char* op, uintptr_t at) {
  const ks::km::KObject& o = w.obj(rw);
  if (o.owner == w.self_tid()) {
    if (write) rm_recursed(w, rw, op, at, "which it holds as writer (RM_RECURSE is for readers)");
    return false;  // a read under its own write: rwlock.cc's report
  }
  const ks::km::KThread& k = w.self();
  bool reads = false;
  for (int i = 0; i < k.nheld; i++) reads |= k.held[i] == rw;
  if (!reads || write) return false;  // a write under its own read: rwlock.cc's report
  if (!o.recursable) rm_recursed(w, rw, op, at, "which it reads already, without RM_RECURSE");
  ks::km::rw_reenter_read(w, rw, at);
  return true;
}

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
  uintptr_t at = KS_CALLER;
  auto rw = w.resolve(reinterpret_cast<ks::km::KHandle*>(h), ks::km::kObjRwlock, expr, op);
  const ks::km::KObject& o = w.obj(rw);
  ks::km::KThread& k = w.self();
  if (op[0] == 'r' && std::strncmp(op, "rm_", 3) == 0 && rm_recursion(w, rw, write, op, at))
    return;
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
                 ") while holding the non-sleepable lock " + a + "\n 1st " + a +
                 (k.site(i) == ks::km::kSiteNotKept ? std::string(" (site not kept)")
                  : k.site(i)                       ? ks::km::at_site(k.site(i))
                                                    : std::string(" (taken by the kernel)")) +
                 "\n 2nd " + b + ks::km::at_site(at),
             "lock_order_sleepable:" + a + ":" + b);
    }
  }
  // A contended sleepable lock sleeps: say so where the driver asked.
  bool busy = write ? (o.owner != 0 || o.readers != 0) : (o.owner != 0 || o.count != 0);
  if (o.wait_sleeps && busy && !recursion && o.owner != w.self_tid())
    w.assert_may_sleep(op, rw);
  ks::km::rw_enter(w, rw, write != 0, at);  // resolved once, above
}

}  // extern "C"
