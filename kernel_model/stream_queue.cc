// STREAMS queues: putq/getq/putbq/flushq with flow control (high and low
// water marks, QFULL, QWANTW back-enabling the nearest queue upstream with
// a service procedure, QWANTR enabling on the next putq), putnext/qreply,
// qprocson/qprocsoff, and service procedures as simulated threads.
#include <cerrno>
#include <string>

#include "kernel_model/boot_image.h"
#include "kernel_model/kmem.h"
#include "kernel_model/stream_state.h"

namespace ks::km::str {

namespace {

const int kStrSlot = World::new_component_slot();

bool high_pri(const ks_mblk_t* mp) { return mp->b_datap->db_type >= KS_QPCTL; }

// The bytes a message counts against its queue (all its blocks, as SVR4's
// q_count does).
size_t qbytes(const ks_mblk_t* mp) { return msgsize(mp); }

void srv_thread(void* arg);

const char* pair_name(const Pair& p) {
  return p.mod ? p.mod->name.c_str() : "strhead";
}

void spawn_srv(World& w, uint32_t pi, bool read) {
  Pair& p = state(w).pairs[pi];
  p.srv_pending[read ? 0 : 1] = true;
  std::string name = std::string("srv:") + pair_name(p) + (read ? ":r" : ":w");
  uintptr_t arg = (uintptr_t(pi) << 1) | (read ? 1 : 0);
  w.spawn(w.sim().intern(name), srv_thread, reinterpret_cast<void*>(arg));
}

void srv_thread(void* arg) {
  World& w = *World::current();
  auto a = reinterpret_cast<uintptr_t>(arg);
  uint32_t pi = uint32_t(a >> 1);
  bool read = a & 1;
  int side = read ? 0 : 1;
  StrState& st = state(w);
  for (;;) {
    Pair& p = st.pairs[pi];
    if (p.freed || !p.on || p.draining) break;
    ks_queue_t* q = &p.q[side];
    if (!(q->q_flag & KS_QENAB)) break;
    q->q_flag &= ~KS_QENAB;
    set_current_stream(w, p.stream);
    Hold perim = perim_enter(w, pi, side, Entry::kSrv);
    if (st.pairs[pi].freed || !st.pairs[pi].on || st.pairs[pi].draining) {
      perim_exit(w, pi, side, perim);  // turned off while it waited for the perimeter
      break;
    }
    enter_pair(w, pi);
    w.sim().point(kEvPreempt, p.obj[side]);
    q->q_qinfo->qi_srvp(q);
    leave_pair(w, pi);
    qwait_exit(w, pi, side);
    perim_exit(w, pi, side, perim);
  }
  Pair& p = st.pairs[pi];
  p.srv_pending[side] = false;
}

}  // namespace

// A driver points into the queue pairs, streams and perimeters, and a
// timer into the qtimeout records: restored in place.
[[maybe_unused]] const bool image_hook =
    (World::set_component_image(
         kStrSlot, records_image<StrState, &StrState::pairs, &StrState::streams, &StrState::perims,
                                 &StrState::qcalls>()),
     true);

StrState& state(World& w) {
  auto& slot = w.component(kStrSlot);
  if (!slot) slot = std::make_shared<StrState>();
  return *static_cast<StrState*>(slot.get());
}

ks_queue_t* find_srv_upstream(World& w, ks_queue_t* q) {
  // backq: the queue whose q_next is q, while it has no service procedure.
  StrState& st = state(w);
  for (int guard = 0; guard < 64; guard++) {
    ks_queue_t* back = nullptr;
    for (Pair& p : st.pairs) {
      if (p.freed || !p.on) continue;
      for (int i = 0; i < 2; i++)
        if (p.q[i].q_next == q) back = &p.q[i];
    }
    if (!back) return nullptr;
    if (back->q_qinfo && back->q_qinfo->qi_srvp) return back;
    if (!back->q_qinfo) return back;  // the stream head's write side
    q = back;
  }
  return nullptr;
}

Pair& pair_of(World& w, ks_queue_t* q, const char* op) {
  StrState& st = state(w);
  if (!q) w.fail(sim::FailureKind::kPanic, std::string(op) + " of a NULL queue", std::string("streams:null_queue:") + op);
  uint32_t id = q->q_ks_id;
  if (id >= st.pairs.size() || (&st.pairs[id].q[0] != q && &st.pairs[id].q[1] != q))
    w.fail(sim::FailureKind::kMemory,
           std::string(op) + " of a queue that is not one (freed, or never a queue)",
           std::string("streams:bad_queue:") + op);
  Pair& p = st.pairs[id];
  if (p.freed)
    w.fail(sim::FailureKind::kMemory,
           std::string(op) + " of a queue of " + pair_name(p) + " after its stream closed",
           std::string("streams:freed_queue:") + op);
  return p;
}

uint32_t new_pair(World& w, uint32_t s, const StrModule* m) {
  StrState& st = state(w);
  auto* q = static_cast<ks_queue_t*>(kmem_alloc(w, 2 * sizeof(ks_queue_t), kKmemSleep | kKmemZero, "allocq"));
  uint32_t id = uint32_t(st.pairs.size());
  st.pairs.emplace_back();
  Pair& p = st.pairs.back();
  p.q = q;
  p.stream = s;
  p.mod = m;
  std::string name = pair_name(p);
  for (int i = 0; i < 2; i++) {
    ks_queue_t* x = &q[i];
    x->q_ks_id = id;
    x->q_flag = KS_QWANTR | (i == 0 ? KS_QREADR : 0);
    const ks_qinit_t* qi = nullptr;
    if (m) qi = i == 0 ? m->tab->st_rdinit : m->tab->st_wrinit;
    x->q_qinfo = const_cast<ks_qinit_t*>(qi);
    const ks_module_info_t* mi = qi ? qi->qi_minfo : nullptr;
    // The stream head's marks: 5120 high, 1024 low (SVR4's STRHIGH/STRLOW).
    x->q_hiwat = mi ? mi->mi_hiwat : 5120;
    x->q_lowat = mi ? mi->mi_lowat : 1024;
    x->q_minpsz = mi ? mi->mi_minpsz : 0;
    x->q_maxpsz = mi ? mi->mi_maxpsz : -1;
    p.obj[i] = w.new_obj(kObjOther, w.sim().intern(name + (i == 0 ? ":rq" : ":wq")));
  }
  for (int i = 0; i < 2; i++) st.pairs[id].perim[i] = perim_for(w, m, id, i);
  st.pairs[id].outer = outer_for(w, m);
  return id;
}

void free_pair(World& w, uint32_t pi) {
  StrState& st = state(w);
  Pair& p = st.pairs[pi];
  ks_queue_t* q = p.q;
  p.freed = true;
  p.on = false;
  kmem_free(w, q, 2 * sizeof(ks_queue_t), "freeq");
}

void enter_pair(World& w, uint32_t pi) { state(w).pairs[pi].running++; }

void leave_pair(World& w, uint32_t pi) {
  StrState& st = state(w);
  Pair& p = st.pairs[pi];
  if (--p.running == 0) wake_procs_waiters(w, st.streams[p.stream]);
}

void wake_procs_waiters(World& w, Stream& s) {
  // A waiter counts itself under sd_lock before it tests, so a wakeup
  // taken under the lock is never lost; with no waiter, no lock.
  if (s.procs_waiters == 0) return;
  w.mutex_enter(s.lock);
  w.cv_broadcast(s.cv_procs);
  w.mutex_exit(s.lock);
}

void relink(World& w, Stream& s) {
  StrState& st = state(w);
  // Write side: each on pair's wq points at the next on pair below; read
  // side: each on pair's rq at the next on pair above (the head always).
  Pair* above = nullptr;
  for (uint32_t pi : s.pairs) {
    Pair& p = st.pairs[pi];
    if (!p.on) continue;
    if (above) {
      above->q[1].q_next = &p.q[1];
      p.q[0].q_next = &above->q[0];
    } else {
      p.q[0].q_next = nullptr;
    }
    above = &p;
  }
  if (above) above->q[1].q_next = nullptr;
}

namespace {
// Links mp after the high-priority messages at the head of q, before every
// ordinary one.
void after_high_pri(ks_queue_t* q, ks_mblk_t* mp) {
  ks_mblk_t* b = q->q_first;
  ks_mblk_t* after = nullptr;
  while (b && high_pri(b)) {
    after = b;
    b = b->b_next;
  }
  mp->b_prev = after;
  mp->b_next = b;
  if (after) after->b_next = mp; else q->q_first = mp;
  if (b) b->b_prev = mp; else q->q_last = mp;
}
}  // namespace

// Links mp before emp (null: at the end).
void link_before(ks_queue_t* q, ks_mblk_t* emp, ks_mblk_t* mp) {
  mp->b_next = emp;
  mp->b_prev = emp ? emp->b_prev : q->q_last;
  if (mp->b_prev) mp->b_prev->b_next = mp; else q->q_first = mp;
  if (emp) emp->b_prev = mp; else q->q_last = mp;
}

namespace {
// The first ordinary message whose band is below b (putq), or at or
// below b (putbq): where a band-b message goes (illumos stream.c keeps
// high-priority messages first, then bands from the highest down).
ks_mblk_t* band_slot(ks_queue_t* q, unsigned b, bool back) {
  ks_mblk_t* x = q->q_first;
  while (x && (high_pri(x) || (back ? x->b_band > b : x->b_band >= b))) x = x->b_next;
  return x;
}

// q's count (band 0, high priority) or its band's, after mp was linked.
void count_added(Pair& p, ks_queue_t* q, ks_mblk_t* mp) {
  mp->b_queue = q;
  size_t n = qbytes(mp);
  if (mp->b_band) {
    band_added(p, q, mp, n);
    return;
  }
  q->q_count += n;
  if (q->q_count >= q->q_hiwat) q->q_flag |= KS_QFULL;
}
}  // namespace

int putq(World& w, ks_queue_t* q, ks_mblk_t* mp) {
  Pair& p = pair_of(w, q, "putq");
  w.sim().point(kEvPreempt, p.obj[is_read(q) ? 0 : 1]);
  thaw_wait(w, p);
  qlock_hb(w, p, q);
  mp->b_next = mp->b_prev = nullptr;
  if (high_pri(mp)) {
    mp->b_band = 0;  // a high-priority message has no band (illumos forces it)
    after_high_pri(q, mp);
  } else if (mp->b_band == 0) {
    mp->b_prev = q->q_last;
    if (q->q_last) q->q_last->b_next = mp; else q->q_first = mp;
    q->q_last = mp;
  } else {
    link_before(q, band_slot(q, mp->b_band, false), mp);
  }
  count_added(p, q, mp);
  // A band message enables the queue as a high-priority one does, unless
  // noenable (illumos putq).
  bool enable = high_pri(mp) ||
                (!(q->q_flag & KS_QNOENB) && ((q->q_flag & KS_QWANTR) || mp->b_band));
  if (enable) qenable(w, q);
  return 1;
}

// putbq(9F): high priority first in line, a band message before the
// others of its band, an ordinary one before the other band-0 messages.
// Enables the queue for a high-priority message, or when QWANTR is set
// and noenable is not (illumos putbq): a service procedure that puts back
// what getq gave it (QWANTR clear) is not run again.
int putbq(World& w, ks_queue_t* q, ks_mblk_t* mp) {
  Pair& p = pair_of(w, q, "putbq");
  thaw_wait(w, p);
  qlock_hb(w, p, q);
  mp->b_next = mp->b_prev = nullptr;
  if (high_pri(mp)) {
    mp->b_band = 0;
    mp->b_next = q->q_first;
    if (q->q_first) q->q_first->b_prev = mp; else q->q_last = mp;
    q->q_first = mp;
  } else {
    link_before(q, band_slot(q, mp->b_band, true), mp);
  }
  count_added(p, q, mp);
  if (high_pri(mp) || ((q->q_flag & KS_QWANTR) && !(q->q_flag & KS_QNOENB))) qenable(w, q);
  return 1;
}

void below_low(World& w, ks_queue_t* q) {
  if ((q->q_flag & KS_QFULL) && q->q_count <= q->q_lowat) q->q_flag &= ~KS_QFULL;
  if (!(q->q_flag & KS_QFULL) && (q->q_flag & KS_QWANTW)) {
    q->q_flag &= ~KS_QWANTW;
    // Back-enable: the nearest queue upstream with a service procedure.
    if (ks_queue_t* back = find_srv_upstream(w, q)) qenable(w, back);
  }
}

ks_mblk_t* getq(World& w, ks_queue_t* q) {
  Pair& p = pair_of(w, q, "getq");
  w.sim().point(kEvPreempt, p.obj[is_read(q) ? 0 : 1]);
  thaw_wait(w, p);
  qlock_hb(w, p, q);
  ks_mblk_t* mp = q->q_first;
  if (!mp) {
    q->q_flag |= KS_QWANTR;
  } else {
    q->q_first = mp->b_next;
    if (q->q_first) q->q_first->b_prev = nullptr; else q->q_last = nullptr;
    mp->b_next = mp->b_prev = nullptr;
    mp->b_queue = nullptr;
    q->q_flag &= ~KS_QWANTR;
    if (mp->b_band) {
      band_removed(w, p, q, mp->b_band, qbytes(mp));
      return mp;
    }
    q->q_count -= qbytes(mp);
  }
  below_low(w, q);
  return mp;
}

void flushq(World& w, ks_queue_t* q, int all) {
  Pair& p = pair_of(w, q, "flushq");
  thaw_wait(w, p);
  qlock_hb(w, p, q);
  ks_mblk_t* mp = q->q_first;
  q->q_first = q->q_last = nullptr;
  q->q_count = 0;
  int side = is_read(q) ? 0 : 1;
  for (Band& b : p.bands[side]) {
    b.count = 0;
    b.full = false;
  }
  // FLUSHDATA keeps what is not data (M_PROTO stays only with FLUSHALL).
  while (mp) {
    ks_mblk_t* next = mp->b_next;
    unsigned char t = mp->b_datap->db_type;
    bool data = t == KS_M_DATA || t == KS_M_PROTO || t == KS_M_PCPROTO;
    mp->b_next = mp->b_prev = nullptr;
    if (all || data) {
      freemsg(w, mp, "flushq");
    } else {
      mp->b_prev = q->q_last;
      if (q->q_last) q->q_last->b_next = mp; else q->q_first = mp;
      q->q_last = mp;
      if (mp->b_band) band_of(p, q, mp->b_band).count += qbytes(mp);
      else q->q_count += qbytes(mp);
    }
    mp = next;
  }
  for (Band& b : p.bands[side]) b.full = b.count >= b.hiwat;
  // A band writer that waited is back-enabled as flushq does for band 0.
  for (size_t i = 0; i < p.bands[side].size(); i++)
    if (p.bands[side][i].wantw) band_removed(w, p, q, unsigned(i + 1), 0);
  below_low(w, q);
}

void qenable(World& w, ks_queue_t* q) {
  Pair& p = pair_of(w, q, "qenable");
  int side = is_read(q) ? 0 : 1;
  if (!p.mod) {
    // The stream head's write side: writers wait on it.
    if (side == 1) head_wake_writers(w, state(w).streams[p.stream]);
    return;
  }
  if (!q->q_qinfo || !q->q_qinfo->qi_srvp) return;
  q->q_flag |= KS_QENAB;
  if (!p.srv_pending[side] && p.on) spawn_srv(w, q->q_ks_id, side == 0);
}

void noenable(ks_queue_t* q) { q->q_flag |= KS_QNOENB; }
void enableok(ks_queue_t* q) { q->q_flag &= ~KS_QNOENB; }

int canput(World& w, ks_queue_t* q) {
  pair_of(w, q, "canput");
  // The first queue from q on with a service procedure (or the end) judges.
  for (int guard = 0; q && guard < 64; guard++) {
    bool has_srv = !q->q_qinfo || q->q_qinfo->qi_srvp;
    if (has_srv || !q->q_next) break;
    q = q->q_next;
  }
  if (!q) return 1;
  if (q->q_flag & KS_QFULL) {
    q->q_flag |= KS_QWANTW;
    return 0;
  }
  return 1;
}

int canputnext(World& w, ks_queue_t* q) {
  pair_of(w, q, "canputnext");
  if (!q->q_next) return 1;
  return canput(w, q->q_next);
}

void putnext(World& w, ks_queue_t* q, ks_mblk_t* mp, const char* op) {
  Pair& p = pair_of(w, q, op);
  StrState& st = state(w);
  if (!p.on)
    w.misuse(std::string(op) + " from " + pair_name(p) + (is_read(q) ? "'s read" : "'s write") +
                 " queue after qprocsoff: its put and service procedures are off and the "
                 "queue is no longer in the stream",
             std::string("streams:putnext_after_qprocsoff:") + pair_name(p));
  w.sim().point(kEvPreempt, p.obj[is_read(q) ? 0 : 1]);
  ks_queue_t* nq = q->q_next;
  uint32_t si = p.stream;
  if (!nq) {
    // Past the end: the head's read side gets it, or the bottom of the
    // write side (nothing below the driver) frees it.
    if (is_read(q)) head_rput(w, st.streams[si], mp); else freemsg(w, mp, op);
    return;
  }
  // A pair in qprocsoff takes no new entries: messages flow around it.
  while (nq && st.pairs[nq->q_ks_id].draining) nq = nq->q_next;
  if (!nq) {
    if (is_read(q)) head_rput(w, st.streams[si], mp); else freemsg(w, mp, op);
    return;
  }
  uint32_t npi = nq->q_ks_id;
  Pair& np = st.pairs[npi];
  if (!np.mod) {
    head_rput(w, st.streams[si], mp);
    return;
  }
  deliver(w, nq, mp);
}

void put(World& w, ks_queue_t* q, ks_mblk_t* mp) {
  Pair& p = pair_of(w, q, "put");
  if (!p.mod) {
    if (is_read(q)) head_rput(w, state(w).streams[p.stream], mp); else freemsg(w, mp, "put");
    return;
  }
  deliver(w, q, mp);
}

void qreply(World& w, ks_queue_t* q, ks_mblk_t* mp) {
  pair_of(w, q, "qreply");
  putnext(w, other_q(q), mp, "qreply");
}

void qprocson(World& w, ks_queue_t* q) {
  Pair& p = pair_of(w, q, "qprocson");
  if (p.on) return;
  p.on = true;
  relink(w, state(w).streams[p.stream]);
  for (int i = 0; i < 2; i++)
    if ((p.q[i].q_flag & KS_QENAB) && !p.srv_pending[i]) spawn_srv(w, q->q_ks_id, i == 0);
}

void qprocsoff(World& w, ks_queue_t* q) {
  Pair& p0 = pair_of(w, q, "qprocsoff");
  uint32_t pi = q->q_ks_id;
  if (!p0.on || p0.draining) return;
  StrState& st = state(w);
  Stream& s = st.streams[p0.stream];
  // First no new service run, and wait until none of its procedures runs
  // (a procedure under way finishes normally, its putnext included); then
  // out of the stream: messages flow around the pair from now on.
  p0.draining = true;
  w.mutex_enter(s.lock);
  s.procs_waiters++;
  while (st.pairs[pi].running > 0) w.cv_wait(s.cv_procs, s.lock, false, 0);
  s.procs_waiters--;
  w.mutex_exit(s.lock);
  Pair& p = st.pairs[pi];
  p.draining = false;
  p.on = false;
  relink(w, s);
}

ks_queue_t* other_q(ks_queue_t* q) { return is_read(q) ? q + 1 : q - 1; }
ks_queue_t* rd_q(ks_queue_t* q) { return is_read(q) ? q : q - 1; }
ks_queue_t* wr_q(ks_queue_t* q) { return is_read(q) ? q + 1 : q; }

}  // namespace ks::km::str
