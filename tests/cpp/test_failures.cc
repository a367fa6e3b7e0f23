// One test per failure kind, each through a tiny C driver on the illumos
// personality, asserting the kind, the signature and the words a driver
// engineer reads first; and the behaviour of rwlocks, semaphores, taskqs,
// callouts and delay on which those drivers rely.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "kernel_model/world.h"
#include "kernsim/abi.h"
#include "sim/fault_guard.h"
#include "sim/strategies/random.h"
#include "sim/strategies/round_robin.h"
#include "sim/strategies/scripted.h"
#include "tests/cpp/kdrivers/failures.h"

using namespace ks;

namespace {

using Body = void (*)(void*);
using Threads = std::vector<std::pair<const char*, Body>>;

struct Outcome {
  sim::Failure failure;
  std::vector<long> log;
  std::vector<sim::Decision> decisions;
};

Outcome run(sim::StackPool& pool, sim::Strategy& s, const Threads& threads,
            km::WorldOptions o = {}, uint64_t index = 0) {
  km::World w(pool, s, o, index);
  kf_state st{};
  {
    sim::Sim::HostScope scope(w.sim());
    kf_init(&st);
  }
  for (auto& [name, fn] : threads) w.spawn(name, fn, &st);
  w.run();
  return {w.sim().failure(), std::vector<long>(st.kf_log, st.kf_log + st.kf_nlog),
          w.sim().decisions()};
}

Outcome run_rr(const Threads& threads, km::WorldOptions o = {}) {
  sim::StackPool pool;
  sim::RoundRobin rr;
  return run(pool, rr, threads, o);
}

std::unique_ptr<sim::Strategy> script(std::vector<sim::ScriptStep> steps) {
  return std::make_unique<sim::ScriptedStrategy>(std::move(steps),
                                                 std::make_unique<sim::RoundRobin>());
}

bool has(const std::string& s, const char* what) { return s.find(what) != std::string::npos; }

#define EXPECT_FAILURE(o, fkind, sig, ...)                                          \
  do {                                                                             \
    EXPECT_EQ((o).failure.kind, sim::FailureKind::fkind) << (o).failure.message;   \
    EXPECT_EQ((o).failure.signature, sig) << (o).failure.message;                  \
    for (const char* w_ : {__VA_ARGS__})                                           \
      EXPECT_TRUE(has((o).failure.message, w_)) << "missing \"" << w_ << "\" in:\n" \
                                                << (o).failure.message;            \
  } while (0)

// ---- hangs ----

TEST(Failures, DeadlockPrintsTheCycle) {
  sim::StackPool pool;
  auto s = script({{"t1", "mutex_enter", "kf_a"}, {"t2", "mutex_enter", "kf_b"}});
  Outcome o = run(pool, *s, {{"t1", kf_ab}, {"t2", kf_ba}});
  EXPECT_FAILURE(o, kDeadlock, "deadlock:kf_a:kf_b",
                 "thread t1 waits for mutex kf_b", "held by t2",
                 "thread t2 waits for mutex kf_a", "held by t1");
}

TEST(Failures, DeadlockThroughAnRwlockWriter) {
  sim::StackPool pool;
  auto s = script({{"t1", "rw_enter", "kf_rw"}, {"t2", "mutex_enter", "kf_a"}});
  Outcome o = run(pool, *s, {{"t1", kf_rw_a}, {"t2", kf_a_rw}});
  EXPECT_FAILURE(o, kDeadlock, "deadlock:kf_a:kf_rw", "waits for rwlock kf_rw",
                 "waits for mutex kf_a");
}

TEST(Failures, StuckOnASemaphoreNobodyPosts) {
  Outcome o = run_rr({{"waiter", kf_sema_wait}});
  EXPECT_FAILURE(o, kStuck, "stuck:sema_p:kf_sema",
                 "thread waiter sleeps in sema_p on semaphore kf_sema", "nothing ever woke it");
  // One post, two takes: the report names the last post.
  o = run_rr({{"poster", kf_sema_post}, {"waiter", kf_sema_wait}});
  EXPECT_FAILURE(o, kStuck, "stuck:sema_p:kf_sema", "the last sema_v on kf_sema was by poster");
}

TEST(Failures, StepBudgetOnASpinLoop) {
  km::WorldOptions opt;
  opt.sim.max_steps = 500;
  Outcome o = run_rr({{"spinner", kf_spin_on_flag}}, opt);
  EXPECT_FAILURE(o, kStepBudget, "step_budget", "step budget of 500", "thread spinner");
}

// A loop that sleeps a tick at a time is no spin: the report says time
// still advanced, under a signature of its own (the fuzzer ignores it).
TEST(Failures, StepBudgetWithTheClockRunningIsNoSpin) {
  km::WorldOptions opt;
  opt.sim.max_steps = 500;
  Outcome o = run_rr({{"poller", kf_poll_on_flag}}, opt);
  EXPECT_FAILURE(o, kStepBudget, "step_budget:clock_running", "thread poller",
                 "virtual time still advancing", "an execution that does not end");
}

// A kernel thread polling a tick at a time keeps the clock going beside a
// thread that sleeps for ever with no timeout of its own: after two
// minutes of virtual time the poller's wait is parked, as a hung-task
// detector reports such a sleep, and the hang is reported as the hang.
TEST(Failures, AHangBesideAPollingKernelThreadIsStuck) {
  sim::StackPool pool;
  sim::RoundRobin rr;
  km::World w(pool, rr, km::WorldOptions{}, 0);
  kf_state st{};
  {
    sim::Sim::HostScope scope(w.sim());
    kf_init(&st);
  }
  w.spawn("poller", kf_poll_on_flag, &st, /*daemon=*/true);
  w.spawn("waiter", kf_sema_wait, &st);
  w.run();
  const sim::Failure& f = w.sim().failure();
  EXPECT_EQ(f.kind, sim::FailureKind::kStuck) << f.message;
  EXPECT_EQ(f.signature, "stuck:sema_p:kf_sema") << f.message;
  EXPECT_TRUE(has(f.message, "the polling kernel thread poller ran on beside them"))
      << f.message;
}

// ---- panics ----

TEST(Failures, PanicFromCmnErr) {
  Outcome o = run_rr({{"t", kf_panic}});
  EXPECT_FAILURE(o, kPanic, "panic:kf: bad state 3", "panic: kf: bad state 3");
}

TEST(Failures, AssertFailure) {
  Outcome o = run_rr({{"t", kf_assert}});
  EXPECT_FAILURE(o, kPanic, "assert:kf_assert:s->kf_count == 1",
                 "assertion failed: s->kf_count == 1", "kf_locks.c", "thread t");
}

// ---- lock misuse ----

TEST(Failures, MutexExitByNonOwner) {
  Outcome o = run_rr({{"owner", kf_hold_a}, {"intruder", kf_exit_a}});
  EXPECT_FAILURE(o, kLockMisuse, "exit_not_owner:kf_a",
                 "mutex_exit of kf_a by thread intruder, but thread owner owns it");
}

TEST(Failures, RecursiveMutexEnter) {
  Outcome o = run_rr({{"t", kf_recursive}});
  EXPECT_FAILURE(o, kLockMisuse, "recursive_enter:kf_a", "recursive mutex_enter of kf_a");
}

TEST(Failures, MutexDestroyWhileHeld) {
  Outcome o = run_rr({{"t", kf_destroy_held}});
  EXPECT_FAILURE(o, kLockMisuse, "destroy_held:kf_a", "mutex_destroy of kf_a while thread t");
}

TEST(Failures, CvWaitWithoutTheMutex) {
  Outcome o = run_rr({{"t", kf_cv_unheld}});
  EXPECT_FAILURE(o, kLockMisuse, "cv_wait_unheld:kf_cv", "without holding mutex kf_a");
}

TEST(Failures, SleepingWithASpinLockHeld) {
  Outcome o = run_rr({{"t", kf_spin_cv}});
  EXPECT_FAILURE(o, kLockMisuse, "sleep_with_spin:cv_wait:kf_spin",
                 "would sleep while thread t holds spin mutex kf_spin");
  o = run_rr({{"t", kf_spin_kmem}});
  EXPECT_FAILURE(o, kLockMisuse, "sleep_with_spin:kmem_alloc(KM_SLEEP):kf_spin",
                 "holds spin mutex kf_spin");
}

TEST(Failures, SleepingInACallout) {
  Outcome o = run_rr({{"t", kf_co_sleeps}});
  EXPECT_FAILURE(o, kLockMisuse, "sleep_in_interrupt:delay",
                 "would sleep in callout (soft interrupt) context (thread kf_co_sleeper)");
}

TEST(Failures, RwlockMisuse) {
  Outcome o = run_rr({{"t", kf_rw_exit_unheld}});
  EXPECT_FAILURE(o, kLockMisuse, "exit_unheld:kf_rw", "rw_exit of rwlock kf_rw by thread t",
                 "not held");
  o = run_rr({{"t", kf_rw_recursive}});
  EXPECT_FAILURE(o, kLockMisuse, "recursive_enter:kf_rw", "already holds it as writer");
  o = run_rr({{"t", kf_rw_destroy_held}});
  EXPECT_FAILURE(o, kLockMisuse, "destroy_held:kf_rw", "rw_destroy of rwlock kf_rw",
                 "1 reader(s) hold it");
}

// ---- lock order ----

TEST(Failures, LockOrderInversionWithoutDeadlock) {
  // Round-robin runs t1 to completion before t2: no deadlock can happen.
  Outcome o = run_rr({{"t1", kf_ab}, {"t2", kf_ba}});
  EXPECT_FAILURE(o, kLockOrder, "lock_order:kf_a:kf_b",
                 "thread t2 acquires kf_a while holding kf_b", "kf_a before kf_b (thread t1");
  km::WorldOptions nowitness;
  nowitness.witness = false;
  EXPECT_FALSE(run_rr({{"t1", kf_ab}, {"t2", kf_ba}}, nowitness).failure);
}

// ---- where: sites in the lock reports (the line of the driver's call) ----

// The i-th line (from 1) of kf_locks.c holding `text`, as "kf_locks.c:N".
std::string kf_locks_line(const char* text, int nth = 1) {
  std::FILE* f = std::fopen(KS_SOURCE_DIR "/tests/cpp/kdrivers/kf_locks.c", "r");
  EXPECT_TRUE(f);
  if (!f) return "?";
  char buf[512];
  int n = 0;
  std::string found = "?";
  while (std::fgets(buf, sizeof buf, f)) {
    n++;
    if (std::strstr(buf, text) && --nth == 0) {
      found = "kf_locks.c:" + std::to_string(n);
      break;
    }
  }
  std::fclose(f);
  return found;
}

// illumos: the spin mutex held across a KM_SLEEP allocation is listed
// with the line that took it; a reversal names where the thread took the
// lock it holds (1st), the one it takes (2nd), and the order's own sites.
TEST(Failures, LockReportsNameTheDriversLines) {
  Outcome o = run_rr({{"t", kf_spin_kmem}});
  std::string spin = "exclusive spin mutex kf_spin locked @ " +
                     kf_locks_line("mutex_enter(&s->kf_spin);", 2) + " (kf_spin_kmem)";
  EXPECT_FAILURE(o, kLockMisuse, "sleep_with_spin:kmem_alloc(KM_SLEEP):kf_spin",
                 "with the spin mutex held:", spin.c_str());
  o = run_rr({{"t1", kf_ab}, {"t2", kf_ba}});
  std::string a1 = "kf_a @ " + kf_locks_line("mutex_enter(&s->kf_a);", 1) + " (kf_ab)";
  std::string b1 = "kf_b @ " + kf_locks_line("mutex_enter(&s->kf_b);", 1) + " (kf_ab)";
  std::string b2 = " 1st kf_b @ " + kf_locks_line("mutex_enter(&s->kf_b);", 2) + " (kf_ba)";
  std::string a2 = " 2nd kf_a @ " + kf_locks_line("mutex_enter(&s->kf_a);", 2) + " (kf_ba)";
  EXPECT_FAILURE(o, kLockOrder, "lock_order:kf_a:kf_b", a1.c_str(), b1.c_str(), b2.c_str(),
                 a2.c_str());
}

// Past the first kSitesKept held locks a thread keeps no site (the records
// are per tid): the report says so rather than naming a wrong line.
void nine_locks_then_sleep(void*) {
  static ks_handle_t m[9];
  static const char* names[9] = {"l0", "l1", "l2", "l3", "l4", "l5", "l6", "l7", "deep_spin"};
  for (int i = 0; i < 9; i++) ks_mutex_init(&m[i], names[i], i == 8 ? KS_MTX_SPIN : 0, names[i]);
  for (int i = 0; i < 9; i++) ks_mutex_enter(&m[i], names[i]);
  ks_kmem_alloc(16, KS_KM_SLEEP, "deep");
}

TEST(Failures, LockSitesPastTheKeptOnesAreNotGuessed) {
  static_assert(km::kSitesKept == 8, "nine_locks_then_sleep holds the ninth");
  Outcome o = run_rr({{"t", nine_locks_then_sleep}});
  EXPECT_FAILURE(o, kLockMisuse, "sleep_with_spin:kmem_alloc(KM_SLEEP):deep_spin",
                 "exclusive spin mutex deep_spin (site not kept)");
}

// ---- memory ----

TEST(Failures, DoubleFree) {
  Outcome o = run_rr({{"t", kf_double_free}});
  EXPECT_FAILURE(o, kMemory, "double_free:kf_double_free", "double free",
                 "32-byte buffer of tag kf_double_free", "thread t freed it");
}

TEST(Failures, BadFree) {
  Outcome o = run_rr({{"t", kf_bad_free}});
  EXPECT_FAILURE(o, kMemory, "bad_free:kmem_free", "not an allocated buffer (bad free) by thread t");
}

TEST(Failures, FreeSizeMismatch) {
  Outcome o = run_rr({{"t", kf_size_mismatch}});
  EXPECT_FAILURE(o, kMemory, "free_size_mismatch:kf_size_mismatch", "with size 16",
                 "allocated with size 32");
}

TEST(Failures, LeakByTag) {
  Outcome o = run_rr({{"t", kf_leak}});
  EXPECT_FAILURE(o, kMemory, "leak:kf_leak", "memory leak at teardown",
                 "1 allocation(s), 48 bytes, of tag kf_leak");
}

TEST(Failures, WriteAfterFree) {
  Outcome o = run_rr({{"t", kf_write_after_free}});
  EXPECT_FAILURE(o, kMemory, "modified_after_free:kf_write_after_free", "write after free",
                 "modified at offset 5");
}

// ---- teardown ----

TEST(Failures, TaskqNeverDestroyed) {
  Outcome o = run_rr({{"t", kf_tq_leave}});
  EXPECT_FAILURE(o, kTeardown, "taskq_left:kf_tq", "taskq kf_tq was never destroyed",
                 "(2 workers left)");
}

// ---- host faults ----

TEST(Failures, NullDerefAndStackOverflowAreFaultsAndTheNextWorldRuns) {
  sim::install_fault_handlers();
  Outcome o = run_rr({{"nuller", kf_null_deref}});
  EXPECT_FAILURE(o, kFault, "fault:null_deref", "NULL pointer dereference in thread nuller");
  o = run_rr({{"recurser", kf_overflow}});
  EXPECT_FAILURE(o, kFault, "fault:stack_overflow", "stack overflow in thread recurser");
  // The same pool (its stacks were abandoned mid-fault) serves a sound run.
  sim::StackPool pool;
  sim::RoundRobin rr;
  o = run(pool, rr, {{"recurser", kf_overflow}});
  EXPECT_EQ(o.failure.signature, "fault:stack_overflow");
  o = run(pool, rr, {{"t", kf_tq_drain}});
  EXPECT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log.back(), 8);
}

