#include "sim/strategies/dfs.h"

#include <algorithm>

namespace ks::sim {

// ---- DPOR's dependency relation ----
//
// Two events are DEPENDENT when they are made on the same kernel object
// (same non-zero ObjId): every operation the kernel model exposes on an
// object either changes it (mutex enter/exit/tryenter, cv wait/signal/
// broadcast, rw and sema operations, taskq dispatch, kmem free, copyout,
// munmap, block and wake on it) or reads state that one of those changes
// (a failed tryenter, a copyin, a cv_signal that finds no waiter), and an
// event does not say which of the two it was, so we do not split reads from
// writes: same object, always dependent. A wake is an event on the object
// the woken thread sleeps on, made by the waker, and it orders the waker
// before the woken thread (happens-before).
//
// Two events are INDEPENDENT when they touch different objects, or when
// either has no object (ObjId 0: thread start and exit, KS_PREEMPT points,
// data choices, syscall entry/exit bookkeeping): those change no state
// another thread can observe through the kernel model. Driver memory that
// is not a kernel object (a plain flag) is protected by the locks around
// it in correct code, and is visible to DPOR only through those locks:
// a racy unlocked access is the data-race detector's business, not this
// search's.
//
// The clock pseudo-thread (timers firing, their callbacks running inside
// whichever thread is current) is treated as dependent with everything:
// wherever the clock may fire, firing it is always tried. Events with no
// thread (tid 0, the host) update clocks but never start a race.

namespace {

bool contains(const std::vector<uint32_t>& v, uint32_t x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

void join(std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
  if (a.size() < b.size()) a.resize(b.size(), 0);
  for (size_t i = 0; i < b.size(); i++) a[i] = std::max(a[i], b[i]);
}

}  // namespace

DfsStrategy::DfsStrategy(DfsOptions o) : opts_(std::move(o)) {
  st_.bound = opts_.iterative ? 0 : opts_.max_bound;
  if (opts_.restricted) {
    queue_prefixes();
    if (!next_root()) st_.exhausted = true;  // no prefix fits the bound
  }
}

// A restricted search's roots at the bound starting now: the subtrees the
// last bound queued (plain DFS), then each prefix whose preemptions this
// bound is the first to pay for (DPOR, or a single bound: every prefix that
// fits, searched afresh as DPOR searches afresh from the root). They run in
// that order (roots are taken from the back).
void DfsStrategy::queue_prefixes() {
  std::vector<std::vector<Decision>> r(st_.next_roots.begin(), st_.next_roots.end());
  std::vector<std::vector<std::vector<uint32_t>>> done(r.size());
  st_.next_roots.clear();
  bool fresh = opts_.dpor || !opts_.iterative;
  for (const DfsPrefix& p : opts_.prefixes)
    if (fresh ? p.preemptions <= st_.bound : p.preemptions == st_.bound) {
      r.push_back(p.decisions);
      done.push_back(p.siblings_done);
    }
  st_.roots.assign(r.rbegin(), r.rend());
  root_done_.assign(done.rbegin(), done.rend());
}

// Restricted DPOR: a prefix decision met for the first time gets the sleep set
// one search would give it, and its siblings searched under other prefixes
// before it as explored; if its own pick sleeps, its whole subtree repeats
// orders run under an earlier sibling.
void DfsStrategy::enter_prefix_node(size_t i, DfsNode& n) {
  if (n.kind != 0) return;
  inherit_sleep(n);
  if (i < cur_root_done_.size())
    for (uint32_t a : cur_root_done_[i])
      if (a != n.chosen && contains(n.options, a) && !contains(n.done, a)) n.done.push_back(a);
  if (contains(n.sleep, n.chosen)) prefix_asleep_ = sleep_blocked_ = true;
}

void DfsStrategy::begin(uint64_t, const SchedView& view) {
  view_ = &view;
  pos_ = 0;
  divergence_.clear();
  sleep_blocked_ = false;
  blocked_at_ = SIZE_MAX;
  prefix_asleep_ = false;
  last_thread_node_ = SIZE_MAX;
  ran_since_.clear();
  touched_since_.clear();
  nevents_ = 0;
  tclock_.clear();
  oclock_.clear();
}

// The pick for a decision met for the first time: carry on with the current
// thread (no preemption), else the lowest thread id, the clock last; with
// DPOR, skip sleeping threads (an order already covered) and anything the
// bound cannot pay for.
uint32_t DfsStrategy::decide_new(DfsNode& n) {
  auto ok = [&](uint32_t a) {
    return n.pre + cost(n, a) <= st_.bound && !(opts_.dpor && contains(n.sleep, a));
  };
  if (n.kind != 0) return 0;
  if (n.cur_runnable && n.cur != 0 && ok(n.cur)) return n.cur;
  for (uint32_t a : n.options)
    if (a != kClockTid && ok(a)) return a;
  if (n.options[0] == kClockTid && ok(kClockTid)) return kClockTid;
  // Every affordable option sleeps: this execution only repeats orders
  // already run. It must still finish (a World cannot be abandoned from
  // here); it is counted as redundant.
  sleep_blocked_ = true;
  if (n.cur_runnable && n.cur != 0) return n.cur;
  return n.options[0] == kClockTid && n.options.size() > 1 ? n.options[1] : n.options[0];
}

// A thread decision was taken at node i: the DPOR footprint restarts.
void DfsStrategy::enter_node(size_t i) {
  last_thread_node_ = i;
  ran_since_.clear();
  touched_since_.clear();
}

// Does sleeping thread q stay asleep across what ran since the last thread
// decision? Only if it did not run, and its next operation is known and
// touches no object touched since (or no object at all).
bool DfsStrategy::independent_of_footprint(Tid q) const {
  if (q == kClockTid) return false;
  if (std::find(ran_since_.begin(), ran_since_.end(), q) != ran_since_.end()) return false;
  uint16_t kind = 0;
  ObjId obj = 0;
  if (!view_->pending_op(q, &kind, &obj)) return false;
  return obj == 0 ||
         std::find(touched_since_.begin(), touched_since_.end(), obj) == touched_since_.end();
}

// Sleep set: the sleepers at the last thread decision and the siblings
// already explored there, minus whoever what ran since may affect.
void DfsStrategy::inherit_sleep(DfsNode& n) const {
  if (last_thread_node_ == SIZE_MAX) return;
  const DfsNode& l = st_.path[last_thread_node_];
  for (const auto* set : {&l.sleep, &l.done})
    for (uint32_t q : *set)
      if (q != l.chosen && !contains(n.sleep, q) && independent_of_footprint(q))
        n.sleep.push_back(q);
}

Tid DfsStrategy::pick(const PickContext& c) {
  size_t i = pos_++;
  if (i < st_.path.size()) {
    DfsNode& n = st_.path[i];
    bool fresh = n.options.empty();  // a queued root's node, seen for the first time
    if (fresh) {
      n.options.assign(c.runnable.begin(), c.runnable.end());
      n.cur = c.current;
      n.cur_runnable = c.current_runnable;
      n.pre = i ? st_.path[i - 1].pre + cost(st_.path[i - 1], st_.path[i - 1].chosen) : 0;
    }
    if (n.kind != 0 || !std::equal(c.runnable.begin(), c.runnable.end(), n.options.begin(),
                                   n.options.end()) ||
        !contains(n.options, n.chosen)) {
      divergence_ = "dfs: the execution is not deterministic: decision " + std::to_string(i) +
                    " at step " + std::to_string(c.step) +
                    " does not offer the threads it offered before";
      return UINT32_MAX;
    }
    if (fresh && opts_.dpor && n.fixed) enter_prefix_node(i, n);
    if (opts_.dpor) enter_node(i);
    return n.chosen;
  }
  DfsNode n;
  n.options.assign(c.runnable.begin(), c.runnable.end());
  n.cur = c.current;
  n.cur_runnable = c.current_runnable;
  n.pre = i ? st_.path[i - 1].pre + cost(st_.path[i - 1], st_.path[i - 1].chosen) : 0;
  if (opts_.dpor) inherit_sleep(n);
  n.chosen = decide_new(n);
  if (sleep_blocked_ && blocked_at_ == SIZE_MAX) blocked_at_ = i;
  bool below_depth = opts_.branch_depth && i >= opts_.branch_depth;
  if (opts_.dpor) {
    n.todo.push_back(n.chosen);
    if (n.options[0] == kClockTid && n.chosen != kClockTid && !below_depth)
      n.todo.push_back(kClockTid);
  } else if (below_depth) {
    n.todo.push_back(n.chosen);  // below branch_depth: the default pick only
  } else {
    n.todo = n.options;
  }
  Tid t = n.chosen;
  st_.path.push_back(std::move(n));
  if (opts_.dpor) enter_node(i);
  return t;
}

uint32_t DfsStrategy::choose(uint32_t n, ChoiceKind kind) {
  size_t i = pos_++;
  if (i < st_.path.size()) {
    DfsNode& d = st_.path[i];
    if (d.options.empty()) {
      for (uint32_t v = 0; v < n; v++) d.options.push_back(v);
      d.pre = i ? st_.path[i - 1].pre + cost(st_.path[i - 1], st_.path[i - 1].chosen) : 0;
    }
    if (d.kind != static_cast<uint8_t>(kind) || d.options.size() != n) {
      divergence_ = "dfs: the execution is not deterministic: decision " + std::to_string(i) +
                    " is not the data choice it was before";
      return UINT32_MAX;
    }
    return d.chosen;
  }
  DfsNode d;
  d.kind = static_cast<uint8_t>(kind);
  for (uint32_t v = 0; v < n; v++) d.options.push_back(v);
  d.todo = d.options;  // data choices are never reduced: every value is tried
  if (opts_.branch_depth && i >= opts_.branch_depth) d.todo = {0};
  d.pre = i ? st_.path[i - 1].pre + cost(st_.path[i - 1], st_.path[i - 1].chosen) : 0;
  d.chosen = 0;
  st_.path.push_back(std::move(d));
  return 0;
}

// A thread starts after what its creator did; one the host makes (the
// set-up, once the kernel booted) after everything so far, as the host
// runs only when no thread does.
void DfsStrategy::on_spawn(Tid t) {
  if (tclock_.size() <= t) tclock_.resize(t + 1);
  std::vector<uint64_t>& c = tclock_[t];
  c.clear();
  if (Tid parent = view_->running()) {
    if (parent < tclock_.size()) c = tclock_[parent];
    return;
  }
  for (Tid u = 1; u < t; u++) join(c, tclock_[u]);
}

void DfsStrategy::on_event(const Event& e) {
  uint64_t idx = ++nevents_;
  Tid t = e.tid;
  if (std::find(ran_since_.begin(), ran_since_.end(), t) == ran_since_.end())
    ran_since_.push_back(t);
  if (e.obj != 0 &&
      std::find(touched_since_.begin(), touched_since_.end(), e.obj) == touched_since_.end())
    touched_since_.push_back(e.obj);
  if (t == 0) return;
  if (tclock_.size() <= t) tclock_.resize(t + 1);
  std::vector<uint64_t>& c = tclock_[t];
  if (e.obj != 0) {
    if (oclock_.size() <= e.obj) oclock_.resize(e.obj + 1);
    ObjClock& o = oclock_[e.obj];
    // A race: the last event on this object was another thread's and does
    // not happen before this one. Try this thread before it (FG 2005).
    if (o.tid != 0 && o.tid != t && (c.size() <= o.tid || c[o.tid] < o.idx) &&
        o.node != SIZE_MAX)
      add_backtrack(o.node, t);
    join(c, o.vc);
  }
  if (c.size() <= t) c.resize(t + 1, 0);
  c[t] = idx;
  if (e.obj != 0) {
    ObjClock& o = oclock_[e.obj];
    o.tid = t;
    o.idx = idx;
    o.node = last_thread_node_;
    o.vc = c;
  }
  if (e.kind == kEvWake && e.a1 != 0) {  // the waker happens before the woken
    Tid w = static_cast<Tid>(e.a1);
    if (tclock_.size() <= w) tclock_.resize(w + 1);
    join(tclock_[w], tclock_[t]);
  }
}

// Adds p (or, if p could not run there, every option: FG's fallback) to the
// backtrack set of thread decision i. An option the bound cannot pay for at
// i is added instead at the nearest earlier decision where it is free to
// pick (a blocking point or the start): there the race can often be
// reversed without a preemption (Coons, Musuvathi, McKinley, "Bounded
// partial-order reduction", OOPSLA 2013, make the same move).
void DfsStrategy::add_backtrack(size_t i, Tid p) {
  DfsNode& n = st_.path[i];
  std::vector<uint32_t> cands;
  if (contains(n.options, p)) cands.push_back(p);
  else cands = n.options;
  for (uint32_t a : cands) {
    if (a == n.chosen || contains(n.done, a) || contains(n.todo, a)) continue;
    if (n.pre + cost(n, a) <= st_.bound) {
      backtrack_at(i, a);
      continue;
    }
    for (size_t j = i; j-- > 0;) {
      DfsNode& m = st_.path[j];
      if (m.kind != 0 || !contains(m.options, a)) continue;
      if (m.pre + cost(m, a) > st_.bound) continue;
      if (a != m.chosen && !contains(m.done, a) && !contains(m.todo, a)) backtrack_at(j, a);
      break;
    }
  }
}

// A backtrack point at decision j. A prefix decision (fixed) is not this
// search's to branch: the alternative is requested as a new prefix
// (requests()). An enumeration does not branch below its depth: the
// parts searching under its prefixes do.
void DfsStrategy::backtrack_at(size_t j, uint32_t a) {
  DfsNode& m = st_.path[j];
  if (m.fixed) {
    // Asked once per root: every later execution under it meets the same
    // race, and add_backtrack skips what todo holds.
    m.todo.push_back(a);
    DfsPrefix p;
    for (size_t k = 0; k < j; k++) p.decisions.push_back(Decision{st_.path[k].kind,
                                                                  st_.path[k].chosen});
    p.decisions.push_back(Decision{m.kind, a});
    p.preemptions = m.pre + cost(m, a);
    std::vector<std::pair<uint8_t, uint32_t>> key;
    for (const Decision& d : p.decisions) key.push_back({d.kind, d.value});
    if (requested_.insert(std::move(key)).second) requests_.push_back(std::move(p));
    return;
  }
  if (opts_.branch_depth && j >= opts_.branch_depth) return;
  m.todo.push_back(a);
}

bool DfsStrategy::advance() {
  while (!st_.path.empty()) {
    size_t i = st_.path.size() - 1;
    DfsNode& n = st_.path[i];
    if (n.fixed) return false;  // the root of this subtree: its siblings are elsewhere
    if (!contains(n.done, n.chosen)) n.done.push_back(n.chosen);
    for (size_t k = 0; k < n.todo.size(); k++) {
      uint32_t a = n.todo[k];
      if (contains(n.done, a)) continue;
      if (opts_.dpor && n.kind == 0 && contains(n.sleep, a)) continue;
      if (n.pre + cost(n, a) > st_.bound) {
        if (!opts_.dpor && opts_.iterative && st_.bound < opts_.max_bound) {
          // Costs exactly one more preemption than this bound allows: the
          // root of a subtree of the next bound.
          std::vector<Decision> root;
          for (size_t j = 0; j < i; j++)
            root.push_back(Decision{st_.path[j].kind, st_.path[j].chosen});
          root.push_back(Decision{n.kind, a});
          st_.next_roots.push_back(std::move(root));
        }
        n.done.push_back(a);
        continue;
      }
      n.chosen = a;
      return true;
    }
    st_.path.pop_back();
  }
  return false;
}

bool DfsStrategy::next_root() {
  for (;;) {
    if (!st_.roots.empty()) {
      std::vector<Decision> r = std::move(st_.roots.back());
      st_.roots.pop_back();
      cur_root_done_.clear();
      if (root_done_.size() == st_.roots.size() + 1) {
        cur_root_done_ = std::move(root_done_.back());
        root_done_.pop_back();
      }
      st_.path.clear();
      for (const Decision& d : r) {
        DfsNode n;
        n.kind = d.kind;
        n.chosen = d.value;
        n.fixed = true;
        st_.path.push_back(std::move(n));
      }
      return true;
    }
    if (st_.bound >= opts_.max_bound) return false;
    st_.bound++;
    st_.path.clear();
    if (opts_.restricted) {  // the prefixes stand for the root
      queue_prefixes();
      continue;
    }
    if (opts_.dpor) return true;  // a fresh search from the root at the new bound
    // Queued in the order found; taken from the back, so reverse to run
    // them in that order.
    st_.roots.assign(st_.next_roots.rbegin(), st_.next_roots.rend());
    st_.next_roots.clear();
    if (st_.roots.empty()) {
      // Nothing needs more preemptions than the last bound: done.
      st_.bound = opts_.max_bound;
      return false;
    }
  }
}

void DfsStrategy::note_prefix() {
  size_t n = std::min<size_t>(opts_.branch_depth, pos_);
  last_prefix_.decisions.clear();
  for (size_t j = 0; j < n; j++)
    last_prefix_.decisions.push_back(Decision{st_.path[j].kind, st_.path[j].chosen});
  last_prefix_.preemptions =
      n ? st_.path[n - 1].pre + cost(st_.path[n - 1], st_.path[n - 1].chosen) : 0;
  // DPOR: every pick the bound allowed slept at a decision of the prefix:
  // all of it repeats orders run under other prefixes.
  last_prefix_redundant_ = blocked_at_ < n;
}

void DfsStrategy::end(const ExecutionSummary&) {
  last_bound_ = st_.bound;
  if (st_.exhausted) return;
  if (opts_.branch_depth && pos_ <= st_.path.size()) note_prefix();
  st_.executions++;
  if (sleep_blocked_) st_.redundant++;
  if (divergence_.empty() && pos_ < st_.path.size())
    divergence_ = "dfs: the execution is not deterministic: it ended after " +
                  std::to_string(pos_) + " of the " + std::to_string(st_.path.size()) +
                  " decisions it made before";
  if (!divergence_.empty()) {
    st_.exhausted = true;  // a search over a nondeterministic tree proves nothing
    return;
  }
  if (prefix_asleep_) {  // the whole subtree is redundant: on to the next root
    if (!next_root()) st_.exhausted = true;
    return;
  }
  if (!advance() && !next_root()) st_.exhausted = true;
}

}  // namespace ks::sim
