#include "sim/failure.h"

namespace ks::sim {

static const char* const kNames[] = {
    "none",  "deadlock", "stuck",    "step_budget", "panic",
    "lock_misuse", "lock_order", "memory", "teardown", "fault",
    "replay_divergence", "scenario", "host_error", "hang", "data_race",
    "unload",
};

const char* failure_kind_name(FailureKind k) {
  return kNames[static_cast<int>(k)];
}

bool failure_kind_from_name(const std::string& s, FailureKind* out) {
  for (int i = 0; i < static_cast<int>(sizeof kNames / sizeof kNames[0]); i++) {
    if (s == kNames[i]) {
      *out = static_cast<FailureKind>(i);
      return true;
    }
  }
  return false;
}

}  // namespace ks::sim
