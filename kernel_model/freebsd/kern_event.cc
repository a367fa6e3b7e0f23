// kqueue(2) and kevent(2) (kernel_model/kqueue.h), as FreeBSD's
// sys/kern/kern_event.c runs them for device descriptors. Facts checked
// in freebsd-src (kern_event.c, kern_conf.c, event.h): a kqueue has a
// lock; KNOTE calls f_event with the knlist's lock and the kqueue's lock
// held and activates (queues) the knote when it answers non-zero, waking
// a thread asleep in kevent; kevent applies the changes first (EV_ADD
// calls the file's kqfilter, for a device d_kqfilter through devfs, then
// f_event under the knlist's lock; EV_DELETE f_detach; an unknown (ident,
// filter) without EV_ADD is ENOENT; a filter outside the system's EINVAL;
// a bad descriptor EBADF), writing an EV_ERROR entry for each failed
// change while the event list has room (then returns their count without
// scanning) or failing the call with the error when it has none; then the
// scan sleeps ("kqread") while nothing is queued, and takes the queued
// knotes up to a marker: a disabled one leaves the queue, an EV_ONESHOT
// one is copied out and dropped (f_detach unless knlist_clear detached
// it) without f_event, any other is asked f_event(kn, 0) under its
// knlist's lock (dropped when it answers 0) and copied out, then left
// queued (level) or taken off with data and fflags cleared (EV_CLEAR).
// A knote that the kqueue code is changing is "in flux": KNOTE skips it
// unless a scan has it, and the others wait for it ("kqflxwt").
// knote_fdclose at close(2) detaches the descriptor's knotes before the
// file's close; closing the kqueue detaches all of its knotes; a knote
// holds its file, so a device's close comes after its f_detach.
// The model's own choices: the timeout is in milliseconds of the virtual
// clock (-1 for a NULL timespec); the change list is copied in by eights,
// as FreeBSD's KQ_NEVENTS; the event list is copied out at the end.
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "kernel_model/devsw.h"
#include "kernel_model/freebsd/kqueue_knote.h"
#include "kernel_model/kmem.h"
#include "kernel_model/kqueue.h"
#include "kernel_model/proc.h"
#include "kernel_model/user_mem.h"
#include "kernel_model/world.h"

extern "C" {
#include <sys/event.h>
#include <sys/systm.h>
}

#undef printf
#undef panic
#undef curthread

using ks::km::World;

// FreeBSD's struct kqueue: opaque to drivers (struct knote's kn_kq).
struct kqueue {
  World* w = nullptr;
  ks::km::Proc* proc = nullptr;
  int fd = -1;                    // its descriptor when made, for reports
  ks::km::ObjId lock = 0;         // kq_lock
  ks::km::ObjId cv = 0;           // the kevent sleep ("kqread")
  ks::km::ObjId flux_cv = 0;      // waiting for a knote in flux ("kqflxwt")
  std::deque<struct knote*> head;  // kq_head: queued knotes and scan markers
  uint32_t count = 0;             // kq_count: knotes queued
  uint32_t sleepers = 0;          // threads asleep in kevent (KQ_SLEEP)
  bool closing = false;
};

