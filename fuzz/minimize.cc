#include "fuzz/minimize.h"

#include <stdexcept>

#include "fuzz/mutate.h"
#include "runner/program_proto.h"

namespace ks::fuzz {

namespace {

constexpr int kRetrySeeds = 8;

}  // namespace

runner::RunRecord run_input(const Decoder& dec, runner::FuzzExecutor& ex, const std::string& input,
                          const km::WorldOptions& world) {
  Decoded d = dec.decode(reinterpret_cast<const uint8_t*>(input.data()), input.size());
  try {
    km::Program p = runner::program_from_proto(d.program());
    return ex.run(p, d.schedule, world, 0).rec;
  } catch (const std::exception& e) {
    runner::RunRecord r;
    r.failure.kind = sim::FailureKind::kHostError;
    r.failure.signature = "host_error";
    r.failure.message = std::string("decoded program rejected: ") + e.what();
    return r;
  }
}

std::string minimize_input(const Decoder& dec, runner::FuzzExecutor& ex, std::string input,
                           const std::string& kind, const std::string& signature,
                           const km::WorldOptions& world, uint64_t max_runs) {
  uint64_t runs = 0, hangs = 0;
  auto same = [&](const std::string& cand) {
    runs++;
    runner::RunRecord r = run_input(dec, ex, cand, world);
    if (r.failure.kind == sim::FailureKind::kHang && ++hangs >= kMaxHangRuns) runs = max_runs;
    return r.failure && kind == sim::failure_kind_name(r.failure.kind) &&
           signature == r.failure.signature;
  };
  // A candidate that keeps the finding under its seed or a derived one.
  auto keeps = [&](const std::string& cand, std::string* accepted) {
    uint32_t seed = Mutator::seed_of(cand);
    for (int k = 0; k <= kRetrySeeds && runs < max_runs; k++) {
      std::string c = k == 0 ? cand : Mutator::with_seed(cand, seed * 1000003u + static_cast<uint32_t>(k));
      if (same(c)) {
        *accepted = c;
        return true;
      }
    }
    return false;
  };
  bool changed = true;
  while (changed && runs < max_runs) {
    changed = false;
    Decoded d = dec.decode(reinterpret_cast<const uint8_t*>(input.data()), input.size());
    auto recs = d.records;
    for (size_t k = recs.size(); k-- > 0 && runs < max_runs;) {
      // Records before k decode the same without it: their ranges hold.
      std::string cand = input.substr(0, recs[k].first) + input.substr(recs[k].second);
      std::string accepted;
      if (keeps(cand, &accepted)) {
        input = accepted;
        changed = true;
      }
    }
  }
  return input;
}

}  // namespace ks::fuzz
