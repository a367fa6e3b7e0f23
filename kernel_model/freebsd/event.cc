// A driver's knlists (sys/event.h for the rules): the list and its lock,
// as FreeBSD's kern_event.c keeps them. The lock functions a list is
// given run the driver's lock through the kernel model, so a KNOTE_LOCKED
// without the lock is mtx_assert's lock-misuse report. A knote a kqueue
// attached (kn_kq set) is activated on it (kern_event.cc); one attached by
// hand only has its f_event asked.
#include <cstring>
#include <string>

#include "kernel_model/freebsd/kqueue_knote.h"
#include "kernel_model/freebsd/state.h"
#include "kernel_model/kmem.h"
#include "kernel_model/world.h"

extern "C" {
#include <sys/event.h>
#include <sys/lock.h>
#include <sys/mutex.h>
#include <sys/systm.h>
}

#undef printf
#undef panic

namespace {

// knlist_init's lock when the driver names none (FreeBSD's knlist_lock):
// the World's own, zeroed until first used.
struct mtx* knlist_default_lock() {
  return ks::km::freebsd::as_mtx(ks::km::freebsd::state(*ks::km::World::current()).knlist_lock);
}

void mtx_lock_fn(void* arg) { ks_fb_mtx_lock(static_cast<struct mtx*>(arg), 0, "knlist lock"); }
void mtx_unlock_fn(void* arg) {
  ks_fb_mtx_unlock(static_cast<struct mtx*>(arg), 0, "knlist lock");
}
void mtx_assert_fn(void* arg, int what) {
  ks_fb_mtx_assert(static_cast<struct mtx*>(arg), what == LA_LOCKED ? MA_OWNED : MA_NOTOWNED,
                   "knlist lock", __FILE__, __LINE__);
}

// `file`/`line`: the driver's call, when the list's lock is a mutex.
void assert_lock(struct knlist* knl, int locked, const char* file = __FILE__,
                 int line = __LINE__) {
  if (knl->kl_assert_lock == mtx_assert_fn)
    ks_fb_mtx_assert(static_cast<struct mtx*>(knl->kl_lockarg),
                     locked ? MA_OWNED : MA_NOTOWNED, "knlist lock", file, line);
  else
    knl->kl_assert_lock(knl->kl_lockarg, locked ? LA_LOCKED : LA_UNLOCKED);
}

struct knlist* checked(struct knlist* knl, const char* fn) {
  // A list in a buffer the driver freed (its lock pointer poison, or
  // cleared by knlist_destroy) is a use after free, not a list never made.
  uint64_t lockword;
  std::memcpy(&lockword, &knl->kl_lock, sizeof lockword);
  if (!knl->kl_lock || ks::km::kmem_poisoned_word(lockword)) {
    ks::km::World& w = *ks::km::World::current();
    uint64_t off = 0;
    const ks::km::KmemHdr* h = ks::km::kmem_containing(w, knl, &off);
    if (h && h->freed)
      w.fail(ks::sim::FailureKind::kMemory,
             std::string(fn) + " on a knlist in freed memory: offset " + std::to_string(off) +
                 " of a " + std::to_string(h->size) + "-byte buffer of tag " + h->tag +
                 " that thread " + w.thread_name(h->free_tid) + " freed at step " +
                 std::to_string(h->free_step),
             std::string("use_after_free:") + fn + ":" + h->tag);
  }
  // knlist_destroy clears the lock functions as FreeBSD's does (a
  // KNOTE after it calls through NULL there): the two are one state here.
  if (!knl->kl_lock)
    ks_panic("%s: knlist %p was never initialised (knlist_init) or was destroyed "
             "(knlist_destroy)", fn, static_cast<void*>(knl));
  return knl;
}

}  // namespace

