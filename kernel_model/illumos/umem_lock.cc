// ddi_umem_lock(9F), ddi_umem_unlock and umem_lockmemory (<sys/esunddi.h>)
// over the kernel model's locked pages (page_lock.h).
//
// Checked in illumos-gate (os/sunddi.c ddi_umem_lock, umem_lockmemory,
// i_ddi_umem_unlock, umem_lock_undo, ddi_umem_unlock; sys/ddidevmap.h;
// sys/esunddi.h; vm/vm_as.c as_pagelock, f_decode):
// - *cookiep is NULL on every error. ddi_umem_lock takes only READ and
//   WRITE (LONGTERM is EINVAL there), at least one of them; umem_lockmemory
//   also LONGTERM. An address or length not a page multiple is EINVAL. A
//   callback vector of another version is EINVAL, and LONGTERM without a
//   cleanup function is EINVAL.
// - The pages are locked for S_WRITE with the WRITE flag, else S_READ:
//   a hole is EFAULT, a page without that access EACCES (f_decode).
// - With a cleanup function (LONGTERM or not) the lock gets an address-space
//   callback: an munmap, mprotect or exit reaching the pages calls the
//   cleanup with the cookie (cast to the declared pointer type), once. The
//   cookie goes when both the unlock and a started cleanup are done.
// - ddi_umem_unlock from interrupt context is queued to a thread there;
//   here every unlock is at once (the deferral only moves it later).
// Not modelled: locking the pages of a device mapping (not_modelled), the
// locked-memory resource control (no ENOMEM), ddi_umem_iosetup and
// devmap_umem_setup on a locked cookie (not_modelled).
#include <algorithm>
#include <cerrno>
#include <string>

#include "kernel_model/events.h"
#include "kernel_model/illumos/il_state.h"
#include "kernel_model/page_lock.h"
#include "kernel_model/proc.h"
#include "kernel_model/user_mem.h"
#include "kernel_model/world.h"

extern "C" {
#include <sys/esunddi.h>
#include <sys/sunddi.h>
}

