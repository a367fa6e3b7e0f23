// Mutexes, adaptive and spin. A waiter that is woken retries the enter, so a
// third thread may barge in between: real adaptive mutexes promise no
// hand-off, and the extra interleavings are ones a driver must survive.
// A recursable mutex (KObject::recursable, FreeBSD's MTX_RECURSE) counts
// its owner's extra enters in `recursed`; each is still a scheduling point
// of its operation, and the witness sees only the first.
#include "kernel_model/world.h"

#include "kernel_model/code_site.h"

namespace ks::km {

namespace {
// The reports, out of the primitives: their strings would otherwise give
// every enter and exit a large frame to set up, on the path right after a
// context switch.
[[noreturn, gnu::noinline, gnu::cold]] void recursive_enter(World& w, ObjId m, Tid me,
                                                          uintptr_t at) {
  uintptr_t first = w.held_site(m);
  w.misuse(std::string("recursive mutex_enter of ") + w.name(m) + " by thread " +
               w.thread_name(me) + (at ? "\n  2nd" + at_site(at) : std::string()) +
               (first ? "\n  1st" + at_site(first) : std::string()),
           std::string("recursive_enter:") + w.name(m));
}

[[noreturn, gnu::noinline, gnu::cold]] void bad_exit(World& w, ObjId m, Tid me, Tid owner) {
  if (owner == 0)
    w.misuse(std::string("mutex_exit of ") + w.name(m) + ", which is not held, by thread " +
                 w.thread_name(me),
             std::string("exit_unheld:") + w.name(m));
  w.misuse(std::string("mutex_exit of ") + w.name(m) + " by thread " + w.thread_name(me) +
               ", but thread " + w.thread_name(owner) + " owns it",
           std::string("exit_not_owner:") + w.name(m));
}
}  // namespace

void World::mutex_enter(ObjId m, uintptr_t at) {
  sim_.point(kEvMutexEnter, m);
  KObject& o = obj(m);
  Tid me = self_tid();
  if (__builtin_expect(o.owner == me, 0)) {
    if (o.recursable) {
      o.recursed++;
      return;
    }
    recursive_enter(*this, m, me, at);
  }
  // A high-level interrupt may take only spin mutexes (mutex(9F)), contended
  // or not.
  if (__builtin_expect(sim_.cur()->ctx == kCtxHigh && !o.spin, 0))
    assert_may_block("mutex_enter of an adaptive mutex", m);
  while (o.owner != 0) {
    if (!o.spin) assert_may_block("mutex_enter", m);
    wq_push(m, me);
    sim_.block(kEvMutexEnter, m);
  }
  o.owner = me;
  if (o.spin) self().spin_held++;
  witness_acquire(m, at);
}

bool World::mutex_tryenter(ObjId m, uintptr_t at) {
  sim_.point(kEvMutexTryenter, m);
  KObject& o = obj(m);
  if (o.owner != 0) {
    // The owner of a recursable mutex gets it again; the owner of another
    // fails, like anyone else who finds it taken.
    if (__builtin_expect(o.recursable && o.owner == self_tid(), 0)) {
      o.recursed++;
      return true;
    }
    sim_.emit(kEvMutexTryenter, m, 0, 0, 0);
    return false;
  }
  o.owner = self_tid();
  if (o.spin) self().spin_held++;
  held_push(m, at);  // a tryenter cannot deadlock: no order edge
  return true;
}

void World::mutex_exit(ObjId m) {
  sim_.point(kEvMutexExit, m);
  KObject& o = obj(m);
  Tid me = self_tid();
  if (__builtin_expect(o.owner != me || o.recursed != 0, 0)) {
    if (o.owner == me) {  // recursed: one enter undone
      o.recursed--;
      return;
    }
    bad_exit(*this, m, me, o.owner);
  }
  o.owner = 0;
  if (o.spin) self().spin_held--;
  held_pop(m);
  if (Tid w = wq_pop(m)) sim_.wake(w, 0);
}

void World::mutex_destroy(ObjId m) {
  KObject& o = obj(m);
  // Destroyed by its owner, a mutex that allows it is unlocked first; a
  // recursed one cannot be (FreeBSD's mtx_destroy).
  if (o.owner && o.destroy_unlocks && o.owner == self_tid()) {
    if (o.recursed)
      misuse(std::string("mutex_destroy of ") + name(m) + ": it is recursed (thread " +
                 thread_name(o.owner) + ")",
             std::string("destroy_recursed:") + name(m));
    mutex_exit(m);
  }
  if (o.owner)
    misuse(std::string("mutex_destroy of ") + name(m) + " while thread " +
               thread_name(o.owner) + " holds it",
           std::string("destroy_held:") + name(m));
  if (o.wq_head)
    misuse(std::string("mutex_destroy of ") + name(m) + " while thread " +
               thread_name(o.wq_head) + " waits for it",
           std::string("destroy_waited:") + name(m));
  o.destroyed = true;
}

}  // namespace ks::km
