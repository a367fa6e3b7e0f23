// A resource manager's own threads (pthread_create): World threads on
// the kernel model's exitable threads (kthread_exit.h), so pthread_exit
// ends one from any depth and pthread_join waits for its end. Each
// thread's record (its start function, argument and value) is in the
// personality's state, where the thread's fiber points.
#include <pthread.h>
#include <time.h>

#include <cerrno>
#include <cstring>
#include <string>

extern "C" {
#include <kernsim/abi.h>
}

#include "kernel_model/kthread_exit.h"
#include "kernel_model/qnx/state.h"

using ks::km::World;
namespace q = ks::km::qnx;

namespace {

void pthread_main(void* p) {
  auto* t = static_cast<q::Pthread*>(p);
  t->value = t->start(t->arg);
}

constexpr clockid_t kClockSofttime = 3;

q::Pthread* find(q::QnxState& s, uint32_t tid) {
  for (q::Pthread& t : s.pthreads)
    if (t.tid == tid) return &t;
  return nullptr;
}

}  // namespace

extern "C" {

int ks_qnx_pthread_create(pthread_t* thread, const pthread_attr_t*, void* (*start)(void*),
                          void* arg, const char* name) {
  World& w = *World::current();
  q::QnxState& s = q::state(w);
  q::Pthread& t = s.pthreads.emplace_back();
  t.start = start;
  t.arg = arg;
  t.tid = ks::km::exitable_create(s.threads, name, pthread_main, &t);
  // reports name the driver's function, not the trampoline
  w.kt(t.tid).driver_fn = reinterpret_cast<const void*>(start);
  if (thread) *thread = static_cast<pthread_t>(t.tid);
  return 0;
}

int ks_qnx_pthread_join(pthread_t thread, void** value) {
  World& w = *World::current();
  q::QnxState& s = q::state(w);
  q::Pthread* t = find(s, static_cast<uint32_t>(thread));
  if (!t) return ESRCH;
  if (t->tid == w.self_tid()) return EDEADLK;
  if (t->joined) return EINVAL;
  t->joined = true;
  ks::km::exitable_join(s.threads, t->tid);
  if (value) *value = t->value;
  return 0;
}

void ks_qnx_pthread_exit(void* value) {
  World& w = *World::current();
  q::QnxState& s = q::state(w);
  if (q::Pthread* t = find(s, w.self_tid())) t->value = value;
  ks::km::exitable_exit(s.threads);
  w.misuse("pthread_exit from a thread the resource manager did not create (a pool's "
           "thread returns from its handler instead)",
           "pthread_exit:not_own_thread");
  __builtin_unreachable();
}

// The clock is an int: in the attribute's storage, and in the condvar's
// after the model's handle (a zeroed condvar is CLOCK_REALTIME's, POSIX's
// default). pthread_condattr_setclock accepts CLOCK_REALTIME,
// CLOCK_MONOTONIC and CLOCK_SOFTTIME (QNX 7.1's C library reference; on the
// virtual clock, with no power-saving mode, SOFTTIME is REALTIME; its
// value, 3, is from memory) and refuses any other (EINVAL).
int ks_qnx_condattr_init(pthread_condattr_t* attr) {
  if (!attr) return EINVAL;
  const int clk = CLOCK_REALTIME;
  std::memcpy(attr, &clk, sizeof clk);
  return 0;
}

int ks_qnx_condattr_setclock(pthread_condattr_t* attr, clockid_t clk) {
  if (!attr) return EINVAL;
  if (clk == kClockSofttime) clk = CLOCK_REALTIME;
  if (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC) return EINVAL;
  const int c = static_cast<int>(clk);
  std::memcpy(attr, &c, sizeof c);
  return 0;
}

int ks_qnx_condattr_getclock(const pthread_condattr_t* attr, clockid_t* clk) {
  if (!attr || !clk) return EINVAL;
  int c;
  std::memcpy(&c, attr, sizeof c);
  *clk = c;
  return 0;
}

void ks_qnx_cond_setclock(pthread_cond_t* cond, const pthread_condattr_t* attr) {
  int c = CLOCK_REALTIME;
  if (attr) std::memcpy(&c, attr, sizeof c);
  std::memcpy(reinterpret_cast<char*>(cond) + sizeof(ks_handle_t), &c, sizeof c);
}

int ks_qnx_cond_timedwait(pthread_cond_t* cond, pthread_mutex_t* mtx, const struct timespec* abstime,
                          const char* cond_expr, const char* mtx_expr) {
  constexpr uint64_t kNs = 1000000000;
  if (!abstime || abstime->tv_sec < 0 || abstime->tv_nsec < 0 ||
      abstime->tv_nsec >= static_cast<long>(kNs))
    return EINVAL;
  int clk;
  std::memcpy(&clk, reinterpret_cast<char*>(cond) + sizeof(ks_handle_t), sizeof clk);
  const uint64_t abs_ns = static_cast<uint64_t>(abstime->tv_sec) * kNs +
                          static_cast<uint64_t>(abstime->tv_nsec);
  // The model's time is nanoseconds since boot: CLOCK_MONOTONIC's;
  // CLOCK_REALTIME counts from the virtual boot date.
  const uint64_t origin = clk == CLOCK_MONOTONIC ? 0 : uint64_t{KS_BOOT_TIME} * kNs;
  const uint64_t now = ks_now_ns();
  if (abs_ns <= origin || abs_ns - origin <= now) return ETIMEDOUT;  // already past
  return ks_cv_wait(reinterpret_cast<ks_handle_t*>(cond), reinterpret_cast<ks_handle_t*>(mtx), 0,
                    abs_ns - origin, cond_expr, mtx_expr);
}

pthread_t ks_qnx_pthread_self(void) { return static_cast<pthread_t>(World::current()->self_tid()); }

}  // extern "C"
