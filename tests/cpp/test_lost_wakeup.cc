// The two-thread lost wakeup through the whole stack: C code on the illumos
// personality, the kernel model, the scheduler and its strategies.
#include <gtest/gtest.h>

#include <set>

#include "kernel_model/world.h"
#include "sim/strategies/pct.h"
#include "sim/strategies/random.h"
#include "sim/strategies/replay.h"
#include "sim/strategies/round_robin.h"
#include "bench/lost_wakeup/lw_run.h"

using namespace ks;

namespace {

using Outcome = kdrivers::LwOutcome;

Outcome run_once(sim::StackPool& pool, sim::Strategy& s, uint64_t i, int checked, int pad) {
  return kdrivers::lw_run(pool, s, i, checked, pad);
}

TEST(LostWakeup, RoundRobinNeverFindsIt) {
  sim::StackPool pool;
  sim::RoundRobin rr;
  for (uint64_t i = 0; i < 100; i++) EXPECT_FALSE(run_once(pool, rr, i, LW_UNCHECKED, 0).failure);
}

TEST(LostWakeup, RandomFindsItAndNamesTheCondvar) {
  sim::StackPool pool;
  sim::RandomStrategy rnd(1, {});
  for (uint64_t i = 0; i < 1000; i++) {
    Outcome r = run_once(pool, rnd, i, LW_UNCHECKED, 0);
    if (!r.failure) continue;
    EXPECT_EQ(r.failure.kind, sim::FailureKind::kStuck);
    EXPECT_EQ(r.failure.signature, "stuck:cv_wait:lw_cv");
    EXPECT_NE(r.failure.message.find("thread waiter sleeps in cv_wait on condvar lw_cv"),
              std::string::npos) << r.failure.message;
    EXPECT_NE(r.failure.message.find("the last cv_signal on lw_cv was by signaller"),
              std::string::npos) << r.failure.message;
    EXPECT_NE(r.failure.message.find("the wakeup came before the wait"), std::string::npos)
        << r.failure.message;
    // Replay gives the same failure and the same hash.
    sim::ReplayStrategy rep(r.decisions);
    Outcome again = run_once(pool, rep, 0, LW_UNCHECKED, 0);
    EXPECT_EQ(again.failure.signature, r.failure.signature);
    EXPECT_EQ(again.hash, r.hash);
    return;
  }
  FAIL() << "random never found the lost wakeup in 1000 runs";
}

TEST(LostWakeup, CheckedWaiterPassesRandomAndPct) {
  sim::StackPool pool;
  sim::RandomStrategy rnd(7, {});
  sim::PctStrategy pct(7, 3, 0, {});
  std::set<uint64_t> hashes;
  for (uint64_t i = 0; i < 10000; i++) {
    Outcome a = run_once(pool, rnd, i, LW_CHECKED, 0);
    ASSERT_FALSE(a.failure) << a.failure.message;
    Outcome b = run_once(pool, pct, i, LW_CHECKED, 0);
    ASSERT_FALSE(b.failure) << b.failure.message;
    hashes.insert(a.hash);
  }
  EXPECT_GT(hashes.size(), 2u);  // several distinct interleavings were run
}

TEST(LostWakeup, PctFindsAPaddedWindowWhereRandomStruggles) {
  // The window follows 16 unrelated steps of the waiter: random must leave
  // the signaller off for all of them, PCT needs one change point.
  sim::StackPool pool;
  auto first = [&](sim::Strategy& s, uint64_t limit) -> uint64_t {
    for (uint64_t i = 0; i < limit; i++)
      if (run_once(pool, s, i, LW_WINDOW, 16).failure) return i + 1;
    return 0;
  };
  int pct_found = 0, random_found = 0;
  for (uint64_t seed = 1; seed <= 10; seed++) {
    sim::PctStrategy pct(seed, 2, 0, {});
    if (first(pct, 500) > 0) pct_found++;
    sim::RandomStrategy rnd(seed, {});
    if (first(rnd, 500) > 0) random_found++;
  }
  EXPECT_EQ(pct_found, 10);
  EXPECT_LE(random_found, 2);
}

TEST(LostWakeup, WindowVariantPassesWithoutPreemption) {
  sim::StackPool pool;
  sim::RoundRobin rr;
  EXPECT_FALSE(run_once(pool, rr, 0, LW_WINDOW, 16).failure);
}

TEST(LostWakeup, SameSeedSameHashes) {
  sim::StackPool pool;
  sim::RandomStrategy a(42, {}), b(42, {});
  for (uint64_t i = 0; i < 200; i++)
    EXPECT_EQ(run_once(pool, a, i, LW_WINDOW, 3).hash, run_once(pool, b, i, LW_WINDOW, 3).hash);
}

}  // namespace
