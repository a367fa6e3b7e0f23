// illumos reader/writer locks, semaphores, taskqs and callouts: the real
// functions behind the header macros (for drivers that take their address),
// and the conversions between illumos's conventions (ticks, taskq_t *,
// timeout_id_t) and the neutral calls.
#include <cstdint>

extern "C" {
#include <sys/ddi.h>
#include <sys/rwlock.h>
#include <sys/semaphore.h>
#include <sys/taskq.h>
}

#undef rw_init
#undef rw_destroy
#undef rw_enter
#undef rw_tryenter
#undef rw_exit
#undef rw_tryupgrade
#undef rw_downgrade
#undef rw_read_held
#undef rw_write_held
#undef rw_lock_held
#undef sema_init
#undef sema_destroy
#undef sema_p
#undef sema_p_sig
#undef sema_tryp
#undef sema_v
#undef taskq_create
#undef taskq_dispatch
#undef taskq_wait
#undef taskq_destroy
#undef timeout

namespace {
// Threads a TASKQ_THREADS_CPU_PCT taskq gets per 100%: the simulated
// machine's CPU count.
constexpr int kSimulatedCpus = 2;
}  // namespace

extern "C" {

void rw_init(krwlock_t* l, char* name, krw_type_t, void*) { ks_rw_init(&l->_opaque, name, "rwlock"); }
void rw_destroy(krwlock_t* l) { ks_rw_destroy(&l->_opaque, "rwlock"); }
void rw_enter(krwlock_t* l, krw_t t) { ks_rw_enter(&l->_opaque, t == RW_WRITER, "rwlock"); }
int rw_tryenter(krwlock_t* l, krw_t t) { return ks_rw_tryenter(&l->_opaque, t == RW_WRITER, "rwlock"); }
void rw_exit(krwlock_t* l) { ks_rw_exit(&l->_opaque, "rwlock"); }
int rw_tryupgrade(krwlock_t* l) { return ks_rw_tryupgrade(&l->_opaque, "rwlock"); }
void rw_downgrade(krwlock_t* l) { ks_rw_downgrade(&l->_opaque, "rwlock"); }
int rw_read_held(krwlock_t* l) { return ks_rw_read_held(&l->_opaque, "rwlock"); }
int rw_write_held(krwlock_t* l) { return ks_rw_write_held(&l->_opaque, "rwlock"); }
int rw_lock_held(krwlock_t* l) { return rw_read_held(l) || rw_write_held(l); }

void sema_init(ksema_t* s, uint_t count, char* name, ksema_type_t, void*) {
  ks_sema_init(&s->_opaque, count, name, "sema");
}
void sema_destroy(ksema_t* s) { ks_sema_destroy(&s->_opaque, "sema"); }
void sema_p(ksema_t* s) { ks_sema_p(&s->_opaque, "sema"); }
int sema_p_sig(ksema_t* s) { return ks_sema_p_sig(&s->_opaque, "sema") != 0; }
int sema_tryp(ksema_t* s) { return ks_sema_tryp(&s->_opaque, "sema"); }
void sema_v(ksema_t* s) { ks_sema_v(&s->_opaque, "sema"); }

taskq_t* ks_il_taskq_create(const char* name, int nthreads, int maxalloc, uint_t flags,
                            const char* expr) {
  if (flags & TASKQ_THREADS_CPU_PCT) {
    nthreads = nthreads * kSimulatedCpus / 100;
    if (nthreads < 1) nthreads = 1;
  }
  return reinterpret_cast<taskq_t*>(ks_taskq_create(name, nthreads, maxalloc, expr));
}
taskq_t* taskq_create(const char* name, int nthreads, pri_t, int, int maxalloc, uint_t flags) {
  return ks_il_taskq_create(name, nthreads, maxalloc, flags, "taskq");
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
taskqid_t taskq_dispatch(taskq_t* tq, task_func_t fn, void* arg, uint_t flags) {
  return ks_il_taskq_dispatch(tq, fn, arg, flags, "taskq");
}
void taskq_wait(taskq_t* tq) { ks_taskq_wait(reinterpret_cast<ks_taskq_t*>(tq), "taskq"); }
void taskq_destroy(taskq_t* tq) { ks_taskq_destroy(reinterpret_cast<ks_taskq_t*>(tq), "taskq"); }

timeout_id_t ks_il_timeout(void (*fn)(void*), void* arg, clock_t ticks, const char* name) {
  if (ticks < 0) ticks = 0;
  uint64_t deadline = ks_now_ns() + static_cast<uint64_t>(ticks) * KS_NS_PER_TICK;
  return reinterpret_cast<timeout_id_t>(
      static_cast<uintptr_t>(ks_timeout(fn, arg, deadline, name)));
}
timeout_id_t timeout(void (*fn)(void*), void* arg, clock_t ticks) {
  return ks_il_timeout(fn, arg, ticks, "callout");
}
clock_t untimeout(timeout_id_t id) {
  // Cancelled: the neutral call does not say how long was left; 0 ticks
  // keeps the only distinction drivers test (-1 or not).
  return ks_untimeout(static_cast<uint64_t>(reinterpret_cast<uintptr_t>(id))) ? 0 : -1;
}
void delay(clock_t ticks) {
  ks_delay_ns(ticks > 0 ? static_cast<uint64_t>(ticks) * KS_NS_PER_TICK : 0);
}

}  // extern "C"
