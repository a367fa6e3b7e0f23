// A finding, from the input that showed it to a repro file: minimized
// (fuzz/minimize.h), run once more for its decision log, that log replayed
// in-process to confirm, and written by fuzz/repro_out.h with the minimized
// input beside it. Shared by the libFuzzer entry points (fuzz/harness.cc)
// and kernsim fuzz (fuzz/campaign.h through kernsim._core).
#pragma once

#include <string>

#include "fuzz/decode.h"
#include "kernsim.pb.h"
#include "runner/fuzz_exec.h"

namespace ks::fuzz {

struct Written {
  std::string path;   // the repro
  std::string input;  // the minimized input
  int calls = 0;      // in its Program
  bool replayed = false;  // the decision log reproduced kind, signature and hash
  runner::RunRecord rec;    // the recorded run (kind and signature of the finding)
};

// `world` is what the executions ran with, recorded in the repro. `name`
// is the file name without its suffix; empty: <driver>-<variant>-<kind>-<hash>.
// Throws std::runtime_error when the file cannot be written.
Written write_finding(const Decoder& dec, runner::FuzzExecutor& ex, const std::string& input,
                      const std::string& kind, const std::string& signature,
                      const kernsim::WorldSpec& world, const std::string& dir,
                      std::string name = "");

}  // namespace ks::fuzz
