// illumos taskqs and callouts: the conversions between illumos's conventions
// (ticks, taskq_t *, timeout_id_t) and the neutral calls. rw_*, sema_*,
// taskq_* and timeout are header macros only (see sync.cc for why).
#include <cstdint>
#include <cstring>
#include <string>

#include "kernel_model/callout.h"
#include "kernel_model/world.h"

extern "C" {
#include <sys/callo.h>
#include <sys/ddi.h>
#include <sys/rwlock.h>
#include <sys/semaphore.h>
#include <sys/taskq.h>
}


namespace {
// Threads a TASKQ_THREADS_CPU_PCT taskq gets per 100%: the simulated
// machine's CPU count.
constexpr int kSimulatedCpus = 2;

// taskq_dispatch_ent: illumos marks the entry prealloc'd (never freed by
// the taskq: taskq.c, from memory) and links it in; kernsim also marks it
// queued until its function starts.
constexpr uintptr_t kTqentPrealloc = 0x1, kTqentQueued = uintptr_t(1) << 63;

void run_ent(void* p) {
  auto* e = static_cast<taskq_ent_t*>(p);
  e->tqent_flags &= ~kTqentQueued;  // the caller may dispatch it again now
  e->tqent_func(e->tqent_arg);
}
}  // namespace

extern "C" {

taskq_t* ks_il_taskq_create(const char* name, int nthreads, int maxalloc, uint_t flags,
                            const char* expr) {
  if (flags & TASKQ_THREADS_CPU_PCT) {
    nthreads = nthreads * kSimulatedCpus / 100;
    if (nthreads < 1) nthreads = 1;
  }
  return reinterpret_cast<taskq_t*>(ks_taskq_create(name, nthreads, maxalloc, expr));
}

taskqid_t ks_il_taskq_dispatch(taskq_t* tq, task_func_t fn, void* arg, uint_t flags,
                               const char* expr) {
  int f = KS_TQ_SLEEP;
  if (flags & TQ_NOSLEEP) f |= KS_TQ_NOSLEEP;
  if (flags & TQ_NOQUEUE) f |= KS_TQ_NOQUEUE;
  if (flags & TQ_FRONT) f |= KS_TQ_FRONT;
  return static_cast<taskqid_t>(
      ks_taskq_dispatch(reinterpret_cast<ks_taskq_t*>(tq), fn, arg, f, expr));
}

// callout.c timeout_generic (read): the expiration relative unless
// CALLOUT_FLAG_ABSOLUTE, aligned to the resolution (rounded up with
// CALLOUT_FLAG_ROUNDUP), no minimum; one already past fires at once. Both
// types are ordinary callouts here (neither the realtime cyclic's PIL nor
// the normal ones' taskq is modelled).
callout_id_t timeout_generic(int, void (*fn)(void*), void* arg, hrtime_t expiration,
                             hrtime_t resolution, int flags) {
  hrtime_t now = static_cast<hrtime_t>(ks_now_ns());
  hrtime_t exp = (flags & CALLOUT_FLAG_ABSOLUTE) ? expiration : now + expiration;
  if (resolution > 1) {
    if (flags & CALLOUT_FLAG_ROUNDUP) exp += resolution - 1;
    exp = exp / resolution * resolution;
  }
  if (exp < now) exp = now;
  return ks_timeout(fn, arg, static_cast<uint64_t>(exp), "timeout_generic");
}

hrtime_t untimeout_generic(callout_id_t id, int nowait) {
  return ks::km::callout_untimeout_ns(*ks::km::World::current(), id, nowait == 0);
}

// callout.c timeout: a delay of 0 or less is one tick (read).
void taskq_init_ent(taskq_ent_t* e) { std::memset(e, 0, sizeof *e); }

void ks_il_taskq_dispatch_ent(taskq_t* tq, task_func_t fn, void* arg, uint_t flags,
                              taskq_ent_t* ent, const char* expr) {
  if (ent->tqent_flags & kTqentQueued) {
    ks::km::World& w = *ks::km::World::current();
    w.misuse(std::string("taskq_dispatch_ent on ") + (expr ? expr : "?") +
                 " of an entry still queued (its function has not started): the taskq "
                 "would link it twice",
             std::string("taskq_ent_requeued:") + (expr ? expr : "?"));
  }
  ent->tqent_func = fn;
  ent->tqent_arg = arg;
  ent->tqent_flags |= kTqentPrealloc | kTqentQueued;
  int f = KS_TQ_PREALLOC;
  if (flags & TQ_FRONT) f |= KS_TQ_FRONT;
  (void)ks_taskq_dispatch(reinterpret_cast<ks_taskq_t*>(tq), run_ent, ent, f, expr);
}

timeout_id_t ks_il_timeout(void (*fn)(void*), void* arg, clock_t ticks, const char* name) {
  if (ticks <= 0) ticks = 1;
  uint64_t deadline = ks_now_ns() + static_cast<uint64_t>(ticks) * KS_NS_PER_TICK;
  return reinterpret_cast<timeout_id_t>(
      static_cast<uintptr_t>(ks_timeout(fn, arg, deadline, name)));
}
// illumos callout.c untimeout: the ticks left (the ns left divided by the
// ns of a tick, rounded down) when it was cancelled before it ran; -1 when
// it had run, was running (waited for), or is the caller itself.
clock_t untimeout(timeout_id_t id) {
  int64_t left = ks_untimeout_ns(static_cast<uint64_t>(reinterpret_cast<uintptr_t>(id)));
  return left < 0 ? -1 : static_cast<clock_t>(left / KS_NS_PER_TICK);
}
void delay(clock_t ticks) {
  ks_delay_ns(ticks > 0 ? static_cast<uint64_t>(ticks) * KS_NS_PER_TICK : 0);
}

}  // extern "C"
