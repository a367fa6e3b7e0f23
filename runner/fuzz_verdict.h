// What a fuzzed execution's outcome says about the driver: the one rule the
// Python fuzzer (python/kernsim/fuzz_engine.py) and the libFuzzer entry
// points (fuzz/) share, so both call the same outcomes findings.
#pragma once

#include <string>

namespace ks::runner {

enum class FuzzVerdict {
  kPass,     // nothing failed
  kInvalid,  // the program used another thread's result before it existed
             // (scenario:no_result): not about the driver
  kIgnored,  // a failure that is not the driver's bug: a non-oracle scenario
             // failure, a divergence, a host error, a detach refused with a
             // file still mapped, an interruptible sleep nobody wakes
  kFinding,  // a driver bug (or an oracle the generator placed)
};

// `kind` as failure_kind_name() spells it ("pass" when nothing failed).
FuzzVerdict fuzz_verdict(const std::string& kind, const std::string& signature);
const char* fuzz_verdict_name(FuzzVerdict v);

}  // namespace ks::runner
