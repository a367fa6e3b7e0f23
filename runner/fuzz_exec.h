// The fuzzer's executor: runs a Program under a schedule in a World (reset)
// with a coverage map attached, and keeps what the campaign has covered so
// far: driver edges (sim/coverage.h, hit counts bucketed as AFL does) and
// interleaving pairs (op A by thread X, then op B by thread Y != X on the same
// kernel object). An execution is "interesting" when it adds either.
//
// Every execution is (Program, StrategySpec, execution index) with a
// strategy as if fresh (StrategyCache), so the fuzzer can re-run or minimize any of them exactly.
#pragma once

#include <algorithm>

#include <cstdint>
#include <memory>
#include <vector>

#include "kernel_model/program.h"
#include "runner/explore.h"
#include "runner/u64_set.h"
#include "sim/coverage.h"

namespace ks::runner {

struct FuzzRun {
  RunRecord rec;
  uint32_t new_edges = 0;  // map cells (or hit-count buckets) not seen before
  uint32_t new_pairs = 0;
};

// What last happened to a kernel object in the current execution: the
// interleaving watcher's record (fuzz_exec.cc), kept by the executor so its
// buffer is reused across executions.
struct FuzzLast {
  uint64_t name = 0;  // hash of the object's name: ids are per World
  sim::Tid tid = 0;
  uint16_t kind = 0;
};

class FuzzExecutor {
 public:
  FuzzExecutor();
  // Bad input (an unknown driver) throws, as run_once does. The result is
  // the executor's, good until its next run: its buffers serve every one.
  const FuzzRun& run(const km::Program& p, const StrategySpec& s, const km::WorldOptions& o,
                     uint64_t execution, bool record_trace = false);
  uint64_t edges() const { return edges_; }
  uint64_t pairs() const { return pairs_.size(); }
  uint64_t executions() const { return executions_; }
  // Also count every interleaving pair an execution forms in c[key % n]
  // (saturating): libFuzzer's extra counters, so the pairs steer it too
  // (fuzz/entry.cc). Null: not counted.
  void set_pair_counters(uint8_t* c, size_t n) {
    pair_counters_ = c;
    n_pair_counters_ = n;
  }
  // The edge cells covered so far (one byte of bucket bits each), for
  // merging the coverage of several processes.
  const std::vector<uint8_t>& seen() const { return seen_; }
  // The interleaving pairs seen so far, sorted (for the same merge).
  std::vector<uint64_t> pair_keys() const { return pairs_.sorted(); }

 private:
  sim::StackPool& pool_ = stack_pool();
  WorldReuse reuse_;
  StrategyCache strategies_;
  FuzzRun run_;
  std::unique_ptr<sim::CoverageMap> map_;
  std::vector<uint8_t> seen_;               // per cell: bucket bits seen
  uint64_t edges_ = 0;                      // cells with any bit
  U64Set pairs_;
  std::vector<FuzzLast> last_;              // the watcher's, per execution
  uint64_t executions_ = 0;
  uint8_t* pair_counters_ = nullptr;
  size_t n_pair_counters_ = 0;
};

}  // namespace ks::runner
