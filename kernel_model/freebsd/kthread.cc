// FreeBSD kernel threads: kthread_add/kproc_create start a World thread
// (a fiber); kthread_exit ends the calling one from any depth
// (kernel_model/kthread_exit.h).
#include <cstdarg>
#include <cstdio>
#include <string>

#include "kernel_model/freebsd/state.h"
#include "kernel_model/kthread_exit.h"
#include "kernel_model/world.h"

extern "C" {
#include <sys/kthread.h>
#include <sys/proc.h>
#include <sys/systm.h>
}

#undef printf
#undef panic
#undef ticks
#undef curthread

using ks::km::World;

namespace {

uint32_t start(void (*fn)(void*), void* arg, const char* fmt, va_list ap) {
  char name[64];
  std::vsnprintf(name, sizeof name, fmt, ap);
  return ks::km::exitable_create(ks::km::freebsd::state(*World::current()).kthreads, name, fn,
                                 arg);
}

}  // namespace

extern "C" {

int kthread_add(void (*fn)(void*), void* arg, struct proc*, struct thread** tdp, int, int,
                const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  uint32_t tid = start(fn, arg, fmt, ap);
  va_end(ap);
  if (tdp) *tdp = ks::km::freebsd::thread_record(*World::current(), tid);
  return 0;
}

int kproc_create(void (*fn)(void*), void* arg, struct proc** pp, int, int, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  uint32_t tid = start(fn, arg, fmt, ap);
  va_end(ap);
  // The thread's process (proc0's record: sys/kthread.h); NULL before,
  // which a driver's PROC_LOCK(p) of it could not survive.
  if (pp) *pp = ks::km::freebsd::thread_record(*World::current(), tid)->td_proc;
  return 0;
}

// kern_kthread.c (read 2026-12-07): with *procp NULL, kproc_create of a
// process named procname whose first thread is then named by fmt;
// otherwise kthread_add in *procp. procp is not optional there (it is
// dereferenced): NULL is a driver bug, said so rather than a host fault.
int kproc_kthread_add(void (*fn)(void*), void* arg, struct proc** procp, struct thread** tdp,
                      int, int, const char* procname, const char* fmt, ...) {
  World& w = *World::current();
  if (!procp)
    w.misuse("kproc_kthread_add with a NULL procptr (thread " +
                 std::string(w.thread_name(w.self_tid())) + ")",
             "kproc_kthread_add:null_procptr");
  (void)procname;  // the process's name: the model's kernel process is proc0
  va_list ap;
  va_start(ap, fmt);
  uint32_t tid = start(fn, arg, fmt, ap);
  va_end(ap);
  struct thread* td = ks::km::freebsd::thread_record(w, tid);
  if (!*procp) *procp = td->td_proc;
  if (tdp) *tdp = td;
  return 0;
}

void kthread_exit(void) {
  World& w = *World::current();
  ks::km::exitable_exit(ks::km::freebsd::state(w).kthreads);
  ks_panic("kthread_exit called by thread %s, which kthread_add/kproc_create did not start",
           w.thread_name(w.self_tid()));
}

void kproc_exit(int) { kthread_exit(); }

}  // extern "C"