// ---- taskqs ----

TEST(Taskq, DispatchWaitDestroyDrains) {
  Outcome o = run_rr({{"t", kf_tq_drain}});
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{1, 1, 1, 1, 1, 5, 8}));
  sim::StackPool pool;
  sim::RandomStrategy rnd(3, {});
  for (uint64_t i = 0; i < 200; i++) {
    Outcome r = run(pool, rnd, {{"t", kf_tq_drain}}, {}, i);
    ASSERT_FALSE(r.failure) << r.failure.message;
    ASSERT_EQ(r.log, (std::vector<long>{1, 1, 1, 1, 1, 5, 8}));
  }
}

TEST(Taskq, NoSleepFailsWhenFull) {
  Outcome o = run_rr({{"t", kf_tq_nosleep}});
  ASSERT_FALSE(o.failure) << o.failure.message;
  // maxalloc 2: the blocked task and one more fit, the third does not.
  EXPECT_EQ(o.log, (std::vector<long>{1, 1, 0, 1}));
}

TEST(Taskq, NoSleepMayFailWhenFaultsAreInjected) {
  sim::StackPool pool;
  sim::ChoiceRates always;
  always.fault_num = always.fault_den = 1;
  sim::RandomStrategy rnd(1, always);
  km::WorldOptions opt;
  opt.inject_faults = true;
  Outcome o = run(pool, rnd, {{"t", kf_tq_inject}}, opt);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{0}));
  bool fault_choice = false;
  for (auto& d : o.decisions) fault_choice |= d.kind == uint8_t(sim::ChoiceKind::kFault);
  EXPECT_TRUE(fault_choice);
  // Without injection the same dispatch succeeds.
  EXPECT_EQ(run(pool, rnd, {{"t", kf_tq_inject}}).log, (std::vector<long>{1}));
}