namespace ks::km::freebsd {

namespace {

// A knote of a kqueue with what the kernel keeps beside it: the file it
// holds (kn_fp) and, for a stuck report, what happened to it.
struct KnoteRec {
  struct knote* kn;
  struct kqueue* kq;
  std::shared_ptr<OpenFile> fp;
  int fd;
  uint64_t attach_step = 0;
  uint64_t knote_step = 0;   // the last KNOTE that asked its f_event
  bool knote_ready = false;  // and its answer
  uint64_t cleared_step = 0;  // knlist_clear took it off its list
};

struct KqState {
  std::vector<std::unique_ptr<struct kqueue>> kqs;  // creation order
  std::vector<KnoteRec> knotes;                     // attach order
  // Knotes dropped (freed): one still on a driver's knlist is a use after
  // free when KNOTE walks it (looked up by address, never iterated for order).
  std::vector<const struct knote*> dropped;
};

KqState* peek(World& w) { return static_cast<KqState*>(w.component_if(kKqueueSlot)); }
KqState& state(World& w) {
  auto& slot = w.component(kKqueueSlot);
  if (!slot) slot = std::make_shared<KqState>();
  return *static_cast<KqState*>(slot.get());
}

KnoteRec* rec_of(KqState& st, const struct knote* kn) {
  for (KnoteRec& r : st.knotes)
    if (r.kn == kn) return &r;
  return nullptr;
}

const char* filter_name(int f) {
  switch (f) {
    case EVFILT_READ: return "EVFILT_READ";
    case EVFILT_WRITE: return "EVFILT_WRITE";
    case EVFILT_AIO: return "EVFILT_AIO";
    case EVFILT_VNODE: return "EVFILT_VNODE";
    case EVFILT_PROC: return "EVFILT_PROC";
    case EVFILT_SIGNAL: return "EVFILT_SIGNAL";
    case EVFILT_TIMER: return "EVFILT_TIMER";
    case EVFILT_PROCDESC: return "EVFILT_PROCDESC";
    case EVFILT_FS: return "EVFILT_FS";
    case EVFILT_LIO: return "EVFILT_LIO";
    case EVFILT_USER: return "EVFILT_USER";
    case EVFILT_SENDFILE: return "EVFILT_SENDFILE";
    case EVFILT_EMPTY: return "EVFILT_EMPTY";
  }
  return "?";
}

// ---- struct kevent in the user's memory ----
// LP64: FreeBSD's own 64 bytes. ILP32: freebsd32's struct kevent32 on
// amd64 (ident, filter, flags, fflags, data as two 32-bit halves, udata,
// ext64[8]): 56 bytes.
size_t kev_size(const Proc& p) { return p.model == DataModel::kILP32 ? 56 : 64; }
static_assert(sizeof(struct kevent) == 64);

void kev_decode(const Proc& p, const unsigned char* b, struct kevent* k) {
  if (p.model != DataModel::kILP32) {
    std::memcpy(k, b, sizeof *k);
    return;
  }
  uint32_t ident, fflags, d1, d2, udata;
  std::memcpy(&ident, b, 4);
  std::memcpy(&k->filter, b + 4, 2);
  std::memcpy(&k->flags, b + 6, 2);
  std::memcpy(&fflags, b + 8, 4);
  std::memcpy(&d1, b + 12, 4);
  std::memcpy(&d2, b + 16, 4);
  std::memcpy(&udata, b + 20, 4);
  k->ident = ident;
  k->fflags = fflags;
  k->data = static_cast<int64_t>((uint64_t(d2) << 32) | d1);
  k->udata = reinterpret_cast<void*>(uintptr_t(udata));
  for (int i = 0; i < 4; i++) {
    uint32_t lo, hi;
    std::memcpy(&lo, b + 24 + 8 * i, 4);
    std::memcpy(&hi, b + 28 + 8 * i, 4);
    k->ext[i] = (uint64_t(hi) << 32) | lo;
  }
}

void kev_encode(const Proc& p, const struct kevent& k, unsigned char* b) {
  if (p.model != DataModel::kILP32) {
    std::memcpy(b, &k, sizeof k);
    return;
  }
  uint32_t ident = static_cast<uint32_t>(k.ident), fflags = k.fflags;
  uint64_t d = static_cast<uint64_t>(k.data);
  uint32_t d1 = static_cast<uint32_t>(d), d2 = static_cast<uint32_t>(d >> 32);
  uint32_t udata = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(k.udata));
  std::memcpy(b, &ident, 4);
  std::memcpy(b + 4, &k.filter, 2);
  std::memcpy(b + 6, &k.flags, 2);
  std::memcpy(b + 8, &fflags, 4);
  std::memcpy(b + 12, &d1, 4);
  std::memcpy(b + 16, &d2, 4);
  std::memcpy(b + 20, &udata, 4);
  for (int i = 0; i < 4; i++) {
    uint32_t lo = static_cast<uint32_t>(k.ext[i]), hi = static_cast<uint32_t>(k.ext[i] >> 32);
    std::memcpy(b + 24 + 8 * i, &lo, 4);
    std::memcpy(b + 28 + 8 * i, &hi, 4);
  }
}

// ---- locks and flux ----

void kq_lock(struct kqueue* kq) { kq->w->mutex_enter(kq->lock); }
void kq_unlock(struct kqueue* kq) { kq->w->mutex_exit(kq->lock); }

// The knlist lock of a knote (KN_LIST_LOCK): the list it is on, if any.
struct knlist* list_lock(struct knote* kn) {
  struct knlist* knl = kn->kn_knlist;
  if (knl) knl->kl_lock(knl->kl_lockarg);
  return knl;
}
void list_unlock(struct knlist* knl) {
  if (knl) knl->kl_unlock(knl->kl_lockarg);
}

// Leaves flux and wakes those waiting for a knote to settle; kq locked.
void flux_leave(struct kqueue* kq, struct knote* kn) {
  kn->kn_status &= ~(KN_INFLUX | KN_SCAN);
  kq->w->cv_broadcast(kq->flux_cv);
}
// Waits for kn to leave flux; kq locked (dropped while asleep).
void flux_wait(struct kqueue* kq) { kq->w->cv_wait(kq->flux_cv, kq->lock, false, 0); }

void enqueue(struct kqueue* kq, struct knote* kn) {
  kn->kn_status |= KN_QUEUED;
  kq->head.push_back(kn);
  kq->count++;
  // kqueue_wakeup: the sleepers test kq_count under this lock.
  if (kq->sleepers) kq->w->cv_broadcast(kq->cv);
}
void dequeue(struct kqueue* kq, struct knote* kn) {
  for (auto it = kq->head.begin(); it != kq->head.end(); ++it)
    if (*it == kn) {
      kq->head.erase(it);
      break;
    }
  kn->kn_status &= ~KN_QUEUED;
  kq->count--;
}
// KNOTE_ACTIVATE, kq locked.
void activate(struct kqueue* kq, struct knote* kn) {
  kn->kn_status |= KN_ACTIVE;
  if (!(kn->kn_status & (KN_QUEUED | KN_DISABLED))) enqueue(kq, kn);
}

[[noreturn]] void bad_fop(struct knote* kn, const char* what) {
  ks_panic("kevent: %s of the knote for descriptor %ju (%s): the driver's d_kqfilter left "
           "kn_fop without %s (FreeBSD calls through it and faults)",
           what, static_cast<uintmax_t>(kn->kn_id), filter_name(kn->kn_filter), what);
}
int call_event(struct knote* kn, long hint) {
  if (!kn->kn_fop || !kn->kn_fop->f_event) bad_fop(kn, "f_event");
  return kn->kn_fop->f_event(kn, hint);
}
void call_detach(struct knote* kn) {
  if (!kn->kn_fop || !kn->kn_fop->f_detach) bad_fop(kn, "f_detach");
  kn->kn_fop->f_detach(kn);
}

// knote_drop: off the kqueue (and its queue), the file's hold released,
// the knote freed. The caller set it in flux and does not hold kq's lock.
void drop(World& w, struct knote* kn) {
  struct kqueue* kq = kn->kn_kq;
  KqState& st = state(w);
  kq_lock(kq);
  if (kn->kn_status & KN_QUEUED) dequeue(kq, kn);
  std::shared_ptr<OpenFile> fp;
  for (auto it = st.knotes.begin(); it != st.knotes.end(); ++it)
    if (it->kn == kn) {
      fp = std::move(it->fp);
      st.knotes.erase(it);
      break;
    }
  kq->w->cv_broadcast(kq->flux_cv);
  kq_unlock(kq);
  st.dropped.push_back(kn);
  kmem_free(w, kn, sizeof *kn, "knote_free");
  // fdrop: a descriptor closed meanwhile is closed now, after f_detach.
  if (fp && --fp->holds == 0 && fp->closed) devsw_close_file(w, *fp, kq->proc->cred);
}

// Detaches (unless knlist_clear did) and drops kn; kq locked on entry and
// on return, kn not in flux.
void detach_and_drop(World& w, struct kqueue* kq, struct knote* kn) {
  kn->kn_status |= KN_INFLUX;
  kq_unlock(kq);
  if (!(kn->kn_status & KN_DETACHED)) call_detach(kn);
  drop(w, kn);
  kq_lock(kq);
}

// ---- kqueue_register ----

bool is_file_filter(int f) {
  // sysfilt_ops: these go to the file's kqfilter (a device's d_kqfilter).
  return f == EVFILT_READ || f == EVFILT_WRITE || f == EVFILT_VNODE || f == EVFILT_PROCDESC ||
         f == EVFILT_EMPTY;
}

int kq_register(World& w, struct kqueue* kq, Proc& p, struct kevent* kev) {
  const int filt = kev->filter;
  if (filt > 0 || filt + EVFILT_SYSCOUNT < 0) return EINVAL;  // kqueue_fo_find
  // null_filtops: no descriptor; nothing to find, and an attach fails.
  if (filt == EVFILT_AIO || filt == EVFILT_LIO) return (kev->flags & EV_ADD) ? ENXIO : ENOENT;
  if (!is_file_filter(filt))
    w.fail(sim::FailureKind::kHostError,
           std::string("kevent: filter ") + filter_name(filt) +
               " is not modelled (kernsim's kqueue has the descriptor filters that reach a "
               "driver's d_kqfilter: EVFILT_READ, EVFILT_WRITE, EVFILT_VNODE, EVFILT_EMPTY)",
           std::string("not_modelled:kevent:") + filter_name(filt));
  if (kev->ident > INT_MAX) return EBADF;
  const int fd = static_cast<int>(kev->ident);
  std::shared_ptr<OpenFile> fp = getf(p, fd);
  if (!fp) return EBADF;
  if (fp->fo_close) {
    if (fp->fo_data == kq) return EINVAL;  // a kqueue on itself
    w.fail(sim::FailureKind::kHostError,
           "kevent: descriptor " + std::to_string(fd) +
               " is a kqueue; a kqueue watched by another is not modelled",
           "not_modelled:kevent:kqueue_in_kqueue");
  }
  DevNode& node = *fp->node;
  if (!node.ops.kqfilter)
    w.fail(sim::FailureKind::kScenario,
           "kevent: descriptor " + std::to_string(fd) + " is " + node.path + " of driver " +
               node.owner +
               ", which is not a FreeBSD device: kqueue(2) is FreeBSD's, and this device's "
               "kernel has no d_kqfilter to attach a knote with (illumos has event ports; a "
               "STREAMS or QNX device has no kqueue)",
           "scenario:kevent_personality:" + node.owner);
  KqState& st = state(w);
  // Allocated before the kqueue's lock, as knote_alloc is.
  struct knote* tkn = nullptr;
  if (kev->flags & EV_ADD) {
    tkn = static_cast<struct knote*>(kmem_alloc(w, sizeof *tkn, kKmemZero, "knote"));
    std::memset(tkn, 0, sizeof *tkn);
  }
  auto free_spare = [&] {
    if (tkn) kmem_free(w, tkn, sizeof *tkn, "knote_free");
  };
  struct knote* kn = nullptr;
  kq_lock(kq);
  for (;;) {
    kn = nullptr;
    for (KnoteRec& r : st.knotes)
      if (r.kq == kq && r.fd == fd && r.kn->kn_filter == filt) kn = r.kn;
    if (!kn || !(kn->kn_status & KN_INFLUX)) break;
    flux_wait(kq);
  }
  struct knlist* knl = nullptr;
  if (!kn) {
    if (!(kev->flags & EV_ADD)) {
      kq_unlock(kq);
      return ENOENT;
    }
    kn = tkn;
    tkn = nullptr;
    kn->kn_kq = kq;
    kn->kn_sfflags = static_cast<int>(kev->fflags);
    kn->kn_sdata = kev->data;
    kn->kn_kevent = *kev;
    kn->kn_fflags = 0;
    kn->kn_data = 0;
    kn->kn_flags &= ~(EV_ADD | EV_DELETE | EV_ENABLE | EV_DISABLE);
    kn->kn_status = KN_INFLUX | KN_DETACHED;
    fp->holds++;  // kn_fp's reference
    st.knotes.push_back(KnoteRec{kn, kq, fp, fd, w.sim().step()});
    kq_unlock(kq);
    int e;
    {
      CurFileScope in(w, fp.get());
      e = node.ops.kqfilter(node.ops.cookie, fp->dev, kn);  // filt_fileattach
    }
    if (e != 0) {
      drop(w, kn);
      return e;
    }
    knl = list_lock(kn);
  } else if (kev->flags & EV_DELETE) {
    kn->kn_status |= KN_INFLUX;
    kq_unlock(kq);
    free_spare();
    if (!(kn->kn_status & KN_DETACHED)) call_detach(kn);
    drop(w, kn);
    return 0;
  } else {
    // A change to a registered knote does not reset what already fired.
    kn->kn_status |= KN_INFLUX | KN_SCAN;
    kq_unlock(kq);
    free_spare();
    knl = list_lock(kn);
    kn->kn_udata = kev->udata;
    kn->kn_sfflags = static_cast<int>(kev->fflags);
    kn->kn_sdata = kev->data;
  }
  // The readiness test is under the knlist's lock, the lock a producer
  // KNOTEs under: an event after it finds the knote attached and (once in
  // flux no more) activates it; one before it is what f_event sees.
  int event = call_event(kn, 0);
  kq_lock(kq);
  if (event) activate(kq, kn);
  flux_leave(kq, kn);
  list_unlock(knl);
  if (kev->flags & EV_DISABLE) kn->kn_status |= KN_DISABLED;
  if ((kev->flags & EV_ENABLE) && (kn->kn_status & KN_DISABLED)) {
    kn->kn_status &= ~KN_DISABLED;
    if ((kn->kn_status & KN_ACTIVE) && !(kn->kn_status & KN_QUEUED)) enqueue(kq, kn);
  }
  kq_unlock(kq);
  return 0;
}

// ---- kqueue_scan ----

// Fills `out` with up to maxevents events; 0 or an errno (EINTR).
int kq_scan(World& w, struct kqueue* kq, int64_t maxevents, int64_t timeout_ms,
            std::vector<struct kevent>& out) {
  if (maxevents == 0) return 0;  // the timeout is not even looked at
  if (timeout_ms < -1) return EINVAL;  // a negative timespec
  const uint64_t deadline =
      timeout_ms > 0 ? w.sim().now() + static_cast<uint64_t>(timeout_ms) * 1000000 : 0;
  struct knote marker;
  std::memset(&marker, 0, sizeof marker);
  marker.kn_status = KN_MARKER;
  kq_lock(kq);
  for (;;) {  // retry
    if (kq->count == 0) {
      if (timeout_ms == 0) break;
      kq->sleepers++;
      int r = w.cv_wait(kq->cv, kq->lock, true, deadline);
      kq->sleepers--;
      if (r == 0) continue;
      kq_unlock(kq);
      return r == ETIMEDOUT ? 0 : r;  // a signal: EINTR, not restarted
    }
    kq->head.push_back(&marker);
    bool retry = false;
    while (static_cast<int64_t>(out.size()) < maxevents) {
      struct knote* kn = kq->head.front();
      if ((kn->kn_status == KN_MARKER && kn != &marker) || (kn->kn_status & KN_INFLUX)) {
        flux_wait(kq);
        continue;
      }
      kq->head.pop_front();
      if (kn == &marker) {
        retry = out.empty();
        break;
      }
      if (kn->kn_status & KN_DISABLED) {
        kn->kn_status &= ~KN_QUEUED;
        kq->count--;
        continue;
      }
      if (kn->kn_flags & EV_ONESHOT) {
        kn->kn_status &= ~KN_QUEUED;
        kn->kn_status |= KN_INFLUX;
        kq->count--;
        kq_unlock(kq);
        out.push_back(kn->kn_kevent);
        if (!(kn->kn_status & KN_DETACHED)) call_detach(kn);
        drop(w, kn);
        kq_lock(kq);
        continue;
      }
      kn->kn_status |= KN_INFLUX | KN_SCAN;
      kq_unlock(kq);
      struct knlist* knl = list_lock(kn);
      if (call_event(kn, 0) == 0) {
        kq_lock(kq);
        kn->kn_status &= ~(KN_QUEUED | KN_ACTIVE);
        kq->count--;
        flux_leave(kq, kn);
        list_unlock(knl);
        continue;
      }
      out.push_back(kn->kn_kevent);
      kq_lock(kq);
      if (kn->kn_flags & (EV_CLEAR | EV_DISPATCH)) {
        if (kn->kn_flags & EV_CLEAR) {
          kn->kn_data = 0;
          kn->kn_fflags = 0;
        }
        if (kn->kn_flags & EV_DISPATCH) kn->kn_status |= KN_DISABLED;
        kn->kn_status &= ~(KN_QUEUED | KN_ACTIVE);
        kq->count--;
      } else {
        kq->head.push_back(kn);  // level: stays queued, after the marker
      }
      flux_leave(kq, kn);
      list_unlock(knl);
    }
    if (!retry) {
      for (auto it = kq->head.begin(); it != kq->head.end(); ++it)
        if (*it == &marker) {
          kq->head.erase(it);
          break;
        }
      kq->w->cv_broadcast(kq->flux_cv);  // another scan may wait behind our marker
      break;
    }
  }
  kq_unlock(kq);
  return 0;
}

// ---- the kqueue file ----

// Detaches and drops kq's knotes (on descriptor fd; every one for -1),
// waiting for any a scan has in flux. Called with the kqueue locked.
void drop_knotes(World& w, KqState& st, struct kqueue* kq, int fd) {
  for (;;) {
    struct knote* kn = nullptr;
    for (KnoteRec& r : st.knotes)
      if (r.kq == kq && (fd < 0 || r.fd == fd)) {
        kn = r.kn;
        break;
      }
    if (!kn) return;
    if (kn->kn_status & KN_INFLUX)
      flux_wait(kq);
    else
      detach_and_drop(w, kq, kn);
  }
}

// kqueue_close: every knote detached and dropped, then the kqueue goes.
int kq_close(World& w, OpenFile& f) {
  auto* kq = static_cast<struct kqueue*>(f.fo_data);
  kq_lock(kq);
  kq->closing = true;
  drop_knotes(w, state(w), kq, -1);
  kq_unlock(kq);
  // The kqueue's memory stays with the World: a describer may still name it.
  return 0;
}

// The node a kqueue file shows the device switch: no driver behind it
// (read and write ENXIO, ioctl ENOTTY, as kqueue_read/write/ioctl).
DevNode& kqueue_node() {
  static DevNode n = [] {
    DevNode d{};  // no ops
    d.path = "kqueue";
    d.owner = "kqueue";
    return d;
  }();
  return n;
}

int64_t sys_kqueue_impl(World& w, Proc& p) {
  KqState& st = state(w);
  auto kq = std::make_unique<struct kqueue>();
  kq->w = &w;
  kq->proc = &p;
  kq->lock = w.new_obj(kObjMutex, "kqueue");
  kq->cv = w.new_obj(kObjCondvar, "kqread");
  kq->flux_cv = w.new_obj(kObjCondvar, "kqflxwt");
  auto f = std::make_shared<OpenFile>();
  f->node = &kqueue_node();
  f->flags = kFRead | kFWrite;
  f->fo_close = kq_close;
  f->fo_data = kq.get();
  size_t fd = 0;
  while (fd < p.fds.size() && p.fds[fd]) fd++;
  if (fd == p.fds.size()) p.fds.emplace_back();
  p.fds[fd] = std::move(f);
  kq->fd = static_cast<int>(fd);
  st.kqs.push_back(std::move(kq));
  devsw_register_exit_close(w);
  return static_cast<int64_t>(fd);
}

int64_t sys_kevent_impl(World& w, Proc& p, int64_t kqfd, uint64_t changelist, int64_t nchanges,
                        uint64_t eventlist, int64_t nevents, int64_t timeout_ms) {
  FileHold h(w, p, kqfd);  // fget: a close meanwhile waits for this call
  if (!h.f || !h.f->fo_close || h.f->fo_close != kq_close) return -EBADF;  // kqueue_acquire
  auto* kq = static_cast<struct kqueue*>(h.f->fo_data);
  if (kq->closing) return -EBADF;
  // Recent FreeBSD's kqueue(2) (from memory): a negative list length is
  // EINVAL; the older kern_event.c read for this model had no such check.
  if (nchanges < 0 || nevents < 0) return -EINVAL;
  const size_t ksz = kev_size(p);
  int64_t nerrors = 0;
  uint64_t eaddr = eventlist;
  unsigned char buf[8 * 64];
  while (nchanges > 0) {
    const int64_t n = nchanges > 8 ? 8 : nchanges;  // KQ_NEVENTS at a time
    if (copyin(w, p, changelist, buf, static_cast<size_t>(n) * ksz)) return -EFAULT;
    changelist += static_cast<uint64_t>(n) * ksz;
    for (int64_t i = 0; i < n; i++) {
      struct kevent kev;
      kev_decode(p, buf + i * ksz, &kev);
      if (kev.filter == 0) continue;
      kev.flags &= ~EV_SYSFLAGS;
      int e = kq_register(w, kq, p, &kev);
      if (e == 0 && !(kev.flags & EV_RECEIPT)) continue;
      if (nevents == 0) return -e;  // no room for an EV_ERROR entry
      kev.flags = EV_ERROR;
      kev.data = e;
      unsigned char ob[64];
      kev_encode(p, kev, ob);
      (void)copyout(w, p, ob, eaddr, ksz);  // FreeBSD ignores this copy's error
      eaddr += ksz;
      nevents--;
      nerrors++;
    }
    nchanges -= n;
  }
  if (nerrors) return nerrors;
  std::vector<struct kevent> out;
  int e = kq_scan(w, kq, nevents, timeout_ms, out);
  for (size_t i = 0; i < out.size(); i++) {
    unsigned char ob[64];
    kev_encode(p, out[i], ob);
    if (copyout(w, p, ob, eaddr + i * ksz, ksz)) return -EFAULT;
  }
  if (e) return -e;
  return static_cast<int64_t>(out.size());
}

// knote_fdclose: the knotes of p's kqueues on descriptor fd.
void fd_closing_impl(World& w, Proc& p, int fd) {
  KqState* st = peek(w);
  if (!st) return;
  for (size_t k = 0; k < st->kqs.size(); k++) {
    struct kqueue* kq = st->kqs[k].get();
    if (kq->proc != &p || kq->closing) continue;
    kq_lock(kq);
    drop_knotes(w, *st, kq, fd);
    kq_unlock(kq);
  }
}

const KqueueImpl kImpl{sys_kqueue_impl, sys_kevent_impl, fd_closing_impl};
const bool kImplSet = (kqueue_set_impl(&kImpl), true);

// ---- the stuck report ----

// A thread asleep in kevent that nothing will wake: what each knote of
// its kqueue went through, in the driver's terms.
bool describe_kevent_wait(World& w, Tid t, ObjId obj, std::string* line, std::string* sig) {
  KqState* st = peek(w);
  if (!st) return false;
  struct kqueue* kq = nullptr;
  for (auto& q : st->kqs)
    if (q->cv == obj) kq = q.get();
  if (!kq) return false;
  *line = "sleeps in kevent(2) on kqueue fd " + std::to_string(kq->fd) + " since step " +
          std::to_string(w.sim().thread(t)->wait_step) + " and nothing will wake it:";
  std::string driver;
  bool any = false;
  for (const KnoteRec& r : st->knotes) {
    if (r.kq != kq) continue;
    any = true;
    const DevNode& n = *r.fp->node;
    if (driver.empty()) driver = n.owner;
    const struct knote* kn = r.kn;
    *line += "\n    fd " + std::to_string(r.fd) + " (" + n.path + ", " +
             filter_name(kn->kn_filter) + "): attached by d_kqfilter at step " +
             std::to_string(r.attach_step);
    if (kn->kn_status & KN_DISABLED) {
      *line += "; disabled (EV_DISABLE), so no event of it is returned";
    } else if (r.cleared_step) {
      *line += "; knlist_clear took it off the driver's knlist at step " +
               std::to_string(r.cleared_step) +
               " (EV_EOF set), and FreeBSD does not activate a cleared knote: only one "
               "already queued reports EV_EOF";
    } else if (kn->kn_status & KN_DETACHED) {
      *line += "; the driver took it off its knlist (knlist_remove) while attached, so no "
               "KNOTE can reach it";
    } else if (!r.knote_step) {
      *line += "; no KNOTE on its knlist reached it since (the driver never calls KNOTE for "
               "this event, or calls it on another knlist)";
    } else {
      *line += "; the last KNOTE on its knlist, at step " + std::to_string(r.knote_step) +
               ", found its f_event " + (r.knote_ready ? "ready" : "not ready") +
               (r.knote_ready ? "" : " and none came after (the event's KNOTE is missing)");
    }
  }
  if (!any) *line += "\n    the kqueue has no knote: nothing can ever activate it";
  *sig = "stuck:kevent:" + (driver.empty() ? std::string("?") : driver);
  return true;
}

const bool kDescriberAdded = (World::add_wait_describer(describe_kevent_wait), true);

}  // namespace

