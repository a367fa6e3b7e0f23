#include "runner/fuzz_verdict.h"

namespace ks::runner {

namespace {

bool starts_with(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }

}  // namespace

FuzzVerdict fuzz_verdict(const std::string& kind, const std::string& signature) {
  if (kind == "pass") return FuzzVerdict::kPass;
  if (kind == "scenario" && signature.find(":no_result:") != std::string::npos)
    return FuzzVerdict::kInvalid;
  // A driver may refuse to detach while a program left a device in use
  // (lofi with a file mapped: DDI_FAILURE, as modunload gets EBUSY); an
  // interruptible sleep nobody wakes (DKIOCSTATE waiting for a change that
  // never comes) is the program's hang, which a signal would end.
  // So is a program whose timed waits or timers go on past the step
  // budget while virtual time advances (TICK_WAIT for a count of four
  // billion): no spin, and no kernel would report it. A QNX client
  // REPLY-blocked on a resource manager whose own io_unblock a signal
  // would reach (a read() of a device with no data yet) is the same: the
  // program's wait.
  if (starts_with(signature, "teardown:detach_failed:") ||
      starts_with(signature, "stuck:cv_wait_sig:") ||
      starts_with(signature, "stuck:resmgr_reply_sig:") ||
      signature == "step_budget:clock_running")
    return FuzzVerdict::kIgnored;
  // An oracle the generator put in the program is a finding; other scenario
  // failures are the program's own, as are divergences and host errors.
  if (starts_with(signature, "scenario:oracle:")) return FuzzVerdict::kFinding;
  if (kind == "scenario" || kind == "replay_divergence" || kind == "host_error")
    return FuzzVerdict::kIgnored;
  return FuzzVerdict::kFinding;
}

const char* fuzz_verdict_name(FuzzVerdict v) {
  switch (v) {
    case FuzzVerdict::kPass: return "pass";
    case FuzzVerdict::kInvalid: return "invalid";
    case FuzzVerdict::kIgnored: return "ignored";
    case FuzzVerdict::kFinding: return "finding";
  }
  return "?";
}

}  // namespace ks::runner