TEST(Taskq, MaxallocBlocksSleepingDispatch) {
  Outcome o = run_rr({{"t", kf_tq_maxalloc}});
  ASSERT_FALSE(o.failure) << o.failure.message;
  // Each dispatch after the first waits until the previous task has run.
  EXPECT_EQ(o.log, (std::vector<long>{100, 0, 101, 1, 102, 2}));
}

TEST(Taskq, DispatchAfterDestroyIsMisuse) {
  Outcome o = run_rr({{"t", kf_tq_after_destroy}});
  EXPECT_FAILURE(o, kLockMisuse, "use_after_destroy:taskq_dispatch:kf_tq",
                 "taskq_dispatch on taskq kf_tq after taskq_destroy");
}

// ---- rwlocks ----

TEST(Rwlock, ReadersShare) {
  Outcome o = run_rr({{"r1", kf_reader1}, {"r2", kf_reader2}});
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{1, 0}));  // RW_READ_HELD, !RW_WRITE_HELD
  sim::StackPool pool;
  sim::RandomStrategy rnd(5, {});
  for (uint64_t i = 0; i < 100; i++)
    ASSERT_FALSE(run(pool, rnd, {{"r1", kf_reader1}, {"r2", kf_reader2}}, {}, i).failure);
}

TEST(Rwlock, WriterExcludes) {
  sim::StackPool pool;
  sim::RandomStrategy rnd(9, {});
  for (uint64_t i = 0; i < 300; i++) {
    Outcome o = run(pool, rnd,
                    {{"w", kf_excl_writer}, {"r1", kf_excl_reader}, {"r2", kf_excl_reader}},
                    {}, i);
    ASSERT_FALSE(o.failure) << o.failure.message;
  }
}

