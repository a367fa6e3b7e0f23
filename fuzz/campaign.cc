#include "fuzz/campaign.h"

#include <stdexcept>

#include "runner/fuzz_verdict.h"
#include "runner/program_proto.h"

namespace ks::fuzz {

Campaign::Campaign(kernsim::DriverDescription desc, std::string variant, uint64_t seed,
                   km::WorldOptions world, uint32_t batch)
    : desc_(std::move(desc)),
      dec_(desc_, std::move(variant)),
      mut_(dec_),
      rng_(seed),
      world_(world),
      batch_(batch ? batch : 1) {}

void Campaign::execute(const std::string& input, const std::vector<uint32_t>& seeds, bool keep,
                       Slice& out, Decoded* decoded) {
  Decoded own;
  if (!decoded)
    own = dec_.decode(reinterpret_cast<const uint8_t*>(input.data()), input.size());
  Decoded& d = decoded ? *decoded : own;
  km::Program p;
  try {
    p = runner::program_from_proto(d.program());
  } catch (const std::invalid_argument& e) {  // the decoder's promise broken: kernsim's bug
    throw std::logic_error(std::string("fuzz: a decoded program was rejected: ") + e.what());
  }
  bool kept = !keep;
  for (uint32_t seed : seeds) {
    runner::StrategySpec s = d.schedule;
    s.seed = seed;
    const runner::FuzzRun& r = ex_.run(p, s, world_, 0);
    if (!kept && (r.new_edges || r.new_pairs)) {
      kept = true;
      corpus_.push_back(Mutator::with_seed(input, seed));
      parsed_.push_back(Mutator::parsed(d));  // the seed is not a record: the same
      out.kept.push_back(corpus_.back());
    }
    if (!r.rec.failure) continue;
    std::string kind = sim::failure_kind_name(r.rec.failure.kind);
    runner::FuzzVerdict v = runner::fuzz_verdict(kind, r.rec.failure.signature);
    if (v == runner::FuzzVerdict::kInvalid) invalid_++;
    if (v != runner::FuzzVerdict::kFinding) continue;
    if (!known_.insert({kind, r.rec.failure.signature}).second) continue;
    out.found.push_back(Found{Mutator::with_seed(input, seed), kind, r.rec.failure.signature,
                              r.rec.failure.message, ex_.executions()});
  }
}

Slice Campaign::adopt(const std::string& input) {
  Slice out;
  Decoded d = dec_.decode(reinterpret_cast<const uint8_t*>(input.data()), input.size());
  execute(input, {Mutator::seed_of(input)}, false, out, &d);
  corpus_.push_back(input);
  parsed_.push_back(Mutator::parsed(d));
  return out;
}

Slice Campaign::run(uint64_t executions) {
  Slice out;
  uint64_t stop = ex_.executions() + executions;
  auto seeds = [&] {
    std::vector<uint32_t> v(batch_);
    for (auto& s : v) s = static_cast<uint32_t>(rng_.next());
    return v;
  };
  // A first input's seeds, then its records: both draw from rng_, so the
  // order is written out (as two arguments of one call it was the
  // compiler's, and this is the one gcc chose: a seed's course is kept).
  auto generated = [&] {
    std::vector<uint32_t> s = seeds();
    return std::make_pair(mut_.generate(rng_), std::move(s));
  };
  if (corpus_.empty())
    for (uint32_t i = 0; i < kInitial; i++) {
      auto [input, batch] = generated();
      execute(input, batch, true, out);
    }
  while (ex_.executions() < stop && out.found.empty()) {
    if (corpus_.empty() || rng_.chance(1, kFreshIn)) {
      std::string input = mut_.generate(rng_);
      execute(input, seeds(), true, out);
      continue;
    }
    uint32_t pi = rng_.below(static_cast<uint32_t>(corpus_.size()));
    uint32_t oi = rng_.below(static_cast<uint32_t>(corpus_.size()));
    Decoded d;
    std::string input = mut_.mutate(corpus_[pi], corpus_[oi], rng_, &d, &parsed_[pi], &parsed_[oi]);
    execute(input, seeds(), true, out, &d);
  }
  return out;
}

}  // namespace ks::fuzz
