// The FreeBSD personality's per-World state (a component slot of its own):
// its device major and cdev records (cdev.cc), its kernel threads
// (kthread.cc), its callouts' schedulings (callout.cc). Records live in deques so the driver's pointers to them
// stay put; they are found by scanning in creation order, never by address.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "kernel_model/det_random.h"
#include "kernel_model/freebsd/sysctl_tree.h"
#include "kernel_model/kthread_exit.h"
#include "kernsim/abi.h"

struct ks_fb_cdev;
struct mtx;
struct callout;
struct thread;
struct ucred;
struct proc;
struct ks_fb_eventhandler_entry;
struct task;

// mtx_pool(9)'s pool (mtxpool.cc): its mutexes are `ary[0, size)`.
struct mtx_pool {
  int size;
  int mask;
  int shift;
  int next;
  struct mtx* ary;
};

// One scheduling of a callout(9) (callout.cc): what the timer runs, and how
// far it got. World-owned, so a stale timer never touches a callout the
// driver may have freed.
struct ks_fb_callout_run {
  struct callout* c = nullptr;
  uint32_t index = 0;  // in FbState::callout_runs
  void (*fn)(void*) = nullptr;
  void* arg = nullptr;
  uint64_t id = 0;         // the kernel model's callout
  bool cancelled = false;  // stopped or reset before the function ran
  bool started = false;    // the timer fired (maybe waiting for the lock)
  bool in_fn = false;      // the function was called (false again once it returned
                           // with a drain function to call: no longer running)
  bool done = false;
  // callout_async_drain's function, called with arg from this run's
  // context once the function has returned and the lock is released
  // (kern_timeout.c softclock_call_cc); `draining` while it runs.
  void (*drain)(void*) = nullptr;
  bool draining = false;
  // What the scheduling will run when fn is the personality's own (a
  // timeout task's callout runs the task's function), kept at arming: the
  // unload check asks after the driver may have freed the task.
  const void* code = nullptr;
};

namespace ks::km {
class World;
struct Proc;
}

