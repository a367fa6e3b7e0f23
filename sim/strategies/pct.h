// PCT, probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi,
// Nagarakatte, ASPLOS 2010). Each thread gets a random priority when it is
// created; d-1 change points are drawn uniformly over the k steps an
// execution is expected to take; at each the running thread drops below
// every initial priority. The highest-priority runnable thread always runs.
// A bug of depth d is found with probability at least 1/(n k^(d-1)).
//
// k is estimated from earlier executions (the most steps seen so far);
// until one has run, `initial_k` is used, and if that is 0 the first
// execution runs on priorities alone and teaches k.
#pragma once

#include <vector>

#include "sim/rng.h"
#include "sim/strategies/random.h"
#include "sim/strategy.h"

namespace ks::sim {

class PctStrategy final : public Strategy {
 public:
  PctStrategy(uint64_t seed, uint32_t depth, uint64_t initial_k, ChoiceRates rates)
      : seed_(seed), depth_(depth < 1 ? 1 : depth), k_(initial_k), rates_(rates) {}
  const char* name() const override { return "pct"; }
  // As if made anew with these arguments and the same rates, keeping the
  // buffers (the fuzzer's executor: one strategy per execution).
  void reset(uint64_t seed, uint32_t depth, uint64_t initial_k) {
    seed_ = seed;
    depth_ = depth < 1 ? 1 : depth;
    k_ = initial_k;
  }
  void begin(uint64_t index, const SchedView&) override;
  void on_spawn(Tid t) override;
  Tid pick(const PickContext& c) override;
  uint32_t choose(uint32_t n, ChoiceKind kind) override { return rates_.pick(rng_, n, kind); }
  void end(const ExecutionSummary& s) override {
    if (s.steps > k_) k_ = s.steps;
  }
  uint64_t k() const { return k_; }

 private:
  uint64_t seed_;
  uint32_t depth_;
  uint64_t k_;
  ChoiceRates rates_;
  Rng rng_;
  std::vector<uint64_t> prio_;         // by tid; [0] is the clock
  std::vector<uint64_t> change_points_;  // ascending steps
  size_t next_change_ = 0;
  // change_points_[next_change_], or UINT64_MAX when none is left: one
  // compare per pick for the common case of no change point due.
  uint64_t next_change_step_ = UINT64_MAX;
};

}  // namespace ks::sim
