// Locked user pages (page_lock.h). The rules are illumos's (vm_as.c read:
// as_pagelock, as_unmap, as_setprot, as_free; sunddi.c read:
// umem_lockmemory, i_ddi_umem_unlock, umem_lock_undo):
// - as_pagelock fails with f_decode's errno: EFAULT for a hole (FC_NOMAP),
//   EACCES for a page without the access asked (FC_PROT);
// - as_unmap and as_setprot, finding a segment whose pages are locked (the
//   segment driver's EAGAIN), run one matching callback at a time and retry;
//   with none left they sleep on the address space's cv until the pages are
//   unlocked;
// - as_free (exit) runs every callback first, whatever its range, then
//   unmaps, sleeping the same way.
// - segvn_unmap and segvn_setprot (seg_vn.c, read) answer EAGAIN while
//   any page of the segment is locked (its softlockcnt).
// So illumos judges a whole segment (an mmap, perhaps merged with its
// neighbours) locked when any of its pages is; here only the pages
// themselves are: an munmap of another page of the same mapping does not
// wait, where illumos's would (a hang kernsim can miss, never one it
// invents; DESIGN.md).
#include "kernel_model/page_lock.h"

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "kernel_model/events.h"
#include "kernel_model/proc.h"
#include "kernel_model/user_mem.h"
#include "kernel_model/world.h"
#include "kernsim/abi.h"

namespace ks::km {

void PageLocksFree::operator()(PageLocks* l) const { delete l; }

int page_lock(World& w, Proc& p, uint64_t addr, uint64_t len, int need, const char* op,
              uint32_t* id) {
  // The address space's lock is taken: a concurrent munmap may come first.
  if (w.sim().on_fiber()) w.sim().point(kEvPageLock, p.obj, 1, addr);
  if (addr + len < addr) return EFAULT;
  // Nothing to lock still needs a segment there (as_fault's FC_NOMAP).
  if (len == 0 && !p.as.pages.find(addr)) return EFAULT;
  for (uint64_t a = addr; a < addr + len; a += kUserPage) {
    const UserPage* up = p.as.pages.find(a);
    if (!up) return EFAULT;
    if (up->dev) {
      std::string what = std::string(op) + " of a device mapping";
      ks_not_modelled(what.c_str());
    }
    if ((up->prot & need) != need) return EACCES;
  }
  if (!p.as.locks) p.as.locks.reset(new PageLocks);
  PageLocks& l = *p.as.locks;
  uint32_t n = l.next_id++;
  l.locks.push_back(PageLock{addr, len, n, w.self_tid(), w.sim().step(), op});
  *id = n;
  return 0;
}

namespace {
PageLock* find(Proc& p, uint32_t id) {
  if (!p.as.locks) return nullptr;
  for (PageLock& k : p.as.locks->locks)
    if (k.id == id) return &k;
  return nullptr;
}

// The unmappers asleep on p's locks look again (illumos: a broadcast on
// as->a_cv).
void wake_unmappers(World& w, PageLocks& l) {
  if (!l.wait) return;
  KObject& o = w.obj(l.wait);
  if (o.wq_head) {
    o.last_waker = w.self_tid();
    o.last_wake_kind = kEvPageLock;
    o.last_wake_step = w.sim().step();
    o.last_wake_sleepers = w.wq_len(l.wait);
  }
  w.wq_wake_all(l.wait);
}
}  // namespace

void page_lock_set_undo(World& w, Proc& p, uint32_t id, PageLockUndo undo, void* arg,
                        const void* code) {
  PageLock* k = find(p, id);
  if (!k) throw std::logic_error("page_lock_set_undo: no such lock");
  k->undo = undo;
  k->undo_arg = arg;
  k->undo_code = code;
  // An unmap that came between the lock and its undo found nothing to run
  // and sleeps: it is woken to run this one (vm_as.c as_add_callback's
  // broadcast, read: that race is why it is there). It was a false stuck
  // report, found by kernsim fuzz on ilpin.
  wake_unmappers(w, *p.as.locks);
}

std::vector<const PageLock*> page_lock_undos(World& w) {
  std::vector<const PageLock*> v;
  for (auto& p : procs(w).procs)
    if (p->as.locks)
      for (const PageLock& k : p->as.locks->locks)
        if (k.undo) v.push_back(&k);
  return v;
}

bool page_unlock(World& w, Proc& p, uint32_t id, bool* undo_pending) {
  PageLock* k = find(p, id);
  if (!k) return false;
  if (undo_pending) *undo_pending = k->undo != nullptr;
  PageLocks& l = *p.as.locks;
  l.locks.erase(l.locks.begin() + (k - l.locks.data()));
  wake_unmappers(w, l);
  return true;
}

void page_locks_settle(World& w, Proc& p, uint64_t addr, uint64_t len, const char* event) {
  uint64_t end = addr + len < addr ? UINT64_MAX : addr + len;
  for (;;) {
    PageLocks* l = p.as.locks.get();
    if (!l) return;
    PageLock* hit = nullptr;
    for (PageLock& k : l->locks)
      if (k.addr < end && addr < k.addr + k.len) {
        hit = &k;
        if (k.undo) break;
      }
    if (!hit) return;
    if (hit->undo) {
      // Run once and forgotten (as_execute_callback deletes the entry).
      PageLockUndo u = hit->undo;
      void* arg = hit->undo_arg;
      hit->undo = nullptr;
      hit->undo_arg = nullptr;
      hit->undo_code = nullptr;
      u(w, arg, event);
      continue;
    }
    if (!l->wait) l->wait = w.new_obj(kObjOther, "locked user pages");
    w.assert_may_sleep(event, l->wait);
    w.wq_push(l->wait, w.self_tid());
    w.sim().block(kEvPageLockWait, l->wait);
  }
}

void page_locks_exit(World& w, Proc& p) { page_locks_settle(w, p, 0, UINT64_MAX, "exit"); }

namespace {
// An munmap, mprotect or exit asleep on locks nobody will drop, for the
// stuck report: who locked which pages, and whether an undo was ever there.
bool describe_page_lock_wait(World& w, Tid t, ObjId obj, std::string* line, std::string* sig) {
  for (auto& pp : procs(w).procs) {
    PageLocks* l = pp->as.locks.get();
    if (!l || l->wait != obj || l->locks.empty()) continue;
    const char* what = w.kt(t).syscall ? w.kt(t).syscall : "an unmap";
    *line = std::string("sleeps in ") + what + " of process " + pp->name + " since step " +
            std::to_string(w.sim().thread(t)->wait_step) +
            ", waiting for user pages a driver locked and nothing will unlock:";
    for (const PageLock& k : l->locks) {
      char r[64];
      std::snprintf(r, sizeof r, "[0x%" PRIx64 ", +0x%" PRIx64 ")", k.addr, k.len);
      *line += std::string("\n    ") + r + " locked by " + k.op + " in thread " +
               w.thread_name(k.locker) + " at step " + std::to_string(k.step);
    }
    *line += "\n    (illumos's munmap and exit wait until the driver unlocks: unlock before "
             "the process can go, or lock with umem_lockmemory and a cleanup callback "
             "that unlocks)";
    *sig = std::string("stuck:page_locked:") + l->locks.front().op;
    return true;
  }
  return false;
}
const bool kDescriberAdded = (World::add_wait_describer(describe_page_lock_wait), true);
}  // namespace

}  // namespace ks::km
