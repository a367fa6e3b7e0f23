// Inner perimeters (SVR4 MT STREAMS as illumos defines them): a module
// declared single-threaded per queue, per queue pair or per module has its
// put, service, open and close procedures run one at a time within that
// scope. A put that finds the perimeter held (by another thread, or by
// its own thread further up the stack) does not wait: the message goes on
// the perimeter's syncq and the holder runs it before it leaves. Service,
// open and close procedures wait for the perimeter (they may sleep).
#include "kernel_model/stream_state.h"

namespace ks::km::str {

namespace {

Perim& P(World& w, uint32_t idx) { return state(w).perims[idx - 1]; }

// Runs q's put procedure (inside the perimeter, if any, already).
void run_put(World& w, ks_queue_t* q, ks_mblk_t* mp) {
  uint32_t pi = q->q_ks_id;
  enter_pair(w, pi);
  q->q_qinfo->qi_putp(q, mp);
  leave_pair(w, pi);
}

// A deferred message whose queue left the stream meanwhile goes on past
// it, as putnext would have sent it had it come a moment later.
void pass_around(World& w, ks_queue_t* q, ks_mblk_t* mp) {
  StrState& st = state(w);
  Pair& p = st.pairs[q->q_ks_id];
  Stream& s = st.streams[p.stream];
  ks_queue_t* nq = q->q_next;
  while (nq && !st.pairs[nq->q_ks_id].on) nq = nq->q_next;
  if (!nq || !st.pairs[nq->q_ks_id].mod) {
    if (is_read(q)) head_rput(w, s, mp); else freemsg(w, mp, "syncq");
    return;
  }
  deliver(w, nq, mp);
}

}  // namespace

uint32_t perim_for(World& w, const StrModule* m, uint32_t pair, int side) {
  if (!m || m->perimeter == Perimeter::kNone) return 0;
  StrState& st = state(w);
  if (m->perimeter == Perimeter::kModule) {
    auto it = st.module_perims.find(m->name);
    if (it != st.module_perims.end()) return it->second;
  } else if (m->perimeter == Perimeter::kPair && side == 1) {
    return st.pairs[pair].perim[0];
  }
  st.perims.emplace_back();
  uint32_t idx = uint32_t(st.perims.size());
  if (m->perimeter == Perimeter::kModule) st.module_perims[m->name] = idx;
  if (!st.perim_lock) {
    st.perim_lock = w.new_obj(kObjMutex, "sq_lock");
    st.perim_cv = w.new_obj(kObjCondvar, "sq_wait");
  }
  return idx;
}

void deliver(World& w, ks_queue_t* q, ks_mblk_t* mp) {
  StrState& st = state(w);
  Pair& p = st.pairs[q->q_ks_id];
  uint32_t idx = p.perim[is_read(q) ? 0 : 1];
  if (!idx) {
    run_put(w, q, mp);
    return;
  }
  Perim& per = P(w, idx);
  if (per.owner) {
    per.syncq.emplace_back(q, mp);
    return;
  }
  per.owner = w.self_tid();
  per.depth = 1;
  run_put(w, q, mp);
  perim_exit(w, idx);
}

void perim_enter(World& w, uint32_t idx) {
  if (!idx) return;
  StrState& st = state(w);
  Perim& per = P(w, idx);
  if (per.owner == w.self_tid()) {
    per.depth++;
    return;
  }
  w.mutex_enter(st.perim_lock);
  while (P(w, idx).owner) {
    st.perim_waiters++;
    w.cv_wait(st.perim_cv, st.perim_lock, false, 0);
    st.perim_waiters--;
  }
  Perim& held = P(w, idx);
  held.owner = w.self_tid();
  held.depth = 1;
  w.mutex_exit(st.perim_lock);
}

void perim_exit(World& w, uint32_t idx) {
  if (!idx) return;
  StrState& st = state(w);
  if (--P(w, idx).depth > 0) return;
  // The syncq first, still inside: what others left for this perimeter.
  while (!P(w, idx).syncq.empty()) {
    auto [q, mp] = P(w, idx).syncq.front();
    P(w, idx).syncq.pop_front();
    Pair& p = st.pairs[q->q_ks_id];
    P(w, idx).depth = 1;
    if (p.freed) freemsg(w, mp, "syncq");
    else if (!p.on || p.draining) pass_around(w, q, mp);
    else run_put(w, q, mp);
    P(w, idx).depth = 0;
  }
  P(w, idx).owner = 0;
  if (st.perim_waiters) {
    w.mutex_enter(st.perim_lock);
    w.cv_broadcast(st.perim_cv);
    w.mutex_exit(st.perim_lock);
  }
}

}  // namespace ks::km::str
