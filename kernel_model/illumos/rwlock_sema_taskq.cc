// illumos taskqs and callouts: the conversions between illumos's conventions
// (ticks, taskq_t *, timeout_id_t) and the neutral calls. rw_*, sema_*,
// taskq_* and timeout are header macros only (see sync.cc for why).
#include <cstdint>

extern "C" {
#include <sys/ddi.h>
#include <sys/rwlock.h>
#include <sys/semaphore.h>
#include <sys/taskq.h>
}


namespace {
// Threads a TASKQ_THREADS_CPU_PCT taskq gets per 100%: the simulated
// machine's CPU count.
constexpr int kSimulatedCpus = 2;
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

// callout.c timeout: a delay of 0 or less is one tick (read).
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