TEST(Rwlock, WaitingWriterHoldsOffNewReaders) {
  Outcome o = run_rr({{"r1", kf_ww_reader1},
                      {"w", kf_ww_writer},
                      {"r2", kf_ww_reader2},
                      {"release", kf_ww_release}});
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{1, 2, 3}));
}

TEST(Rwlock, UpgradeAndDowngrade) {
  Outcome o = run_rr({{"t", kf_rw_upgrade}});
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{1, 1, 0, 1, 1}));
}

// ---- semaphores ----

TEST(Sema, CountsAndTryp) {
  Outcome o = run_rr({{"t", kf_sema_count}});
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{1, 1, 0, 1}));
}

TEST(Sema, PSleepsUntilV) {
  Outcome o = run_rr({{"p", kf_sema_p_log}, {"v", kf_sema_v_log}});
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{1, 2}));
}

void with_signal_pending(void* arg) {
  km::World::current()->self().sig_pending = 1;
  kf_sema_p_sig(arg);
}

// Posts a signal to thread 1 as a signal poster does.
void signal_thread_1(void*) {
  km::World& w = *km::World::current();
  w.preempt();
  km::KThread& k = w.kt(1);
  k.sig_pending |= 1;
  if (k.interruptible && k.waiting_on && w.wq_remove(k.waiting_on, 1)) w.sim().wake(1, EINTR);
}

