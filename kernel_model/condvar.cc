// Condition variables: wait, wait_sig, timedwait, signal, broadcast, and
// (when the World allows them) spurious wakeups as a recorded choice.
#include <cerrno>

#include "kernel_model/cv_sleep.h"
#include "kernel_model/race.h"
#include "kernel_model/world.h"

namespace ks::km {

namespace {
// The reports, out of cv_wait: their strings would otherwise give every
// wait a large frame to set up, on the path right after a context switch.
[[noreturn, gnu::noinline, gnu::cold]] void wait_recursed(World& w, uint16_t ev, ObjId m) {
  w.misuse(std::string(w.sim().event_name(ev)) + " of " + w.name(m) +
               ": the interlock is recursed (thread " + w.thread_name(w.self_tid()) + ")",
           std::string("cv_wait_recursed:") + w.name(m));
}

[[noreturn, gnu::noinline, gnu::cold]] void wait_unheld(World& w, const char* op, ObjId cv,
                                                        ObjId m) {
  w.misuse(std::string(op) + " on " + w.name(cv) + " without holding mutex " + w.name(m) +
               " (thread " + w.thread_name(w.self_tid()) + ")",
           std::string("cv_wait_unheld:") + w.name(cv));
}

[[noreturn, gnu::noinline, gnu::cold]] void wait_wrong_mutex(World& w, const char* op,
                                                             ObjId cv, ObjId m) {
  w.misuse(std::string(op) + " on " + w.name(cv) + " with mutex " + w.name(m) +
               ", but other waiters use mutex " + w.name(w.obj(cv).cv_mutex),
           std::string("cv_wrong_mutex:") + w.name(cv));
}

}  // namespace

int World::cv_wait(ObjId cv, ObjId m, bool sig, uint64_t deadline, bool relock) {
  uint16_t ev = deadline ? kEvCvTimedwait : sig ? kEvCvWaitSig : kEvCvWait;
  // The interlock is released whole for the sleep: a recursed one cannot
  // be (FreeBSD asserts it not recursed in the mutex class's unlock).
  if (__builtin_expect(obj(m).recursed != 0, 0) && obj(m).owner == self_tid())
    wait_recursed(*this, ev, m);
  sim_.point(ev, cv, m);
  const char* op = sim_.event_name(ev);
  KObject& c = obj(cv);
  KObject& mo = obj(m);
  Tid me = self_tid();
  if (__builtin_expect(mo.owner != me, 0)) wait_unheld(*this, op, cv, m);
  if (__builtin_expect(c.wq_head != 0 && c.cv_mutex != m, 0)) wait_wrong_mutex(*this, op, cv, m);
  assert_may_sleep(op, cv, m);
  KThread& k = self();
  if (sig && k.sig_pending) {
    sim_.emit(kEvInterrupted, cv, 0, 0, EINTR);
    return EINTR;
  }

  // Release the mutex and sleep, atomically with respect to other threads.
  mo.owner = 0;
  if (mo.spin) k.spin_held--;
  // Taken again on waking, it keeps the site it was first taken at (as
  // WITNESS_SAVE/WITNESS_RESTORE keep it around FreeBSD's sleeps).
  uintptr_t m_at = k.nheld && k.held[k.nheld - 1] == m ? k.site(k.nheld - 1) : held_site(m);
  held_pop(m);
  if (Tid w = wq_pop(m)) sim_.wake(w, 0);

  int code = cv_sleep(*this, k, cv, m, ev, sig, deadline);

  if (__builtin_expect(!relock, 0)) return code;
  // Reacquire: contending like any mutex_enter, but no new scheduling point.
  while (mo.owner != 0) {
    wq_push(m, me);
    sim_.block(kEvMutexEnter, m);
  }
  mo.owner = me;
  if (mo.spin) k.spin_held++;
  held_push(m, m_at);
  return code;
}

void World::cv_signal(ObjId cv) {
  sim_.point(kEvCvSignal, cv);
  KObject& c = obj(cv);
  c.last_wake_step = sim_.step();
  c.last_waker = self_tid();
  c.last_wake_kind = kEvCvSignal;
  c.last_wake_sleepers = c.wq_head ? 1 : 0;
  if (race_on(*this)) race_release(*this, cv);
  if (Tid w = wq_pop(cv)) sim_.wake(w, 0);
}

void World::cv_broadcast(ObjId cv) {
  sim_.point(kEvCvBroadcast, cv);
  KObject& c = obj(cv);
  c.last_wake_step = sim_.step();
  c.last_waker = self_tid();
  c.last_wake_kind = kEvCvBroadcast;
  c.last_wake_sleepers = 0;
  if (race_on(*this)) race_release(*this, cv);
  while (Tid w = wq_pop(cv)) {
    c.last_wake_sleepers++;
    sim_.wake(w, 0);
  }
}

void World::cv_destroy(ObjId cv) {
  KObject& c = obj(cv);
  if (c.wq_head)
    misuse(std::string("cv_destroy of ") + name(cv) + " while thread " +
               thread_name(c.wq_head) + " sleeps on it",
           std::string("destroy_waited:") + name(cv));
  c.destroyed = true;
}

}  // namespace ks::km
