// Task queues. Each taskq has three wait queues, each its own kernel object
// with the taskq's name: the taskq itself (taskq_wait and taskq_destroy
// sleep there), "work" (idle workers) and "room" (TQ_SLEEP dispatchers
// waiting below maxalloc). An entry counts against maxalloc from dispatch
// until its function returns, as illumos frees it only after running it.
#include "kernel_model/taskq.h"

#include "kernel_model/boot_image.h"
#include "kernel_model/component_pool.h"

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "kernel_model/race.h"
#include "kernel_model/services.h"

namespace ks::km {

namespace {

struct TaskqEntry {
  void (*fn)(void*);
  void* arg;
  uint64_t id;
};

struct Taskq {
  World* w;
  const char* name;
  ObjId obj, work, room;
  // Threads waiting for one task (taskq_wait_for), woken as each entry
  // returns; made at the first such wait, so a taskq nobody waits on so
  // has the objects, and the executions, it had before.
  ObjId done = 0;
  int maxalloc;
  int nthreads;
  int live = 0;     // workers not yet exited
  int running = 0;  // entries taken by a worker, not yet returned
  bool stopping = false;
  bool suspended = false;  // taskq_suspend: workers take no entry
  Tid suspender = 0;       // ... until this thread's taskq_resume
  uint64_t next_id = 1;
  std::deque<TaskqEntry> q;
  std::vector<TaskqEntry> busy;  // taken by a worker, not yet returned
  std::vector<Tid> workers;
  int nalloc() const { return static_cast<int>(q.size()) + running; }
};

}  // namespace

// Recycled (component_pool.h) when the boot made none, which is the usual
// case: a taskq a driver makes in an execution (lofi's, per mapping) is
// then last execution's, emptied, its queue and worker list keeping their
// storage.
struct TaskqTable {
  std::vector<std::unique_ptr<Taskq>> all;  // creation order, for reports
  std::vector<std::unique_ptr<Taskq>> spare;  // emptied, for taskq_create
  // Moves the taskqs from index n on to the spares.
  void drop_from(size_t n) {
    while (all.size() > n) {
      Taskq& t = *all.back();
      t.q.clear();
      t.busy.clear();
      t.workers.clear();
      spare.push_back(std::move(all.back()));
      all.pop_back();
    }
  }
  void recycle() { drop_from(0); }
};

namespace {

TaskqTable& table(World& w) {
  auto& t = services(w).taskqs;
  if (!t) {
    t = pooled_component<TaskqTable>();
    w.on_final_check([&w] {
      for (auto& tq : services(w).taskqs->all) {
        if (w.obj(tq->obj).destroyed) continue;
        w.set_failure(sim::FailureKind::kTeardown,
                      std::string("taskq ") + tq->name + " was never destroyed (" +
                          std::to_string(tq->live) + " workers left)",
                      std::string("taskq_left:") + tq->name);
        return;
      }
    });
  }
  return *t;
}

// The slot's image: each table the boot made, its records by value.
struct ServiceImage {
  std::shared_ptr<TaskqTable> taskqs;
  std::shared_ptr<CalloutTable> callouts;
  std::vector<Taskq> tq_saved;
  std::shared_ptr<void> co_saved;
};

[[maybe_unused]] const bool image_hook = (World::set_component_image(World::kSlotTaskq, {
  [](const void* live) -> std::shared_ptr<void> {
    auto& st = *static_cast<const ServiceState*>(live);
    auto im = std::make_shared<ServiceImage>();
    im->taskqs = st.taskqs;
    im->callouts = st.callouts;
    if (st.taskqs) im->tq_saved = save_owned(st.taskqs->all);
    if (st.callouts) im->co_saved = callout_table_save(*st.callouts);
    return im;
  },
  [](void* live, const void* saved) {
    auto& st = *static_cast<ServiceState*>(live);
    auto& im = *static_cast<const ServiceImage*>(saved);
    // A table made after the boot goes; the boot's were never replaced.
    if ((im.taskqs && st.taskqs != im.taskqs) || (im.callouts && st.callouts != im.callouts))
      return false;
    st.taskqs = im.taskqs;
    st.callouts = im.callouts;
    if (im.taskqs && st.taskqs->all.size() < im.tq_saved.size()) return false;
    if (im.taskqs) st.taskqs->drop_from(im.tq_saved.size());
    return (!im.taskqs || restore_owned(st.taskqs->all, im.tq_saved)) &&
           (!im.callouts || callout_table_restore(*st.callouts, im.co_saved.get()));
  }}), true);

Taskq& tq_of(World& w, ObjId tq) { return *static_cast<Taskq*>(w.obj(tq).data); }

// The taskq a call names, refusing one that is destroyed or being destroyed.
Taskq& usable(World& w, ObjId o, const char* op) {
  Taskq& tq = tq_of(w, o);
  if (w.obj(o).destroyed || tq.stopping)
    w.misuse(std::string(op) + " on taskq " + tq.name + " after taskq_destroy (thread " +
                 w.thread_name(w.self_tid()) + ")",
             std::string("use_after_destroy:") + op + ":" + tq.name);
  return tq;
}

void not_from_own_worker(World& w, Taskq& tq, const char* op) {
  if (taskq_of_current(w) == tq.obj)
    w.misuse(std::string(op) + " on taskq " + tq.name + " from its own worker thread " +
                 w.thread_name(w.self_tid()) + ": it would wait for itself",
             std::string(op) + "_self:" + tq.name);
}

void worker_main(void* arg) {
  Taskq& tq = *static_cast<Taskq*>(arg);
  World& w = *tq.w;
  Tid me = w.self_tid();
  for (;;) {
    // Suspended, a worker waits for taskq_resume even when stopping: the
    // suspender holds the lock a worker takes to run (illumos tq_threadlock).
    while ((tq.q.empty() && !tq.stopping) || tq.suspended) {
      w.wq_push(tq.work, me);
      w.sim().block(kEvTaskqIdle, tq.work);
    }
    if (tq.q.empty()) break;  // stopping, and drained
    TaskqEntry e = tq.q.front();
    tq.q.pop_front();
    tq.running++;
    tq.busy.push_back(e);
    w.sim().point(kEvTaskqExec, tq.obj, e.id);
    race_acquire(w, kRaceKeyTask | (uint64_t(tq.obj) << 32) | e.id);
    e.fn(e.arg);
    race_release(w, tq.obj);
    for (size_t i = 0; i < tq.busy.size(); i++)
      if (tq.busy[i].id == e.id) {
        tq.busy.erase(tq.busy.begin() + static_cast<ptrdiff_t>(i));
        break;
      }
    KThread& k = w.self();
    if (k.nheld)
      w.misuse(std::string("a task of taskq ") + tq.name + " returned holding " +
                   kind_name(w.obj(k.held[k.nheld - 1]).kind) + " " +
                   w.name(k.held[k.nheld - 1]) + " (thread " + w.thread_name(me) + ")",
               std::string("task_returned_holding:") + w.name(k.held[k.nheld - 1]));
    tq.running--;
    if (Tid t = w.wq_pop(tq.room)) w.sim().wake(t, 0);
    // taskq_wait waits for an empty queue, taskq_suspend only for this
    if (tq.running == 0 && (tq.q.empty() || tq.suspended)) w.wq_wake_all(tq.obj);
    if (tq.done) w.wq_wake_all(tq.done);  // taskq_wait_for: whether its task is done
  }
  tq.live--;
  w.wq_wake_all(tq.obj);
}

}  // namespace

ObjId taskq_of_current(World& w) {
  auto& t = services(w).taskqs;
  if (!t) return 0;
  Tid me = w.self_tid();
  for (auto& tq : t->all)
    for (Tid x : tq->workers)
      if (x == me) return tq->obj;
  return 0;
}

ObjId taskq_create(World& w, const char* name, int nthreads, int maxalloc) {
  TaskqTable& t = table(w);
  std::unique_ptr<Taskq> tq;
  if (t.spare.empty()) {
    tq = std::make_unique<Taskq>();
  } else {
    tq = std::move(t.spare.back());  // its queue and workers emptied
    t.spare.pop_back();
    tq->live = tq->running = 0;
    tq->stopping = tq->suspended = false;
    tq->suspender = 0;
    tq->next_id = 1;
    tq->done = 0;
  }
  tq->w = &w;
  tq->name = w.sim().intern(name && *name ? name : "taskq");
  tq->obj = w.new_obj(kObjTaskq, tq->name);
  tq->work = w.new_obj(kObjTaskq, tq->name);
  tq->room = w.new_obj(kObjTaskq, tq->name);
  tq->maxalloc = maxalloc > 0 ? maxalloc : INT32_MAX;
  tq->nthreads = nthreads < 1 ? 1 : nthreads > 64 ? 64 : nthreads;
  w.obj(tq->obj).data = tq.get();
  if (w.sim().on_fiber()) w.sim().point(kEvTaskqCreate, tq->obj, tq->nthreads);
  Taskq* p = tq.get();
  t.all.push_back(std::move(tq));
  for (int i = 0; i < p->nthreads; i++) {
    const char* tn = w.sim().intern(std::string(p->name) + "/" + std::to_string(i));
    p->workers.push_back(w.spawn(tn, worker_main, p, /*daemon=*/true));
    p->live++;
  }
  return p->obj;
}

uint64_t taskq_dispatch(World& w, ObjId o, void (*fn)(void*), void* arg, int flags) {
  // The caller's own entry (kTqPrealloc) queues like a sleeping dispatch
  // that finds room, and its event says so: it never waits or fails.
  bool prealloc = flags & kTqPrealloc;
  if (prealloc) flags = kTqSleep | (flags & kTqFront);
  w.sim().point(kEvTaskqDispatch, o, static_cast<uint64_t>(flags));
  Taskq* tq = &usable(w, o, "taskq_dispatch");
  bool nosleep = flags & (kTqNoSleep | kTqNoQueue);
  if (!nosleep && !prealloc) w.assert_may_sleep("taskq_dispatch(TQ_SLEEP)", o);
  auto refuse = [&] {
    w.sim().emit(kEvTaskqDispatch, o, static_cast<uint64_t>(flags), 0, 0);
    return uint64_t(0);
  };
  if ((flags & kTqNoQueue) && (w.obj(tq->work).wq_head == 0 || tq->suspended)) return refuse();
  if (nosleep) {
    if (tq->nalloc() >= tq->maxalloc) return refuse();
    if (w.options().inject_faults && w.sim().choose(2, sim::ChoiceKind::kFault) == 1)
      return refuse();
  } else if (!prealloc) {
    while (tq->nalloc() >= tq->maxalloc) {
      w.wq_push(tq->room, w.self_tid());
      w.sim().block(kEvTaskqDispatch, tq->room);
      tq = &usable(w, o, "taskq_dispatch");
    }
  }
  TaskqEntry e{fn, arg, tq->next_id++};
  race_release(w, kRaceKeyTask | (uint64_t(o) << 32) | e.id);
  if (flags & kTqFront) tq->q.push_front(e); else tq->q.push_back(e);
  if (Tid t = w.wq_pop(tq->work)) w.sim().wake(t, 0);
  return e.id;
}

void taskq_wait(World& w, ObjId o) {
  w.sim().point(kEvTaskqWait, o);
  Taskq& tq = usable(w, o, "taskq_wait");
  not_from_own_worker(w, tq, "taskq_wait");
  while (!tq.q.empty() || tq.running) {
    w.assert_may_sleep("taskq_wait", o);
    w.wq_push(o, w.self_tid());
    w.sim().block(kEvTaskqWait, o);
  }
  race_acquire(w, o);
}

void taskq_wait_for(World& w, ObjId o, bool (*busy)(void*), void* arg, const char* op) {
  w.sim().point(kEvTaskqWait, o);
  Taskq& tq = usable(w, o, op);
  w.assert_may_sleep(op, o);
  while (busy(arg)) {
    if (!tq.done) tq.done = w.new_obj(kObjTaskq, tq.name);
    w.wq_push(tq.done, w.self_tid());
    w.sim().block(kEvTaskqWait, tq.done);
  }
  race_acquire(w, o);
}

void taskq_destroy(World& w, ObjId o) {
  w.sim().point(kEvTaskqDestroy, o);
  Taskq& tq = usable(w, o, "taskq_destroy");
  not_from_own_worker(w, tq, "taskq_destroy");
  if (tq.live) w.assert_may_sleep("taskq_destroy", o);
  tq.stopping = true;
  w.wq_wake_all(tq.work);
  w.wq_wake_all(tq.room);  // a dispatcher still waiting for room is now a misuse
  while (tq.live) {
    w.wq_push(o, w.self_tid());
    w.sim().block(kEvTaskqWait, o);
  }
  w.obj(o).destroyed = true;
  w.obj(tq.work).destroyed = true;
  w.obj(tq.room).destroyed = true;
}

void taskq_suspend(World& w, ObjId o) {
  w.sim().point(kEvTaskqSuspend, o, 1);
  Taskq& tq = usable(w, o, "taskq_suspend");
  not_from_own_worker(w, tq, "taskq_suspend");
  // illumos ASSERTs both (taskq.c): a second suspend would wait for its own
  // writer lock, a resume by another thread releases a lock it does not hold.
  if (tq.suspended)
    w.fail(sim::FailureKind::kPanic,
           std::string("panic: taskq_suspend: taskq ") + tq.name +
               " is suspended already (by thread " + w.thread_name(tq.suspender) + ")",
           std::string("panic:taskq_suspend:") + tq.name);
  tq.suspended = true;
  tq.suspender = w.self_tid();
  while (tq.running) {
    w.assert_may_sleep("taskq_suspend", o);
    w.wq_push(o, w.self_tid());
    w.sim().block(kEvTaskqSuspend, o);
  }
  race_acquire(w, o);  // the entries that ran returned before this
}

void taskq_resume(World& w, ObjId o) {
  w.sim().point(kEvTaskqSuspend, o, 0);
  Taskq& tq = usable(w, o, "taskq_resume");
  if (!tq.suspended)
    w.fail(sim::FailureKind::kPanic,
           std::string("panic: taskq_resume: taskq ") + tq.name + " is not suspended",
           std::string("panic:taskq_resume:") + tq.name);
  if (tq.suspender != w.self_tid())
    w.fail(sim::FailureKind::kPanic,
           std::string("panic: taskq_resume: thread ") + w.thread_name(w.self_tid()) +
               " resumes taskq " + tq.name + ", which thread " + w.thread_name(tq.suspender) +
               " suspended (it holds the taskq's thread lock as writer)",
           std::string("panic:taskq_resume:") + tq.name);
  tq.suspended = false;
  w.wq_wake_all(tq.work);
}

bool taskq_suspended(World& w, ObjId o) { return usable(w, o, "taskq_suspended").suspended; }

void taskq_each_entry(World& w, const std::function<void(const TaskqView&)>& f) {
  auto& t = services(w).taskqs;
  if (!t) return;
  for (auto& tq : t->all) {
    if (w.obj(tq->obj).destroyed) continue;
    for (const TaskqEntry& e : tq->busy) f(TaskqView{tq->name, e.fn, e.arg, true});
    for (const TaskqEntry& e : tq->q) f(TaskqView{tq->name, e.fn, e.arg, false});
  }
}

}  // namespace ks::km
