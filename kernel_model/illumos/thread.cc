// illumos kernel threads (sys/thread.h for the rules): thread_create starts
// a World thread whose thread_exit ends it from any depth
// (kernel_model/kthread_exit.h).
#include <cstdint>
#include <deque>

#include "kernel_model/illumos/il_state.h"
#include "kernel_model/kthread_exit.h"
#include "kernel_model/world.h"
#include "kernsim/abi.h"

extern "C" {
#include <sys/proc.h>
#include <sys/thread.h>
}

#undef curthread
#undef curproc

struct proc {
  int ks_unused;
};

namespace {
// The kthread_t of thread `tid`: a record per thread id whose t_did is that
// id, the same in every World (nothing in it changes), so it is kept per
// host thread rather than per World.
kthread_t* thread_of(uint32_t tid) {
  static thread_local std::deque<kthread_t> records;
  while (records.size() <= tid) records.push_back(kthread_t{records.size()});
  return &records[tid];
}
}  // namespace

extern "C" {

proc_t p0;

kthread_t* ks_il_thread_create(caddr_t stk, size_t, void (*proc)(void*), void* arg, size_t len,
                               struct proc*, int state, pri_t, const char* name) {
  if (stk) ks_not_modelled("thread_create on a stack of the driver's own");
  if (state != TS_RUN) ks_not_modelled("thread_create of a thread not TS_RUN");
  if (len) ks_not_modelled("thread_create copying its argument (len > 0)");
  ks::km::World& w = *ks::km::World::current();
  auto& list = ks::km::illumos::il_state(w).kthreads;
  return thread_of(ks::km::exitable_create(list, name, proc, arg));
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

kthread_t* ks_il_curthread(void) { return thread_of(ks::km::World::current()->self_tid()); }

proc_t* ks_il_curproc(void) {
  uint32_t pid = ks_curproc_pid();
  if (pid == 0) return &p0;
  // Opaque, as a thread's: a non-canonical address naming the process.
  return reinterpret_cast<proc_t*>(static_cast<uintptr_t>(0x1200000000000000ull | pid));
}

}  // extern "C"