void kq_knote(struct knote* kn, long hint) {
  struct kqueue* kq = kn->kn_kq;
  World& w = *kq->w;
  kq_lock(kq);
  if ((kn->kn_status & (KN_INFLUX | KN_SCAN)) == KN_INFLUX) {
    // Being changed by the kqueue code, which asks f_event itself once it
    // holds the list's lock (that we hold now).
    kq_unlock(kq);
    return;
  }
  int ready = call_event(kn, hint);
  if (KqState* st = peek(w))
    if (KnoteRec* r = rec_of(*st, kn)) {
      r->knote_step = w.sim().step();
      r->knote_ready = ready != 0;
    }
  if (ready) activate(kq, kn);
  kq_unlock(kq);
}

bool kq_knote_dropped(const struct knote* kn) {
  World* w = World::current();
  KqState* st = w ? peek(*w) : nullptr;
  if (!st || rec_of(*st, kn)) return false;
  for (const struct knote* d : st->dropped)
    if (d == kn) return true;
  return false;
}

bool kq_knote_clear(struct knote* kn, struct knlist* knl) {
  struct kqueue* kq = kn->kn_kq;
  World& w = *kq->w;
  kq_lock(kq);
  if (kn->kn_status & KN_INFLUX) {
    kq_unlock(kq);
    return false;
  }
  SLIST_REMOVE(&knl->kl_list, kn, knote, kn_selnext);
  kn->kn_knlist = nullptr;
  kn->kn_flags |= EV_EOF | EV_ONESHOT;
  kn->kn_status |= KN_DETACHED;
  if (KqState* st = peek(w))
    if (KnoteRec* r = rec_of(*st, kn)) r->cleared_step = w.sim().step();
  kq_unlock(kq);
  return true;
}

void kq_knote_flux_wait(struct knote* kn, struct knlist* knl) {
  struct kqueue* kq = kn->kn_kq;
  kq_lock(kq);
  knl->kl_unlock(knl->kl_lockarg);
  // Tested under the kqueue's lock, where flux is left: no wakeup lost.
  if (kn->kn_status & KN_INFLUX) flux_wait(kq);
  kq_unlock(kq);
}

}  // namespace ks::km::freebsd
