// Small FreeBSD kernel services behind sys/systm.h, sys/kernel.h,
// sys/time.h and sys/rwlock.h: log/vlog/vprintf to the
// console, pause and DELAY on virtual time, tick, tvtohz, rw_assert,
// eventhandler registrations.
#include <cerrno>
#include <cstdarg>
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

#include "kernel_model/code_site.h"
#include "kernel_model/freebsd/sbt.h"
#include "kernel_model/freebsd/state.h"
#include "kernel_model/kobject.h"
#include "kernel_model/proc.h"
#include "kernel_model/world.h"

extern "C" {
#include <sys/eventhandler.h>
#include <sys/kernel.h>
#include <sys/rwlock.h>
#include <sys/systm.h>
#include <sys/time.h>
}

#undef log
#undef vlog
#undef vprintf
#undef pause
#undef printf

using ks::km::World;

namespace {
using ks::km::freebsd::kNsPerTick;
}

extern "C" {

int tick = static_cast<int>(kNsPerTick / 1000);  // microseconds

void ks_fb_vlog(int pri, const char* fmt, va_list ap) {
  char buf[1024];
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  ks_log(pri, "%s", buf);
}

void ks_fb_log(int pri, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  ks_fb_vlog(pri, fmt, ap);
  va_end(ap);
}

int ks_fb_vprintf(const char* fmt, va_list ap) {
  char buf[1024];
  int n = std::vsnprintf(buf, sizeof buf, fmt, ap);
  ks_log(0, "%s", buf);
  return n;
}

int ks_fb_pause(const char*, int timo, int) {
  // A pause nobody can wake: only a signal could end it early, and a
  // delay is not interruptible in the kernel model.
  if (timo <= 0) timo = 1;
  ks_delay_ns(uint64_t(timo) * kNsPerTick);
  return EWOULDBLOCK;
}

// pause_sbt: the same on an sbintime_t, to callout_when's deadline. An
// sbt of 0 is one tick (kern_synch.c pause_sbt, read 2026-12-07: it
// replaces 0 by tick_sbt before sleeping; here it was a 1 ns nap), and
// C_HARDCLOCK counts from the last tick as the sleeps do (it was ignored).
int ks_fb_pause_sbt(const char*, sbintime_t sbt, sbintime_t, int flags) {
  if (sbt == 0) sbt = tick_sbt;
  ks_delay_ns(ks::km::freebsd::callout_when_ns(sbt, flags) - ks_now_ns());
  return EWOULDBLOCK;
}

void ks_fb_delay(int) { ks_preempt(); }

// cpu_ticks (sys/systm.h): the virtual clock in ns, a 1 GHz ticker.
static uint64_t virtual_cpu_ticks(void) { return ks_now_ns(); }
cpu_tick_f* cpu_ticks = virtual_cpu_ticks;
uint64_t cpu_tickrate(void) { return 1'000'000'000; }
uint64_t cputick2usec(uint64_t tick) { return tick / 1000; }

int tvtohz(struct timeval* tv) {
  int64_t us = int64_t(tv->tv_sec) * 1000000 + tv->tv_usec;
  if (us <= 0) return 1;
  int64_t t = (us + tick - 1) / tick;
  return t > 0x7fffffff ? 0x7fffffff : int(t);
}

// Rate limits for messages (kern_time.c, read): ratecheck admits a call
// once mininterval of uptime has passed since the last one admitted (or
// when none was); eventratecheck (ppsratecheck) counts the calls of the
// current second of ticks. On the virtual clock uptime starts at 0, so
// before it first moves every call is "the first", as it would be on a
// kernel at uptime 0.
int ratecheck(struct timeval* lasttime, const struct timeval* mininterval) {
  struct timeval tv;
  getmicrouptime(&tv);
  int64_t d = (int64_t(tv.tv_sec) - lasttime->tv_sec) * 1000000 + (tv.tv_usec - lasttime->tv_usec);
  int64_t m = int64_t(mininterval->tv_sec) * 1000000 + mininterval->tv_usec;
  if (d >= m || (lasttime->tv_sec == 0 && lasttime->tv_usec == 0)) {
    *lasttime = tv;
    return 1;
  }
  return 0;
}

int eventratecheck(struct timeval* lasttime, int* cureps, int maxeps) {
  int now = ks_fb_ticks();
  if (lasttime->tv_sec == 0 || unsigned(now - int(lasttime->tv_sec)) >= unsigned(hz)) {
    lasttime->tv_sec = now;
    *cureps = 1;
    return maxeps != 0;
  }
  (*cureps)++;
  return maxeps < 0 || *cureps <= maxeps;
}

void ks_fb_rw_assert(ks_handle_t* h, int what, const char* expr, const char* file, int line) {
  bool x = ks_rw_write_held(h, expr) != 0;
  bool s = ks_rw_read_held(h, expr) != 0;
  const char* need = nullptr;
  switch (what & ~(RA_RECURSED | RA_NOTRECURSED)) {
    case RA_WLOCKED: if (!x) need = "RA_WLOCKED"; break;
    case RA_RLOCKED: if (!s) need = "RA_RLOCKED"; break;
    case RA_LOCKED: if (!x && !s) need = "RA_LOCKED"; break;
    case RA_UNLOCKED: if (x) need = "RA_UNLOCKED"; break;
    default: break;
  }
  // Only the writer's exclusive enters are counted (readers are not).
  bool rec = x && ks_rw_recursed(h, expr) != 0;
  if ((what & RA_RECURSED) && (x || s) && !rec) need = "RA_RECURSED";
  if ((what & RA_NOTRECURSED) && rec) need = "RA_NOTRECURSED";
  if (!need) return;
  World& w = *World::current();
  std::string n = w.name(w.resolve(reinterpret_cast<ks::km::KHandle*>(h), ks::km::kObjRwlock,
                                   expr, "rw_assert"));
  const char* base = ks::km::file_base(file);
  w.misuse(std::string("rw_assert(") + n + ", " + need + ") failed at " + base + ":" +
               std::to_string(line) + " (thread " + w.thread_name(w.self_tid()) + ")",
           std::string("rw_assert:") + need + ":" + n);
}

}  // extern "C"

// eventhandler(9) (sys/eventhandler.h), as subr_eventhandler.c keeps it
// (read): each event name has a list with a lock and a count of the calls
// in progress. A handler deregistered while its list is being called is
// marked dead and stays, skipped, until the last call ends (the run count
// and EHE_DEAD_PRIORITY); EVENTHANDLER_DEREGISTER then sleeps until the
// list's calls have ended, so a module that deregisters before freeing
// what its handler uses is safe, and EVENTHANDLER_DEREGISTER_NOWAIT does
// not wait (the form a handler must use on itself: the waiting one would
// wait for its own call, for ever, as it would on FreeBSD).
struct ks_fb_eventhandler_entry {
  const char* name;
  void* func;
  void* arg;
  int priority;
  bool dead;
};

namespace {

using EhList = ks::km::freebsd::FbState::EhList;

ks::km::freebsd::FbState& fb(World& w) { return ks::km::freebsd::state(w); }

void free_entry(eventhandler_tag e) {
  ks_kmem_free(e, sizeof(struct ks_fb_eventhandler_entry), "EVENTHANDLER_DEREGISTER");
}

EhList& eh_list(World& w, const char* name) {
  for (EhList& l : fb(w).eh_lists)
    if (l.name == name) return l;
  EhList& l = fb(w).eh_lists.emplace_back();
  l.name = name;
  ks_mutex_init(&l.lock, w.sim().intern(l.name + " eventhandler list"), 0, "el_lock");
  ks_cv_init(&l.drained, "evhrm", "el_runcount");
  return l;
}

// exit1(): the process_exit handlers, in the exiting process's context,
// before fdescfree closes its files (kern_exit.c, read).
void process_exit(World& w, ks::km::Proc& p) {
  if (!ks::km::freebsd::has_state(w) || fb(w).eventhandlers.empty()) return;
  struct proc* rec = ks::km::freebsd::proc_record(w, &p);
  EVENTHANDLER_INVOKE(process_exit, rec);
}
[[maybe_unused]] const bool exit_hook = (ks::km::register_proc_exit_hook(process_exit), true);

}  // namespace

extern "C" {

eventhandler_tag ks_fb_eventhandler_register(const char* name, void* func, void* arg,
                                             int priority) {
  auto* e = static_cast<eventhandler_tag>(
      ks_kmem_alloc(sizeof(struct ks_fb_eventhandler_entry), KS_KM_SLEEP, "eventhandler"));
  *e = {name, func, arg, priority, false};
  // Before the first of a greater priority (eventhandler_register_internal).
  auto& v = fb(*World::current()).eventhandlers;
  v.insert(std::find_if(v.begin(), v.end(), [&](eventhandler_tag o) { return o->priority > priority; }),
           e);
  return e;
}

void ks_fb_eventhandler_deregister(const char* name, eventhandler_tag tag, int wait) {
  World& w = *World::current();
  EhList& l = eh_list(w, name);
  ks_mutex_enter(&l.lock, "el_lock");
  if (tag) {
    auto& v = fb(w).eventhandlers;
    auto at = std::find(v.begin(), v.end(), tag);
    if (at != v.end() && l.running) {
      tag->dead = true;
    } else {
      if (at != v.end()) v.erase(at);
      free_entry(tag);  // a tag not registered: kmem reports what it is
    }
  }
  while (wait && l.running > 0) ks_cv_wait(&l.drained, &l.lock, 0, 0, "evhrm", "el_lock");
  ks_mutex_exit(&l.lock, "el_lock");
}

void ks_fb_eventhandler_invoking(const char* name, int delta) {
  World& w = *World::current();
  EhList& l = eh_list(w, name);
  ks_mutex_enter(&l.lock, "el_lock");
  if ((l.running += delta) == 0) {
    // eventhandler_prune_list: the dead entries of this list go, and the
    // deregistrations waiting for its calls to end are woken.
    auto& v = fb(w).eventhandlers;
    auto gone = std::stable_partition(
        v.begin(), v.end(), [&](eventhandler_tag e) { return !(e->dead && l.name == e->name); });
    for (auto e = gone; e != v.end(); ++e) free_entry(*e);
    v.erase(gone, v.end());
    ks_cv_broadcast(&l.drained, "el_runcount");
  }
  ks_mutex_exit(&l.lock, "el_lock");
}

eventhandler_tag ks_fb_eventhandler_next(const char* name, eventhandler_tag prev) {
  auto& v = fb(*World::current()).eventhandlers;
  size_t i = prev ? static_cast<size_t>(std::find(v.begin(), v.end(), prev) - v.begin()) + 1 : 0;
  for (; i < v.size(); i++)
    if (!v[i]->dead && !std::strcmp(v[i]->name, name)) return v[i];
  return nullptr;
}

void* ks_fb_eventhandler_func(eventhandler_tag e) { return e->func; }
void* ks_fb_eventhandler_arg(eventhandler_tag e) { return e->arg; }

}  // extern "C"