extern "C" {

void knlist_init(struct knlist* knl, void* lock, void (*kl_lock)(void*), void (*kl_unlock)(void*),
                 void (*kl_assert_lock)(void*, int)) {
  knl->kl_lockarg = lock ? lock : knlist_default_lock();
  knl->kl_lock = kl_lock ? kl_lock : mtx_lock_fn;
  knl->kl_unlock = kl_unlock ? kl_unlock : mtx_unlock_fn;
  knl->kl_assert_lock = kl_assert_lock ? kl_assert_lock : mtx_assert_fn;
  knl->kl_autodestroy = 0;
  SLIST_INIT(&knl->kl_list);
}

void knlist_init_mtx(struct knlist* knl, struct mtx* lock) {
  knlist_init(knl, lock, nullptr, nullptr, nullptr);
}

void knlist_add(struct knlist* knl, struct knote* kn, int islocked) {
  checked(knl, "knlist_add");
  assert_lock(knl, islocked);
  if (!islocked) knl->kl_lock(knl->kl_lockarg);
  SLIST_INSERT_HEAD(&knl->kl_list, kn, kn_selnext);
  kn->kn_knlist = knl;
  kn->kn_status &= ~KN_DETACHED;
  if (!islocked) knl->kl_unlock(knl->kl_lockarg);
}

void knlist_remove(struct knlist* knl, struct knote* kn, int islocked) {
  checked(knl, "knlist_remove");
  assert_lock(knl, islocked);
  if (!islocked) knl->kl_lock(knl->kl_lockarg);
  SLIST_REMOVE(&knl->kl_list, kn, knote, kn_selnext);
  kn->kn_knlist = nullptr;
  kn->kn_status |= KN_DETACHED;
  if (!islocked) knl->kl_unlock(knl->kl_lockarg);
}

int knlist_empty(struct knlist* knl) {
  checked(knl, "knlist_empty");
  assert_lock(knl, 1);
  return SLIST_EMPTY(&knl->kl_list);
}

void knote(struct knlist* list, long hint, int lockflags) {
  ks_fb_knote(list, hint, lockflags, __FILE__, __LINE__);
}

void ks_fb_knote(struct knlist* list, long hint, int lockflags, const char* file, int line) {
  if (!list) return;
  checked(list, "KNOTE");
  if (lockflags & KNF_LISTLOCKED)
    assert_lock(list, 1, file, line);
  else
    list->kl_lock(list->kl_lockarg);
  // The next knote is read before this one's f_event, which may take it
  // off the list (SLIST_FOREACH_SAFE, as FreeBSD's knote).
  struct knote* next;
  for (struct knote* kn = SLIST_FIRST(&list->kl_list); kn; kn = next) {
    if (ks::km::freebsd::kq_knote_dropped(kn))
      ks::km::World::current()->fail(
          ks::sim::FailureKind::kMemory,
          std::string("use after free: KNOTE at ") + file + ":" + std::to_string(line) +
              " walks a knote its kqueue has dropped and freed: the filter's f_detach did "
              "not take it off the knlist (knlist_remove)",
          "knote_after_detach");
    next = SLIST_NEXT(kn, kn_selnext);
    if (kn->kn_kq)
      ks::km::freebsd::kq_knote(kn, hint);
    else
      kn->kn_fop->f_event(kn, hint);
  }
  if (!(lockflags & KNF_LISTLOCKED)) list->kl_unlock(list->kl_lockarg);
}

void knlist_cleardel(struct knlist* knl, struct thread*, int islocked, int) {
  checked(knl, "knlist_clear");
  assert_lock(knl, islocked);
  if (!islocked) knl->kl_lock(knl->kl_lockarg);
  // Each knote leaves the list with EOF set, as FreeBSD's does, so its
  // kqueue reports the end once if it is queued. A knote its kqueue code
  // has in flux (a scan or a registration between its steps) is waited
  // for, with the list's lock dropped even when the caller holds it, as
  // FreeBSD's knlist_cleardel does: that code takes the list's lock next.
  for (;;) {
    struct knote* next;
    for (struct knote* kn = SLIST_FIRST(&knl->kl_list); kn; kn = next) {
      next = SLIST_NEXT(kn, kn_selnext);
      if (kn->kn_kq) {
        ks::km::freebsd::kq_knote_clear(kn, knl);
        continue;
      }
      SLIST_REMOVE(&knl->kl_list, kn, knote, kn_selnext);
      kn->kn_knlist = nullptr;
      kn->kn_flags |= EV_EOF | EV_ONESHOT;
      kn->kn_status |= KN_DETACHED;
    }
    struct knote* left = SLIST_FIRST(&knl->kl_list);
    if (!left) break;
    ks::km::freebsd::kq_knote_flux_wait(left, knl);
    knl->kl_lock(knl->kl_lockarg);
  }
  if (!islocked) knl->kl_unlock(knl->kl_lockarg);
}

void knlist_destroy(struct knlist* knl) {
  if (knl->kl_lock && !SLIST_EMPTY(&knl->kl_list))
    ks_panic("knlist_destroy: destroying knlist %p with knotes on it (knlist_clear first)",
             static_cast<void*>(knl));
  knl->kl_lockarg = nullptr;
  knl->kl_lock = nullptr;
  knl->kl_unlock = nullptr;
  knl->kl_assert_lock = nullptr;
}

}  // extern "C"