TEST(Sema, PSigIsInterrupted) {
  Outcome o = run_rr({{"t", with_signal_pending}});
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{1}));
  o = run_rr({{"sleeper", kf_sema_p_sig}, {"poster", signal_thread_1}});
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{1}));
  o = run_rr({{"sleeper", kf_sema_p_sig}, {"v", kf_sema_v_log}});
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{1, 0}));  // posted, not interrupted
}

// ---- callouts and time ----

TEST(Callout, FiresAtItsVirtualTimeInInterruptContext) {
  Outcome o = run_rr({{"t", kf_co_fires}});
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{5, 1, 1}));  // lbolt, in interrupt, thread name
}

TEST(Callout, UntimeoutCancelsAPendingCallout) {
  Outcome o = run_rr({{"t", kf_co_cancel}});
  ASSERT_FALSE(o.failure) << o.failure.message;
  // cancelled with its 5 ticks left (illumos callout.c); it never ran
  EXPECT_EQ(o.log, (std::vector<long>{5, 10}));
}

TEST(Callout, UntimeoutAfterItRanReturnsMinusOne) {
  Outcome o = run_rr({{"t", kf_co_after}});
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{1, 1, 1, -1}));
}

TEST(Callout, UntimeoutWaitsForARunningCallout) {
  sim::StackPool pool;
  auto s = script({{"kf_co_slow", "sema_v", ""}, {"t", "untimeout", ""}});
  Outcome o = run(pool, *s, {{"t", kf_co_wait_running}});
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{10, 11, -1, 12}));
}

