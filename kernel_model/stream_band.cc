// STREAMS priority bands and direct queue access: bcanput/bcanputnext,
// flushband, insq/rmvq, qsize, backq, and freezestr/unfreezestr, as
// illumos's stream.c and strsubr.c have them (read: putq/putbq/insq band
// placement, per-band counts and marks, bcanput's "no such band yet: 1",
// rmvq/insq taking the queue lock themselves when the caller did not
// freeze the stream).
#include <string>

#include "kernel_model/stream_state.h"

namespace ks::km::str {

namespace {

const char* mod_name(const Pair& p) { return p.mod ? p.mod->name.c_str() : "strhead"; }

int side_of(const ks_queue_t* q) { return is_read(q) ? 0 : 1; }

bool on_queue(const ks_queue_t* q, const ks_mblk_t* mp) {
  for (const ks_mblk_t* x = q->q_first; x; x = x->b_next)
    if (x == mp) return true;
  return false;
}

// The queue canput/bcanput judge from q on: the first with a service
// procedure, or the last (the stream head counts as having one).
ks_queue_t* nfsrv(ks_queue_t* q) {
  for (int guard = 0; q && guard < 64; guard++) {
    bool has_srv = !q->q_qinfo || q->q_qinfo->qi_srvp;
    if (has_srv || !q->q_next) break;
    q = q->q_next;
  }
  return q;
}

}  // namespace

void thaw_wait_slow(World& w, Stream& s) {
  // As a thread waits for a QLOCK the freezer holds.
  w.mutex_enter(s.freeze_lock);
  w.mutex_exit(s.freeze_lock);
}

Band& band_of(Pair& p, ks_queue_t* q, unsigned b) {
  auto& v = p.bands[side_of(q)];
  while (v.size() < b) {
    v.emplace_back();
    v.back().hiwat = q->q_hiwat;
    v.back().lowat = q->q_lowat;
  }
  return v[b - 1];
}

void band_added(Pair& p, ks_queue_t* q, ks_mblk_t* mp, size_t bytes) {
  Band& b = band_of(p, q, mp->b_band);
  b.count += bytes;
  if (b.count >= b.hiwat) b.full = true;
}

void band_removed(World& w, Pair& p, ks_queue_t* q, unsigned band, size_t bytes) {
  Band& b = band_of(p, q, band);
  b.count -= bytes;
  // illumos: the band is no longer full below its high mark; a writer
  // that found it full is back-enabled below its low mark (or a low mark
  // of 0).
  if (b.count < b.hiwat) b.full = false;
  if (b.wantw && (b.lowat == 0 || b.count < b.lowat)) {
    b.wantw = false;
    if (ks_queue_t* back = find_srv_upstream(w, q)) qenable(w, back);
  }
}

int bcanput(World& w, ks_queue_t* q, unsigned band) {
  if (!q) return 0;
  pair_of(w, q, "bcanput");
  if (band == 0) return canput(w, q);
  q = nfsrv(q);
  Pair& p = state(w).pairs[q->q_ks_id];
  auto& v = p.bands[side_of(q)];
  if (band > v.size()) return 1;  // no such band yet
  Band& b = v[band - 1];
  if (b.full) {
    b.wantw = true;
    return 0;
  }
  return 1;
}

int bcanputnext(World& w, ks_queue_t* q, unsigned band) {
  pair_of(w, q, "bcanputnext");
  if (!q->q_next) return 1;
  return bcanput(w, q->q_next, band);
}

void flushband(World& w, ks_queue_t* q, unsigned band, bool all) {
  Pair& p = pair_of(w, q, "flushband");
  thaw_wait(w, p);
  qlock_hb(w, p, q);
  int side = side_of(q);
  if (band > p.bands[side].size()) return;
  auto flushes = [all](const ks_mblk_t* mp) {
    unsigned char t = mp->b_datap->db_type;
    return all || t == KS_M_DATA || t == KS_M_PROTO || t == KS_M_PCPROTO;
  };
  ks_mblk_t* freed = nullptr;
  size_t bytes = 0;
  for (ks_mblk_t* mp = q->q_first; mp;) {
    ks_mblk_t* next = mp->b_next;
    // Band 0 is every message without a band, high priority included.
    if (mp->b_band == band && flushes(mp)) {
      if (mp->b_prev) mp->b_prev->b_next = next; else q->q_first = next;
      if (next) next->b_prev = mp->b_prev; else q->q_last = mp->b_prev;
      mp->b_prev = nullptr;
      mp->b_next = freed;
      mp->b_queue = nullptr;
      freed = mp;
      bytes += msgsize(mp);
    }
    mp = next;
  }
  if (band == 0) {
    q->q_count -= bytes;
    below_low(w, q);
  } else {
    band_removed(w, p, q, band, bytes);
  }
  while (freed) {
    ks_mblk_t* next = freed->b_next;
    freed->b_next = nullptr;
    freemsg(w, freed, "flushband");
    freed = next;
  }
}

int insq(World& w, ks_queue_t* q, ks_mblk_t* emp, ks_mblk_t* mp) {
  Pair& p = pair_of(w, q, "insq");
  w.sim().point(kEvPreempt, p.obj[side_of(q)]);
  thaw_wait(w, p);
  qlock_hb(w, p, q);
  if (emp && !on_queue(q, emp))
    w.misuse(std::string("insq before a message that is not on ") + mod_name(p) +
                 "'s queue (taken off it, or never on it): illumos links the new message "
                 "into whatever list that message is on now",
             std::string("streams:insq_not_queued:") + mod_name(p));
  bool hp = mp->b_datap->db_type >= KS_QPCTL;
  if (hp) mp->b_band = 0;
  // The order illumos insq keeps: high priority first, then bands from
  // the highest down; out of order is refused with a warning.
  ks_mblk_t* before = emp ? emp->b_prev : q->q_last;
  bool before_ordinary = before && before->b_datap->db_type < KS_QPCTL;
  bool bad = false;
  if (hp && emp && before_ordinary) bad = true;
  if (!hp && emp && mp->b_band < emp->b_band) bad = true;
  if (emp && before_ordinary && before->b_band < mp->b_band) bad = true;
  if (!emp && !hp && before && mp->b_band > before->b_band) bad = true;
  if (bad) {
    w.log(std::string("WARNING: insq: attempt to insert message out of order on q of ") +
          mod_name(p));
    return 0;
  }
  link_before(q, emp, mp);
  mp->b_queue = q;
  size_t n = msgsize(mp);
  if (mp->b_band) {
    band_added(p, q, mp, n);
  } else {
    q->q_count += n;
    if (q->q_count >= q->q_hiwat) q->q_flag |= KS_QFULL;
  }
  if ((q->q_flag & KS_QWANTR) && !(q->q_flag & KS_QNOENB)) qenable(w, q);
  return 1;
}

void rmvq(World& w, ks_queue_t* q, ks_mblk_t* mp) {
  Pair& p = pair_of(w, q, "rmvq");
  w.sim().point(kEvPreempt, p.obj[side_of(q)]);
  thaw_wait(w, p);
  qlock_hb(w, p, q);
  // illumos unlinks through mp's own b_prev/b_next: one already taken off
  // (getq, another rmvq) would make the queue lose every message after it
  // or link freed ones back in. Without freezestr a service procedure's
  // getq may take it between the caller's look at q_first and this call.
  if (!mp || !on_queue(q, mp))
    w.misuse(std::string("rmvq of a message that is not on ") + mod_name(p) +
                 "'s queue (another thread's getq or rmvq took it: freezestr(9F) keeps "
                 "the queue still while the caller walks it)",
             std::string("streams:rmvq_not_queued:") + mod_name(p));
  if (mp->b_prev) mp->b_prev->b_next = mp->b_next; else q->q_first = mp->b_next;
  if (mp->b_next) mp->b_next->b_prev = mp->b_prev; else q->q_last = mp->b_prev;
  mp->b_next = mp->b_prev = nullptr;
  mp->b_queue = nullptr;
  size_t n = msgsize(mp);
  if (mp->b_band) {
    band_removed(w, p, q, mp->b_band, n);
  } else {
    q->q_count -= n;
    below_low(w, q);
  }
}

int qsize(World& w, ks_queue_t* q) {
  Pair& p = pair_of(w, q, "qsize");
  thaw_wait(w, p);
  qlock_hb(w, p, q);
  int n = 0;
  for (ks_mblk_t* x = q->q_first; x; x = x->b_next) n++;
  return n;
}

ks_queue_t* backq(World& w, ks_queue_t* q) {
  pair_of(w, q, "backq");
  ks_queue_t* o = other_q(q);
  return o->q_next ? other_q(o->q_next) : nullptr;
}

// illumos strsubr.c: freezestr takes every queue lock of the stream (and
// blocks new entries to its procedures, not modelled: the queue locks are
// what insq/rmvq callers rely on); the freezer's own putq/getq go on. A
// second freezestr by the same thread asserts (DEBUG) or deadlocks on a
// queue lock it holds.
void freezestr(World& w, ks_queue_t* q) {
  Pair& p = pair_of(w, q, "freezestr");
  Stream& s = state(w).streams[p.stream];
  if (s.freezer == w.self_tid())
    w.misuse(std::string("freezestr by ") + mod_name(p) +
                 " on a stream this thread froze already (illumos: a deadlock on its own "
                 "queue lock)",
             std::string("streams:freezestr_twice:") + mod_name(p));
  if (!s.freeze_lock) s.freeze_lock = w.new_obj(kObjMutex, "sd_freeze");
  w.mutex_enter(s.freeze_lock);
  s.freezer = w.self_tid();
}

void unfreezestr(World& w, ks_queue_t* q) {
  Pair& p = pair_of(w, q, "unfreezestr");
  Stream& s = state(w).streams[p.stream];
  if (s.freezer != w.self_tid())
    w.misuse(std::string("unfreezestr by ") + mod_name(p) +
                 (s.freezer ? " on a stream another thread froze"
                            : " on a stream that is not frozen"),
             std::string("streams:unfreezestr_not_frozen:") + mod_name(p));
  s.freezer = 0;
  w.mutex_exit(s.freeze_lock);
}

}  // namespace ks::km::str