namespace {

using ks::km::World;

// The cookie: kmem the driver's lock holds (tag "ddi_umem_lock").
struct UmemLock {
  uint32_t pid;
  uint32_t id;  // the kernel model's lock
  uint64_t addr, len;
  struct umem_callback_ops cb;
  bool has_cb;
  bool cb_running;  // the cleanup is under way
  bool unlocked;    // ddi_umem_unlock came during the cleanup
};

const char kTag[] = "ddi_umem_lock";

std::vector<void*>& live(World& w) { return ks::km::illumos::il_state(w).umem_locks; }

bool is_live(World& w, const void* c) {
  auto& v = live(w);
  return std::find(v.begin(), v.end(), c) != v.end();
}

void drop(World& w, UmemLock* u) {
  auto& v = live(w);
  v.erase(std::find(v.begin(), v.end(), static_cast<void*>(u)));
  ks_kmem_free(u, sizeof *u, kTag);
}

ks::km::Proc* proc_of(World& w, uint32_t pid) {
  auto& ps = ks::km::procs(w).procs;
  for (auto& p : ps)
    if (p->pid == pid) return p.get();
  return nullptr;
}

// umem_lock_undo: the driver's cleanup, then the cookie goes if the
// unlock came meanwhile.
void undo(World& w, void* arg, const char*) {
  auto* u = static_cast<UmemLock*>(arg);
  u->cb_running = true;
  u->cb.cbo_umem_lock_cleanup(reinterpret_cast<ddi_umem_cookie_t*>(u));
  u->cb_running = false;
  if (u->unlocked) drop(w, u);
}

int lock(caddr_t addr, size_t len, int flags, ddi_umem_cookie_t* cookiep,
         struct umem_callback_ops* ops, proc_t* procp, int allowed, const char* op) {
  World& w = *World::current();
  *cookiep = nullptr;
  if ((flags & ~allowed) != 0) return EINVAL;
  if ((flags & (DDI_UMEMLOCK_READ | DDI_UMEMLOCK_WRITE)) == 0) return EINVAL;
  uint64_t a = reinterpret_cast<uintptr_t>(addr);
  if ((a & (PAGESIZE - 1)) != 0 || (len & (PAGESIZE - 1)) != 0) return EINVAL;
  void (*cleanup)(ddi_umem_cookie_t*) = nullptr;
  if (ops) {
    if (ops->cbo_umem_callback_version != UMEM_CALLBACK_VERSION) return EINVAL;
    cleanup = ops->cbo_umem_lock_cleanup;
  }
  if (!cleanup && (flags & DDI_UMEMLOCK_LONGTERM)) return EINVAL;
  w.assert_may_sleep(op, 0);  // kmem_zalloc(KM_SLEEP), as_pagelock
  // p0's address space (the kernel's) has no user pages: as_pagelock finds
  // no segment there.
  ks::km::Proc* p = nullptr;
  if (procp == nullptr || procp == &p0) p = procp ? nullptr : ks::km::curproc_or_null(w);
  else p = proc_of(w, static_cast<uint32_t>(procp->p_pid));
  if (!p) return EFAULT;
  int need = (flags & DDI_UMEMLOCK_WRITE) ? ks::km::kProtWrite : ks::km::kProtRead;
  uint32_t id = 0;
  int e = ks::km::page_lock(w, *p, a, len, need, op, &id);
  if (e) return e;
  auto* u = static_cast<UmemLock*>(ks_kmem_alloc(sizeof(UmemLock), KS_KM_SLEEP | KS_KM_ZERO, kTag));
  u->pid = p->pid;
  u->id = id;
  u->addr = a;
  u->len = len;
  if (cleanup) {
    u->cb = *ops;
    u->has_cb = true;
    ks::km::page_lock_set_undo(w, *p, id, undo, u, reinterpret_cast<const void*>(cleanup));
  }
  live(w).push_back(u);
  *cookiep = reinterpret_cast<ddi_umem_cookie_t>(u);
  return 0;
}

}  // namespace

extern "C" {

int ddi_umem_lock(caddr_t addr, size_t len, int flags, ddi_umem_cookie_t* cookiep) {
  return lock(addr, len, flags, cookiep, nullptr, nullptr,
              DDI_UMEMLOCK_READ | DDI_UMEMLOCK_WRITE, "ddi_umem_lock");
}

int umem_lockmemory(caddr_t addr, size_t len, int flags, ddi_umem_cookie_t* cookiep,
                    struct umem_callback_ops* ops, proc_t* procp) {
  return lock(addr, len, flags, cookiep, ops, procp,
              DDI_UMEMLOCK_READ | DDI_UMEMLOCK_WRITE | DDI_UMEMLOCK_LONGTERM, "umem_lockmemory");
}

void ddi_umem_unlock(ddi_umem_cookie_t cookie) {
  World& w = *World::current();
  // The unlock takes the address space's lock: a concurrent munmap or
  // unlock may come first.
  if (w.sim().on_fiber()) w.sim().point(ks::km::kEvPageLock, 0, 0, 0);
  if (!is_live(w, cookie))
    w.fail(ks::sim::FailureKind::kMemory,
           "ddi_umem_unlock of a cookie that holds no lock: unlocked before, or not from "
           "ddi_umem_lock or umem_lockmemory (illumos reads the freed cookie)",
           "ddi_umem_unlock_not_locked");
  auto* u = reinterpret_cast<UmemLock*>(cookie);
  ks::km::Proc* p = proc_of(w, u->pid);
  bool undo_pending = false;
  if (p) ks::km::page_unlock(w, *p, u->id, &undo_pending);
  // i_ddi_umem_unlock: the cookie stays for a cleanup under way.
  if (u->cb_running) u->unlocked = true;
  else drop(w, u);
}

}  // extern "C"

// For ddi_umem_free and devmap_umem_setup: whether a cookie is a lock's.
bool ks_il_umem_is_lock(const void* cookie) { return is_live(*World::current(), cookie); }
