// Bounded exhaustive search (stateless model checking, CHESS/Loom style):
// depth-first over the tree of decisions, each execution replayed from the
// root along a path, then the deepest decision with an untried alternative
// is changed. Thread picks and data choices (faults, spurious wakeups) are
// branches of the same tree.
//
// Preemption bound (CHESS's iterative context bounding): a preemption is a
// pick of anything other than the current thread while the current thread
// could go on (the clock pseudo-thread included: a timer firing into a
// running thread interrupts it). Picks where the current thread blocked or
// exited, and data choices, cost nothing. Bounds run 0, 1, ..., max_bound;
// an alternative that would exceed the bound is not thrown away but queued
// as the root of a subtree of the next bound, so without DPOR every
// execution with at most max_bound preemptions runs exactly once.
//
// With DPOR (Flanagan & Godefroid, POPL 2005) only the alternatives that
// reverse a race of the execution just run are tried, and sleep sets skip
// orders already covered; see dfs.cc for the dependency relation. DPOR
// runs each bound as a search from the root (a race found under a queued
// subtree could need a backtrack point above it), so its executions at
// bound b repeat some of bound b-1's; run with iterative=false to search
// one bound only.
//
// Subtrees: a search with `branch_depth` d branches only at its first d
// decisions and takes the default pick after them (each execution is then
// one distinct prefix: last_prefix()); a `restricted` search runs only the
// subtrees under given prefixes, each at the first bound that can pay for
// the prefix's own preemptions, as the root of a subtree like those queued
// for a later bound; with DPOR, a prefix's decisions are not its to branch,
// so a backtrack point its races put there is reported (requests()), and
// the siblings searched before it sleep below it (siblings_done). What a
// split search (runner/dfs_split.h) builds from these is its own.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "sim/sim.h"
#include "sim/strategy.h"

namespace ks::sim {

// The first decisions of a path and the preemptions they cost.
struct DfsPrefix {
  std::vector<Decision> decisions;
  uint32_t preemptions = 0;
  // DPOR: per decision, its siblings searched under other prefixes
  // before this one (they sleep below it, as they would in one search).
  std::vector<std::vector<uint32_t>> siblings_done{};
};

struct DfsOptions {
  uint32_t max_bound = 2;
  bool dpor = false;
  bool iterative = true;  // bounds 0..max_bound; else max_bound only
  // Subtrees (see above). 0: every decision branches; else only the first
  // branch_depth do (plain DFS only).
  uint32_t branch_depth = 0;
  // restricted: search only the subtrees under `prefixes` (none: nothing);
  // they must be prefixes of this scenario's tree, as a branch_depth search
  // reports them.
  bool restricted = false;
  std::vector<DfsPrefix> prefixes{};
};

// One decision on the current path, with what is left to try there.
struct DfsNode {
  uint8_t kind = 0;               // 0 = thread pick, else a ChoiceKind
  std::vector<uint32_t> options;  // runnable tids ascending, or 0..n-1
  Tid cur = 0;
  bool cur_runnable = false;
  uint32_t pre = 0;               // preemptions before this decision
  uint32_t chosen = 0;
  std::vector<uint32_t> done;     // tried (or queued for a later bound)
  std::vector<uint32_t> todo;     // DPOR backtrack set (plain DFS: every option;
                                  // a prefix node: the alternatives requested)
  std::vector<uint32_t> sleep;    // DPOR: threads asleep on entry
  bool fixed = false;             // part of a queued subtree's root path
};

// Everything needed to continue a search later (a checkpoint).
struct DfsState {
  uint32_t bound = 0;
  std::vector<DfsNode> path;                       // the next execution's path
  std::vector<std::vector<Decision>> next_roots;   // queued for bound + 1
  std::vector<std::vector<Decision>> roots;        // left at this bound
  bool exhausted = false;
  uint64_t executions = 0;
  uint64_t redundant = 0;  // DPOR: executions that ended sleep-set blocked
};

class DfsStrategy final : public Strategy {
 public:
  explicit DfsStrategy(DfsOptions o);
  const char* name() const override { return "dfs"; }
  void begin(uint64_t index, const SchedView& view) override;
  Tid pick(const PickContext& c) override;
  uint32_t choose(uint32_t n, ChoiceKind kind) override;
  bool wants_events() const override { return opts_.dpor; }
  void on_spawn(Tid t) override;
  void on_event(const Event& e) override;
  void end(const ExecutionSummary& s) override;
  std::string divergence() const override { return divergence_; }

