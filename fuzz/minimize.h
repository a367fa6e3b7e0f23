// Shrinking a finding's input: drop whole records (each decodes into a
// described operation and its set-up), last first, keeping a candidate when
// its Program still fails with the same kind and signature under the
// input's schedule seed or one of a few derived ones (a smaller program
// shifts PCT's change points). Bounded; the result is still an input the
// entry point accepts, so it also replays under libFuzzer.
#pragma once

#include <cstdint>
#include <string>

#include "fuzz/decode.h"
#include "runner/fuzz_exec.h"

namespace ks::fuzz {

// Runs the decoded input once; its record (bad input: a failure of kind
// host_error with the reason, never an exception).
runner::RunRecord run_input(const Decoder& dec, runner::FuzzExecutor& ex, const std::string& input,
                          const km::WorldOptions& world = {});

// At most max_runs executions; a hang costs the hang limit per execution,
// so a hang's minimization stops after kMaxHangRuns executions that hung.
constexpr uint64_t kMaxHangRuns = 30;
std::string minimize_input(const Decoder& dec, runner::FuzzExecutor& ex, std::string input,
                           const std::string& kind, const std::string& signature,
                           const km::WorldOptions& world = {}, uint64_t max_runs = 4000);

}  // namespace ks::fuzz
