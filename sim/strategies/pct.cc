#include "sim/strategies/pct.h"

#include <algorithm>

namespace ks::sim {

void PctStrategy::begin(uint64_t index, const SchedView&) {
  rng_.reseed(execution_seed(seed_, index));
  // Zeroed in place, the size kept: a tid no spawn named reads 0 as one past
  // the end does, and the next execution's spawns find their entries there
  // (a clear and a resize per spawn were about 2% of a lofi execution).
  std::fill(prio_.begin(), prio_.end(), 0);
  change_points_.clear();
  next_change_ = 0;
  if (k_ > 0) {
    for (uint32_t i = 0; i + 1 < depth_; i++) change_points_.push_back(1 + rng_.next() % k_);
    std::sort(change_points_.begin(), change_points_.end());
  }
  next_change_step_ = change_points_.empty() ? UINT64_MAX : change_points_[0];
  on_spawn(kClockTid);  // the clock competes like a thread
}

void PctStrategy::on_spawn(Tid t) {
  if (prio_.size() <= t) prio_.resize(t + 1, 0);
  // Initial priorities sit above every change-point priority (< depth).
  prio_[t] = depth_ + (rng_.next() >> 1);
}

Tid PctStrategy::pick(const PickContext& c) {
  if (c.step >= next_change_step_) [[unlikely]] {
    while (next_change_ < change_points_.size() && c.step >= change_points_[next_change_]) {
      if (c.current != 0 && c.current < prio_.size())
        prio_[c.current] = depth_ - 1 - next_change_;  // below every initial priority
      next_change_++;
    }
    next_change_step_ =
        next_change_ < change_points_.size() ? change_points_[next_change_] : UINT64_MAX;
  }
  // The first of the highest priority. Written to select, not branch: which
  // thread wins changes from pick to pick, and a mispredicted branch per
  // runnable thread made this the costliest function of a lofi execution.
  const uint64_t* prio = prio_.data();
  const size_t n = prio_.size();
  Tid best = c.runnable[0];
  uint64_t bp = best < n ? prio[best] : 0;
  for (size_t i = 1; i < c.runnable.size(); i++) {
    Tid t = c.runnable[i];
    uint64_t p = t < n ? prio[t] : 0;
    Tid take = Tid{0} - static_cast<Tid>(p > bp);  // all ones when higher
    best ^= (best ^ t) & take;
    bp = p > bp ? p : bp;
  }
  return best;
}

}  // namespace ks::sim
