// poll(2) for devices (poll.h): the pollers' waits, the registrations on
// drivers' poll heads, the scan and the sleep. A World component made at
// the first poll; a World where nobody polls never makes it, and the hooks
// the rest of the kernel calls (a wakeup, a close, a free) then cost one
// test and add no scheduling point.
#include "kernel_model/poll.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "kernel_model/devsw.h"
#include "kernel_model/proc.h"
#include "kernel_model/user_mem.h"
#include "kernel_model/world.h"

namespace ks::km {

namespace {

// struct pollfd, the same 8 bytes on FreeBSD, illumos and Linux.
struct PollFd {
  int32_t fd;
  int16_t events;
  int16_t revents;
};
static_assert(sizeof(PollFd) == 8);

// A polling thread's wait (FreeBSD's seltd, illumos's pollstate/pollcache).
struct PollWait {
  Tid tid = 0;
  ObjId lock = 0, cv = 0;
  bool active = false;   // inside poll(2)
  bool pending = false;  // a wakeup came since the last pass
  // The descriptor whose driver is being asked, for poll_record.
  bool in_driver = false;
  bool new_reg = false;  // that driver call registered anew
  uint32_t cur = 0;
  const OpenFile* cur_file = nullptr;
  short cur_events = 0;
  PollRules cur_rules;
  uint64_t cur_asked = 0;  // the step its driver was asked at
  std::vector<uint8_t> woken;   // by pollfd index: its head fired
  std::vector<uint8_t> rescan;  // by pollfd index: polled again on any pass
  const std::vector<PollFd>* fds = nullptr;  // the call's, for a stuck report
};

// A poller on a head, for one descriptor.
struct PollReg {
  const void* head;
  Tid tid;
  uint32_t index;  // in the poller's current pollfd array (UINT32_MAX: not yet seen)
  short events;
  const OpenFile* file;
  PollRules rules;
  // When the driver last recorded it, and when it was asked on that pass
  // (its readiness test lies between), for a stuck report.
  uint64_t step, asked;
};

struct PollState {
  std::deque<PollWait> waits;  // first-poll order; references stay valid
  std::vector<PollReg> regs;   // registration order
  ObjId head_lock = 0;         // held while regs change (FreeBSD's si_mtx, illumos's PHLOCK)
  // The step of each head's last wakeup, for a stuck report's "the wakeup
  // came before the recording" (looked up by head, never iterated).
  std::vector<std::pair<const void*, uint64_t>> last_wake;
};

}  // namespace

const int kPollSlot = World::new_component_slot();

namespace {

PollState* peek(World& w) { return static_cast<PollState*>(w.component(kPollSlot).get()); }

PollState& state(World& w) {
  auto& slot = w.component(kPollSlot);
  if (!slot) {
    auto s = std::make_shared<PollState>();
    s->head_lock = w.new_obj(kObjMutex, "poll head lock");
    slot = s;
  }
  return *static_cast<PollState*>(slot.get());
}

PollWait* wait_of(PollState& st, Tid t) {
  for (PollWait& pw : st.waits)
    if (pw.tid == t) return &pw;
  return nullptr;
}

PollWait& my_wait(World& w, PollState& st) {
  Tid me = w.self_tid();
  if (PollWait* pw = wait_of(st, me)) return *pw;
  PollWait& pw = st.waits.emplace_back();
  pw.tid = me;
  pw.lock = w.new_obj(kObjMutex, "poll wait lock");
  pw.cv = w.new_obj(kObjCondvar, "poll wait");
  return pw;
}

bool registered(const PollState& st, Tid t, uint32_t index) {
  for (const PollReg& r : st.regs)
    if (r.tid == t && r.index == index) return true;
  return false;
}

[[noreturn]] void no_poll_routine(World& w, const DevNode& n) {
  w.fail(sim::FailureKind::kHostError,
         "poll(2) of " + n.path + " (driver " + n.owner +
             "): this kind of file (a STREAMS stream, a QNX resource manager, a kqueue) "
             "has no poll routine in kernsim; poll is modelled for character drivers only",
         "not_modelled:poll");
}

// One pass: asks the drivers of every descriptor (fired == null), or of
// those whose head fired and those polled on every pass. Returns the count
// of descriptors with revents; *err an error that fails the call.
int64_t pass(World& w, PollState& st, PollWait& me, Proc& p, std::vector<PollFd>& fds,
             const std::vector<uint8_t>* fired, int* err) {
  int64_t n = 0;
  for (uint32_t i = 0; i < fds.size(); i++) {
    PollFd& pf = fds[i];
    if (fired && !(*fired)[i] && !(me.rescan[i] && !registered(st, me.tid, i))) continue;
    pf.revents = 0;
    if (pf.fd < 0) continue;  // ignored, as both kernels do
    // Held for the driver's call only (both kernels hold it around
    // VOP_POLL/fo_poll, not across the sleep).
    FileHold h(w, p, pf.fd);
    if (!h.f) {
      pf.revents = kPollNval;
      n++;
      continue;
    }
    OpenFile* f = h.f.get();
    DevNode& node = *f->node;
    if (!node.ops.poll) no_poll_routine(w, node);
    const PollRules rules = node.ops.poll_rules;
    // A cached registration of this thread for this file (an earlier
    // call's) now answers to this index.
    for (PollReg& r : st.regs)
      if (r.tid == me.tid && r.file == f) r.index = i;
    me.in_driver = true;
    me.new_reg = false;
    me.cur = i;
    me.cur_file = f;
    me.cur_events = pf.events;
    me.cur_rules = rules;
    me.cur_asked = w.sim().step();
    const bool locked = fired && rules.poller_locked_in_driver;
    CurFileScope in(w, f);  // the open a d_poll's devfs_get_cdevpriv finds
    if (locked) w.mutex_enter(me.lock);
    short rev = 0;
    int e = node.ops.poll(node.ops.cookie, f->dev, pf.events, n > 0, &rev, p.cred);
    if (e == 0 && rev == 0 && me.new_reg && rules.repoll_first_register) {
      me.new_reg = false;
      me.cur_asked = w.sim().step();
      e = node.ops.poll(node.ops.cookie, f->dev, pf.events, n > 0, &rev, p.cred);
    }
    if (locked) w.mutex_exit(me.lock);
    me.in_driver = false;
    me.rescan[i] = rules.rescan_unregistered;
    if (e != 0 && rules.error_fails_call) {
      *err = e;
      return n;
    }
    pf.revents = rev;
    if (rev) n++;
  }
  return n;
}

// The end of a call: registrations that do not outlive it go (FreeBSD
// seltdclear). Under the head lock only when there is one to drop.
void finish(World& w, PollState& st, PollWait& me) {
  bool any = false;
  for (const PollReg& r : st.regs) any |= r.tid == me.tid && !r.rules.cached;
  if (any) {
    w.mutex_enter(st.head_lock);
    std::erase_if(st.regs, [&](const PollReg& r) { return r.tid == me.tid && !r.rules.cached; });
    w.mutex_exit(st.head_lock);
  }
  me.active = false;
  me.pending = false;
  me.fds = nullptr;
}

// Marks the poller of r woken for r's descriptor; the caller holds the
// head lock. Takes the wait's lock, as the real kernels do (seltd's
// st_mtx, pollcache's pc_lock), so the poller's test of `pending` and its
// sleep are atomic against it. Where the poller may hold that lock across
// the driver (PollRules::poller_locked_in_driver) only a try: if it is
// taken, the head is dropped, the lock waited for, and false says to walk
// the head again.
bool notify(World& w, PollState& st, const PollReg& r) {
  PollWait* pw = wait_of(st, r.tid);
  if (!pw || !pw->active) return true;  // a cached registration between calls
  if (!r.rules.poller_locked_in_driver) {
    w.mutex_enter(pw->lock);
  } else if (!w.mutex_tryenter(pw->lock)) {
    w.mutex_exit(st.head_lock);
    w.mutex_enter(pw->lock);
    w.mutex_exit(pw->lock);
    w.mutex_enter(st.head_lock);
    return false;
  }
  pw->pending = true;
  if (r.index < pw->woken.size()) pw->woken[r.index] = 1;
  w.cv_broadcast(pw->cv);
  w.mutex_exit(pw->lock);
  return true;
}

// A poller stuck in poll(2), for the stuck report (World::WaitDescriber):
// per descriptor, whether the driver recorded it on a head at all, and
// whether that head's last wakeup came while the driver was being asked,
// before its recording (readiness tested outside the lock the producer
// wakes under), or not since that pass (a wakeup before it was seen:
// the pass found the device not ready after it).
bool describe_poll_wait(World& w, Tid t, ObjId obj, std::string* line, std::string* sig) {
  PollState* st = peek(w);
  PollWait* pw = st ? wait_of(*st, t) : nullptr;
  if (!pw || !pw->active || pw->cv != obj || !pw->fds) return false;
  const Proc* p = w.kt(t).proc;
  *line = "sleeps in poll(2) since step " + std::to_string(w.sim().thread(t)->wait_step) +
          " and nothing will wake it:";
  std::string driver;
  for (uint32_t i = 0; i < pw->fds->size(); i++) {
    const PollFd& pf = (*pw->fds)[i];
    if (pf.fd < 0) continue;
    const OpenFile* f = p && size_t(pf.fd) < p->fds.size() ? p->fds[pf.fd].get() : nullptr;
    if (!f) continue;
    const DevNode& n = *f->node;
    if (driver.empty()) driver = n.owner;
    char ev[16];
    std::snprintf(ev, sizeof ev, "0x%x", static_cast<unsigned>(static_cast<uint16_t>(pf.events)));
    *line += "\n    fd " + std::to_string(pf.fd) + " (" + n.path + ", events " + ev + "): ";
    const PollReg* reg = nullptr;
    for (const PollReg& r : st->regs)
      if (r.tid == t && r.file == f) reg = &r;
    const char* head = n.ops.poll_rules.head_name;
    if (!reg) {
      *line += std::string("the driver's poll routine recorded it on no ") + head +
               ", so no wakeup can reach it";
      continue;
    }
    *line += std::string("recorded on a ") + head + " at step " + std::to_string(reg->step);
    uint64_t woke = 0;
    for (const auto& [h, step] : st->last_wake)
      if (h == reg->head) woke = step;
    if (woke && woke >= reg->asked && woke < reg->step)
      *line += "; that head's last wakeup was at step " + std::to_string(woke) +
               ", before the recording: it came between the driver's readiness test and its "
               "recording (make both under the lock the wakeup is made under)";
    else
      *line += "; nothing woke that head since";
  }
  *sig = "stuck:poll:" + (driver.empty() ? std::string("?") : driver);
  return true;
}

const bool kDescriberAdded = (World::add_wait_describer(describe_poll_wait), true);

}  // namespace

int64_t poll_files(World& w, uint64_t uaddr, uint64_t nfds, int64_t timeout_ms) {
  if (nfds > kPollMaxFds) return -EINVAL;
  if (timeout_ms < -1) return -EINVAL;  // FreeBSD; INFTIM is -1
  Proc& p = curproc(w);
  std::vector<PollFd> fds(nfds);
  if (nfds && copyin(w, p, uaddr, fds.data(), nfds * sizeof(PollFd))) return -EFAULT;
  PollState& st = state(w);
  PollWait& me = my_wait(w, st);
  me.active = true;
  me.pending = false;
  me.woken.assign(nfds, 0);
  me.rescan.assign(nfds, 0);
  me.fds = &fds;
  // Cached registrations of an earlier call have no index in this one
  // until this call's pass reaches their file.
  for (PollReg& r : st.regs)
    if (r.tid == me.tid) r.index = UINT32_MAX;
  const uint64_t deadline =
      timeout_ms > 0 ? w.sim().now() + static_cast<uint64_t>(timeout_ms) * 1000000 : 0;
  int err = 0;
  int64_t n = pass(w, st, me, p, fds, nullptr, &err);
  std::vector<uint8_t> fired;
  while (err == 0 && n == 0 && timeout_ms != 0) {
    w.mutex_enter(me.lock);
    int r = me.pending ? 0 : w.cv_wait(me.cv, me.lock, true, deadline);
    fired = me.woken;
    me.woken.assign(nfds, 0);
    me.pending = false;
    w.mutex_exit(me.lock);
    if (r == ETIMEDOUT) break;  // 0 ready: not an error
    if (r != 0) {
      err = r;  // EINTR
      break;
    }
    n = pass(w, st, me, p, fds, &fired, &err);
  }
  finish(w, st, me);
  if (err) return -err;
  if (nfds && copyout(w, p, fds.data(), uaddr, nfds * sizeof(PollFd))) return -EFAULT;
  return n;
}

bool poll_record(World& w, const void* head) {
  PollState* st = peek(w);
  if (!st) return false;
  PollWait* me = wait_of(*st, w.self_tid());
  if (!me || !me->in_driver) return false;
  // The wait's current descriptor, read before the lock: another thread
  // runs while this one waits for it, but not this thread's pass.
  const uint32_t index = me->cur;
  const OpenFile* file = me->cur_file;
  const short events = me->cur_events;
  const PollRules rules = me->cur_rules;
  w.mutex_enter(st->head_lock);
  bool fresh = true;
  for (size_t i = 0; i < st->regs.size();) {
    PollReg& r = st->regs[i];
    if (r.tid == me->tid && r.file == file) {
      if (r.head == head) {
        r.index = index;
        r.events = events;
        // The latest recording is the one a stuck report weighs against
        // the head's last wakeup (a wakeup between two recordings woke it).
        r.step = w.sim().step();
        r.asked = me->cur_asked;
        fresh = false;
      } else if (rules.cached) {
        // The driver now gives another head: the kernel moves the entry
        // (illumos pcache_poll deletes it from the old pollhead).
        st->regs.erase(st->regs.begin() + static_cast<ptrdiff_t>(i));
        continue;
      }
    }
    i++;
  }
  if (fresh)
    st->regs.push_back(
        PollReg{head, me->tid, index, events, file, rules, w.sim().step(), me->cur_asked});
  w.mutex_exit(st->head_lock);
  me->new_reg |= fresh;
  return fresh;
}

void poll_wakeup(World& w, const void* head, short events, bool match) {
  // Nobody ever polled in this World: nobody to wake, and no scheduling
  // point (an existing driver's selwakeup leaves its traces as they were).
  PollState* st = peek(w);
  if (!st) return;
  w.mutex_enter(st->head_lock);
  auto last = std::find_if(st->last_wake.begin(), st->last_wake.end(),
                           [&](const auto& e) { return e.first == head; });
  if (last == st->last_wake.end())
    st->last_wake.emplace_back(head, w.sim().step());
  else
    last->second = w.sim().step();
  for (size_t i = 0; i < st->regs.size();) {
    PollReg r = st->regs[i];
    if (r.head != head ||
        (match && !(r.events & events) && !(events & (kPollHup | kPollErr)))) {
      i++;
      continue;
    }
    // Nobody changes regs while this thread holds the head lock, even when
    // it waits for a poller's lock below; a back-off walks them again.
    if (!notify(w, *st, r)) {
      i = 0;
      continue;
    }
    if (r.rules.unlink_on_wakeup)
      st->regs.erase(st->regs.begin() + static_cast<ptrdiff_t>(i));
    else
      i++;
  }
  w.mutex_exit(st->head_lock);
}

void poll_head_clean(World& w, const void* head) {
  PollState* st = peek(w);
  if (!st) return;  // as poll_wakeup
  w.mutex_enter(st->head_lock);
  std::erase_if(st->regs, [&](const PollReg& r) { return r.head == head; });
  w.mutex_exit(st->head_lock);
}

bool poll_head_waiting(World& w, const void* head) {
  PollState* st = peek(w);
  if (!st) return false;
  for (const PollReg& r : st->regs)
    if (r.head == head) return true;
  return false;
}

void poll_file_closed_slow(World& w, const OpenFile* f) {
  PollState* st = peek(w);
  if (!st) return;
  bool any = false;
  for (const PollReg& r : st->regs) any |= r.file == f && r.rules.cached;
  if (!any) return;
  w.mutex_enter(st->head_lock);
  for (size_t i = 0; i < st->regs.size();) {
    PollReg r = st->regs[i];
    if (r.file != f || !r.rules.cached) {
      i++;
      continue;
    }
    // illumos pcache_clean_entry: pollwakeup(POLLHUP), then off the head;
    // the woken poller finds the descriptor gone (POLLNVAL).
    if (!notify(w, *st, r)) {
      i = 0;
      continue;
    }
    st->regs.erase(st->regs.begin() + static_cast<ptrdiff_t>(i));
  }
  w.mutex_exit(st->head_lock);
}

void poll_heads_freed_slow(World& w, const void* p, size_t size, const char* tag) {
  PollState* st = peek(w);
  if (!st || st->regs.empty()) return;
  auto lo = static_cast<const char*>(p);
  for (size_t i = 0; i < st->regs.size();) {
    const PollReg& r = st->regs[i];
    auto h = static_cast<const char*>(r.head);
    if (h < lo || h >= lo + size) {
      i++;
      continue;
    }
    // A thread that exited took its registrations with it (illumos
    // pollcleanup at lwp exit). Skipped, not erased: a wakeup may be
    // walking the list while it waits for a poller's lock.
    if (w.sim().thread(r.tid)->state == sim::ThreadState::kDone) {
      i++;
      continue;
    }
    w.fail(sim::FailureKind::kMemory,
           std::string("use after free: a ") + std::to_string(size) + "-byte buffer of tag " +
               tag + " freed by thread " + w.thread_name(w.self_tid()) + " holds a " +
               r.rules.head_name + " (offset " + std::to_string(h - lo) + ") on which thread " +
               w.thread_name(r.tid) + " is still registered as a poller; the kernel's entry " +
               "for it now points into freed memory (call " + r.rules.clean_hint +
               " before freeing it)",
           std::string("poll_head_freed:") + tag);
  }
}

}  // namespace ks::km
