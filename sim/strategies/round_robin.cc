#include "sim/strategies/round_robin.h"

namespace ks::sim {

Tid RoundRobin::pick(const PickContext& c) {
  // Skip the clock while any thread can run.
  size_t first = c.runnable[0] == kClockTid ? 1 : 0;
  if (first == c.runnable.size()) return kClockTid;
  if (c.current_runnable) return c.current;
  for (size_t i = first; i < c.runnable.size(); i++)
    if (c.runnable[i] > c.current) return c.runnable[i];
  return c.runnable[first];
}

}  // namespace ks::sim
