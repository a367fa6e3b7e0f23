// Pages a driver locked in a process's address space so that it may use
// them after the system call returns (illumos as_pagelock, reached through
// ddi_umem_lock and umem_lockmemory; DESIGN.md, User memory: locked pages).
//
// A locked page cannot go: an munmap or mprotect that reaches it, and the
// process's exit, first run the locks' undo callbacks (illumos
// as_add_callback, the long-term lock's cleanup) and then wait until the
// locker unlocks. A lock nobody will undo keeps the unmapping thread asleep
// for ever, which the stuck report names. Nothing of it costs a process
// that locks nothing: AddressSpace::locks is null.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "sim/event.h"

namespace ks::km {

class World;
struct Proc;

// Called with the address space's pages about to go (event: what makes
// them go, "munmap", "mprotect" or "exit"); run once, then forgotten.
using PageLockUndo = void (*)(World& w, void* arg, const char* event);

struct PageLock {
  uint64_t addr, len;  // whole pages
  uint32_t id;
  sim::Tid locker;
  uint64_t step;
  const char* op;  // the locker's interface, for reports ("ddi_umem_lock")
  PageLockUndo undo = nullptr;
  void* undo_arg = nullptr;
  const void* undo_code = nullptr;  // the driver function the undo runs
};

struct PageLocks {
  std::vector<PageLock> locks;  // in lock order
  uint32_t next_id = 1;
  sim::ObjId wait = 0;  // the unmappers' sleep (illumos as->a_cv)
};

// Locks [addr, addr + len) of p, whole pages (the caller checked the
// alignment; for len 0, addr's page). Every page must be mapped (else EFAULT) with the
// protection `need` (kProtRead/kProtWrite; else EACCES, illumos's FC_PROT).
// A page of a device mapping is not modelled. 0 with *id set, or an errno.
int page_lock(World& w, Proc& p, uint64_t addr, uint64_t len, int need, const char* op,
              uint32_t* id);
// Registers the undo for lock `id` (it must exist); `code` is the driver
// function it runs, for the check at a module's unload. Wakes an unmap
// already waiting on p's locks, which then runs it.
void page_lock_set_undo(World& w, Proc& p, uint32_t id, PageLockUndo undo, void* arg,
                        const void* code);
// Every process's locks whose undo is still to run (a module's unload
// checks that none runs its code).
std::vector<const PageLock*> page_lock_undos(World& w);
// Drops lock `id` and wakes the threads waiting for it; false if p holds no
// such lock. No scheduling point: the caller's comes before it looks its
// lock up. `undo_pending` gets whether its undo is still to run (it is
// dropped with the lock).
bool page_unlock(World& w, Proc& p, uint32_t id, bool* undo_pending = nullptr);

// Before [addr, addr + len) of p goes or changes protection (event
// "munmap"/"mprotect"): the undos of the locks on it run, then the thread
// sleeps until none is left on it.
void page_locks_settle(World& w, Proc& p, uint64_t addr, uint64_t len, const char* event);
// Process exit: every undo runs, then the exit sleeps until no lock is left.
void page_locks_exit(World& w, Proc& p);

}  // namespace ks::km
