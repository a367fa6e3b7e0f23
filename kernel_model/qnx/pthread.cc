// A resource manager's own threads (pthread_create): World threads on
// the kernel model's exitable threads (kthread_exit.h), so pthread_exit
// ends one from any depth and pthread_join waits for its end. Each
// thread's record (its start function, argument and value) is in the
// personality's state, where the thread's fiber points.
#include <cerrno>
#include <string>

#include "kernel_model/kthread_exit.h"
#include "kernel_model/qnx/state.h"

using ks::km::World;
namespace q = ks::km::qnx;

namespace {

void pthread_main(void* p) {
  auto* t = static_cast<q::Pthread*>(p);
  t->value = t->start(t->arg);
}

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

pthread_t ks_qnx_pthread_self(void) { return static_cast<pthread_t>(World::current()->self_tid()); }

}  // extern "C"
