// Scenarios of the DFS tests (test_dfs.cc, test_dfs_split.cc): the lost
// wakeup's variants and the hand-countable threads of dfs_count.h.
#pragma once

#include <functional>
#include <memory>

#include "kernel_model/world.h"
#include "sim/strategies/dfs.h"
#include "tests/cpp/kdrivers/dfs_count.h"
#include "tests/cpp/kdrivers/kdrivers.h"

namespace ks::test {

using Scenario = std::function<void(km::World&)>;

inline Scenario lost_wakeup(int checked, int pad) {
  return [=](km::World& w) {
    auto* st = new lw_state{};  // leaked per execution is too much: keep it in the World
    w.keep(std::unique_ptr<lw_state>(st));
    st->lw_checked = checked;
    st->lw_pad = pad;
    {
      sim::Sim::HostScope scope(w.sim());
      lw_init(st);
    }
    w.spawn("waiter", lw_waiter, st);
    w.spawn("signaller", lw_signaller, st);
  };
}

inline Scenario counting(bool locks, int k, bool shared) {
  return [=](km::World& w) {
    auto* st = new dc_state{};
    w.keep(std::unique_ptr<dc_state>(st));
    st->dc_k = k;
    st->dc_shared = shared;
    {
      sim::Sim::HostScope scope(w.sim());
      dc_init(st);
    }
    w.spawn("a", locks ? dc_locked_a : dc_points_a, st);
    w.spawn("b", locks ? dc_locked_b : dc_points_b, st);
  };
}

// Runs executions of `scn` under `dfs` until it is exhausted, `limit`
// executions ran, or `each` (called with every execution's World, after it
// ran) returns false: the loop of every search these tests make.
template <class Each>
void each_execution(const Scenario& scn, sim::DfsStrategy& dfs, uint64_t limit, Each each) {
  sim::StackPool pool;
  for (uint64_t i = 0; !dfs.exhausted() && i < limit; i++) {
    km::WorldOptions wo;
    km::World w(pool, dfs, wo, i);
    scn(w);
    w.run();
    if (!each(w)) break;
  }
}

}  // namespace ks::test
