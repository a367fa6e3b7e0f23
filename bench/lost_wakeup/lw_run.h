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

// Sets the test up in `w` (fresh or just reset) and runs it; `st` must
// outlive the run.
inline void lw_setup_run(km::World& w, lw_state& st, int checked, int pad) {
  st = lw_state{};
  st.lw_checked = checked;
  st.lw_pad = pad;
  {
    sim::Sim::HostScope scope(w.sim());
    lw_init(&st);
  }
  w.spawn("waiter", lw_waiter, &st);
  w.spawn("signaller", lw_signaller, &st);
  w.run();
}

// `checked`: LW_*; `pad`: unrelated steps of the waiter before its window.
// In a new World.
inline LwOutcome lw_run(sim::StackPool& pool, sim::Strategy& s, uint64_t i, int checked,
                        int pad) {
  km::WorldOptions o;
  km::World w(pool, s, o, i);
  lw_state st;
  lw_setup_run(w, st, checked, pad);
  return {w.sim().failure(), w.sim().trace_hash(), w.sim().decisions()};
}

// The same execution in `w`, reset first (a World kept across executions,
// issue 14); the outcome stays in w.sim(). Allocates nothing once warm.
inline void lw_run_reset(km::World& w, sim::Strategy& s, uint64_t i, int checked, int pad) {
  w.reset(s, km::WorldOptions{}, i);
  lw_state st;
  lw_setup_run(w, st, checked, pad);
}

}  // namespace ks::kdrivers
