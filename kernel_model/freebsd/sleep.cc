// sleep(9): msleep, msleep_spin, tsleep, wakeup and wakeup_one. A wait
// channel is any address; the first sleep on one gives it a condvar of the
// kernel model (FbState::sleepqs, found by scanning in that order, never
// by address), so msleep is a cv wait with the driver's mtx as the
// interlock: the check-then-sleep is atomic against a wakeup made under
// that mtx, as FreeBSD's sleepqueue chain lock makes it. tsleep has no
// interlock; it waits under a lock of the channel's own, so a wakeup
// before it is lost, as on FreeBSD. PCATCH makes the sleep interruptible
// (EINTR: see sys/condvar.h on signals), timo counts ticks (EWOULDBLOCK),
// PDROP leaves the mtx released on return. sx_sleep and rw_sleep are the
// same with an sx or rwlock, re-taken shared or exclusive as it was held.
#include <cerrno>

#include "kernel_model/freebsd/sbt.h"
#include "kernel_model/freebsd/state.h"
#include "kernel_model/world.h"

extern "C" {
#include <sys/callout.h>
#include <sys/mutex.h>
#include <sys/param.h>
#include <sys/sx.h>
#include <sys/systm.h>
}

#undef printf
#undef panic

namespace {

using ks::km::freebsd::FbSleepq;
using ks::km::freebsd::kNsPerTick;

FbSleepq* find(const void* chan) {
  for (FbSleepq& q : ks::km::freebsd::state(*ks::km::World::current()).sleepqs)
    if (q.chan == chan) return &q;
  return nullptr;
}

FbSleepq& sleepq(const void* chan, const char* wmesg) {
  if (FbSleepq* q = find(chan)) return *q;
  FbSleepq& q = ks::km::freebsd::state(*ks::km::World::current()).sleepqs.emplace_back();
  q.chan = chan;
  ks_cv_init(&q.cv, wmesg && *wmesg ? wmesg : "sleep", "sleepq");
  return q;
}

// deadline: virtual ns, 0 for none
int sleep_until(FbSleepq& q, ks_handle_t* lock, int pri, uint64_t deadline, const char* wmesg,
                const char* lock_expr) {
  int r = ks_cv_wait(&q.cv, lock, (pri & PCATCH) != 0, deadline, wmesg, lock_expr);
  return r == ETIMEDOUT ? EWOULDBLOCK : r;
}

// msleep's timo in ticks: 0 is no deadline; any other value arms one,
// a negative one a tick (_sleep arms it for an sbt other than 0,
// tick_sbt * timo with C_HARDCLOCK, which callout_when raises to a tick).
uint64_t tick_deadline(int timo) {
  return timo != 0 ? ks_now_ns() + uint64_t(timo > 0 ? timo : 1) * kNsPerTick : 0;
}

int sleep_on(FbSleepq& q, ks_handle_t* lock, int pri, int timo, const char* wmesg,
         const char* lock_expr) {
  uint64_t deadline = tick_deadline(timo);
  return sleep_until(q, lock, pri, deadline, wmesg, lock_expr);
}

ks_handle_t* chain_lock(FbSleepq& q) {
  if (!q.lock_made) {
    ks_mutex_init(&q.lock, "sleepq chain", 0, "sleepq chain");
    q.lock_made = true;
  }
  return &q.lock;
}

}  // namespace

extern "C" {

int ks_fb_msleep(const void* chan, struct mtx* m, int pri, const char* wmesg, int timo,
                 const char* expr) {
  if (!m) return ks_fb_tsleep(chan, pri, wmesg, timo);
  FbSleepq& q = sleepq(chan, wmesg);
  int r = sleep_on(q, &m->_opaque, pri, timo, wmesg, expr);
  if (pri & PDROP) mtx_unlock(m);
  return r;
}

int ks_fb_tsleep(const void* chan, int pri, const char* wmesg, int timo) {
  FbSleepq& q = sleepq(chan, wmesg);
  ks_handle_t* l = chain_lock(q);
  ks_mutex_enter(l, "sleepq chain");
  int r = sleep_on(q, l, pri, timo, wmesg, "sleepq chain");
  ks_mutex_exit(l, "sleepq chain");
  return r;
}

// msleep_sbt/tsleep_sbt (sleep(9)): kern_synch.c's _sleep (read) sets a
// timeout only for an sbt other than 0, at callout_when's deadline (its
// C_* flags: sbt.h); `pr` (the precision) changes nothing on virtual time.
int ks_fb_msleep_sbt(const void* chan, struct mtx* m, int pri, const char* wmesg,
                     sbintime_t sbt, sbintime_t, int flags, const char* expr) {
  FbSleepq& q = sleepq(chan, wmesg);
  uint64_t deadline = sbt != 0 ? ks::km::freebsd::callout_when_ns(sbt, flags) : 0;
  if (!m) {
    ks_handle_t* l = chain_lock(q);
    ks_mutex_enter(l, "sleepq chain");
    int r = sleep_until(q, l, pri, deadline, wmesg, "sleepq chain");
    ks_mutex_exit(l, "sleepq chain");
    return r;
  }
  int r = sleep_until(q, &m->_opaque, pri, deadline, wmesg, expr);
  if (pri & PDROP) mtx_unlock(m);
  return r;
}

// sx_sleep/rw_sleep (sys/sx.h, sys/rwlock.h): sleep(9) with an sx or an
// rwlock as the interlock, released in the mode it is held in and taken
// again in it unless PDROP (kern_synch.c _sleep: lc_unlock, then lc_lock
// with its answer, skipped for PDROP). FreeBSD has no _sbt forms of these.
int ks_fb_sleep_rwl(const void* chan, ks_handle_t* lock, int pri, const char* wmesg, int timo,
                    const char* op, const char* expr) {
  FbSleepq& q = sleepq(chan, wmesg);
  uint64_t deadline = tick_deadline(timo);
  return ks::km::freebsd::cv_wait_rwl(&q.cv, lock, deadline, (pri & PCATCH) != 0, !(pri & PDROP),
                                      wmesg, expr, op);
}

void ks_fb_wakeup(const void* chan, int one) {
  FbSleepq* q = find(chan);
  if (!q) {
    ks_preempt();  // nobody slept there yet: still a point another thread may run at
    return;
  }
  if (one)
    ks_cv_signal(&q->cv, "wakeup_one");
  else
    ks_cv_broadcast(&q->cv, "wakeup");
}

}  // extern "C"
