// kernsim fuzz's generator and mutator. They work on the decoder's inputs
// (fuzz/decode.h), never on Programs: an input is a header (the schedule)
// and records, each decoding into one described operation with the set-up
// it needs, so a mutant is made by inserting, dropping, copying or
// redrawing records and always decodes into a Program that passes
// program_check, its results named afresh: no repair pass. New records are
// drawn by the decoder itself from a seeded generator (Decoder::extend), so
// generation and the libFuzzer entry points share one set of choices.
//
// Deterministic: every choice comes from the Rng the caller seeded.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "fuzz/decode.h"

namespace ks::fuzz {

class Mutator {
 public:
  // What the mutator reads of an input's decoding: a corpus keeps it with
  // each input, so mutating a parent does not decode it again.
  struct Parsed {
    std::vector<std::pair<size_t, size_t>> records;
    int calls = 0;
  };
  static Parsed parsed(const Decoded& d);

  explicit Mutator(const Decoder& dec) : dec_(dec) {}
  // A fresh input: a header and 1..8 records.
  std::string generate(Rng& rng) const;
  // A mutant of `input`: one to three mutations; `other` (another corpus
  // input, may be empty) lends records to a splice. `decoded`, when given,
  // receives the mutant's decoding (the mutator makes it anyway);
  // `input_parsed` and `other_parsed`, when given, are those inputs'.
  std::string mutate(const std::string& input, const std::string& other, Rng& rng,
                     Decoded* decoded = nullptr, const Parsed* input_parsed = nullptr,
                     const Parsed* other_parsed = nullptr) const;
  // The input with the header's schedule seed replaced.
  static std::string with_seed(std::string input, uint32_t seed);
  static uint32_t seed_of(const std::string& input);

 private:
  const Decoder& dec_;
};

}  // namespace ks::fuzz
