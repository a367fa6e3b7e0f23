// FreeBSD callout(9), rw(9), pause(9)/clocks and refcount(9) through a tiny
// C driver (tests/cpp/kdrivers_freebsd/kfbc.c), checked against callout(9):
// a callout_init_mtx function runs with its mutex held; callout_stop returns
// 1 when it cancelled a pending run, 0 when the function is running, -1
// when nothing was scheduled; a stop made while holding the callout's mutex
// always wins; callout_drain waits for a running function; expiry clears
// PENDING but leaves ACTIVE, stop clears both.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "kernel_model/race.h"
#include "kernel_model/world.h"
#include "sim/strategies/random.h"
#include "sim/strategies/round_robin.h"
#include "tests/cpp/kdrivers_freebsd/kfbc.h"

using namespace ks;

namespace {

struct Outcome {
  sim::Failure failure;
  std::vector<long> log;
};

Outcome run(sim::Strategy& s, void (*fn)(void*), uint64_t index = 0) {
  static sim::StackPool pool;
  km::World w(pool, s, {}, index);
  {
    sim::Sim::HostScope scope(w.sim());
    kfbc_init();
  }
  w.spawn("t", fn, nullptr);
  w.run();
  return {w.sim().failure(), std::vector<long>(kfbc_log, kfbc_log + kfbc_nlog)};
}

Outcome run_rr(void (*fn)(void*)) {
  sim::RoundRobin rr;
  return run(rr, fn);
}

TEST(FreebsdCallout, ARunawayReArmingIsAFailureNotAHostAbort) {
  // Each run is a thread with a stack of its own for the execution: the
  // host's map count ran out (an abort) long before the step budget.
  Outcome o = run_rr(kfbc_runaway);
  EXPECT_EQ(o.failure.kind, sim::FailureKind::kStepBudget) << o.failure.message;
  EXPECT_EQ(o.failure.signature, "thread_budget") << o.failure.message;
  EXPECT_NE(o.failure.message.find("re-arms itself"), std::string::npos) << o.failure.message;
}

size_t host_mappings() {
  std::ifstream maps("/proc/self/maps");
  size_t n = 0;
  for (std::string line; std::getline(maps, line);) n++;
  return n;
}

// A 1 ms periodic callout for 100 s of virtual time in one execution: each
// run is a thread, and an exited run's stack (and parked fiber) serves the
// next, so the execution holds as many stacks as threads alive at once and
// the host's map count stays flat; before, it was a thread_budget report
// after 24,576 runs, which no real kernel makes.
TEST(FreebsdCallout, APeriodicCalloutRunsAHundredThousandTimesInOneExecution) {
  constexpr long kRuns = 100000;
  static sim::StackPool pool;
  for (int strategy = 0; strategy < 2; strategy++) {
    sim::RoundRobin rr;
    sim::RandomStrategy rnd(7, {});
    km::WorldOptions o;
    o.sim.max_steps = 20'000'000;
    km::World w(pool, strategy ? static_cast<sim::Strategy&>(rnd) : rr, o, 0);
    {
      sim::Sim::HostScope scope(w.sim());
      kfbc_init();
    }
    size_t before = host_mappings();
    w.spawn("t", kfbc_periodic, reinterpret_cast<void*>(static_cast<intptr_t>(kRuns)));
    w.run();
    ASSERT_FALSE(w.sim().failure()) << w.sim().failure().message;
    EXPECT_EQ(std::vector<long>(kfbc_log, kfbc_log + kfbc_nlog), std::vector<long>{kRuns});
    EXPECT_GT(w.sim().nthreads(), size_t(kRuns));
    EXPECT_LE(w.sim().stacks_held(), 4u) << "strategy " << strategy;
    // A handful for the heap's growth, not one per run.
    EXPECT_LE(host_mappings(), before + 16) << "strategy " << strategy;
  }
}

// The same with races tracked: each run's clock is as wide as the threads
// alive or still in the race detector's shadow at once (sim/hb.h, clock
// slots), not as the runs so far; before, each new run's clock spanned
// every run before it and 100,000 runs took 12-17 s.
TEST(FreebsdCallout, APeriodicCalloutsRunsKeepTheRaceDetectorsClocksNarrow) {
  constexpr long kRuns = 100000;
  static sim::StackPool pool;
  sim::RoundRobin rr;
  km::WorldOptions o;
  o.sim.max_steps = 20'000'000;
  o.detect_races = true;
  km::World w(pool, rr, o, 0);
  {
    sim::Sim::HostScope scope(w.sim());
    kfbc_init();
  }
  w.spawn("t", kfbc_periodic, reinterpret_cast<void*>(static_cast<intptr_t>(kRuns)));
  w.run();
  ASSERT_FALSE(w.sim().failure()) << w.sim().failure().message;
  EXPECT_EQ(std::vector<long>(kfbc_log, kfbc_log + kfbc_nlog), std::vector<long>{kRuns});
  EXPECT_GT(w.sim().nthreads(), size_t(kRuns));
  RecordProperty("clock_width", static_cast<int>(km::race_clock_width(w)));
  EXPECT_GT(km::race_clock_width(w), 0u);
  EXPECT_LE(km::race_clock_width(w), 16u);  // 4 when measured
}

TEST(FreebsdCallout, FiresOnceWithItsMutexHeld) {
  Outcome o = run_rr(kfbc_fires);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{0, 1, 101, 1, 0, 1, -1, 0}));
}