  // True once every execution within max_bound has run.
  bool exhausted() const { return st_.exhausted; }
  // The bound of the execution that runs next (or that just ran, after end()
  // moved to a new bound: see last_bound()).
  uint32_t bound() const { return st_.bound; }
  uint32_t last_bound() const { return last_bound_; }
  // With branch_depth: the prefix of the execution that just ran, and (DPOR)
  // whether its subtree only repeats orders run under other prefixes.
  const DfsPrefix& last_prefix() const { return last_prefix_; }
  bool last_prefix_redundant() const { return last_prefix_redundant_; }
  // A restricted DPOR search: the alternatives its races asked for at the
  // decisions of its prefixes (not its to search), each as a new prefix.
  const std::vector<DfsPrefix>& requests() const { return requests_; }
  const DfsOptions& options() const { return opts_; }
  const DfsState& state() const { return st_; }
  // Resume from a checkpoint (the options must be the ones it was made with).
  void restore(DfsState s) { st_ = std::move(s); }
  // What picking `a` at `n` costs: 1 if it preempts a runnable thread.
  static uint32_t preemption_cost(const DfsNode& n, uint32_t a) {
    return n.kind == 0 && n.cur_runnable && n.cur != 0 && a != n.cur ? 1 : 0;
  }

 private:
  struct ObjClock {
    Tid tid = 0;
    uint64_t idx = 0;
    size_t node = SIZE_MAX;
    std::vector<uint64_t> vc;
  };
  uint32_t cost(const DfsNode& n, uint32_t a) const { return preemption_cost(n, a); }
  uint32_t decide_new(DfsNode& n);
  void enter_node(size_t i);
  bool advance();         // the next path at this bound; false when none
  bool next_root();       // the next root at this bound or a later one
  void queue_prefixes();  // restricted search: the roots that start at this bound
  void note_prefix();     // branch_depth: remember the path's first decisions
  void add_backtrack(size_t node, Tid p);
  void backtrack_at(size_t j, uint32_t a);
  void inherit_sleep(DfsNode& n) const;
  void enter_prefix_node(size_t i, DfsNode& n);
  bool independent_of_footprint(Tid q) const;

  DfsOptions opts_;
  DfsState st_;
  const SchedView* view_ = nullptr;
  size_t pos_ = 0;
  uint32_t last_bound_ = 0;
  DfsPrefix last_prefix_;
  std::string divergence_;
  bool sleep_blocked_ = false;
  size_t blocked_at_ = SIZE_MAX;  // the decision where sleep_blocked_ was set
  bool prefix_asleep_ = false;     // DPOR: the prefix's own pick sleeps
  std::vector<std::vector<std::vector<uint32_t>>> root_done_;  // beside st_.roots
  std::vector<std::vector<uint32_t>> cur_root_done_;         // the root under way
  bool last_prefix_redundant_ = false;
  std::vector<DfsPrefix> requests_;  // DPOR, restricted (see requests())
  std::set<std::vector<std::pair<uint8_t, uint32_t>>> requested_;

  // DPOR bookkeeping for the execution under way.
  size_t last_thread_node_ = SIZE_MAX;
  std::vector<Tid> ran_since_;     // threads that made events since it
  std::vector<ObjId> touched_since_;  // objects touched since it
  uint64_t nevents_ = 0;
  std::vector<std::vector<uint64_t>> tclock_;  // by tid
  std::vector<ObjClock> oclock_;                // by object id (dense, small)
};

}  // namespace ks::sim
