#include "python/core/search.h"

#include <chrono>
#include <unordered_set>

#include "sim/fault_guard.h"

namespace ks::core {

SearchResult run_search(const SearchOptions& o, const SetupFn& setup, const HostFn& host) {
  sim::install_fault_handlers();
  sim::StackPool pool;
  sim::DfsStrategy dfs(o.dfs);
  if (o.resume) dfs.restore(*o.resume);
  std::unordered_set<uint64_t> hashes;  // counted, never iterated
  SearchResult res;
  auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  uint64_t index = dfs.state().executions;
  while (!dfs.exhausted()) {
    if (o.max_executions && res.executions >= o.max_executions) break;
    if (o.max_seconds > 0 && elapsed() >= o.max_seconds) break;
    RunRecord r = run_once(pool, dfs, o.world, index++, setup, host, false);
    uint32_t b = dfs.last_bound();
    res.executions++;
    if (res.per_bound.size() <= b) res.per_bound.resize(b + 1, 0);
    res.per_bound[b]++;
    hashes.insert(r.hash);
    if (res.failure && o.fewest_steps && b != res.failure_bound) break;  // bound done
    if (r.failure) {
      res.failures++;
      // A divergence means the scenario is not deterministic: the search
      // cannot go on (the strategy marked itself exhausted; say it was not).
      if (r.failure.kind == sim::FailureKind::kReplayDivergence) {
        if (!res.failure) res.failure = std::move(r);
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
  res.redundant = dfs.state().redundant;
  res.exhausted = dfs.exhausted() &&
                  !(res.failure && res.failure->failure.kind == sim::FailureKind::kReplayDivergence);
  res.bound = res.failure ? res.failure_bound : dfs.last_bound();
  res.state = dfs.state();
  res.seconds = elapsed();
  return res;
}

}  // namespace ks::core
