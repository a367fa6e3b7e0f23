// The stream head: a stream per dev made at its first open and dismantled
// at its last close, read(2) and write(2) as M_DATA, and what reaches the
// head from below (data, acks, M_FLUSH, M_HANGUP, M_ERROR). The ioctls
// are stream_ioctl.cc's.
#include <cerrno>
#include <cstring>
#include <string>

#include "kernel_model/proc.h"
#include "kernel_model/stream_head.h"
#include "kernel_model/user_mem.h"

namespace ks::km::str {

namespace {

const StrModule* M(void* cookie) { return static_cast<const StrModule*>(cookie); }
void* CR(const Cred& c) { return const_cast<Cred*>(&c); }

// Frees a b_next chain of messages taken off a queue.
void free_chain(World& w, ks_mblk_t* mp, const char* op) {
  while (mp) {
    ks_mblk_t* next = mp->b_next;
    mp->b_next = mp->b_prev = nullptr;
    freemsg(w, mp, op);
    mp = next;
  }
}

void wake(World& w, Stream& s, sim::ObjId cv) {
  w.mutex_enter(s.lock);
  w.cv_broadcast(cv);
  w.mutex_exit(s.lock);
}

}  // namespace

void plumb_begin(World& w, Stream& s) {
  w.mutex_enter(s.lock);
  while (s.plumbing) w.cv_wait(s.cv_plumb, s.lock, false, 0);
  s.plumbing = true;
  w.mutex_exit(s.lock);
}

void plumb_end(World& w, Stream& s) {
  w.mutex_enter(s.lock);
  s.plumbing = false;
  w.cv_signal(s.cv_plumb);
  w.mutex_exit(s.lock);
}

namespace {

// Into the pair's perimeters for its open or close routine; the thread and
// its hold are noted for qwait, which leaves and enters them again.
void oc_begin(World& w, uint32_t pi) {
  Hold h = perim_enter(w, pi, 0, Entry::kOpenClose);
  Pair& p = state(w).pairs[pi];
  p.oc_tid = w.self_tid();
  p.oc_hold = h;
}

void oc_end(World& w, uint32_t pi) {
  Pair& p = state(w).pairs[pi];
  Hold h = p.oc_hold;
  p.oc_tid = 0;
  p.oc_hold = Hold{};
  perim_exit(w, pi, 0, h);
}

}  // namespace

int call_open(World& w, uint32_t pi, uint64_t* dev, int flags, int sflag, const Cred& cr) {
  Pair& p = state(w).pairs[pi];
  ks_queue_t* rq = &p.q[0];
  auto open = rq->q_qinfo ? rq->q_qinfo->qi_qopen : nullptr;
  if (!open) return ENXIO;
  oc_begin(w, pi);
  int rc = open(rq, dev, flags, sflag, CR(cr));
  oc_end(w, pi);
  return rc;
}

// Closes one pair (a module or the driver): its close routine, qprocsoff
// if it did not, then its queues flushed and freed.
void close_pair(World& w, uint32_t si, uint32_t pi, int flags, const Cred& cr) {
  StrState& st = state(w);
  ks_queue_t* rq = &st.pairs[pi].q[0];
  const StrModule* m = st.pairs[pi].mod;
  set_current_stream(w, si);
  oc_begin(w, pi);
  if (rq->q_qinfo && rq->q_qinfo->qi_qclose) rq->q_qinfo->qi_qclose(rq, flags, CR(cr));
  if (st.pairs[pi].on) qprocsoff(w, rq);
  // Leaving the perimeter runs its syncq: what was left for this pair
  // passes around it now.
  oc_end(w, pi);
  Stream& s = st.streams[si];
  if (m == s.drv && s.loaned > 0) {
    w.fail(sim::FailureKind::kMemory,
           std::to_string(s.loaned) + " loaned buffer(s) (esballoc) made by " + m->name +
               " still out when its close returned: their free routine runs after the "
               "driver's state is gone (close must wait for every loaned buffer)",
           "streams:loaned_after_close:" + m->name);
  }
  flushq(w, rq, 1);
  flushq(w, rq + 1, 1);
  free_pair(w, pi);
}

namespace {

constexpr int kCloneOpen = 2;  // the open routine's sflag CLONEOPEN
int new_stream(World& w, const StrModule* m, uint64_t* dev, int flags, int sflag,
               const Cred& cr);
int s_close(void* cookie, uint64_t dev, int flags, bool, const Cred& cr);

int s_open(void* cookie, uint64_t* dev, int flags, bool, const Cred& cr) {
  World& w = *World::current();
  StrState& st = state(w);
  const StrModule* m = M(cookie);
  for (;;) {
    auto it = st.by_dev.find(*dev);
    if (it == st.by_dev.end()) break;
    uint32_t si = it->second;
    Stream& s = st.streams[si];
    if (s.opening) {
      // The first open is still in the driver (STWOPEN): wait for it,
      // then look again (it may have failed).
      w.mutex_enter(s.lock);
      while (s.opening) w.cv_wait(s.cv_plumb, s.lock, false, 0);
      w.mutex_exit(s.lock);
      continue;
    }
    // A reopen: every module's and the driver's open again, not while
    // a module is being pushed or popped.
    set_current_stream(w, si);
    plumb_begin(w, s);
    std::vector<uint32_t> pairs = s.pairs;
    int rc = 0;
    for (size_t i = 1; i < pairs.size() && rc == 0; i++) {
      // Modules again with MODOPEN, the driver with 0.
      rc = call_open(w, pairs[i], dev, flags, i + 1 < pairs.size() ? 1 : 0, cr);
    }
    plumb_end(w, s);
    return rc;
  }
  return new_stream(w, m, dev, flags, 0, cr);
}

// An open of a CLONE_DEV node (illumos: an alias under the clone driver,
// sunddi.c ddi_create_minor_common; clone.c clnopen): always a new stream,
// the driver's open called with CLONEOPEN and the dev (its major, minor
// 0) to replace with the one it picks. A dev of another major is closed
// and refused with ENXIO, as clnopen does.
int s_clone_open(void* cookie, uint64_t* dev, int flags, bool, const Cred& cr) {
  World& w = *World::current();
  uint32_t major = major64(*dev);
  uint64_t d = makedev64(major, 0);
  int rc = new_stream(w, M(cookie), &d, flags, kCloneOpen, cr);
  if (rc) return rc;
  if (major64(d) != major) {
    s_close(cookie, d, flags, false, cr);
    return ENXIO;
  }
  *dev = d;
  return 0;
}

int new_stream(World& w, const StrModule* m, uint64_t* dev, int flags, int sflag,
               const Cred& cr) {
  StrState& st = state(w);
  uint32_t si = uint32_t(st.streams.size());
  st.streams.emplace_back();
  {
    Stream& s = st.streams.back();
    s.dev = *dev;
    s.drv = m;
    s.opening = true;
    s.lock = w.new_obj(kObjMutex, "sd_lock");
    s.cv_ioc = w.new_obj(kObjCondvar, "sd_iocwait");
    s.cv_ack = w.new_obj(kObjCondvar, "sd_ackwait");
    s.cv_read = w.new_obj(kObjCondvar, "sd_readwait");
    s.cv_procs = w.new_obj(kObjCondvar, "sd_qprocsoff");
    s.cv_plumb = w.new_obj(kObjCondvar, "sd_plumb");
    s.cv_write = w.new_obj(kObjCondvar, "sd_writewait");
  }
  // A clone's placeholder dev names no stream: its open picks the dev.
  const bool clone = sflag == kCloneOpen;
  if (!clone) st.by_dev[*dev] = si;
  uint32_t head = new_pair(w, si, nullptr);
  uint32_t drv = new_pair(w, si, m);
  st.streams[si].pairs = {head, drv};
  st.pairs[head].on = true;
  relink(w, st.streams[si]);
  set_current_stream(w, si);
  uint64_t d = *dev;
  int rc = call_open(w, drv, &d, flags, sflag, cr);
  Stream& s = st.streams[si];
  if (rc) {
    if (st.pairs[drv].on) qprocsoff(w, &st.pairs[drv].q[0]);
    flushq(w, &st.pairs[drv].q[0], 1);
    flushq(w, &st.pairs[drv].q[1], 1);
    free_pair(w, drv);
    free_pair(w, head);
    s.pairs.clear();
    s.dead = true;
    if (!clone) st.by_dev.erase(*dev);
  } else {
    if (!st.pairs[drv].on) qprocson(w, &st.pairs[drv].q[0]);
    if (clone || d != *dev) {
      // A clone open picked another minor: the stream is that dev's.
      if (!clone) st.by_dev.erase(*dev);
      auto [it, fresh] = st.by_dev.emplace(d, si);
      if (!fresh && it->second != si) {
        w.misuse(std::string(m->name) + "'s clone open handed back minor " +
                     std::to_string(minor64(d)) +
                     ", the dev of a stream still open: two streams on one dev",
                 "streams:clone_dev_in_use:" + m->name);
      }
      *dev = d;
    }
    s.dev = d;
  }
  w.mutex_enter(s.lock);
  s.opening = false;
  w.cv_broadcast(s.cv_plumb);
  w.mutex_exit(s.lock);
  return rc;
}

// On the teardown thread after every driver's detach and _fini (a hook
// registered during the run comes after theirs): what a closed stream made
// and nothing freed, not even the driver on its way out, is leaked.
void check_closed_streams(World& w) {
  StrState& st = state(w);
  for (const Stream& s : st.streams) {
    if (!s.dead || !s.msgs) continue;
    std::string drv = s.drv ? s.drv->name : "the driver";
    w.fail(sim::FailureKind::kMemory,
           std::to_string(s.msgs) + " message block(s) made in a stream of " + drv +
               " still allocated after its last close and the driver's unload: leaked (a "
               "freemsg missing on some path of its procedures)",
           "streams:msg_leak_at_close:" + drv);
  }
}

int s_close(void* cookie, uint64_t dev, int flags, bool, const Cred& cr) {
  World& w = *World::current();
  StrState& st = state(w);
  auto it = st.by_dev.find(dev);
  if (it == st.by_dev.end()) return 0;
  uint32_t si = it->second;
  st.by_dev.erase(it);
  set_current_stream(w, si);
  // Unread data goes first; from now on the head discards what reaches it.
  uint32_t head = st.streams[si].pairs[0];
  Stream& s = st.streams[si];
  w.mutex_enter(s.lock);
  s.closing = true;
  ks_mblk_t* unread = st.pairs[head].q[0].q_first;
  st.pairs[head].q[0].q_first = st.pairs[head].q[0].q_last = nullptr;
  st.pairs[head].q[0].q_count = 0;
  w.cv_broadcast(s.cv_ack);
  w.mutex_exit(s.lock);
  // Freed outside sd_lock: a loaned buffer's free routine takes its
  // driver's locks.
  free_chain(w, unread, "strclose");
  std::vector<uint32_t> pairs = st.streams[si].pairs;
  for (size_t i = 1; i < pairs.size(); i++) close_pair(w, si, pairs[i], flags, cr);
  flushq(w, &st.pairs[head].q[0], 1);
  flushq(w, &st.pairs[head].q[1], 1);
  free_pair(w, head);
  st.streams[si].pairs.clear();
  st.streams[si].dead = true;
  // Every queue is flushed and no procedure can run. A message made in this
  // stream and still allocated is either kept by the driver past the close
  // (it may free it at detach) or leaked: judged once the drivers are gone.
  if (st.streams[si].msgs && !st.leak_check) {
    st.leak_check = true;
    w.on_teardown([&w] { check_closed_streams(w); });
  }
  (void)cookie;
  return 0;
}

// read(2): the read mode says how messages become bytes (RNORM: across
// messages while they are there, never waiting for more once some came;
// RMSGN: one message, what is left stays first in line; RMSGD: one
// message, the rest discarded) and what a control part does (RPROTNORM:
// EBADMSG, the message stays; RPROTDAT: read as data; RPROTDIS: skipped).
int s_read(void*, uint64_t dev, UserIo& io, const Cred&) {
  World& w = *World::current();
  Stream* s = find_stream(w, dev);
  if (!s) return ENXIO;
  StrState& st = state(w);
  ks_queue_t* rq = &st.pairs[s->pairs[0]].q[0];
  w.mutex_enter(s->lock);
  // A stream error (M_ERROR) fails read at once, data waiting or not
  // (illumos strread tests STRDERR before it looks at the queue).
  while (!rq->q_first || s->error) {
    if (s->error) {
      int e = s->error;
      w.mutex_exit(s->lock);
      return e;
    }
    if (s->hangup || s->closing) {
      w.mutex_exit(s->lock);
      return 0;
    }
    if (io.fmode & (kFNdelay | kFNonblock)) {
      w.mutex_exit(s->lock);
      return EAGAIN;
    }
    if (w.cv_wait(s->cv_read, s->lock, true, 0) == EINTR) {
      w.mutex_exit(s->lock);
      return EINTR;
    }
  }
  Proc& p = user_process(w, "read");
  uint16_t mode = s->readopt & KS_RMODEMASK, prot = s->readopt & KS_RPROTMASK;
  bool took = false;
  for (;;) {
    // Under sd_lock, a message first in line.
    unsigned char t = rq->q_first->b_datap->db_type;
    if ((t == KS_M_PROTO || t == KS_M_PCPROTO) && prot == KS_RPROTNORM) {
      w.mutex_exit(s->lock);
      return took ? 0 : EBADMSG;
    }
    ks_mblk_t* mp = getq(w, rq);
    w.mutex_exit(s->lock);
    auto readable = [prot](const ks_mblk_t* b) {
      unsigned char bt = b->b_datap->db_type;
      return bt == KS_M_DATA || (prot == KS_RPROTDAT && (bt == KS_M_PROTO || bt == KS_M_PCPROTO));
    };
    int rc = 0;
    size_t left = 0;
    for (ks_mblk_t* b = mp; b; b = b->b_cont) {
      if (!readable(b)) continue;
      size_t n = std::min<uint64_t>(io.resid, uint64_t(b->b_wptr - b->b_rptr));
      if (n && copyout(w, p, b->b_rptr, io.uaddr, n) != 0) {
        rc = EFAULT;
        break;
      }
      io.uaddr += n;
      io.resid -= n;
      b->b_rptr += n;
      took = took || n > 0;
      left += size_t(b->b_wptr - b->b_rptr);
    }
    if (rc == 0 && left > 0 && mode != KS_RMSGD) {
      // What was not read goes back first in line.
      w.mutex_enter(s->lock);
      putbq(w, rq, mp);
      w.mutex_exit(s->lock);
      return 0;
    }
    freemsg(w, mp, "strread");
    // RNORM goes on to a message already there (looked at without the
    // lock: nothing runs between here and the lock, and a message that
    // comes later is the next read's).
    if (rc || mode != KS_RNORM || io.resid == 0 || !rq->q_first) return rc;
    w.mutex_enter(s->lock);
    if (!rq->q_first) {
      w.mutex_exit(s->lock);
      return 0;
    }
  }
}

int s_write(void*, uint64_t dev, UserIo& io, const Cred&) {
  World& w = *World::current();
  Stream* s = find_stream(w, dev);
  if (!s) return ENXIO;
  if (s->hangup) return ENXIO;
  if (s->error) return s->error;
  StrState& st = state(w);
  uint32_t si = st.by_dev.find(dev)->second;
  if (int e = head_wait_room(w, si, io.fmode)) return e;
  // SO_WROFF: room before the data for the headers of the modules below.
  uint16_t off = st.streams[si].wroff;
  ks_mblk_t* mp = allocb_wait(w, io.resid + off, "strwrite");
  mp->b_rptr += off;
  mp->b_wptr += off;
  Proc& p = user_process(w, "write");
  if (io.resid && copyin(w, p, io.uaddr, mp->b_wptr, io.resid) != 0) {
    freemsg(w, mp, "strwrite");
    return EFAULT;
  }
  mp->b_wptr += io.resid;
  io.uaddr += io.resid;
  io.resid = 0;
  putnext(w, &st.pairs[st.streams[si].pairs[0]].q[1], mp, "strwrite");
  return 0;
}

// M_SETOPTS (strrput): the options its stroptions names. Water marks take
// effect at once: the head's read queue is full, or no longer is, by the
// new marks, and a queue below that waited for room is back-enabled.
void set_options(World& w, Stream& s, ks_mblk_t* mp) {
  if (size_t(mp->b_wptr - mp->b_rptr) < sizeof(ks_stroptions_t)) return;
  ks_stroptions_t so;
  std::memcpy(&so, mp->b_rptr, sizeof so);
  ks_queue_t* rq = &state(w).pairs[s.pairs[0]].q[0];
  w.mutex_enter(s.lock);
  if (so.so_flags & KS_SO_READOPT) {
    uint16_t mode = uint16_t(so.so_readopt) & KS_RMODEMASK;
    uint16_t prot = uint16_t(so.so_readopt) & KS_RPROTMASK;
    if (mode != KS_RMODEMASK) s.readopt = uint16_t((s.readopt & KS_RPROTMASK) | mode);
    if (prot == KS_RPROTNORM || prot == KS_RPROTDAT || prot == KS_RPROTDIS)
      s.readopt = uint16_t((s.readopt & KS_RMODEMASK) | prot);
  }
  if (so.so_flags & KS_SO_WROFF) s.wroff = so.so_wroff;
  if (so.so_flags & KS_SO_MINPSZ) rq->q_minpsz = so.so_minpsz;
  if (so.so_flags & KS_SO_MAXPSZ) rq->q_maxpsz = so.so_maxpsz;
  if (so.so_flags & KS_SO_HIWAT) rq->q_hiwat = so.so_hiwat;
  if (so.so_flags & KS_SO_LOWAT) rq->q_lowat = so.so_lowat;
  if (so.so_flags & (KS_SO_HIWAT | KS_SO_LOWAT)) {
    if (rq->q_count >= rq->q_hiwat) rq->q_flag |= KS_QFULL;
    else below_low(w, rq);
  }
  w.mutex_exit(s.lock);
}

}  // namespace

Stream* find_stream(World& w, uint64_t dev) {
  StrState& st = state(w);
  auto it = st.by_dev.find(dev);
  if (it == st.by_dev.end()) return nullptr;
  set_current_stream(w, it->second);
  return &st.streams[it->second];
}

int head_wait_room(World& w, uint32_t si, int fmode) {
  StrState& st = state(w);
  Stream& s = st.streams[si];
  ks_queue_t* wq = &st.pairs[s.pairs[0]].q[1];
  w.mutex_enter(s.lock);
  while (!canputnext(w, wq)) {
    if (fmode & (kFNdelay | kFNonblock)) {
      w.mutex_exit(s.lock);
      return EAGAIN;
    }
    s.writers++;
    int e = w.cv_wait(s.cv_write, s.lock, true, 0);
    s.writers--;
    if (e == EINTR) {
      w.mutex_exit(s.lock);
      return EINTR;
    }
  }
  w.mutex_exit(s.lock);
  return 0;
}

void head_wake_writers(World& w, Stream& s) {
  if (s.writers) wake(w, s, s.cv_write);
}

void head_rput(World& w, Stream& s, ks_mblk_t* mp) {
  StrState& st = state(w);
  if (s.closing || s.dead) {
    freemsg(w, mp, "strrput");
    return;
  }
  unsigned char t = mp->b_datap->db_type;
  switch (t) {
    case KS_M_DATA:
    case KS_M_PROTO:
    case KS_M_PCPROTO:
      w.mutex_enter(s.lock);
      if (s.closing) {
        // Tested under sd_lock: the last close sets it and flushes there.
        w.mutex_exit(s.lock);
        freemsg(w, mp, "strrput");
        return;
      }
      putq(w, &st.pairs[s.pairs[0]].q[0], mp);
      w.cv_broadcast(s.cv_read);
      w.mutex_exit(s.lock);
      return;
    case KS_M_IOCACK:
    case KS_M_IOCNAK:
    case KS_M_COPYIN:
    case KS_M_COPYOUT: {
      // ioc_id and cq_id sit at the same place (iocblk, copyreq).
      bool ok = size_t(mp->b_wptr - mp->b_rptr) >= sizeof(ks_iocblk_t);
      unsigned id = ok ? reinterpret_cast<ks_iocblk_t*>(mp->b_rptr)->ioc_id : 0;
      w.mutex_enter(s.lock);
      if (ok && s.ioc_wait != 0 && id == s.ioc_wait && !s.ioc_reply) {
        s.ioc_reply = mp;
        w.cv_broadcast(s.cv_ack);
        mp = nullptr;
      }
      w.mutex_exit(s.lock);
      // Anything else is stale: an ack of an ioctl nobody waits for.
      if (mp) freemsg(w, mp, "strrput");
      return;
    }
    case KS_M_FLUSH: {
      unsigned char f = mp->b_rptr < mp->b_wptr ? *mp->b_rptr : 0;
      if (f & 1) {  // FLUSHR: the head holds only data; freed outside
        w.mutex_enter(s.lock);  // sd_lock (a free routine takes its driver's locks)
        ks_queue_t* rq = &st.pairs[s.pairs[0]].q[0];
        ks_mblk_t* unread = rq->q_first;
        rq->q_first = rq->q_last = nullptr;
        rq->q_count = 0;
        below_low(w, rq);
        w.mutex_exit(s.lock);
        free_chain(w, unread, "strrput");
      }
      if (f & 2) {  // FLUSHW: turned around, down the write side
        *mp->b_rptr = f & ~1;
        putnext(w, &st.pairs[s.pairs[0]].q[1], mp, "strrput");
        return;
      }
      freemsg(w, mp, "strrput");
      return;
    }
    case KS_M_SETOPTS:
      set_options(w, s, mp);
      freemsg(w, mp, "strrput");
      return;
    case KS_M_HANGUP:
    case KS_M_ERROR:
      w.mutex_enter(s.lock);
      if (t == KS_M_HANGUP) s.hangup = true;
      else if (mp->b_rptr < mp->b_wptr) s.error = *mp->b_rptr;
      w.cv_broadcast(s.cv_read);
      w.cv_broadcast(s.cv_ack);
      w.mutex_exit(s.lock);
      freemsg(w, mp, "strrput");
      return;
    default:
      freemsg(w, mp, "strrput");
  }
}

uint32_t current_stream(World& w) {
  StrState& st = state(w);
  Tid t = w.self_tid();
  return t < st.cur.size() ? st.cur[t] : UINT32_MAX;
}

void set_current_stream(World& w, uint32_t s) {
  StrState& st = state(w);
  Tid t = w.self_tid();
  if (t >= st.cur.size()) st.cur.resize(t + 1, UINT32_MAX);
  st.cur[t] = s;
}

void loaned_returned(World& w, uint64_t owner) {
  StrState& st = state(w);
  st.loaned_total--;
  if (owner && owner <= st.streams.size() && st.streams[owner - 1].loaned)
    st.streams[owner - 1].loaned--;
}

DevOps str_devops(const StrModule* m, bool clone) {
  DevOps ops{const_cast<StrModule*>(m), clone ? s_clone_open : s_open, s_close, s_read, s_write,
             head_ioctl};
  ops.remove_hint = "ddi_remove_minor_node in its detach";
  set_msgio(ops);
  return ops;
}

void str_register_module(World& w, const StrModule* m) { state(w).modules.push_back(m); }

void str_unregister_module(World& w, const StrModule* m) {
  auto& v = state(w).modules;
  for (size_t i = 0; i < v.size(); i++)
    if (v[i] == m) {
      v.erase(v.begin() + ptrdiff_t(i));
      return;
    }
}

}  // namespace ks::km::str
