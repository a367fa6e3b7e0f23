// A cv wait whose interlock is a reader/writer lock. FreeBSD's condvar(9)
// and sleep(9) take a lock of any class (sx, rwlock as well as mtx): the
// class's unlock answers whether it was held shared or exclusive and its
// lock takes it again the same way (checked: kern_condvar.c _cv_wait*,
// kern_synch.c _sleep, kern_sx.c lock_sx/unlock_sx, kern_rwlock.c
// lock_rw/unlock_rw; both unlocks assert the lock held and not recursed).
// Kept apart from World::cv_wait so the mutex wait, on every personality's
// hot path, stays as it is. Neutral: an illumos rwlock could use it too.
#include <cerrno>

#include "kernel_model/cv_sleep.h"
#include "kernel_model/race.h"
#include "kernel_model/world.h"

namespace ks::km {

namespace {

bool reads(World& w, ObjId rw) {
  const KThread& k = w.self();
  if (w.obj(rw).owner == w.self_tid()) return false;
  for (int i = 0; i < k.nheld; i++)
    if (k.held[i] == rw) return true;
  return false;
}

[[noreturn, gnu::cold]] void rw_interlock_misuse(World& w, const char* op, ObjId cv, ObjId rw,
                                                 const char* why, const char* sig) {
  w.misuse(std::string(op) + " on " + w.name(cv) + " with lock " + w.name(rw) + ": " + why +
               " (thread " + w.thread_name(w.self_tid()) + ")",
           std::string(sig) + w.name(cv));
}
}  // namespace

int World::cv_wait_rw(ObjId cv, ObjId rw, bool sig, uint64_t deadline, bool relock) {
  uint16_t ev = deadline ? kEvCvTimedwait : sig ? kEvCvWaitSig : kEvCvWait;
  sim_.point(ev, cv, rw);
  const char* op = sim_.event_name(ev);
  KObject& c = obj(cv);
  KObject& lo = obj(rw);
  Tid me = self_tid();
  bool write = lo.owner == me;
  if (!write && !reads(*this, rw))
    rw_interlock_misuse(*this, op, cv, rw, "the caller does not hold it", "cv_wait_unheld:");
  if (write && lo.recursed)
    rw_interlock_misuse(*this, op, cv, rw, "the interlock is recursed", "cv_wait_recursed:");
  if (c.wq_head != 0 && c.cv_mutex != rw)
    misuse(std::string(op) + " on " + name(cv) + " with lock " + name(rw) +
               ", but other waiters use lock " + name(c.cv_mutex),
           std::string("cv_wrong_mutex:") + name(cv));
  assert_may_sleep(op, cv, rw);
  KThread& k = self();
  if (sig && k.sig_pending) {
    sim_.emit(kEvInterrupted, cv, 0, 0, EINTR);
    if (!relock) rw_release(rw, write);
    return EINTR;
  }

  uintptr_t at = held_site(rw);  // taken again, it keeps its first site
  rw_release(rw, write);

  int code = cv_sleep(*this, k, cv, rw, ev, sig, deadline);
  if (!relock) return code;

  // Taken again in the mode it was held in, contending as rw_enter does
  // (a waiting writer holds off a reader), without a new scheduling point.
  if (write) {
    lo.count++;
    while (lo.owner != 0 || lo.readers != 0) {
      wq_push(rw, me);
      sim_.block(kEvRwEnter, rw);
    }
    lo.count--;
    lo.owner = me;
  } else {
    while (lo.owner != 0 || lo.count != 0) {
      wq_push(rw, me);
      sim_.block(kEvRwEnter, rw);
    }
    lo.readers++;
  }
  held_push(rw, at);
  if (race_on(*this)) {
    race_acquire(*this, rw);
    if (write) race_acquire(*this, kRaceKeyRead | rw);
  }
  return code;
}

// Releases rw as rw_exit does, without its scheduling point: the caller
// goes to sleep next, atomically.
void World::rw_release(ObjId rw, bool write) {
  KObject& o = obj(rw);
  if (write) o.owner = 0; else o.readers--;
  if (race_on(*this)) race_release(*this, write ? uint64_t(rw) : kRaceKeyRead | rw);
  held_pop(rw);
  if (o.owner == 0 && o.readers == 0)
    while (Tid t = wq_pop(rw)) sim_.wake(t, 0);
}

}  // namespace ks::km
