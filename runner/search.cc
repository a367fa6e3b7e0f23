#include "runner/search.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <tuple>

#include "runner/dfs_split.h"
#include "runner/u64_set.h"
#include "sim/fault_guard.h"

namespace ks::runner {

namespace {

// The simplest failure of each (kind, signature): the lowest bound, then
// the fewest preemptions, steps, then the least decisions. Not the first:
// which comes first depends on how a split cut the search, the simplest
// does not. A linear scan: few signatures.
bool simpler(const RunRecord& a, uint32_t ab, const BoundFailure& b) {
  auto key = [](const RunRecord& r, uint32_t bound) {
    return std::make_tuple(bound, r.preemptions, r.steps);
  };
  if (key(a, ab) != key(b.run, b.bound)) return key(a, ab) < key(b.run, b.bound);
  return std::lexicographical_compare(
      a.decisions.begin(), a.decisions.end(), b.run.decisions.begin(), b.run.decisions.end(),
      [](const sim::Decision& x, const sim::Decision& y) {
        return std::make_pair(x.kind, x.value) < std::make_pair(y.kind, y.value);
      });
}

void note_failure(std::vector<BoundFailure>& seen, const RunRecord& r, uint32_t bound) {
  for (BoundFailure& f : seen)
    if (f.run.failure.kind == r.failure.kind && f.run.failure.signature == r.failure.signature) {
      if (simpler(r, bound, f)) f = {r, bound};
      return;
    }
  seen.push_back({r, bound});
}

// Has the split asked for this part's work? The word is written by another
// process: an atomic load, so the compiler reads it each time.
bool asked_to_yield(const SearchOptions& o) {
  return o.yield_word != nullptr &&
         std::atomic_ref<int64_t>(*o.yield_word).load(std::memory_order_relaxed) >=
             o.yield_call;
}

volatile std::sig_atomic_t g_interrupted = 0;

void on_sigint(int) { g_interrupted = 1; }

// SIGINT goes to on_sigint while a search runs, and back to whoever had it
// (Python's handler) after.
class SigintGuard {
 public:
  explicit SigintGuard(bool on) : on_(on) {
    if (!on_) return;
    g_interrupted = 0;
    struct sigaction sa {};
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGINT, &sa, &old_);
  }
  ~SigintGuard() {
    if (on_) ::sigaction(SIGINT, &old_, nullptr);
  }
  SigintGuard(const SigintGuard&) = delete;
  SigintGuard& operator=(const SigintGuard&) = delete;

 private:
  bool on_;
  struct sigaction old_ {};
};

}  // namespace

SearchResult run_search(const SearchOptions& o, const SetupFn& setup, const HostFn& host) {
  sim::install_fault_handlers();
  sim::StackPool& pool = stack_pool();
  SigintGuard sigint(o.interruptible);
  sim::DfsStrategy dfs(o.dfs);
  if (o.resume) dfs.restore(*o.resume);
  U64Set hashes;  // counted, and sorted for the result
  SearchResult res;
  auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  uint64_t index = dfs.state().executions;
  WorldReuse reuse;  // one World, reset before each execution
  RunRecord r;       // its buffers serve every execution
  bool diverged = false;  // the tree is not a tree: nothing is left to hand on
  while (!dfs.exhausted()) {
    if (o.max_executions && res.executions >= o.max_executions) break;
    if (o.max_seconds > 0 && elapsed() >= o.max_seconds) break;
    if (o.want_remainder && res.executions && asked_to_yield(o)) {
      res.yielded = true;
      break;
    }
    if (o.interruptible && g_interrupted) {
      res.interrupted = true;
      break;
    }
    run_once_into(r, pool, dfs, o.world, index++, setup, host, false, &reuse, true);
    uint32_t b = dfs.last_bound();
    res.executions++;
    if (res.per_bound.size() <= b) res.per_bound.resize(b + 1, 0);
    res.per_bound[b]++;
    hashes.insert(r.hash);
    if (o.dfs.branch_depth && !dfs.last_prefix_redundant())
      res.prefixes.push_back(dfs.last_prefix());
    if (res.failure && o.fewest_steps && b != res.failure_bound) break;  // bound done
    if (r.failure) {
      res.failures++;
      if (o.collect_failures) note_failure(res.distinct_failures, r, b);
      // A divergence means the scenario is not deterministic: the search
      // cannot go on (the strategy marked itself exhausted; say it was not).
      if (r.failure.kind == sim::FailureKind::kReplayDivergence) {
        if (!res.failure) res.failure = std::move(r);
        diverged = true;
        break;
      }
      bool wanted = (o.want_kind.empty() ||
                     o.want_kind == sim::failure_kind_name(r.failure.kind)) &&
                    (o.want_signature.empty() || o.want_signature == r.failure.signature);
      if (wanted && (!res.failure || (o.fewest_steps && r.steps < res.failure->steps))) {
        res.failure = std::move(r);
        res.failure_bound = b;
      }
      if (wanted && o.stop_on_failure && !o.fewest_steps) break;
    }
    if (o.progress && o.progress_every && res.executions % o.progress_every == 0)
      o.progress(res.executions, hashes.size(), dfs.bound(), res.failures);
  }
  res.distinct = hashes.size();
  if (o.collect_hashes && hashes.size() <= o.max_hashes) {
    res.hashes = hashes.sorted();
    res.hashes_complete = true;
  }
  // Also after a failure stopped it: what it left is a split's checkpoint.
  if (o.want_remainder && !diverged && !o.fewest_steps) {
    res.remainder = split_remainder(dfs);
    if (o.dfs.dpor && !res.remainder.empty()) res.explored = split_explored(dfs);
  }
  res.requests = dfs.requests();
  res.redundant = dfs.state().redundant;
  res.exhausted = dfs.exhausted() &&
                  !(res.failure && res.failure->failure.kind == sim::FailureKind::kReplayDivergence);
  res.bound = res.failure ? res.failure_bound : dfs.last_bound();
  res.state = dfs.state();
  res.seconds = elapsed();
  return res;
}

}  // namespace ks::runner
