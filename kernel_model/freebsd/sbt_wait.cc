// The waits FreeBSD times with an sbintime_t (cv_timedwait_sbt and its
// _sig form) and sema_timedwait, on the virtual clock. The deadline is
// kern_timeout.c's callout_when (read): C_ABSOLUTE or C_PRECALC take the
// time as it is; otherwise C_HARDCLOCK raises a delay below tick_sbt to
// one tick and counts from the last tick (here in whole ticks: the
// hardclock tick at or after it), and a delay without it counts from now. Not modelled: callout_when also counts a long delay
// (sbt_tickthreshold and up) from the tick after the last one, a shift of
// under one tick; the precision only lets FreeBSD's event timer fire
// later, which virtual time never needs.
#include <cerrno>
#include <cstdint>

#include "kernel_model/freebsd/sbt.h"
#include "kernel_model/freebsd/state.h"
#include "kernel_model/kobject.h"
#include "kernel_model/sema.h"
#include "kernel_model/world.h"

extern "C" {
#include <sys/callout.h>
#include <sys/condvar.h>
#include <sys/sema.h>
#include <sys/sx.h>
#include <sys/systm.h>
#include <sys/time.h>
}

#undef printf
#undef panic
#undef ticks

using ks::km::World;
using ks::km::freebsd::kNsPerTick;

namespace ks::km::freebsd {

uint64_t callout_when_ns(int64_t sbt, int flags) {
  uint64_t now = ks_now_ns();
  uint64_t d;
  if (flags & (C_ABSOLUTE | C_PRECALC)) {
    d = sbt > 0 ? uint64_t(sbttons(sbt)) : 0;
  } else {
    uint64_t base = now;
    int64_t ns = sbt > 0 ? sbttons(sbt) : 0;
    if (flags & C_HARDCLOCK) {
      // From the last tick, in whole ticks: the first tick at or after
      // the time (tick_sbt is SBT_1S / hz rounded down, so a delay of n
      // ticks in sbt is a hair under n ticks in ns).
      if (sbt < tick_sbt) sbt = tick_sbt;
      base = now / kNsPerTick * kNsPerTick;
      int64_t n = sbt / tick_sbt + (sbt % tick_sbt != 0 ? 1 : 0);
      ns = n > INT64_MAX / int64_t(kNsPerTick) ? INT64_MAX : n * int64_t(kNsPerTick);
    }
    d = base + uint64_t(ns);
    if (d < base) d = UINT64_MAX;  // SBT_MAX saturates
  }
  // Due already: the callout fires at once and the sleeper times out.
  return d > now ? d : now + 1;
}

}  // namespace ks::km::freebsd

extern "C" {

sbintime_t tick_sbt = SBT_1S / static_cast<sbintime_t>(1'000'000'000 / kNsPerTick);

int ks_fb_cv_timedwait_sbt(ks_handle_t* cv, struct mtx* m, sbintime_t sbt, sbintime_t,
                           int flags, int sig, const char* ce, const char* me) {
  int r = ks_cv_wait(cv, &m->_opaque, sig, ks::km::freebsd::callout_when_ns(sbt, flags), ce, me);
  return r == ETIMEDOUT ? EWOULDBLOCK : r;
}

int ks_fb_cv_timedwait_sbt_rwl(ks_handle_t* cv, ks_handle_t* lock, sbintime_t sbt, sbintime_t,
                               int flags, int sig, const char* ce, const char* le) {
  return ks::km::freebsd::cv_wait_rwl(cv, lock, ks::km::freebsd::callout_when_ns(sbt, flags),
                                      sig != 0, true, ce, le, "cv_timedwait_sbt");
}

// kern_sema.c (read): 1 when it took the count, 0 when a cv_timedwait of
// timo ticks (tick_sbt * timo, C_HARDCLOCK: at least one tick) ran out
// with the count still zero; each wakeup that finds it taken waits anew.
int ks_fb_sema_timedwait(ks_handle_t* s, int timo, const char* expr) {
  World& w = *World::current();
  uint64_t each = uint64_t(timo > 1 ? timo : 1) * kNsPerTick;
  auto o = w.resolve(reinterpret_cast<ks::km::KHandle*>(s), ks::km::kObjSema, expr,
                     "sema_timedwait");
  return ks::km::sema_p_timed(w, o, each) == 0 ? 1 : 0;
}

int ks_fb_sema_value(ks_handle_t* s, const char* expr) {
  World& w = *World::current();
  auto o = w.resolve(reinterpret_cast<ks::km::KHandle*>(s), ks::km::kObjSema, expr,
                     "sema_value");
  return ks::km::sema_count(w, o);
}

}  // extern "C"
