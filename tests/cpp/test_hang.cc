// The hang watchdog (sim/watchdog.h): a driver loop with no scheduling
// point is a `hang` failure of its thread, named with the function and the
// source line it was interrupted at; the same schedule hangs at the same
// step with the same trace hash; the next World on the thread runs.
#include <gtest/gtest.h>

#include <string>

#include "kernel_model/world.h"
#include "sim/fault_guard.h"
#include "sim/strategies/replay.h"
#include "sim/strategies/round_robin.h"
#include "sim/watchdog.h"
#include "tests/cpp/kdrivers/failures.h"

using namespace ks;

namespace {

struct Outcome {
  sim::Failure failure;
  uint64_t hash = 0, step = 0;
  std::vector<sim::Decision> decisions;
};

Outcome run(sim::StackPool& pool, sim::Strategy& strat, uint64_t index) {
  km::WorldOptions o;
  o.sim.hang_ms = 100;  // small: the test stays fast
  km::World w(pool, strat, o, index);
  kf_state st{};
  {
    sim::Sim::HostScope scope(w.sim());
    kf_init(&st);
  }
  w.spawn("spinner", kf_spin_no_point, &st);
  w.spawn("poster", kf_sema_post, &st);
  sim::HangWatchScope watch;
  w.run();
  return {w.sim().failure(), w.sim().trace_hash(), w.sim().step(), w.sim().decisions()};
}

TEST(Hang, SpinWithNoSchedulingPointIsReportedReplayedAndTheNextWorldRuns) {
  sim::install_fault_handlers();
  sim::StackPool pool;
  sim::RoundRobin rr;  // the spinner runs first, takes kf_a and spins
  Outcome o = run(pool, rr, 0);
  ASSERT_EQ(o.failure.kind, sim::FailureKind::kHang) << o.failure.message;
  EXPECT_EQ(o.failure.signature, "hang");
  EXPECT_EQ(o.failure.thread, "spinner");
  const std::string& m = o.failure.message;
  EXPECT_NE(m.find("thread spinner ran more than 0.1 s of CPU time with no scheduling point"),
            std::string::npos) << m;
  // The function, and its file and line (a RelWithDebInfo build has them).
  EXPECT_NE(m.find("kf_spin_no_point"), std::string::npos) << m;
  EXPECT_NE(m.find("kf_hang.c:1"), std::string::npos) << m;
  // Replayed: the same step, outcome and trace hash.
  sim::ReplayStrategy rep(o.decisions);
  Outcome again = run(pool, rep, 0);
  EXPECT_EQ(again.failure.kind, sim::FailureKind::kHang) << again.failure.message;
  EXPECT_EQ(again.step, o.step);
  EXPECT_EQ(again.hash, o.hash);
  // The same thread and pool run a sound World next: the setter first.
  km::World w(pool, rr, {}, 1);
  kf_state st{};
  {
    sim::Sim::HostScope scope(w.sim());
    kf_init(&st);
  }
  st.kf_flag = 1;
  w.spawn("spinner", kf_spin_no_point, &st);
  sim::HangWatchScope watch;
  w.run();
  EXPECT_FALSE(w.sim().failure()) << w.sim().failure().message;
}

}  // namespace
