// Task queues: a FIFO of (function, argument) entries run by n worker
// threads (daemon kernel threads named "<taskq>/<i>"), with illumos's
// dispatch rules for maxalloc. Personality-neutral.
#pragma once

#include <cstdint>
#include <functional>

#include "kernel_model/world.h"
#include "kernsim/abi.h"

namespace ks::km {

enum TaskqDispatchFlags : int {
  kTqSleep = 0,
  kTqNoSleep = 1,  // fail (return 0) rather than wait for room
  kTqNoQueue = 2,  // fail unless a worker is idle to take it at once
  kTqFront = 4,    // queue at the head
  // The entry is the caller's (FreeBSD's struct task, illumos's
  // taskq_dispatch_ent): no allocation, so it neither sleeps nor fails,
  // and may be queued holding a mutex or from interrupt context.
  kTqPrealloc = 8,
};

// Creates the taskq object and its workers (from the host or a thread).
// maxalloc <= 0: no limit.
ObjId taskq_create(World& w, const char* name, int nthreads, int maxalloc);
// Returns a non-zero id, or 0 when a no-sleep dispatch cannot be queued.
uint64_t taskq_dispatch(World& w, ObjId tq, void (*fn)(void*), void* arg, int flags);
// Waits until the queue is empty and no entry is running.
void taskq_wait(World& w, ObjId tq);
// Waits until busy(arg) is false, asked again as each entry of the taskq
// returns (FreeBSD's taskqueue_drain of one task: its other tasks may go
// on running). It may sleep, asked or not (WITNESS_WARN); op names it.
void taskq_wait_for(World& w, ObjId tq, bool (*busy)(void*), void* arg, const char* op);
// The same on a taskq's C handle (abi_sync.cc).
void taskq_wait_for(ks_taskq_t* tq, bool (*busy)(void*), void* arg, const char* op,
                    const char* expr);
// Runs what is queued, stops the workers, and destroys the object.
void taskq_destroy(World& w, ObjId tq);
// illumos taskq_suspend: no entry starts until the same thread's
// taskq_resume; returns once the entries already running have returned (it
// waits as a writer of the lock each running entry holds as a reader, so
// from the taskq's own worker it never returns: a misuse here). Dispatch
// still queues; a suspended taskq's destroy waits for ever, as on illumos.
// A second suspend, or a resume of a taskq not suspended or by another
// thread, panics (illumos's ASSERTs).
void taskq_suspend(World& w, ObjId tq);
void taskq_resume(World& w, ObjId tq);
bool taskq_suspended(World& w, ObjId tq);
// The taskq whose worker is the calling thread, or 0.
ObjId taskq_of_current(World& w);

// An entry of a live taskq, running or queued (a scripted unload asks
// which of them would run a module's code: module_unload.h).
struct TaskqView {
  const char* taskq;
  void (*fn)(void*);
  void* arg;
  bool running;
};
// Running entries first, then queued ones, taskqs in creation order.
void taskq_each_entry(World& w, const std::function<void(const TaskqView&)>& f);

}  // namespace ks::km
