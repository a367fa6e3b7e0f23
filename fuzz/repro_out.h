// A finding of the libFuzzer/AFL++ entry points as a kernsim repro
// (*.repro.txtpb, message Repro): the Program, how it was found, the
// decision log of the recorded run and its outcome, so that
// `python3 -m kernsim replay FILE` replays it in any kernsim build.
#pragma once

#include <string>

#include "kernsim.pb.h"
#include "runner/explore.h"
#include "runner/strategy_spec.h"

namespace ks::fuzz {

// `world`: the options the run had (the harness runs with the defaults).
kernsim::Repro make_repro(const kernsim::Program& p, const runner::StrategySpec& found_by,
                          const runner::RunRecord& rec, const kernsim::WorldSpec& world = {});

// Writes `r` to dir/<name>.repro.txtpb (created by rename, so a reader
// never sees half a file) and the input bytes beside it as <name>.input;
// returns the repro's path. Throws std::runtime_error naming the path.
std::string write_repro(const std::string& dir, const std::string& name, const kernsim::Repro& r,
                        const std::string& input);

}  // namespace ks::fuzz
