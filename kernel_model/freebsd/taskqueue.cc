// taskqueue(9) on the kernel model's taskqs (see sys/taskqueue.h for the
// rules). A driver's queue record is kmem (tag "taskqueue"), so one never
// freed is a leak besides the taskq the kernel model reports. The system
// queues' records are the library's, one per queue for every World; each
// World keeps its own taskq for them (FbState::system_tq).
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>

#include "kernel_model/freebsd/state.h"
#include "kernel_model/module_unload.h"
#include "kernel_model/taskq.h"
#include "kernel_model/world.h"

extern "C" {
#include <sys/malloc.h>
#include <sys/systm.h>
#include <sys/taskqueue.h>
#include <sys/time.h>
}

#undef panic
#undef printf

struct taskqueue {
  ks_taskq_t* tq;
  char name[32];
  int system;  // 1 + the index of a system queue in FbState::system_tq; 0 for a driver's
};

namespace {

struct taskqueue system_queues[3] = {
    {nullptr, "taskqueue_thread", 1}, {nullptr, "taskqueue_swi", 2}, {nullptr, "taskqueue_fast", 3}};

// A system queue's taskq in this World, null until its first enqueue.
ks_taskq_t*& system_tq(struct taskqueue* q) {
  return ks::km::freebsd::state(*ks::km::World::current()).system_tq[q->system - 1];
}

// The taskq that runs q's tasks, null before a driver's queue has threads.
// A system queue's is made at its first enqueue in this World, and
// destroyed by the kernel's teardown after every module's unload (whose
// drains it serves).
ks_taskq_t* queue_tq(struct taskqueue* q) {
  if (!q->system) return q->tq;
  ks_taskq_t*& tq = system_tq(q);
  if (!tq) {
    ks_taskq_t* made = ks_taskq_create(q->name, 1, 0, q->name);
    tq = made;
    ks::km::World::current()->on_teardown(
        [made, name = q->name] { ks_taskq_destroy(made, name); });
  }
  return tq;
}

using TaskEntry = ks::km::freebsd::FbState::TaskEntry;

TaskEntry* new_entry(struct task* t) {
  auto& st = ks::km::freebsd::state(*ks::km::World::current());
  TaskEntry* e;
  if (st.task_entries_free.empty()) {
    e = &st.task_entries.emplace_back();
    e->index = static_cast<uint32_t>(st.task_entries.size() - 1);
  } else {
    e = &st.task_entries[st.task_entries_free.back()];
    st.task_entries_free.pop_back();
  }
  e->task = t;
  e->live = true;
  return e;
}

void spend(TaskEntry* e) {
  auto& st = ks::km::freebsd::state(*ks::km::World::current());
  e->live = false;
  e->task = nullptr;
  st.task_entries_free.push_back(e->index);
}

// The queued entry of a pending task (its record still live), or null.
TaskEntry* queued_entry(struct task* t) {
  auto& st = ks::km::freebsd::state(*ks::km::World::current());
  for (TaskEntry& e : st.task_entries)
    if (e.live && e.task == t) return &e;
  return nullptr;
}

void run(void* p) {
  auto* e = static_cast<TaskEntry*>(p);
  if (!e->live) {  // cancelled: FreeBSD took it off the queue
    spend(e);
    return;
  }
  struct task* t = e->task;
  spend(e);
  int pending = t->ta_pending;
  if (pending == 0) return;
  t->ta_pending = 0;
  t->ta_ks_running = 1;
  t->ta_func(t->ta_context, pending);
  t->ta_ks_running = 0;
}

// A scripted unload asks what an entry will run: the task's function while
// it is pending or running, nothing once it was cancelled or has run.
const void* task_code(void* p) {
  auto* e = static_cast<TaskEntry*>(p);
  if (!e->live) return nullptr;
  struct task* t = e->task;
  return t->ta_pending || t->ta_ks_running ? reinterpret_cast<const void*>(t->ta_func) : nullptr;
}
[[maybe_unused]] const bool code_registered = (ks::km::register_driver_code(run, task_code), true);

// The callout of a timeout task: from its start to the task pending
// there is no scheduling point (see sys/taskqueue.h).
void timeout_fire(void* arg) {
  auto* tt = static_cast<struct timeout_task*>(arg);
  if (!(tt->f & DT_CALLOUT_ARMED)) ks_panic("taskqueue_timeout_func: Stray timeout");
  tt->f &= ~DT_CALLOUT_ARMED;
  taskqueue_enqueue(tt->q, &tt->t);
}

}  // namespace