TEST(FreebsdCallout, ResetAndStopReturnValues) {
  Outcome o = run_rr(kfbc_reset_stop);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{0, 1, 1, -1, 0}));
}

TEST(FreebsdCallout, StopUnderTheMutexAlwaysWins) {
  // Either the function ran before the stop (-1, ran once) or the stop
  // cancelled it, even when the timer had fired and waited for the mutex
  // (1, never ran). Never 0: the function cannot run while the stopper
  // holds its mutex.
  sim::RandomStrategy rnd(11, {});
  std::set<long> seen;
  for (uint64_t i = 0; i < 300; i++) {
    Outcome o = run(rnd, kfbc_stop_locked, i);
    // A timer that fires while the stopper holds kc_mtx blocks on it, as a
    // callout may on an adaptive mutex (callout(9), mutex(9)).
    ASSERT_FALSE(o.failure) << o.failure.message;
    // the function logs 101 (it held the mutex) when it runs
    if (o.log.size() == 2) {
      EXPECT_EQ(o.log, (std::vector<long>{1, 0})) << "execution " << i;
    } else {
      EXPECT_EQ(o.log, (std::vector<long>{101, -1, 1})) << "execution " << i;
    }
    seen.insert(o.log[o.log.size() - 2]);
  }
  EXPECT_EQ(seen, (std::set<long>{-1, 1}));
}

TEST(FreebsdCallout, DrainWaitsForARunningFunction) {
  sim::RandomStrategy rnd(5, {});
  for (uint64_t i = 0; i < 300; i++) {
    Outcome o = run(rnd, kfbc_drain, i);
    ASSERT_FALSE(o.failure) << o.failure.message;
    ASSERT_EQ(o.log, (std::vector<long>{0, 1})) << "execution " << i;
  }
}

TEST(FreebsdCallout, StopOfARunningFunctionReturnsZero) {
  sim::RandomStrategy rnd(3, {});
  std::set<long> seen;
  for (uint64_t i = 0; i < 300; i++) {
    Outcome o = run(rnd, kfbc_stop_running, i);
    ASSERT_FALSE(o.failure) << o.failure.message;
    ASSERT_EQ(o.log.size(), 2u);
    // running -> 0; otherwise pending (1) or already done (-1)
    if (o.log[0]) EXPECT_EQ(o.log[1], 0) << "execution " << i;
    else EXPECT_NE(o.log[1], 0) << "execution " << i;
    seen.insert(o.log[1]);
  }
  EXPECT_TRUE(seen.count(0)) << "the function was never caught running";
}

