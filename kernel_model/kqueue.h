// kqueue(2) and kevent(2): FreeBSD's event queue, for devices whose
// cdevsw has a d_kqfilter. The system calls are the kernel model's
// (syscalls.h); the kqueue itself, its knotes and the drivers' filters
// are the FreeBSD personality's (kernel_model/freebsd/kern_event.cc),
// reached through the hooks below, so the neutral model names no
// personality. A device of another personality has no kqfilter entry
// point (DevOps::kqfilter null): registering it is a scenario error.
#pragma once

#include <cstdint>

#include "kernel_model/world.h"

namespace ks::km {

struct Proc;

// The World slot of the kqueue state, made at the first kqueue(2): a close
// in a World that never made one pays a load and a branch.
extern const int kKqueueSlot;

struct KqueueImpl {
  int64_t (*kqueue)(World& w, Proc& p);
  // timeout_ms: -1 waits for ever (a NULL timespec), 0 never sleeps.
  int64_t (*kevent)(World& w, Proc& p, int64_t kq, uint64_t changelist, int64_t nchanges,
                    uint64_t eventlist, int64_t nevents, int64_t timeout_ms);
  // knote_fdclose: descriptor fd of p is being closed; every knote of p's
  // kqueues on it is detached (f_detach) and dropped before the file's close.
  void (*fd_closing)(World& w, Proc& p, int fd);
};
// Set once by the personality that implements kqueue, at static init.
void kqueue_set_impl(const KqueueImpl* impl);
const KqueueImpl* kqueue_impl();

inline void kqueue_fd_closing(World& w, Proc& p, int fd) {
  if (__builtin_expect(w.component_if(kKqueueSlot) != nullptr, 0)) kqueue_impl()->fd_closing(w, p, fd);
}

}  // namespace ks::km
