// taskqueue(9) on the kernel model's taskqs (see sys/taskqueue.h for the
// rules). The queue record is kmem (tag "taskqueue"), so one never freed
// is a leak besides the taskq the kernel model reports.
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>

extern "C" {
#include <sys/malloc.h>
#include <sys/taskqueue.h>
}

struct taskqueue {
  ks_taskq_t* tq;
  char name[32];
};

namespace {

void run(void* p) {
  auto* t = static_cast<struct task*>(p);
  int pending = t->ta_pending;
  if (pending == 0) return;  // cancelled, or run already by an earlier entry
  t->ta_pending = 0;
  t->ta_ks_running = 1;
  t->ta_func(t->ta_context, pending);
  t->ta_ks_running = 0;
}

}  // namespace

extern "C" {

struct taskqueue* taskqueue_create(const char* name, int mflags, taskqueue_enqueue_fn, void*) {
  auto* q = static_cast<struct taskqueue*>(ks_kmem_alloc(
      sizeof(struct taskqueue), ((mflags & M_NOWAIT) ? KS_KM_NOSLEEP : KS_KM_SLEEP) | KS_KM_ZERO,
      "taskqueue"));
  if (q) std::strncpy(q->name, name ? name : "taskqueue", sizeof q->name - 1);
  return q;
}

int taskqueue_start_threads(struct taskqueue** qp, int count, int, const char* fmt, ...) {
  struct taskqueue* q = *qp;
  char name[64];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(name, sizeof name, fmt, ap);
  va_end(ap);
  if (q->tq) return EINVAL;
  q->tq = ks_taskq_create(name, count > 0 ? count : 1, 0, q->name);
  return 0;
}

int taskqueue_enqueue(struct taskqueue* q, struct task* t) {
  if (!q->tq) ks_not_modelled("taskqueue_enqueue before taskqueue_start_threads");
  if (t->ta_pending) {
    if (t->ta_pending < 0xffff) t->ta_pending++;
    return 0;
  }
  t->ta_pending = 1;
  (void)ks_taskq_dispatch(q->tq, run, t, KS_TQ_SLEEP, q->name);
  return 0;
}

int taskqueue_cancel(struct taskqueue*, struct task* t, u_int* pendp) {
  if (pendp) *pendp = t->ta_pending;
  t->ta_pending = 0;  // its queue entry finds nothing to run
  return t->ta_ks_running ? EBUSY : 0;
}

void taskqueue_drain(struct taskqueue* q, struct task*) {
  if (q->tq) ks_taskq_wait(q->tq, q->name);
}

void taskqueue_drain_all(struct taskqueue* q) {
  if (q->tq) ks_taskq_wait(q->tq, q->name);
}

void taskqueue_free(struct taskqueue* q) {
  if (q->tq) ks_taskq_destroy(q->tq, q->name);  // runs what is queued first
  ks_kmem_free(q, sizeof(struct taskqueue), "taskqueue_free");
}

void taskqueue_thread_enqueue(void*) {}

}  // extern "C"