TEST(Time, DelaySleepsVirtualTicks) {
  Outcome o = run_rr({{"t", kf_delay}});
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{3}));
}

TEST(Time, CvTimedwaitTimesOutAtTheDeadline) {
  Outcome o = run_rr({{"t", kf_timedwait}});
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{-1, 7}));
}

}  // namespace

TEST(Kmem, OverrunIntoTheRedzoneIsFound) {
  Outcome o = run_rr({{"t", kf_overrun}});
  EXPECT_FAILURE(o, kMemory, "overrun:kf_overrun", "20-byte buffer of tag kf_overrun",
                 "written past its end, at offset 20", "found at kmem_free");
}

TEST(Kmem, AWriteAnywhereInTheRedzoneIsFound) {
  // Every byte of the redzone (16 to 31 bytes: to the next 16 past 16
  // more) of buffers of sizes around the 16-byte rounding, and no byte of
  // the buffer itself.
  for (int size : {1, 8, 15, 16, 17, 20, 31, 32, 33, 47}) {
    int redzone = ((size + 16 + 15) & ~15) - size;
    for (int at = size - 1; at < size + redzone; at++) {
      sim::StackPool pool;
      sim::RoundRobin rr;
      km::World w(pool, rr, {});
      kf_state st{};
      {
        sim::Sim::HostScope scope(w.sim());
        kf_init(&st);
      }
      st.kf_size = size;
      st.kf_at = at;
      w.spawn("t", kf_overrun_at, &st);
      w.run();
      const sim::Failure& f = w.sim().failure();
      if (at < size) {
        EXPECT_FALSE(f) << "size " << size << ": " << f.message;
        continue;
      }
      EXPECT_EQ(f.signature, "overrun:kf_overrun_at") << "size " << size << " offset " << at;
      EXPECT_TRUE(has(f.message, ("at offset " + std::to_string(at) + " ").c_str()))
          << f.message;
    }
  }
}

TEST(Kmem, AddressesAreTheSameInEveryWorld) {
  // A driver that hashes or sorts by address must behave the same on replay.
  Outcome a = run_rr({{"t", kf_addresses}});
  Outcome b = run_rr({{"t", kf_addresses}});
  ASSERT_FALSE(a.failure) << a.failure.message;
  ASSERT_EQ(a.log.size(), 3u);
  EXPECT_EQ(a.log, b.log);
  EXPECT_LT(a.log[0], a.log[1]);  // allocation order is address order
  for (long p : a.log) EXPECT_EQ(p % 16, 0);
}
