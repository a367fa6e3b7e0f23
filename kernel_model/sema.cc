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
// signal poster woke an interruptible sleep; with `each_ns`, ETIMEDOUT when
// a sleep that long ran out with the count still taken (each wakeup that
// finds it taken sleeps anew; a post that came with the expiry still
// counts, as kern_sema.c takes a positive count whatever the wait said).
int take(World& w, ObjId s, const char* op, bool sig, uint64_t each_ns = 0) {
  Tid me = w.self_tid();
  while (w.obj(s).count <= 0) {
    w.assert_may_sleep(op, s);
    w.wq_push(s, me);
    KThread& k = w.self();
    CvTimedWait tw{&w, me, s};  // the expiry takes the thread off the queue
    if (each_ns)
      k.wait_timer = w.sim().add_timer(w.sim().now() + each_ns, cv_timed_wait_expired, &tw);
    k.interruptible = sig;
    int code = w.sim().block(kEvSemaP, s);
    k.interruptible = false;
    if (k.wait_timer) {
      w.sim().cancel_timer(k.wait_timer);
      k.wait_timer = 0;
    }
    if (code == EINTR) {
      w.sim().emit(kEvInterrupted, s, 0, 0, EINTR);
      return EINTR;
    }
    if (code == ETIMEDOUT && w.obj(s).count <= 0) {
      w.sim().emit(kEvTimedout, s, 0, 0, ETIMEDOUT);
      return ETIMEDOUT;
    }
  }
  w.obj(s).count--;
  race_acquire(w, s);
  return 0;
}
}  // namespace

int sema_p_timed(World& w, ObjId s, uint64_t each_ns) {
  w.sim().point(kEvSemaP, s, 2);
  return take(w, s, "sema_timedwait", false, each_ns ? each_ns : 1);
}

int sema_count(World& w, ObjId s) { return int(w.obj(s).count); }

void sema_init(World& w, ObjId s, unsigned count) { w.obj(s).count = count; }

void sema_p(World& w, ObjId s) {
  w.sim().point(kEvSemaP, s);
  take(w, s, "sema_p", false);
}

int sema_p_sig(World& w, ObjId s) {
  w.sim().point(kEvSemaP, s, 1);
  if (w.self().sig_pending) {
    w.sim().emit(kEvInterrupted, s, 0, 0, EINTR);
    return EINTR;
  }
  return take(w, s, "sema_p_sig", true);
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
