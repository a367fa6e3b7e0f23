// The sleep of a condition-variable wait, once its interlock is released:
// a spurious wakeup if the World allows them (a recorded choice), else
// queued on the cv until a signal, the deadline or a signal to the thread.
// Shared by the mutex wait (condvar.cc, on every personality's hot path:
// inline, so the thread resumes in cv_wait's frame) and the rwlock one
// (condvar_rw.cc).
#pragma once

#include <cerrno>

#include "kernel_model/callout.h"
#include "kernel_model/race.h"
#include "kernel_model/world.h"

namespace ks::km {

struct CvTimedWait {
  World* w;
  Tid t;
  ObjId cv;
};

inline void cv_timed_wait_expired(void* arg, uint64_t) {
  auto* tw = static_cast<CvTimedWait*>(arg);
  World* w = tw->w;
  w->kt(tw->t).wait_timer = 0;
  if (park_daemon_wait(*w, tw->t, cv_timed_wait_expired, arg, true)) return;
  if (w->wq_remove(tw->cv, tw->t)) w->sim().wake(tw->t, ETIMEDOUT);
}

// `lock` is the interlock the cv's waiters share; the waker's code.
[[gnu::always_inline]] inline int cv_sleep(World& w, KThread& k, ObjId cv, ObjId lock,
                                           uint16_t ev, bool sig, uint64_t deadline) {
  sim::Sim& s = w.sim();
  if (w.options().spurious_wakeups && s.choose(2, sim::ChoiceKind::kSpurious) == 1) return 0;
  w.obj(cv).cv_mutex = lock;
  Tid me = w.self_tid();
  w.wq_push(cv, me);
  CvTimedWait tw{&w, me, cv};
  if (deadline) k.wait_timer = s.add_timer(deadline, cv_timed_wait_expired, &tw);
  k.interruptible = sig;
  int code = s.block(ev, cv);
  k.interruptible = false;
  if (k.wait_timer) {
    s.cancel_timer(k.wait_timer);
    k.wait_timer = 0;
  }
  if (code == 0 && race_on(w)) race_acquire(w, cv);
  if (code == ETIMEDOUT) s.emit(kEvTimedout, cv, 0, 0, ETIMEDOUT);
  if (code == EINTR) s.emit(kEvInterrupted, cv, 0, 0, EINTR);
  return code;
}

}  // namespace ks::km
