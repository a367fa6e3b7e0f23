// Uniformly random scheduling, seeded: execution i of seed s is fully
// determined by (s, i). Data choices fire with probability num/den.
#pragma once

#include "sim/rng.h"
#include "sim/strategy.h"

namespace ks::sim {

struct ChoiceRates {
  // Probability, as num/den, that a data choice takes a non-ordinary value.
  uint32_t fault_num = 1, fault_den = 8;
  uint32_t spurious_num = 1, spurious_den = 8;
  uint32_t signal_num = 1, signal_den = 4;
  uint32_t pick(Rng& rng, uint32_t n, ChoiceKind kind) const;
};

class RandomStrategy final : public Strategy {
 public:
  RandomStrategy(uint64_t seed, ChoiceRates rates) : seed_(seed), rates_(rates) {}
  const char* name() const override { return "random"; }
  void reset(uint64_t seed) { seed_ = seed; }  // as if made anew (PctStrategy::reset)
  void begin(uint64_t index, const SchedView&) override {
    rng_.reseed(execution_seed(seed_, index));
  }
  // The Sim makes this draw itself (uniform_picks); kept for callers that
  // pick through the interface.
  Tid pick(const PickContext& c) override {
    return c.runnable[rng_.below(static_cast<uint32_t>(c.runnable.size()))];
  }
  Rng* uniform_picks() override { return &rng_; }
  bool hooks() const override { return false; }
  uint32_t choose(uint32_t n, ChoiceKind kind) override { return rates_.pick(rng_, n, kind); }

 private:
  uint64_t seed_;
  ChoiceRates rates_;
  Rng rng_;
};

}  // namespace ks::sim
