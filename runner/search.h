// Bounded exhaustive search of a scenario (the "dfs" strategy driven to
// exhaustion): executions one after another in fresh Worlds until the tree
// is exhausted within the bound, a failure, or the work budget; resumable
// from a checkpoint (the DFS state).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "runner/explore.h"
#include "sim/strategies/dfs.h"

namespace ks::runner {

struct SearchOptions {
  sim::DfsOptions dfs;
  uint64_t max_executions = 0;  // 0: no limit
  double max_seconds = 0;       // 0: no limit (host wall time: a budget, not a World input)
  km::WorldOptions world;
  bool stop_on_failure = true;
  std::optional<sim::DfsState> resume;
  // Minimization: only a failure of this kind name and signature counts (the
  // others are counted in `failures` and passed over) ...
  std::string want_kind, want_signature;
  // ... and once one is found, the rest of its bound is searched for the
  // one with the fewest steps.
  bool fewest_steps = false;
  // Splitting (--jobs; runner/dfs_split.h): keep the trace hashes seen (up to max_hashes; more
  // and the parts' union is not computed: hashes_complete is false) ...
  bool collect_hashes = false;
  uint64_t max_hashes = 1u << 20;
  // ... and the simplest failure of every (kind, signature); and, when the
  // budget, a failure or a yield request stops a search, the work left as prefixes
  // (remainder).
  bool collect_failures = false;
  bool want_remainder = false;
  // With want_remainder: a word the split writes (from another process:
  // shared memory) when it wants this part's work handed on (a process of
  // the split went idle, forked.py); the part stops before an execution once
  // the word is at least yield_call. Host timing decides when: what is
  // searched, here and in the remainder, does not change.
  int64_t* yield_word = nullptr;
  int64_t yield_call = 0;
  // SIGINT (Ctrl-C) ends the search between executions, as a budget does,
  // instead of the process: what was searched is kept (the checkpoint's
  // state, a part's remainder). The handler is the process's only while
  // the search runs.
  bool interruptible = false;
  // (executions, distinct, bound, failures) about every progress_every executions.
  std::function<void(uint64_t, uint64_t, uint32_t, uint64_t)> progress;
  uint64_t progress_every = 10000;
};

struct BoundFailure {
  RunRecord run;
  uint32_t bound = 0;  // the bound it was found at
};

struct SearchResult {
  uint64_t executions = 0;  // this call's
  uint64_t distinct = 0;    // distinct trace hashes this call saw
  uint64_t redundant = 0;   // DPOR: sleep-set blocked executions
  uint64_t failures = 0;
  bool exhausted = false;
  uint32_t bound = 0;       // the bound reached (of the failure, if one stopped it)
  std::vector<uint64_t> per_bound;  // executions run at each bound
  std::optional<RunRecord> failure;  // the first one
  uint32_t failure_bound = 0;
  sim::DfsState state;      // the checkpoint to continue from
  std::vector<uint64_t> hashes;  // collect_hashes: sorted
  bool hashes_complete = false;
  std::vector<BoundFailure> distinct_failures;  // collect_failures: the simplest of each
  std::vector<sim::DfsPrefix> prefixes;  // dfs.branch_depth: one per execution (DPOR: not
                                         // those that only repeat others)
  std::vector<sim::DfsPrefix> requests;  // DPOR, restricted (DfsStrategy::requests)
  std::vector<sim::DfsPrefix> remainder;  // want_remainder (split_remainder)
  std::vector<std::vector<sim::Decision>> explored;  // ... and (DPOR) split_explored
  bool yielded = false;  // stopped because the split asked (yield_word)
  bool interrupted = false;  // stopped by SIGINT (interruptible)
  double seconds = 0;
};

SearchResult run_search(const SearchOptions& o, const SetupFn& setup, const HostFn& host);

}  // namespace ks::runner
