#include "sim/strategies/replay.h"

namespace ks::sim {

static const char* decision_kind_name(uint8_t k) {
  switch (k) {
    case 0: return "thread";
    case static_cast<uint8_t>(ChoiceKind::kFault): return "fault";
    case static_cast<uint8_t>(ChoiceKind::kSpurious): return "spurious";
    case static_cast<uint8_t>(ChoiceKind::kSignal): return "signal";
  }
  return "?";
}

Tid ReplayStrategy::pick(const PickContext& c) {
  if (!divergence_.empty()) return UINT32_MAX;
  if (pos_ >= log_.size()) {
    divergence_ = "schedule ran out after " + std::to_string(log_.size()) +
                  " decisions, but the execution asked for a thread choice at step " +
                  std::to_string(c.step);
    return UINT32_MAX;
  }
  const Decision& d = log_[pos_];
  if (d.kind != 0) {
    divergence_ = "decision " + std::to_string(pos_) + " is a " + decision_kind_name(d.kind) +
                  " choice, but the execution asked for a thread choice at step " +
                  std::to_string(c.step);
    return UINT32_MAX;
  }
  bool ok = false;
  for (Tid t : c.runnable) ok |= t == d.value;
  if (!ok) {
    divergence_ = "decision " + std::to_string(pos_) + " picks thread " +
                  std::to_string(d.value) + ", which is not runnable at step " +
                  std::to_string(c.step);
    return UINT32_MAX;
  }
  pos_++;
  return d.value;
}

uint32_t ReplayStrategy::choose(uint32_t n, ChoiceKind kind) {
  if (!divergence_.empty()) return UINT32_MAX;
  if (pos_ >= log_.size() || log_[pos_].kind != static_cast<uint8_t>(kind) ||
      log_[pos_].value >= n) {
    divergence_ = "decision " + std::to_string(pos_) + " does not fit a " +
                  decision_kind_name(static_cast<uint8_t>(kind)) + " choice of " +
                  std::to_string(n) + " options";
    return UINT32_MAX;
  }
  return log_[pos_++].value;
}

void ReplayStrategy::end(const ExecutionSummary&) {
  if (divergence_.empty() && pos_ != log_.size())
    divergence_ = "the execution ended after " + std::to_string(pos_) + " of " +
                  std::to_string(log_.size()) + " decisions";
}

}  // namespace ks::sim
