#include "sim/strategies/random.h"

namespace ks::sim {

uint32_t ChoiceRates::pick(Rng& rng, uint32_t n, ChoiceKind kind) const {
  uint32_t num = fault_num, den = fault_den;
  if (kind == ChoiceKind::kSpurious) num = spurious_num, den = spurious_den;
  if (kind == ChoiceKind::kSignal) num = signal_num, den = signal_den;
  if (!rng.chance(num, den)) return 0;
  return 1 + rng.below(n - 1);
}

}  // namespace ks::sim