TEST(FreebsdRw, LocksAndAFailingAssert) {
  Outcome o = run_rr(kfbc_rw);
  EXPECT_EQ(o.failure.kind, sim::FailureKind::kLockMisuse) << o.failure.message;
  EXPECT_EQ(o.failure.signature, "rw_assert:RA_WLOCKED:kc_rw");
  EXPECT_EQ(o.log, (std::vector<long>{0, 1}));
}

TEST(FreebsdTime, PauseTicksAndClocks) {
  Outcome o = run_rr(kfbc_time);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{1, 50, 50, 1, 1, 1500, 50}));
}

TEST(FreebsdRefcount, AcquireRelease) {
  Outcome o = run_rr(kfbc_refcount);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{1, 0, 0, 1, 0}));
}

TEST(FreebsdMisc, EndianKenvSemaLibkern) {
  Outcome o = run_rr(kfbc_misc);
  ASSERT_FALSE(o.failure) << o.failure.message;
  // be32enc bytes 1..4; le32dec; no kernel environment (getenv NULL,
  // getenv_int 0 and the value untouched); sema_trywait 1 then 0; 3 + 5
  EXPECT_EQ(o.log, (std::vector<long>{14, 1, 1, 0, 7, 1, 0, 8}));
}

TEST(FreebsdMisc, RandomIsTheSameInEveryWorld) {
  // Determinism: the host's arc4random would differ run to run.
  Outcome a = run_rr(kfbc_random);
  Outcome b = run_rr(kfbc_random);
  ASSERT_FALSE(a.failure) << a.failure.message;
  EXPECT_EQ(a.log, b.log);
  ASSERT_EQ(a.log.size(), 3u);
  EXPECT_LT(a.log[0], 1L << 31);
  EXPECT_EQ(a.log[2], 1);
}

TEST(FreebsdTaskqueue, EnqueueCoalescesCancelDrainFree) {
  // start_threads 0; three enqueues before the worker ran: one run with
  // pending 3; a cancelled enqueue: 0 (not running), its pending count 1,
  // and no second run. Everything freed (a leak would fail teardown).
  Outcome o = run_rr(kfbc_taskqueue);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{0, 1, 3, 0, 1, 1}));
}

TEST(FreebsdTaskqueue, DrainWaitsForItsTaskOnly) {
  // subr_taskqueue.c taskqueue_drain: while that task is pending or
  // running. It waited for the whole queue here: with the worker blocked
  // in another task on an sx the drainer holds, that was reported stuck.
  // A cancelled task's entry then reads nothing the driver freed.
  Outcome o = run_rr(kfbc_drain_one);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{0, 0, 1, 0}));
}

}  // namespace

// cv_timedwait(cv, m, 0) is _cv_timedwait_sbt(tick_sbt * 0, C_HARDCLOCK):
// the timeout is armed and callout_when makes it a tick (FreeBSD
// sys/condvar.h, kern_condvar.c, subr_sleepqueue.c, kern_timeout.c); it
// was a wait for ever here, which this test (nobody signals) would report
// stuck. msleep with timo 0 has no deadline (kern_synch.c _sleep) and a
// negative one arms a tick; pause_sbt makes 0 one tick (it was 1 ns).
TEST(FreebsdSleep, ZeroTimeoutsAreATickButMsleepZeroIsNone) {
  Outcome o = run_rr(kfbc_zero_timeouts);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 7, 1}));
}

// callout_async_drain (kern_timeout.c _callout_stop_safe with a drain
// function, no CS_DRAIN): not running, it is callout_stop (-1 idle, 1
// pending cancelled) and the drain function is never called.
TEST(FreebsdCallout, AsyncDrainOfAnIdleOrPendingCalloutCallsNoDrain) {
  Outcome o = run_rr(kfbc_async_drain_idle);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{-1, 1, 0, 0, 0}));
}