extern "C" {

// name: the task's function as the driver spells it, which names the
// callout in reports (an unload that forgot the timeout task)
void ks_fb_timeout_task_init(struct taskqueue* q, struct timeout_task* tt, int pri,
                             task_fn_t* fn, void* ctx, const char* name) {
  TASK_INIT(&tt->t, pri, fn, ctx);
  ks_fb_callout_init(&tt->c, nullptr, 0);
  tt->c.c_ks_name = name;
  tt->q = q;
  tt->f = 0;
}

// subr_taskqueue.c's rules: the pending count, one more if the callout
// was armed already; -1 while a drain runs; 0 time enqueues now; a
// negative time arms only a callout not armed yet.
int taskqueue_enqueue_timeout_sbt(struct taskqueue* q, struct timeout_task* tt, sbintime_t sbt,
                                  sbintime_t pr, int flags) {
  if (tt->q && tt->q != q) ks_panic("taskqueue_enqueue_timeout: Migrated queue");
  tt->q = q;
  int res = tt->t.ta_pending;
  if (tt->f & DT_DRAIN_IN_PROGRESS) return -1;
  if (sbt == 0) {
    taskqueue_enqueue(q, &tt->t);
    return res;
  }
  if (tt->f & DT_CALLOUT_ARMED) {
    res++;
  } else {
    tt->f |= DT_CALLOUT_ARMED;
    if (sbt < 0) sbt = -sbt;
  }
  if (sbt > 0) {
    const char* name = tt->c.c_ks_name ? tt->c.c_ks_name : "taskqueue_timeout_func";
    ks_fb_callout_reset_sbt(&tt->c, sbt, pr, timeout_fire, tt, flags, name);
    // it will run the driver's function: what the unload check names
    tt->c.c_ks_run->code = reinterpret_cast<const void*>(tt->t.ta_func);
  }
  return res;
}

int taskqueue_enqueue_timeout(struct taskqueue* q, struct timeout_task* tt, int nticks) {
  return taskqueue_enqueue_timeout_sbt(
      q, tt, nstosbt(int64_t(nticks) * int64_t(ks::km::freebsd::kNsPerTick)), 0, C_HARDCLOCK);
}

int taskqueue_cancel_timeout(struct taskqueue* q, struct timeout_task* tt, u_int* pendp) {
  u_int armed = 0, pending = 0;
  if (ks_fb_callout_stop(&tt->c, 0) > 0 && (tt->f & DT_CALLOUT_ARMED)) {
    tt->f &= ~DT_CALLOUT_ARMED;
    armed = 1;
  }
  int error = taskqueue_cancel(q, &tt->t, &pending);
  if (pendp) *pendp = pending + armed;
  return error;
}

void taskqueue_drain_timeout(struct taskqueue* q, struct timeout_task* tt) {
  tt->f |= DT_DRAIN_IN_PROGRESS;
  ks_fb_callout_stop(&tt->c, 1);
  taskqueue_drain(q, &tt->t);
  tt->f &= ~DT_DRAIN_IN_PROGRESS;
}

struct taskqueue* taskqueue_create(const char* name, int mflags, taskqueue_enqueue_fn, void*) {
  auto* q = static_cast<struct taskqueue*>(ks_kmem_alloc(
      sizeof(struct taskqueue), ((mflags & M_NOWAIT) ? KS_KM_NOSLEEP : KS_KM_SLEEP) | KS_KM_ZERO,
      "taskqueue"));
  if (q) std::strncpy(q->name, name ? name : "taskqueue", sizeof q->name - 1);
  return q;
}

struct taskqueue* taskqueue_thread = &system_queues[0];
struct taskqueue* taskqueue_swi = &system_queues[1];
struct taskqueue* taskqueue_swi_giant = &system_queues[1];
struct taskqueue* taskqueue_fast = &system_queues[2];

int taskqueue_start_threads(struct taskqueue** qp, int count, int, const char* fmt, ...) {
  struct taskqueue* q = *qp;
  char name[64];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(name, sizeof name, fmt, ap);
  va_end(ap);
  if (q->tq || q->system) return EINVAL;
  q->tq = ks_taskq_create(name, count > 0 ? count : 1, 0, q->name);
  return 0;
}

int taskqueue_enqueue(struct taskqueue* q, struct task* t) {
  ks_taskq_t* tq = queue_tq(q);
  if (!tq) ks_not_modelled("taskqueue_enqueue before taskqueue_start_threads");
  if (t->ta_pending) {
    if (t->ta_pending < 0xffff) t->ta_pending++;
    return 0;
  }
  t->ta_pending = 1;
  // The task is the entry: FreeBSD's enqueue never sleeps, so a driver
  // may enqueue holding its mutex or from a callout.
  (void)ks_taskq_dispatch(tq, run, new_entry(t), KS_TQ_PREALLOC, q->name);
  return 0;
}

int taskqueue_cancel(struct taskqueue*, struct task* t, u_int* pendp) {
  if (pendp) *pendp = t->ta_pending;
  if (t->ta_pending)
    if (TaskEntry* e = queued_entry(t)) e->live = false;  // its entry runs nothing
  t->ta_pending = 0;
  return t->ta_ks_running ? EBUSY : 0;
}

// subr_taskqueue.c (read): taskqueue_drain sleeps while that task is
// pending or running, whatever else the queue runs; it waited for the
// whole queue here, so a drain holding an sx that another task of the
// queue waits for was reported stuck. A system queue never used in this
// World has nothing to wait for.
void taskqueue_drain(struct taskqueue* q, struct task* t) {
  ks_taskq_t* tq = q->system ? system_tq(q) : q->tq;
  if (!tq) return;
  ks::km::taskq_wait_for(
      tq,
      [](void* p) {
        auto* task = static_cast<struct task*>(p);
        return task->ta_pending != 0 || task->ta_ks_running != 0;
      },
      t, "taskqueue_drain", q->name);
}

// FreeBSD's waits for what is queued at the call and what runs; the whole
// queue idle is a stronger wait, the same for a driver that drains all
// before freeing.
void taskqueue_drain_all(struct taskqueue* q) {
  if (ks_taskq_t* tq = q->system ? system_tq(q) : q->tq) ks_taskq_wait(tq, q->name);
}

void taskqueue_free(struct taskqueue* q) {
  if (q->system) ks_panic("taskqueue_free(%s): a system queue is the kernel's", q->name);
  if (q->tq) ks_taskq_destroy(q->tq, q->name);  // runs what is queued first
  ks_kmem_free(q, sizeof(struct taskqueue), "taskqueue_free");
}

void taskqueue_thread_enqueue(void*) {}

}  // extern "C"