namespace ks::km::freebsd {

// One tick of virtual time: hz = 1000 (hz and tick of sys/kernel.h, pause,
// callout and sleep timeouts all count in it).
constexpr uint64_t kNsPerTick = 1'000'000;


// A wait channel of sleep(9) (sleep.cc): the condvar its sleepers wait
// on, and the lock tsleep, which has no interlock of its own, waits under.
struct FbSleepq {
  const void* chan = nullptr;
  ks_handle_t cv{};
  ks_handle_t lock{};
  bool lock_made = false;
};

// A struct mtx the kernel itself owns, kept in FbState (per World, so a
// boot image restores it with the rest): its words, as sys/mutex.h (C)
// lays them out; as_mtx (sync.cc, where the layout is checked) gives the
// struct mtx. Zeroed, it is an initialised mutex (kernel model handles).
struct KernelMtx {
  ks_handle_t h{};
  int opts = 0;
  unsigned recurse = 0;
};
struct ::mtx* as_mtx(KernelMtx& m);

// A condvar wait whose interlock is an sx or rwlock (World::cv_wait_rw)
// until `deadline` (0: none), answered as FreeBSD answers (EWOULDBLOCK for
// a timeout); `op` names the call in handle reports. cv_wait*, the
// cv_timedwait_sbt forms, sx_sleep and rw_sleep (sync.cc).
int cv_wait_rwl(ks_handle_t* cv, ks_handle_t* lock, uint64_t deadline, bool sig, bool relock,
                const char* ce, const char* le, const char* op);

// The World's mtxpool_sleep (mtxpool.cc): its header and its mutexes, in
// place (a driver keeps the pointers mtx_pool_find gives it).
constexpr int kSleepPoolSize = 128;  // kern_mtxpool.c's MTX_POOL_SLEEP_SIZE
struct SleepPool {
  struct ::mtx_pool pool;
  KernelMtx mtx[kSleepPoolSize];
};

struct FbState {
  uint32_t major = 0;
  uint32_t next_minor = 0;
  std::deque<ks_fb_cdev> cdevs;
  std::deque<ExitableThread> kthreads;
  std::deque<ks_fb_callout_run> callout_runs;
  // Which of those are not done, in the order made: a stop looks at these
  // only, not at every run so far (a periodic callout makes one per tick).
  std::vector<uint32_t> callout_live;
  uint32_t callout_drains = 0;  // runs with a drain function not called yet
  std::deque<FbSleepq> sleepqs;  // in the order first slept on
  // The system taskqueues (taskqueue_thread, _swi, _fast), made at their
  // first enqueue (taskqueue.cc); null until then.
  ks_taskq_t* system_tq[3] = {};
  uint64_t rng = kDetRandomSeed;  // random(9) & co. (det_random.h)
  // The driver's crhold references per pid, less its crfree's (proc.cc).
  std::vector<int32_t> cred_holds;
  bool cred_check = false;  // the leak check of those is armed
  // Each process's p_mtx (PROC_LOCK), made at the first hand-out of its
  // record; index pid, an unmade one has made == false.
  struct ProcMtx {
    bool made = false;
    ks_handle_t h{};
  };
  std::vector<ProcMtx> proc_mtx;
  // Credentials the driver made (crget, crdup: kmem, tag "ucred"), in the
  // order made; one leaves at the crfree of its last reference.
  std::vector<struct ::ucred*> made_creds;
  // eventhandler(9) registrations (kmem), by priority, equal ones in the
  // order registered: the order they are called in (kern_misc.cc).
  std::vector<struct ::ks_fb_eventhandler_entry*> eventhandlers;
  // One per event name called or deregistered from so far, in that order
  // (subr_eventhandler.c's eventhandler_list): its lock, the calls in
  // progress (EVENTHANDLER_INVOKE), and the condition a waiting
  // EVENTHANDLER_DEREGISTER sleeps on until they end.
  struct EhList {
    std::string name;
    int running = 0;
    ks_handle_t lock{};
    ks_handle_t drained{};
  };
  std::deque<EhList> eh_lists;
  // destroy_dev_sched (cdev_sched.cc): the cdevs whose destruction is
  // scheduled, in that order, and the task on taskqueue_swi_giant that
  // destroys them (kern_conf.c's dev_ddtr and dev_dtr_task).
  std::vector<struct ::ks_fb_cdev*> ddtr;
  // The kernel's own struct task, in place (FreeBSD's is static): not
  // kmem, which would be a leak at teardown.
  alignas(8) unsigned char dtr_task[32] = {};
  bool dtr_task_made = false;
  // knlist_init's lock when the driver names none (FreeBSD's knlist_lock):
  // in the host's static storage, an execution restored from an image saw
  // the handle a later execution of the image's World left.
  KernelMtx knlist_lock;
  // unr(9) (unr.cc): each header's allocated units, a bitmap from its low
  // end, by the index the header keeps; the kernel's own mutex for
  // headers made without one.
  std::vector<std::vector<uint64_t>> unr_bits;
  KernelMtx unit_mtx;
  bool unit_mtx_made = false;
  // mtxpool_sleep, one element once made (a record deque: in place).
  std::deque<SleepPool> sleep_pool;
  // taskqueue(9) (taskqueue.cc): one record per queue entry a task's
  // enqueue made, which the entry runs through; taskqueue_cancel marks
  // the task's record dead, so the entry never reads a task the driver
  // may have freed since (FreeBSD takes the task off its queue).
  struct TaskEntry {
    struct ::task* task = nullptr;
    bool live = false;
    uint32_t index = 0;  // its own, in task_entries (for the free list)
  };
  std::deque<TaskEntry> task_entries;
  std::vector<uint32_t> task_entries_free;  // indexes of spent records
  // The sysctl MIB's kernel part (sysctl.cc), one element once made.
  std::deque<SysctlTree> sysctl;
};

FbState& state(World& w);
// Whether this World has used the personality (its state exists).
bool has_state(World& w);
// The struct thread of thread `tid`, written afresh (proc.cc).
struct ::thread* thread_record(World& w, uint32_t tid);
// The struct proc of process p (null: proc0), written afresh (proc.cc).
struct ::proc* proc_record(World& w, const Proc* p);

}  // namespace ks::km::freebsd