// Running: 0, and the drain function runs once, from the callout's
// context, after the function returned, with its argument; a reset
// meanwhile schedules nothing (callout_reset_sbt_on) and returns 0.
TEST(FreebsdCallout, AsyncDrainOfARunningCalloutCallsTheDrainAfterIt) {
  sim::RandomStrategy rnd(9, {});
  std::set<long> seen;
  for (uint64_t i = 0; i < 300; i++) {
    Outcome o = run(rnd, kfbc_async_drain_running, i);
    ASSERT_FALSE(o.failure) << o.failure.message;
    ASSERT_EQ(o.log.size(), 9u);
    long running = o.log[0], r = o.log[1];
    if (running) {
      EXPECT_EQ(o.log, (std::vector<long>{1, 0, 0, 1, 1, 0, 1, 1, 1})) << "execution " << i;
    } else if (r == 1) {  // still pending: cancelled, never ran
      EXPECT_EQ(o.log, (std::vector<long>{0, 1, -2, 0, 0, -1, -1, -1, -1})) << "execution " << i;
    } else {  // done already
      EXPECT_EQ(o.log, (std::vector<long>{0, -1, -2, 1, 0, -1, -1, -1, -1})) << "execution " << i;
    }
    seen.insert(r);
  }
  EXPECT_TRUE(seen.count(0)) << "the function was never caught running";
}

// With the callout's mutex held, a run fired and waiting for it is not
// cancelled by an async drain (the cancel under the lock is callout_stop's
// only): 0, the function runs after the unlock, then the drain function.
TEST(FreebsdCallout, AsyncDrainUnderTheMutexLetsAWaitingRunRun) {
  sim::RandomStrategy rnd(13, {});
  std::set<long> seen;
  for (uint64_t i = 0; i < 300; i++) {
    Outcome o = run(rnd, kfbc_async_drain_locked, i);
    ASSERT_FALSE(o.failure) << o.failure.message;
    ASSERT_EQ(o.log.size(), 3u);
    if (o.log[0] == 0) EXPECT_EQ(o.log, (std::vector<long>{0, 1, 1})) << "execution " << i;
    else if (o.log[0] == 1) EXPECT_EQ(o.log, (std::vector<long>{1, 0, 0})) << "execution " << i;
    else EXPECT_EQ(o.log, (std::vector<long>{-1, 1, 0})) << "execution " << i;
    seen.insert(o.log[0]);
  }
  EXPECT_TRUE(seen.count(0)) << "the run was never caught waiting for the mutex";
}

TEST(FreebsdCallout, AsyncDrainWithoutTheCalloutsMutexIsMisuse) {
  Outcome o = run_rr(kfbc_async_drain_unlocked);
  EXPECT_EQ(o.failure.kind, sim::FailureKind::kLockMisuse) << o.failure.message;
  EXPECT_EQ(o.failure.signature, "callout_async_drain:unlocked:kz_mtx") << o.failure.message;
  EXPECT_NE(o.failure.message.find("callout_async_drain(&kz_co) at kfbc_zero.c:"),
            std::string::npos)
      << o.failure.message;
}

// cpu_ticks counts virtual ns (cpu_tickrate 10^9); kproc_kthread_add makes
// the process at the first call and adds threads to it after
// (kern_kthread.c), each named by its format.
TEST(FreebsdKthread, CpuTicksAndKprocKthreadAdd) {
  Outcome o = run_rr(kfbc_cpu_ticks_kproc);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{1, 1, 3000, 0, 1, 0, 1, 1, 11}));
}

// _callout_stop_safe without CS_DRAIN asserts the callout's lock is held
// (lc_assert LA_XLOCKED, kern_timeout.c): callout_stop of a
// callout_init_mtx callout without its mutex is INVARIANTS' panic; it
// passed here before 2026-12-07.
TEST(FreebsdCallout, StopWithoutTheCalloutsMutexIsMisuse) {
  Outcome o = run_rr(kfbc_stop_unlocked);
  EXPECT_EQ(o.failure.kind, sim::FailureKind::kLockMisuse) << o.failure.message;
  EXPECT_EQ(o.failure.signature, "callout_stop:unlocked:kz_mtx") << o.failure.message;
  EXPECT_NE(o.failure.message.find("callout_stop(kz_locked_fn) @ kfbc_zero.c:"),
            std::string::npos)
      << o.failure.message;
}
