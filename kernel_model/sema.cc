// Counting semaphores. KObject::count is the count. A v wakes one sleeper,
// which re-checks the count, so another thread may take it first; sema_v
// is recorded on the object so a stuck report can say what last posted it.
#include "kernel_model/sema.h"

#include <cerrno>

#include "kernel_model/cv_sleep.h"
#include "kernel_model/race.h"

namespace ks::km {

namespace {
// Sleeps until the count is positive, then takes one. Returns EINTR if a
// signal poster woke an interruptible sleep.
int take(World& w, ObjId s, bool sig) {
  Tid me = w.self_tid();
  while (w.obj(s).count <= 0) {
    w.assert_may_sleep(sig ? "sema_p_sig" : "sema_p", s);
    w.wq_push(s, me);
    w.self().interruptible = sig;
    int code = w.sim().block(kEvSemaP, s);
    w.self().interruptible = false;
    if (code == EINTR) {
      w.sim().emit(kEvInterrupted, s, 0, 0, EINTR);
      return EINTR;
    }
  }
  w.obj(s).count--;
  race_acquire(w, s);
  return 0;
}
}  // namespace

int sema_p_timed(World& w, ObjId s, uint64_t each_ns) {
  w.sim().point(kEvSemaP, s, 2);
  Tid me = w.self_tid();
  int code = 0;
  while (w.obj(s).count <= 0 && code != ETIMEDOUT) {
    w.assert_may_sleep("sema_timedwait", s);
    w.wq_push(s, me);
    KThread& k = w.self();
    // The cv wait's expiry: off the queue, woken with ETIMEDOUT.
    CvTimedWait tw{&w, me, s};
    k.wait_timer = w.sim().add_timer(w.sim().now() + (each_ns ? each_ns : 1),
                                     cv_timed_wait_expired, &tw);
    code = w.sim().block(kEvSemaP, s);
    if (w.self().wait_timer) {
      w.sim().cancel_timer(w.self().wait_timer);
      w.self().wait_timer = 0;
    }
  }
  // A post that came with the expiry still counts (kern_sema.c takes a
  // positive count whatever the wait answered).
  if (w.obj(s).count <= 0) {
    w.sim().emit(kEvTimedout, s, 0, 0, ETIMEDOUT);
    return ETIMEDOUT;
  }
  w.obj(s).count--;
  race_acquire(w, s);
  return 0;
}

int sema_count(World& w, ObjId s) { return int(w.obj(s).count); }

void sema_init(World& w, ObjId s, unsigned count) { w.obj(s).count = count; }

void sema_p(World& w, ObjId s) {
  w.sim().point(kEvSemaP, s);
  take(w, s, false);
}

int sema_p_sig(World& w, ObjId s) {
  w.sim().point(kEvSemaP, s, 1);
  if (w.self().sig_pending) {
    w.sim().emit(kEvInterrupted, s, 0, 0, EINTR);
    return EINTR;
  }
  return take(w, s, true);
}

bool sema_tryp(World& w, ObjId s) {
  w.sim().point(kEvSemaTryp, s);
  KObject& o = w.obj(s);
  if (o.count <= 0) {
    w.sim().emit(kEvSemaTryp, s, 0, 0, 0);
    return false;
  }
  o.count--;
  race_acquire(w, s);
  return true;
}

void sema_v(World& w, ObjId s) {
  w.sim().point(kEvSemaV, s);
  KObject& o = w.obj(s);
  o.count++;
  o.last_wake_step = w.sim().step();
  o.last_waker = w.self_tid();
  o.last_wake_kind = kEvSemaV;
  o.last_wake_sleepers = o.wq_head ? 1 : 0;
  race_release(w, s);
  if (Tid t = w.wq_pop(s)) w.sim().wake(t, 0);
}

void sema_destroy(World& w, ObjId s) {
  KObject& o = w.obj(s);
  if (o.wq_head)
    w.misuse("sema_destroy of semaphore " + std::string(w.name(s)) + " while thread " +
                 w.thread_name(o.wq_head) + " sleeps on it",
             std::string("destroy_waited:") + w.name(s));
  o.destroyed = true;
}

}  // namespace ks::km
