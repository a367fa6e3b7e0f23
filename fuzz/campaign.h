// kernsim fuzz's loop, one step after another in C++: pick a corpus input,
// mutate it (fuzz/mutate.h), decode it, run its Program under a batch of
// schedule seeds with coverage (runner/fuzz_exec.h), keep it when some
// execution covered a new driver edge bucket or interleaving pair, and hand
// every new finding (fuzz_verdict, by kind and signature) to the caller.
// Python (python/kernsim/fuzz_engine.py) runs it in slices and owns the
// clock, the corpus directory and the repro files' confirmation.
//
// Deterministic: one Rng seeded with the campaign's seed makes every input
// and every schedule seed; a (seed, execution budget) campaign runs the same
// course every time in one build (the edge numbering is the code layout's).
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "fuzz/decode.h"
#include "fuzz/mutate.h"
#include "runner/fuzz_exec.h"

namespace ks::fuzz {

struct Found {
  std::string input;  // its header's seed is the failing execution's
  std::string kind, signature, message;
  uint64_t executions = 0;  // of the campaign when it was seen
};

struct Slice {
  std::vector<std::string> kept;  // inputs added to the corpus (to save)
  std::vector<Found> found;       // new (kind, signature) findings
};

class Campaign {
 public:
  static constexpr uint32_t kBatch = 8;    // schedule seeds per mutant
  static constexpr uint32_t kInitial = 8;  // inputs generated when the corpus is empty
  static constexpr uint32_t kFreshIn = 20; // 1 in 20 steps runs a fresh input

  // `desc` must have passed parse_description.
  Campaign(kernsim::DriverDescription desc, std::string variant, uint64_t seed,
           km::WorldOptions world, uint32_t batch = kBatch);
  // Steps until at least `executions` more ran, or a step found something new.
  Slice run(uint64_t executions);
  // A corpus input from elsewhere (the directory, another --jobs worker):
  // run once under its own schedule seed for its coverage, then a parent.
  Slice adopt(const std::string& input);

  uint64_t executions() const { return ex_.executions(); }
  uint64_t invalid() const { return invalid_; }
  size_t corpus_size() const { return corpus_.size(); }
  runner::FuzzExecutor& executor() { return ex_; }
  const Decoder& decoder() const { return dec_; }

 private:
  // Runs one input under `seeds` (each replacing its header's seed);
  // `decoded`: the input's decoding when the caller has it.
  void execute(const std::string& input, const std::vector<uint32_t>& seeds, bool keep, Slice& out,
               Decoded* decoded = nullptr);

  kernsim::DriverDescription desc_;  // the decoder's; never changed
  Decoder dec_;
  Mutator mut_;
  Rng rng_;
  runner::FuzzExecutor ex_;
  km::WorldOptions world_;
  uint32_t batch_;
  std::vector<std::string> corpus_;
  std::vector<Mutator::Parsed> parsed_;  // corpus_[i]'s, for the mutator
  std::set<std::pair<std::string, std::string>> known_;  // findings' (kind, signature)
  uint64_t invalid_ = 0;
};

}  // namespace ks::fuzz
