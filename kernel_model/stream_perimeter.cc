// Perimeters (SVR4 MT STREAMS as illumos's mt-streams(9F) defines them).
// Each perimeter is a readers-writer lock around a module's procedures:
// an inner one per queue, per queue pair or per module, and an outer one
// per module (D_MTOUTPERIM). Entry points take the inner one exclusive and
// the outer one shared, except: put procedures take the inner one shared
// under D_MTPUTSHARED; open and close take the outer one exclusive under
// D_MTOCEXCL. A put that cannot enter does not wait: it goes on the syncq
// and whichever thread leaves the perimeter next runs it (so a put from
// the holder's own thread further up is deferred too, order kept). Service,
// open and close procedures wait. qwriter upgrades the caller's shared hold
// to exclusive at once when it is alone inside; otherwise the callback goes
// on the syncq, nothing new enters that perimeter until it has run, and the
// last thread to leave runs it, after qwriter has returned.
#include <algorithm>
#include <string>

#include "kernel_model/callout.h"
#include "kernel_model/code_site.h"
#include "kernel_model/module_unload.h"
#include "kernel_model/race.h"
#include "kernel_model/stream_state.h"

namespace ks::km::str {

namespace {

Perim& P(World& w, uint32_t idx) { return state(w).perims[idx - 1]; }

// An entry goes on perimeter g's syncq: what its thread did before (the
// message it filled) comes before whichever thread runs it (illumos
// queues and takes syncq entries under the syncq's lock).
void defer(World& w, uint32_t g, const Deferred& d) {
  Perim& per = P(w, g);
  per.syncq.push_back(d);
  race_release(w, kRaceKeySyncq | per.key);
}

bool shares(const Perim& p, Tid t) {
  return std::find(p.shared.begin(), p.shared.end(), t) != p.shared.end();
}

// The hold an entry of `kind` wants at each of the pair's perimeters.
Mode inner_mode(const Pair& p, Entry kind) {
  if (kind == Entry::kPut && p.mod && p.mod->put_shared) return Mode::kShared;
  if (kind == Entry::kWriterOuter) return Mode::kNone;
  return Mode::kExcl;
}
Mode outer_mode(const Pair& p, Entry kind) {
  if (kind == Entry::kWriterOuter) return Mode::kExcl;
  if (kind == Entry::kOpenClose && p.mod && p.mod->oc_excl) return Mode::kExcl;
  return Mode::kShared;
}

// Can thread t take `m` at idx now? `nest`: an exclusive holder may enter
// again (a service, open or close procedure called inside its own hold);
// a put never nests (it is deferred, as a loop-around put is).
bool can_take(World& w, uint32_t idx, Mode m, Tid t, bool nest) {
  if (!idx || m == Mode::kNone) return true;
  const Perim& p = P(w, idx);
  if (p.owner) return nest && p.owner == t;
  if (m == Mode::kShared) return true;
  return p.shared.empty();
}

Mode take(World& w, uint32_t idx, Mode m, Tid t) {
  if (!idx || m == Mode::kNone) return Mode::kNone;
  Perim& p = P(w, idx);
  if (p.owner == t) {
    p.depth++;
    return Mode::kNested;
  }
  if (m == Mode::kShared) {
    p.shared.push_back(t);
    race_acquire(w, p.key);
  } else {
    p.owner = t;
    p.depth = 1;
    race_acquire(w, p.key);
    race_acquire(w, kRaceKeyRead | p.key);
  }
  return m;
}

// Gives up a hold; true when the perimeter may now admit what waits.
bool give(World& w, uint32_t idx, Mode m, Tid t) {
  if (!idx || m == Mode::kNone) return false;
  Perim& p = P(w, idx);
  if (m == Mode::kNested) {
    p.depth--;
    return false;
  }
  if (m == Mode::kShared) {
    auto it = std::find(p.shared.begin(), p.shared.end(), t);
    if (it != p.shared.end()) p.shared.erase(it);
    race_release(w, kRaceKeyRead | p.key);
    return p.shared.empty();
  }
  p.owner = 0;
  p.depth = 0;
  race_release(w, p.key);
  return true;
}

// The perimeter whose syncq holds the pair's deferred entries: the
// module's outer one if it has one, else the queue's inner one.
uint32_t group_of(const Pair& p, int side) { return p.outer ? p.outer : p.perim[side]; }

bool can_enter(World& w, const Pair& p, int side, Entry kind, Tid t, bool nest) {
  return can_take(w, p.outer, outer_mode(p, kind), t, nest) &&
         can_take(w, p.perim[side], inner_mode(p, kind), t, nest);
}

// A qwriter waits on one of the pair's perimeters: an entry now would pass it.
bool writer_pending(World& w, const Pair& p, int side) {
  return (p.perim[side] && P(w, p.perim[side]).writers_pending) ||
         (p.outer && P(w, p.outer).writers_pending);
}

// A put or service entry that cannot run now goes to the syncq: behind what
// waits there already (order kept), past a pending qwriter, or shut out.
bool must_defer(World& w, const Pair& p, int side, Entry kind, Tid t) {
  return !P(w, group_of(p, side)).syncq.empty() || writer_pending(w, p, side) ||
         !can_enter(w, p, side, kind, t, false);
}

Hold take_both(World& w, uint32_t pi, int side, Entry kind) {
  Pair& p = state(w).pairs[pi];
  Tid t = w.self_tid();
  Hold h;
  h.outer = take(w, p.outer, outer_mode(p, kind), t);
  h.inner = take(w, p.perim[side], inner_mode(p, kind), t);
  return h;
}

// Runs q's put procedure (inside q's perimeters, if any, already).
void run_put(World& w, ks_queue_t* q, ks_mblk_t* mp) {
  uint32_t pi = q->q_ks_id;
  enter_pair(w, pi);
  q->q_qinfo->qi_putp(q, mp);
  leave_pair(w, pi);
  qwait_exit(w, pi, is_read(q) ? 0 : 1);
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

void wake_waiters(World& w) {
  StrState& st = state(w);
  if (!st.perim_waiters) return;
  w.mutex_enter(st.perim_lock);
  w.cv_broadcast(st.perim_cv);
  w.mutex_exit(st.perim_lock);
}

// Runs what the syncq of perimeter g holds, in order, while its first
// entry can enter; the thread that holds what stops it runs the rest when
// it leaves. One drainer at a time (a put run here that leaves a
// perimeter finds the drain under way and leaves the rest to it).
void drain(World& w, uint32_t g) {
  if (!g) return;
  StrState& st = state(w);
  if (P(w, g).draining) return;
  P(w, g).draining = true;
  Tid t = w.self_tid();
  while (!P(w, g).syncq.empty()) {
    Deferred d = P(w, g).syncq.front();
    uint32_t pi = d.q->q_ks_id;
    int side = is_read(d.q) ? 0 : 1;
    Pair& p = st.pairs[pi];
    if (!p.freed && !can_enter(w, p, side, d.kind, t, false)) break;
    P(w, g).syncq.pop_front();
    race_acquire(w, kRaceKeySyncq | P(w, g).key);
    if (d.fn) {
      uint32_t wi = d.kind == Entry::kWriterOuter ? p.outer : p.perim[side];
      if (wi) P(w, wi).writers_pending--;
    }
    if (st.pairs[pi].freed) {
      if (d.mp) freemsg(w, d.mp, "syncq");
      continue;
    }
    uint32_t prev = current_stream(w);
    set_current_stream(w, st.pairs[pi].stream);
    Hold h = take_both(w, pi, side, d.kind);
    if (d.qcall) {
      QCall& c = st.qcalls[d.qcall - 1];
      if (!c.cancelled) {
        enter_pair(w, pi);
        c.fn(c.arg);
        st.qcalls[d.qcall - 1].done = true;
        leave_pair(w, pi);
        qwait_exit(w, pi, side);
      }
    } else if (d.fn) {
      enter_pair(w, pi);
      d.fn(d.q, d.mp);
      leave_pair(w, pi);
    } else if (!st.pairs[pi].on || st.pairs[pi].draining) {
      pass_around(w, d.q, d.mp);
    } else {
      run_put(w, d.q, d.mp);
    }
    Pair& after = st.pairs[pi];
    give(w, after.perim[side], h.inner, t);
    give(w, after.outer, h.outer, t);
    set_current_stream(w, prev);
  }
  P(w, g).draining = false;
  wake_waiters(w);
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
  uint32_t idx = new_perim(w, m->name + ":inner");
  if (m->perimeter == Perimeter::kModule) st.module_perims[m->name] = idx;
  return idx;
}

uint32_t outer_for(World& w, const StrModule* m) {
  if (!m || !m->outer) return 0;
  StrState& st = state(w);
  auto it = st.module_outers.find(m->name);
  if (it != st.module_outers.end()) return it->second;
  uint32_t idx = new_perim(w, m->name + ":outer");
  st.module_outers[m->name] = idx;
  return idx;
}

namespace {

// Made when first needed, qwait's wait on its first use, so executions
// without a qwait number their objects as before.
void perim_objects(World& w, StrState& st) {
  if (!st.perim_lock) {
    st.perim_lock = w.new_obj(kObjMutex, "sq_lock");
    st.perim_cv = w.new_obj(kObjCondvar, "sq_wait");
  }
}

}  // namespace

uint32_t new_perim(World& w, const std::string& name) {
  StrState& st = state(w);
  st.perims.emplace_back();
  st.perims.back().key = w.new_obj(kObjOther, w.sim().intern(name));
  perim_objects(w, st);
  return uint32_t(st.perims.size());
}

void deliver(World& w, ks_queue_t* q, ks_mblk_t* mp) {
  StrState& st = state(w);
  uint32_t pi = q->q_ks_id;
  Pair& p = st.pairs[pi];
  int side = is_read(q) ? 0 : 1;
  if (!p.outer && !p.perim[side]) {
    run_put(w, q, mp);
    return;
  }
  uint32_t g = group_of(p, side);
  Tid t = w.self_tid();
  if (must_defer(w, p, side, Entry::kPut, t)) {
    defer(w, g, Deferred{q, mp, nullptr, Entry::kPut});
    return;
  }
  Hold h = take_both(w, pi, side, Entry::kPut);
  run_put(w, q, mp);
  perim_exit(w, pi, side, h);
}

Hold perim_enter(World& w, uint32_t pi, int side, Entry kind) {
  StrState& st = state(w);
  Pair& p = st.pairs[pi];
  if (!p.outer && !p.perim[side]) return Hold{};
  Tid t = w.self_tid();
  uint32_t g = group_of(p, side);
  auto ready = [&] {
    Pair& q = st.pairs[pi];
    // Inside its own exclusive hold already: nested, nothing to wait for.
    if ((q.perim[side] && P(w, q.perim[side]).owner == t) || (q.outer && P(w, q.outer).owner == t))
      return can_enter(w, q, side, kind, t, true);
    return can_enter(w, q, side, kind, t, true) && P(w, g).syncq.empty() &&
           !writer_pending(w, q, side);
  };
  if (ready()) return take_both(w, pi, side, kind);
  w.mutex_enter(st.perim_lock);
  while (!ready()) {
    st.perim_waiters++;
    w.cv_wait(st.perim_cv, st.perim_lock, false, 0);
    st.perim_waiters--;
  }
  // Taken before sq_lock is let go: leaving it is a scheduling point.
  Hold h = take_both(w, pi, side, kind);
  w.mutex_exit(st.perim_lock);
  return h;
}

void perim_exit(World& w, uint32_t pi, int side, Hold h) {
  StrState& st = state(w);
  Pair& p = st.pairs[pi];
  Tid t = w.self_tid();
  bool freed_inner = give(w, p.perim[side], h.inner, t);
  bool freed_outer = give(w, p.outer, h.outer, t);
  if (freed_inner || freed_outer) drain(w, group_of(st.pairs[pi], side));
}

namespace {

bool has_perimeter(const Pair& p) { return p.outer || p.perim[0] || p.perim[1]; }

// The callout of a qtimeout/qbufcall: into the queue's perimeters now, or
// onto the syncq behind what waits there.
void qcall_fire(void* a) {
  World& w = *World::current();
  StrState& st = state(w);
  uint32_t ci = uint32_t(reinterpret_cast<uintptr_t>(a));
  if (st.qcalls[ci - 1].cancelled) return;
  ks_queue_t* q = st.qcalls[ci - 1].q;
  uint32_t pi = st.qcalls[ci - 1].pair;
  Pair& p = st.pairs[pi];
  if (p.freed) {
    // Its module closed without cancelling it. On illumos the callback
    // then runs on the freed queue (and whatever its argument pointed to):
    // what it did here followed the host's heap, so one repro faulted in
    // one way in one process and another way in the next. The bug is the
    // close's, and is reported as it fires.
    const std::string mod = p.mod ? p.mod->name : "strhead";
    const CodeSite at = code_site(reinterpret_cast<uintptr_t>(st.qcalls[ci - 1].fn) + 1);
    w.fail(sim::FailureKind::kMemory,
           "a qtimeout/qbufcall callback of " + mod + " (" + at.func + ", " + at.line +
               ") fired after its stream closed: close(9E) did not quntimeout/qunbufcall "
               "it, and it would run on the freed queue",
           "streams:qcall_after_close:" + mod);
  }
  int side = is_read(q) ? 0 : 1;
  uint32_t g = group_of(p, side);
  Tid t = w.self_tid();
  if (must_defer(w, p, side, Entry::kSrv, t)) {
    Deferred d{q, nullptr, nullptr, Entry::kSrv};
    d.qcall = ci;
    defer(w, g, d);
    return;
  }
  set_current_stream(w, p.stream);
  Hold h = take_both(w, pi, side, Entry::kSrv);
  enter_pair(w, pi);
  st.qcalls[ci - 1].fn(st.qcalls[ci - 1].arg);
  st.qcalls[ci - 1].done = true;
  leave_pair(w, pi);
  qwait_exit(w, pi, side);
  perim_exit(w, pi, side, h);
}

// A scripted unload asks what a qtimeout/qbufcall callout will run: the
// module's callback until cancelled or run.
const void* qcall_code(void* a) {
  World* w = World::current();
  uint32_t ci = uint32_t(reinterpret_cast<uintptr_t>(a));
  if (!w || ci == 0 || ci > state(*w).qcalls.size()) return nullptr;
  const QCall& c = state(*w).qcalls[ci - 1];
  return c.cancelled || c.done ? nullptr : reinterpret_cast<const void*>(c.fn);
}
[[maybe_unused]] const bool qcall_code_registered =
    (register_driver_code(qcall_fire, qcall_code), true);

uint32_t new_qcall(World& w, ks_queue_t* q, void (*fn)(void*), void* arg) {
  StrState& st = state(w);
  st.qcalls.push_back(QCall{q, q->q_ks_id, fn, arg});
  return uint32_t(st.qcalls.size());
}

QCall* find_qcall(World& w, uint64_t id) {
  StrState& st = state(w);
  for (auto it = st.qcalls.rbegin(); it != st.qcalls.rend(); ++it)
    if (it->callout == id) return &*it;
  return nullptr;
}

}  // namespace

uint64_t qtimeout(World& w, ks_queue_t* q, void (*fn)(void*), void* arg, uint64_t deadline_ns) {
  Pair& p = pair_of(w, q, "qtimeout");
  if (!has_perimeter(p)) return callout_timeout(w, fn, arg, deadline_ns, "qtimeout");
  uint32_t ci = new_qcall(w, q, fn, arg);
  uint64_t id = callout_timeout(w, qcall_fire, reinterpret_cast<void*>(uintptr_t(ci)),
                                deadline_ns, "qtimeout");
  state(w).qcalls[ci - 1].callout = id;
  return id;
}

int64_t quntimeout(World& w, ks_queue_t* q, uint64_t id) {
  pair_of(w, q, "quntimeout");
  QCall* c = id ? find_qcall(w, id) : nullptr;
  if (!c) return id ? callout_untimeout_ns(w, id) : -1;
  if (int64_t left = callout_untimeout_ns(w, id); left >= 0) {
    c->cancelled = true;
    return left;
  }
  // Fired: waiting on the syncq (taken off it), or it ran.
  c = find_qcall(w, id);
  if (c->done) return -1;
  c->cancelled = true;
  return 0;
}

uint64_t qbufcall(World& w, ks_queue_t* q, size_t size, void (*fn)(void*), void* arg) {
  Pair& p = pair_of(w, q, "qbufcall");
  if (!has_perimeter(p)) return bufcall(w, size, fn, arg);
  uint32_t ci = new_qcall(w, q, fn, arg);
  uint64_t id = bufcall(w, size, qcall_fire, reinterpret_cast<void*>(uintptr_t(ci)));
  state(w).qcalls[ci - 1].callout = id;
  return id;
}

void qunbufcall(World& w, ks_queue_t* q, uint64_t id) {
  pair_of(w, q, "qunbufcall");
  QCall* c = id ? find_qcall(w, id) : nullptr;
  if (c) c->cancelled = true;
  unbufcall(w, id);
}

void qwriter(World& w, ks_queue_t* q, ks_mblk_t* mp, void (*fn)(ks_queue_t*, ks_mblk_t*),
             bool outer) {
  Pair& p = pair_of(w, q, "qwriter");
  int side = is_read(q) ? 0 : 1;
  const char* which = outer ? "PERIM_OUTER" : "PERIM_INNER";
  std::string mod = p.mod ? p.mod->name : "strhead";
  uint32_t idx = outer ? p.outer : p.perim[side];
  if (!idx)
    w.misuse(std::string("qwriter(") + which + ") from " + mod + ", which has no " +
                 (outer ? "outer perimeter (D_MTOUTPERIM)" : "inner perimeter (D_MTPERQ ...)"),
             std::string("streams:qwriter_no_perimeter:") + mod);
  Tid t = w.self_tid();
  Perim& per = P(w, idx);
  if (per.owner == t) {  // exclusive already
    fn(q, mp);
    return;
  }
  if (!shares(per, t))
    w.misuse(std::string("qwriter(") + which + ") from " + mod +
                 " outside its perimeter: only a procedure running inside it may upgrade",
             std::string("streams:qwriter_outside:") + mod);
  if (per.shared.size() == 1 && !per.writers_pending) {
    // Alone inside: the upgrade is immediate and fn runs before qwriter
    // returns; then back to the caller's shared hold.
    give(w, idx, Mode::kShared, t);
    take(w, idx, Mode::kExcl, t);
    fn(q, mp);
    give(w, idx, Mode::kExcl, t);
    take(w, idx, Mode::kShared, t);
    return;
  }
  per.writers_pending++;
  defer(w, group_of(p, side),
        Deferred{q, mp, fn, outer ? Entry::kWriterOuter : Entry::kWriterInner});
}

// qwait(9F) and qwait_sig(9F), as illumos's stream.c has them (read):
// the caller's hold of the inner and outer perimeters is given up; a syncq
// with deferred work is run by the caller itself, which then enters again
// and returns without sleeping; otherwise it sleeps on a wait of its own
// (sq_exitwait, so the perimeters' other waiters do not wake it) until a
// thread leaves a put or service procedure of that syncq, or a
// qtimeout/qbufcall callback ran there (qwait(9F)). Any such exit ends the
// wait, whatever it brought. qwait_sig's sleep is interruptible: 0 then.
namespace {

// The flag a qwait on the pair's queue `side` sleeps on: its inner
// perimeter's (the syncq illumos keys the sleep on), or the pair's when it
// has none (a D_MP module's one syncq for both queues).
bool& exwakeup(World& w, Pair& p, int side) {
  return p.perim[side] ? P(w, p.perim[side]).want_exwakeup : p.want_exwakeup;
}

}  // namespace

void qwait_exit(World& w, uint32_t pi, int side) {
  StrState& st = state(w);
  if (!st.qwaiters) return;
  bool& want = exwakeup(w, st.pairs[pi], side);
  if (!want) return;
  want = false;
  w.mutex_enter(st.perim_lock);
  w.cv_broadcast(st.qwait_cv);
  w.mutex_exit(st.perim_lock);
}

int qwait(World& w, ks_queue_t* q, bool sig) {
  std::string op = sig ? "qwait_sig" : "qwait";
  Pair& p = pair_of(w, q, op.c_str());
  uint32_t pi = q->q_ks_id;
  int side = is_read(q) ? 0 : 1;
  Tid t = w.self_tid();
  std::string mod = p.mod ? p.mod->name : "strhead";
  // qwait(9F): for open and close routines only (a put or service
  // procedure may not sleep, and has no open/close hold to give up).
  if (p.oc_tid != t)
    w.misuse(op + "(9F) from " + mod +
                 " outside its open or close routine: only they may wait for the "
                 "module's put and service procedures",
             "streams:qwait_outside_open_close:" + mod);
  // illumos leaves the syncq of the queue passed in: open and close entered
  // the read queue's, which a D_MTPERQ write queue does not share.
  if (p.perim[side] != p.perim[0])
    w.misuse(op + "(9F) on " + mod +
                 "'s write queue, whose perimeter (D_MTPERQ) its open/close did not "
                 "enter: pass the queue being opened or closed",
             "streams:qwait_wrong_queue:" + mod);
  // stream.c: with only an outer perimeter qwait does not work, its
  // semantics are undefined.
  if (p.outer && !p.perim[0])
    w.misuse(op + "(9F) from " + mod +
                 ", which has an outer perimeter but no inner one: illumos leaves qwait "
                 "undefined there",
             "streams:qwait_outer_only:" + mod);
  // illumos enters the outer perimeter for open and close only under
  // D_MTOCEXCL (without it they are concurrent there), and qwait leaves it
  // as its writer: stream.c asserts the caller holds it so.
  if (p.outer && !(p.mod && p.mod->oc_excl))
    w.misuse(op + "(9F) from " + mod +
                 ", whose open and close do not hold its outer perimeter (no "
                 "D_MTOCEXCL): qwait leaves the outer perimeter as its holder",
             "streams:qwait_outer_not_held:" + mod);
  StrState& st = state(w);
  perim_objects(w, st);
  if (!st.qwait_cv) st.qwait_cv = w.new_obj(kObjCondvar, "sq_exitwait");
  Hold h = p.oc_hold;
  p.oc_hold = Hold{};
  give(w, p.perim[0], h.inner, t);
  give(w, p.outer, h.outer, t);
  uint32_t g = group_of(p, 0);
  int rc = 0;
  if (g && !P(w, g).syncq.empty()) {
    drain(w, g);  // wakes the perimeters' waiters when done
  } else {
    // Flagged before the first scheduling point: an exit from here on
    // clears it and wakes this thread, none is lost.
    st.qwaiters++;
    exwakeup(w, p, side) = true;
    w.mutex_enter(st.perim_lock);
    if (st.perim_waiters) w.cv_broadcast(st.perim_cv);
    while (rc == 0 && exwakeup(w, st.pairs[pi], side))
      rc = w.cv_wait(st.qwait_cv, st.perim_lock, sig, 0);
    w.mutex_exit(st.perim_lock);
    st.qwaiters--;
  }
  Hold again = perim_enter(w, pi, 0, Entry::kOpenClose);
  st.pairs[pi].oc_hold = again;
  return rc ? 0 : 1;
}

}  // namespace ks::km::str
