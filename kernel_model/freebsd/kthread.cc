// FreeBSD kernel threads: kthread_add/kproc_create start a World thread
// (a fiber); kthread_exit ends the calling one from any depth. The fiber's
// entry is our trampoline, which keeps a jmp_buf on the thread's own stack:
// kthread_exit jumps back to it, past only the driver's C frames (no C++
// destructors to skip), and the trampoline returns as if fn had.
#include <csetjmp>
#include <cstdarg>
#include <cstdio>
#include <memory>

#include "kernel_model/freebsd/state.h"
#include "kernel_model/world.h"

extern "C" {
#include <sys/kthread.h>
#include <sys/systm.h>
}

#undef printf
#undef panic
#undef ticks
#undef curthread

using ks::km::World;
using ks::km::freebsd::FbKthread;

namespace {

void kthread_main(void* p) {
  auto* k = static_cast<FbKthread*>(p);
  std::jmp_buf jb;
  k->exit_to = &jb;
  if (setjmp(jb) == 0) k->fn(k->arg);
  k->exit_to = nullptr;
}

uint32_t start(void (*fn)(void*), void* arg, const char* fmt, va_list ap) {
  char name[64];
  std::vsnprintf(name, sizeof name, fmt, ap);
  FbKthread& k = ks::km::freebsd::state(*World::current()).kthreads.emplace_back();
  k.fn = fn;
  k.arg = arg;
  k.tid = ks_kthread_create(name, kthread_main, &k, 1);
  return k.tid;
}

// An opaque struct thread *: a non-canonical address naming the thread.
struct thread* td_of(uint32_t tid) {
  return reinterpret_cast<struct thread*>(static_cast<uintptr_t>(0xfb00000000000000ull | tid));
}

}  // namespace

extern "C" {

int kthread_add(void (*fn)(void*), void* arg, struct proc*, struct thread** tdp, int, int,
                const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  uint32_t tid = start(fn, arg, fmt, ap);
  va_end(ap);
  if (tdp) *tdp = td_of(tid);
  return 0;
}

int kproc_create(void (*fn)(void*), void* arg, struct proc** pp, int, int, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  start(fn, arg, fmt, ap);
  va_end(ap);
  if (pp) *pp = nullptr;
  return 0;
}

void kthread_exit(void) {
  World& w = *World::current();
  uint32_t me = w.self_tid();
  for (FbKthread& k : ks::km::freebsd::state(w).kthreads)
    if (k.tid == me && k.exit_to) std::longjmp(*k.exit_to, 1);
  ks_panic("kthread_exit called by thread %s, which kthread_add/kproc_create did not start",
           w.thread_name(me));
}

void kproc_exit(int) { kthread_exit(); }

}  // extern "C"
