// illumos kernel threads (sys/thread.h for the rules): thread_create starts
// a World thread whose thread_exit ends it from any depth
// (kernel_model/kthread_exit.h).
#include <cstdint>
#include <deque>
#include <string>

#include "kernel_model/illumos/il_state.h"
#include "kernel_model/kmem_arena.h"
#include "kernel_model/kthread_exit.h"
#include "kernel_model/proc.h"
#include "kernel_model/world.h"
#include "kernsim/abi.h"

extern "C" {
#include <sys/proc.h>
#include <sys/thread.h>
}

#undef curthread
#undef curproc

// The kernel model's (kernel_model/libkern.cc); sys/sunddi.h declares it
// for C only.
extern "C" size_t strlcpy(char*, const char*, size_t);

namespace {
// A command's name into the user area, cut as illumos cuts it.
void name_into(struct user& u, const char* name) {
  strlcpy(u.u_comm, name, sizeof u.u_comm);
  strlcpy(u.u_psargs, name, sizeof u.u_psargs);
}

// The kthread_t of thread `tid`: a record per thread id whose t_did is that
// id, kept per host thread rather than per World; its t_procp is written
// whenever curthread is asked, so nothing of an earlier World is read.
kthread_t* thread_of(uint32_t tid) {
  static thread_local std::deque<kthread_t> records;
  while (records.size() <= tid) records.push_back(kthread_t{records.size(), nullptr});
  return &records[tid];
}
}  // namespace

extern "C" {

// pid 0, "sched", as illumos's p0.
proc_t p0 = [] {
  proc_t p{};
  p.p_cred = reinterpret_cast<struct cred*>(const_cast<ks_cred*>(ks_kcred()));
  name_into(p.p_user, "sched");
  return p;
}();

kthread_t* ks_il_thread_create(caddr_t stk, size_t, void (*proc)(void*), void* arg, size_t len,
                               struct proc*, int state, pri_t, const char* name) {
  if (stk) ks_not_modelled("thread_create on a stack of the driver's own");
  if (state != TS_RUN) ks_not_modelled("thread_create of a thread not TS_RUN");
  if (len > ks::km::ExitableThread::kArgCopyMax)
    ks_not_modelled("thread_create copying more than 256 bytes of its argument");
  ks::km::World& w = *ks::km::World::current();
  auto& list = ks::km::illumos::il_state(w).kthreads;
  // len > 0: the thread gets a copy of len bytes of arg, as illumos copies
  // them onto the new thread's stack (from memory of thread.c, and as
  // thread_create(9F) says).
  kthread_t* t = thread_of(ks::km::exitable_create(list, name, proc, arg, len));
  t->t_procp = &p0;  // a kernel thread's, whatever pp asked
  return t;
}

void thread_exit(void) {
  ks::km::World& w = *ks::km::World::current();
  ks::km::exitable_exit(ks::km::illumos::il_state(w).kthreads);
  ks_panic("thread_exit called by thread %s, which thread_create did not start",
           w.thread_name(w.self_tid()));
}

void thread_join(kt_did_t did) {
  ks::km::World& w = *ks::km::World::current();
  ks::km::exitable_join(ks::km::illumos::il_state(w).kthreads, static_cast<uint32_t>(did));
}

kthread_t* ks_il_curthread(void) {
  kthread_t* t = thread_of(ks::km::World::current()->self_tid());
  t->t_procp = ks_il_curproc();
  return t;
}

proc_t* ks_il_curproc(void) {
  ks::km::World& w = *ks::km::World::current();
  const ks::km::Proc* p = ks::km::curproc_or_null(w);
  if (!p) return &p0;
  // One record per pid in illumos's half of the records area.
  constexpr uint32_t kMaxProcs = ks::km::kRecordsHalf / sizeof(proc_t);
  char* area = w.records_area();
  if (p->pid >= kMaxProcs)
    w.fail(ks::sim::FailureKind::kHostError,
           "process " + std::to_string(p->pid) + " is past the " + std::to_string(kMaxProcs) +
               " the illumos personality keeps records for (curproc)",
           "too_many_processes");
  proc_t& r = reinterpret_cast<proc_t*>(area + ks::km::kRecordsHalf)[p->pid];
  r.p_pid = static_cast<pid_t>(p->pid);
  r.p_cred = reinterpret_cast<struct cred*>(const_cast<ks::km::Cred*>(&p->cred));
  name_into(r.p_user, p->name.c_str());
  return &r;
}

}  // extern "C"
