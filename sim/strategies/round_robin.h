// Round-robin without preemption: the baseline. The current thread runs
// until it blocks or exits, then the next thread id after it (cyclically).
// A timer fires only when every thread is blocked. Faults never fire.
#pragma once

#include "sim/strategy.h"

namespace ks::sim {

class RoundRobin final : public Strategy {
 public:
  const char* name() const override { return "round_robin"; }
  void begin(uint64_t, const SchedView&) override {}
  Tid pick(const PickContext& c) override;
  uint32_t choose(uint32_t, ChoiceKind) override { return 0; }
};

}  // namespace ks::sim
