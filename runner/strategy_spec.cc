#include "runner/strategy_spec.h"

#include "sim/strategies/dfs.h"
#include "sim/strategies/pct.h"
#include "sim/strategies/random.h"
#include "sim/strategies/replay.h"
#include "sim/strategies/round_robin.h"

namespace ks::runner {

std::unique_ptr<sim::Strategy> make_strategy(const StrategySpec& s) {
  if (s.name == "round_robin" || s.name == "rr") return std::make_unique<sim::RoundRobin>();
  if (s.name == "random") return std::make_unique<sim::RandomStrategy>(s.seed, sim::ChoiceRates{});
  if (s.name == "pct")
    return std::make_unique<sim::PctStrategy>(s.seed, s.pct_depth, s.pct_steps,
                                              sim::ChoiceRates{});
  if (s.name == "dfs")
    return std::make_unique<sim::DfsStrategy>(sim::DfsOptions{s.dfs_bound, s.dpor, s.iterative});
  if (s.name == "replay") return std::make_unique<sim::ReplayStrategy>(s.decisions);
  if (s.name == "scripted") {
    StrategySpec fb = s;
    fb.name = s.fallback;
    if (fb.name == "scripted" || fb.name == "replay")
      throw std::invalid_argument("a script's fallback must be round_robin, random or pct");
    if (fb.name == "dfs") throw std::invalid_argument("a script's fallback cannot be dfs");
    return std::make_unique<sim::ScriptedStrategy>(s.script, make_strategy(fb));
  }
  throw std::invalid_argument("unknown strategy '" + s.name +
                              "' (known: round_robin, random, pct, replay, scripted, dfs)");
}

sim::Strategy& StrategyCache::get(const StrategySpec& s) {
  if (s.name == "pct") {
    if (!pct_) pct_ = std::make_unique<sim::PctStrategy>(0, 1, 0, sim::ChoiceRates{});
    pct_->reset(s.seed, s.pct_depth, s.pct_steps);
    return *pct_;
  }
  if (s.name == "random") {
    if (!random_) random_ = std::make_unique<sim::RandomStrategy>(0, sim::ChoiceRates{});
    random_->reset(s.seed);
    return *random_;
  }
  other_ = make_strategy(s);
  return *other_;
}

}  // namespace ks::runner
