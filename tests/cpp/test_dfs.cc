// Bounded exhaustive search (sim/strategies/dfs): exact execution counts on
// scenarios counted by hand, the lost wakeup's variants at the smallest
// bound that can fail, and DPOR finding the same bugs with fewer executions.
#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "kernel_model/world.h"
#include "sim/strategies/dfs.h"
#include "sim/strategies/replay.h"
#include "tests/cpp/dfs_scenarios.h"

using namespace ks;

namespace {

struct SearchOut {
  uint64_t executions = 0;
  std::set<uint64_t> hashes;
  bool exhausted = false;
  bool failed = false;
  uint32_t fail_bound = 0;
  sim::Failure failure;
  std::vector<sim::Decision> decisions;
  uint64_t redundant = 0;
};

using test::Scenario;
using test::counting;
using test::lost_wakeup;

SearchOut search(const Scenario& scn, sim::DfsOptions o, uint64_t limit = 200000) {
  sim::DfsStrategy dfs(o);
  SearchOut out;
  test::each_execution(scn, dfs, limit, [&](km::World& w) {
    out.executions++;
    out.hashes.insert(w.sim().trace_hash());
    if (!w.sim().failure()) return true;
    out.failed = true;
    out.fail_bound = dfs.last_bound();
    out.failure = w.sim().failure();
    out.decisions = w.sim().decisions();
    return false;
  });
  out.exhausted = dfs.exhausted();
  out.redundant = dfs.state().redundant;
  return out;
}

// The hand count for `counting(false, k)`: two threads, each starts, then
// meets k scheduling points each followed by its operation, then exits.
// Decisions: at the start (which thread first: free), and at every point of
// the running thread while the other is alive (go on: free; switch: one
// preemption). A thread resumed at its point performs that operation first.
// Once one thread has exited, nothing is left to decide.
uint64_t hand_count(int k, int bound) {
  std::function<uint64_t(int, int, int, int, int, int)> run;
  // run(x, da, db, sa, sb, pre): thread x gets the CPU.
  std::function<uint64_t(int, int, int, int, int, int)> decide =
      [&](int cur, int da, int db, int sa, int sb, int pre) -> uint64_t {
    uint64_t n = 0;
    for (int o = 1; o <= 2; o++) {
      int c = (cur != 0 && o != cur) ? 1 : 0;
      if (pre + c <= bound) n += run(o, da, db, sa, sb, pre + c);
    }
    return n;
  };
  run = [&](int x, int da, int db, int sa, int sb, int pre) -> uint64_t {
    int& d = x == 1 ? da : db;
    int& s = x == 1 ? sa : sb;
    if (!s) s = 1;  // starts and arrives at its first point
    else d++;       // resumes at its point: the operation
    if (d == k) return 1;  // exits; the other runs alone to the end
    return decide(x, da, db, sa, sb, pre);
  };
  return decide(0, 0, 0, 0, 0, 0);
}

TEST(Dfs, HandCountOfBarePoints) {
  // By hand: bound 0: who starts (2). Bound 1: also one preemption of the
  // first thread at one of its k points, after which the other runs to its
  // end (2 (1 + k)). Bound 2: the other may preempt back at one of its k
  // points (2 (1 + k + k^2)). Bound 3: the first, resumed at its point i,
  // may preempt again at one of its k - i later points
  // (2 (1 + k + k^2 + k^2 (k - 1) / 2)). Unbounded, the count is the
  // number of words over k + 1 segments per thread (start..point 1,
  // op 1..point 2, ..., op k..exit): C(2k + 2, k + 1), 6, 20, 70, 252 for
  // k = 1..4 (the k operations alone would give C(2k, k); a thread's
  // start is a segment of its own because a switch may come before its
  // first operation).
  for (uint64_t k = 1; k <= 4; k++) {
    EXPECT_EQ(hand_count(k, 0), 2u);
    EXPECT_EQ(hand_count(k, 1), 2 * (1 + k));
    EXPECT_EQ(hand_count(k, 2), 2 * (1 + k + k * k));
    EXPECT_EQ(hand_count(k, 3), 2 * (1 + k + k * k + k * k * (k - 1) / 2));
  }
  EXPECT_EQ(hand_count(3, 99), 70u);
  EXPECT_EQ(hand_count(4, 99), 252u);
  for (int k = 1; k <= 4; k++)
    for (int b = 0; b <= 4; b++) {
      SearchOut r = search(counting(false, k, false), {static_cast<uint32_t>(b), false, true});
      EXPECT_TRUE(r.exhausted);
      EXPECT_FALSE(r.failed);
      EXPECT_EQ(r.executions, hand_count(k, b)) << "k=" << k << " bound=" << b;
      // Every execution is a different interleaving: no repeats across bounds.
      EXPECT_EQ(r.hashes.size(), r.executions) << "k=" << k << " bound=" << b;
    }
}

TEST(Dfs, UnboundedCountOfBarePoints) {
  SearchOut r = search(counting(false, 3, false), {99, false, true});
  EXPECT_TRUE(r.exhausted);
  EXPECT_EQ(r.executions, 70u);  // C(8, 4)
}

TEST(Dfs, NonIterativeCountsTheSame) {
  SearchOut a = search(counting(false, 3, false), {2, false, true});
  SearchOut b = search(counting(false, 3, false), {2, false, false});
  EXPECT_EQ(a.executions, b.executions);
  EXPECT_EQ(a.hashes, b.hashes);
}

TEST(Dfs, DporNeedsOneOrderOfIndependentThreads) {
  // Bare points and private locks touch no common object: one interleaving
  // per start order is all DPOR needs (the start itself is not reduced when
  // both threads' first operations are unknown).
  for (bool locks : {false, true}) {
    SearchOut full = search(counting(locks, 3, false), {3, false, false});
    SearchOut dpor = search(counting(locks, 3, false), {3, true, false});
    EXPECT_TRUE(dpor.exhausted);
    EXPECT_LE(dpor.executions - dpor.redundant, 2u) << "locks=" << locks;
    EXPECT_LT(dpor.executions, full.executions);
  }
}

TEST(Dfs, DporKeepsEveryOrderOfASharedLock) {
  // Shared lock, k = 2 critical sections each: the lock's acquisition order
  // is one of C(4, 2) = 6 words over {a, b}; each needs its own execution.
  SearchOut full = search(counting(true, 2, true), {6, false, false});
  SearchOut dpor = search(counting(true, 2, true), {6, true, false});
  EXPECT_TRUE(full.exhausted);
  EXPECT_TRUE(dpor.exhausted);
  EXPECT_LT(dpor.executions, full.executions);
  EXPECT_GE(dpor.executions - dpor.redundant, 6u);
}

TEST(Dfs, CheckedLostWakeupExhaustsAtBoundTwo) {
  SearchOut r = search(lost_wakeup(LW_CHECKED, 0), {2, false, true});
  EXPECT_TRUE(r.exhausted);
  EXPECT_FALSE(r.failed) << r.failure.message;
  EXPECT_GT(r.executions, 2u);
  SearchOut d = search(lost_wakeup(LW_CHECKED, 0), {2, true, true});
  EXPECT_TRUE(d.exhausted);
  EXPECT_FALSE(d.failed);
}

TEST(Dfs, UncheckedFailsAtBoundZero) {
  // The signaller running first is a choice at the start: no preemption.
  for (bool dpor : {false, true}) {
    SearchOut r = search(lost_wakeup(LW_UNCHECKED, 0), {2, dpor, true});
    ASSERT_TRUE(r.failed);
    EXPECT_EQ(r.fail_bound, 0u);
    EXPECT_EQ(r.failure.signature, "stuck:cv_wait:lw_cv");
  }
}

TEST(Dfs, WindowFailsAtBoundOneNotZero) {
  // Bound 0 cannot open the window (the signaller must run between the
  // waiter's mutex_exit and mutex_enter, a preemption); bound 1 can.
  SearchOut zero = search(lost_wakeup(LW_WINDOW, 3), {0, false, true});
  EXPECT_TRUE(zero.exhausted);
  EXPECT_FALSE(zero.failed);
  for (int pad : {0, 3, 16}) {
    SearchOut full = search(lost_wakeup(LW_WINDOW, pad), {2, false, true});
    ASSERT_TRUE(full.failed) << "pad " << pad;
    EXPECT_EQ(full.fail_bound, 1u);
    EXPECT_EQ(full.failure.signature, "stuck:cv_wait:lw_cv");
    SearchOut dpor = search(lost_wakeup(LW_WINDOW, pad), {2, true, true});
    ASSERT_TRUE(dpor.failed) << "pad " << pad;
    EXPECT_EQ(dpor.fail_bound, 1u);
    // The failure's decisions replay it.
    sim::StackPool pool;
    sim::ReplayStrategy rep(dpor.decisions);
    km::WorldOptions wo;
    km::World w(pool, rep, wo, 0);
    lost_wakeup(LW_WINDOW, pad)(w);
    w.run();
    w.sim().finish();
    EXPECT_EQ(w.sim().failure().signature, "stuck:cv_wait:lw_cv");
  }
}

TEST(Dfs, MaxBoundBelowTheBugIsExhaustedClean) {
  SearchOut r = search(lost_wakeup(LW_WINDOW, 16), {0, true, true});
  EXPECT_TRUE(r.exhausted);
  EXPECT_FALSE(r.failed);
}

TEST(Dfs, DporCountsFewerOnThePaddedWindowExhaustively) {
  // The checked waiter with 8 padding points: exhaust bound 2 both ways.
  SearchOut full = search(lost_wakeup(LW_CHECKED, 8), {2, false, false});
  SearchOut dpor = search(lost_wakeup(LW_CHECKED, 8), {2, true, false});
  EXPECT_TRUE(full.exhausted);
  EXPECT_TRUE(dpor.exhausted);
  EXPECT_LT(dpor.executions, full.executions);
}

}  // namespace
