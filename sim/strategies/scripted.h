// Scripted scheduling: how a regression test pins a known race. A script is
// a list of steps "run thread T until it makes event E (on object O)"; while
// a step is open its thread runs whenever it is runnable, and the step
// closes when the event happens. Between and after steps the fallback
// strategy decides. A script that never completes is a divergence: the test
// did not pin what it claims to pin.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sim/strategy.h"

namespace ks::sim {

struct ScriptStep {
  std::string thread;  // thread name
  std::string event;   // event kind name ("block", "cv_wait", "thread_exit", ...); empty: until it blocks or exits
  std::string object;  // object name; empty = any
};

class ScriptedStrategy final : public Strategy {
 public:
  ScriptedStrategy(std::vector<ScriptStep> steps, std::unique_ptr<Strategy> fallback)
      : steps_(std::move(steps)), fallback_(std::move(fallback)) {}
  const char* name() const override { return "scripted"; }
  void begin(uint64_t index, const SchedView& view) override;
  void on_spawn(Tid t) override { fallback_->on_spawn(t); }
  Tid pick(const PickContext& c) override;
  uint32_t choose(uint32_t n, ChoiceKind kind) override { return fallback_->choose(n, kind); }
  bool wants_events() const override { return true; }
  void on_event(const Event& e) override;
  void end(const ExecutionSummary& s) override;
  std::string divergence() const override { return divergence_; }

 private:
  Tid step_thread() const;
  std::vector<ScriptStep> steps_;
  std::unique_ptr<Strategy> fallback_;
  const SchedView* view_ = nullptr;
  size_t pos_ = 0;
  uint64_t opened_step_ = 0;  // step at which the current script step opened
  std::string divergence_;
};

}  // namespace ks::sim
