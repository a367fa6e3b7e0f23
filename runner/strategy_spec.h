// Builds a strategy from its description (name and parameters): the one
// place the CLI, the Python API, repros and benchmarks turn names into
// strategies.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/sim.h"
#include "sim/strategies/pct.h"
#include "sim/strategies/random.h"
#include "sim/strategies/scripted.h"

namespace ks::runner {

struct StrategySpec {
  std::string name = "pct";  // round_robin random pct replay scripted dfs
  uint64_t seed = 0;
  uint32_t pct_depth = 3;
  uint64_t pct_steps = 0;
  std::vector<sim::Decision> decisions;  // replay
  std::vector<sim::ScriptStep> script;   // scripted
  std::string fallback = "round_robin";  // scripted: who decides off-script
  uint32_t dfs_bound = 2;                // dfs: preemption bound
  bool dpor = false;                     // dfs: partial-order reduction
  bool iterative = true;                 // dfs: bounds 0..dfs_bound in turn
};

// Throws std::invalid_argument naming an unknown strategy.
std::unique_ptr<sim::Strategy> make_strategy(const StrategySpec& s);

// make_strategy for a loop that needs a new strategy per execution (the
// fuzzer's: each input carries its schedule): a PCT or random strategy is
// re-set in place, as if made anew, so an execution allocates nothing. The
// reference is good until the next call.
class StrategyCache {
 public:
  sim::Strategy& get(const StrategySpec& s);

 private:
  std::unique_ptr<sim::PctStrategy> pct_;
  std::unique_ptr<sim::RandomStrategy> random_;
  std::unique_ptr<sim::Strategy> other_;
};

}  // namespace ks::runner
