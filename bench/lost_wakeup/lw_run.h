// One execution of the two-thread lost wakeup (lost_wakeup.c) in a World:
// shared by its tests and by bench_core, so the benchmark measures exactly
// what the tests check.
#pragma once

#include <vector>

#include "kernel_model/world.h"
#include "bench/lost_wakeup/lost_wakeup.h"

namespace ks::kdrivers {

struct LwOutcome {
  sim::Failure failure;
  uint64_t hash;
  std::vector<sim::Decision> decisions;
};

// `checked`: LW_*; `pad`: unrelated steps of the waiter before its window.
inline LwOutcome lw_run(sim::StackPool& pool, sim::Strategy& s, uint64_t i, int checked,
                        int pad) {
  km::WorldOptions o;
  km::World w(pool, s, o, i);
  lw_state st{};
  st.lw_checked = checked;
  st.lw_pad = pad;
  {
    sim::Sim::HostScope scope(w.sim());
    lw_init(&st);
  }
  w.spawn("waiter", lw_waiter, &st);
  w.spawn("signaller", lw_signaller, &st);
  w.run();
  return {w.sim().failure(), w.sim().trace_hash(), w.sim().decisions()};
}

}  // namespace ks::kdrivers
