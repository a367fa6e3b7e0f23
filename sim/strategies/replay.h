// Replays a decision log. It checks as it goes: a decision of the wrong
// kind, a thread that is not runnable, or a log that runs out (or is left
// over at the end) is a divergence, reported with the decision's index.
#pragma once

#include <string>
#include <vector>

#include "sim/sim.h"
#include "sim/strategy.h"

namespace ks::sim {

class ReplayStrategy final : public Strategy {
 public:
  explicit ReplayStrategy(std::vector<Decision> log) : log_(std::move(log)) {}
  const char* name() const override { return "replay"; }
  void begin(uint64_t, const SchedView&) override {
    pos_ = 0;
    divergence_.clear();
  }
  Tid pick(const PickContext& c) override;
  uint32_t choose(uint32_t n, ChoiceKind kind) override;
  void end(const ExecutionSummary& s) override;
  std::string divergence() const override { return divergence_; }

 private:
  std::vector<Decision> log_;
  size_t pos_ = 0;
  std::string divergence_;
};

}  // namespace ks::sim
