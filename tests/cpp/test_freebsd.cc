// The FreeBSD KPI personality through tiny C drivers
// (tests/cpp/kdrivers_freebsd): each primitive working, and each failing the
// way a driver engineer must see it (kind, signature, the words read first).
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <csignal>
#include <deque>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "kernel_model/devsw.h"
#include "kernel_model/proc.h"
#include "kernel_model/syscalls.h"
#include "kernel_model/user_mem.h"
#include "kernel_model/world.h"
#include "sim/fault_guard.h"
#include "sim/strategies/pct.h"
#include "sim/strategies/random.h"
#include "sim/strategies/round_robin.h"
#include "sim/strategies/scripted.h"
#include "tests/cpp/kdrivers_freebsd/kfb.h"

using namespace ks;

namespace {

using Body = std::function<void(km::World&)>;
struct Thread {
  const char* name;
  Body body;
  bool user = false;  // a thread of process "p" (copies, system calls)
};

struct Outcome {
  sim::Failure failure;
  std::vector<long> log;
  std::vector<sim::Decision> decisions;
  std::vector<std::string> console;
};

struct Ctx {
  km::World* w;
  Body* body;
};
void run_body(void* a) {
  auto* c = static_cast<Ctx*>(a);
  (*c->body)(*c->w);
}

Body C(void (*fn)(void*), void* arg = nullptr) {
  return [fn, arg](km::World&) { fn(arg); };
}

sim::StackPool& pool() {
  static sim::StackPool p;
  return p;
}

// One World: kfb_init, `setup` on the host (maps, device nodes), then the
// threads in order (thread ids 1, 2, ...).
Outcome run(sim::Strategy& s, std::vector<Thread> threads, km::WorldOptions o = {},
            uint64_t index = 0, std::function<void(km::World&, km::Proc&)> setup = {}) {
  sim::install_fault_handlers();  // a driver's wild pointer is a report, as in the runner
  km::World w(pool(), s, o, index);
  km::Proc& p = km::proc_create(w, "p", km::DataModel::kLP64, km::Cred{0, 0});
  {
    sim::Sim::HostScope scope(w.sim());
    kfb_init();
    if (setup) setup(w, p);
  }
  std::deque<Ctx> ctx;
  for (auto& t : threads) {
    ctx.push_back({&w, &t.body});
    sim::Tid tid = w.spawn(t.name, run_body, &ctx.back());
    if (t.user) km::proc_attach(w, tid, p);
  }
  w.run();
  return {w.sim().failure(), std::vector<long>(kfb_log.v, kfb_log.v + kfb_log.n),
          w.sim().decisions(), w.console()};
}

Outcome run_rr(std::vector<Thread> threads, km::WorldOptions o = {},
               std::function<void(km::World&, km::Proc&)> setup = {}) {
  sim::RoundRobin rr;
  return run(rr, std::move(threads), o, 0, std::move(setup));
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

#define EXPECT_PASS(o) ASSERT_FALSE((o).failure) << (o).failure.message

using Log = std::vector<long>;

// ---- counter(9) sysctls ----

// subr_counter.c (checked): sysctl_handle_counter_u64 reports the sum and
// any write zeroes the counter; the array handler does so for each.
TEST(FreebsdCounter, SysctlReadsTheSumAndAWriteZeroes) {
  Outcome o = run_rr({{"t", C(kfb_counter_sysctl), true}});
  EXPECT_PASS(o);
  EXPECT_EQ(o.log, (Log{0, 5, 0, 0, 0, 0, 3, 0, 0, 1}));
}

// ---- WITNESS's lock classes ----

// rw and a plain rmlock are not sleepable (no LC_SLEEPABLE in
// lock_class_rw / lock_class_rm); sx and RM_SLEEPABLE are; a sleepable
// lock taken (not tried) under a non-sleepable one is witness_checkorder's
// "(sleepable after non-sleepable)" (subr_witness.c, kern_rmlock.c).
TEST(FreebsdLockClass, SleepableLocksMayBeHeldAcrossASleep) {
  Outcome o = run_rr({{"t", C(kfb_lc_sleepable_ok), true}});
  EXPECT_PASS(o);
  EXPECT_EQ(o.log, (Log{1}));
}

TEST(FreebsdLockClass, SleepingUnderRwOrPlainRmIsReported) {
  Outcome o = run_rr({{"t", C(kfb_lc_rw_wlock_sleeps), true}});
  EXPECT_FAILURE(o, kLockMisuse, "sleep_with_nonsleepable:malloc(M_WAITOK):lc_rw",
                 "non-sleepable lock lc_rw held");
  o = run_rr({{"t", C(kfb_lc_rm_rlock_sleeps), true}});
  EXPECT_FAILURE(o, kLockMisuse, "sleep_with_nonsleepable:malloc(M_WAITOK):lc_rm",
                 "non-sleepable lock lc_rm held");
}

TEST(FreebsdLockClass, SleepableAfterNonSleepableIsAReversal) {
  Outcome o = run_rr({{"t", C(kfb_lc_sx_under_rw), true}});
  EXPECT_FAILURE(o, kLockOrder, "lock_order_sleepable:lc_rw:lc_sx",
                 "(sleepable after non-sleepable)", "sx_slock at kfb_lockclass.c:");
  o = run_rr({{"t", C(kfb_lc_sleepable_rm_under_mtx), true}});
  EXPECT_FAILURE(o, kLockOrder, "lock_order_sleepable:lc_mtx:lc_rm_sleepable",
                 "rm_rlock at kfb_lockclass.c:");
}

// ---- where: each held lock's site, as WITNESS lists "locked @ file:line" ----

// "base:N" for the line of `path` (from the source root) holding `marker`.
std::string site_of(const char* path, const char* marker) {
  std::FILE* f = std::fopen((std::string(KS_SOURCE_DIR) + "/" + path).c_str(), "r");
  EXPECT_TRUE(f) << path;
  if (!f) return "?";
  char buf[512];
  int n = 0;
  std::string found = "?";
  while (std::fgets(buf, sizeof buf, f)) {
    n++;
    if (std::strstr(buf, marker)) {
      found = std::string(std::strrchr(path, '/') + 1) + ":" + std::to_string(n);
      break;
    }
  }
  std::fclose(f);
  return found;
}

const char* kLockclassC = "tests/cpp/kdrivers_freebsd/kfb_lockclass.c";

// The report names every non-sleepable lock held and where it was taken;
// a mutex taken again by a cv wait keeps the site of its lock (WITNESS_SAVE
// and WITNESS_RESTORE around _cv_wait, kern_condvar.c). The signature has
// no line in it.
TEST(FreebsdLockSites, SleepReportNamesWhereEachLockWasTaken) {
  Outcome o = run_rr({{"t", C(kfb_lc_site_after_wait), true}});
  std::string rw = "shared rwlock lc_rw locked @ " + site_of(kLockclassC, "SITE: lc_rw") +
                   " (kfb_lc_site_after_wait)";
  std::string mtx = "exclusive sleep mutex lc_mtx locked @ " +
                    site_of(kLockclassC, "SITE: lc_mtx") + " (kfb_lc_site_after_wait)";
  EXPECT_FAILURE(o, kLockMisuse, "sleep_with_nonsleepable:malloc(M_WAITOK):lc_rw",
                 "with the following non-sleepable locks held:", rw.c_str(), mtx.c_str());
  // newest first, as WITNESS walks its list
  EXPECT_LT(o.failure.message.find(rw), o.failure.message.find(mtx)) << o.failure.message;
}

TEST(FreebsdLockSites, ReversalNamesBothSites) {
  Outcome o = run_rr({{"t", C(kfb_lc_sx_under_rw), true}});
  EXPECT_FAILURE(o, kLockOrder, "lock_order_sleepable:lc_rw:lc_sx", " 1st lc_rw @ kfb_lockclass.c:",
                 " 2nd lc_sx @ kfb_lockclass.c:", "(kfb_lc_sx_under_rw)");
  o = run_rr({{"t1", C(kfb_mtx_ab)}, {"t2", C(kfb_mtx_ba)}});
  EXPECT_FAILURE(o, kLockOrder, "lock_order:kfb_a:kfb_b", " 1st kfb_b @ kfb_mtx.c:",
                 " 2nd kfb_a @ kfb_mtx.c:", "(kfb_mtx_ba)", "(kfb_mtx_ab)");
}

// ---- rmlock(9) reader recursion (kern_rmlock.c) ----

// RM_RECURSE: a reader reads again at once, even with a writer waiting
// (_rm_rlock_hard); before, the second read could queue behind the writer
// and the run ended as a deadlock FreeBSD cannot have.
TEST(FreebsdRmlock, RecursiveReaderPassesAWaitingWriter) {
  for (uint64_t i = 0; i < 200; i++) {
    sim::RandomStrategy rnd(7, {});
    Outcome o = run(rnd, {{"r", C(kfb_lc_rm_recurse_reader)}, {"w", C(kfb_lc_rm_writer)}}, {}, i,
                    [](km::World&, km::Proc&) { kfb_lc_rm_recurse_init(); });
    EXPECT_PASS(o);
    std::vector<long> a{1, 2}, b{2, 1};
    EXPECT_TRUE(o.log == a || o.log == b) << "run " << i;
  }
}

// Without RM_RECURSE, _rm_rlock_debug's KASSERT: "recursed on
// non-recursive rmlock"; rm_wlock never recurses (_rm_wlock_debug asserts
// RA_UNLOCKED), RM_RECURSE or not.
TEST(FreebsdRmlock, RecursionWithoutRmRecurseOrAsWriterIsReported) {
  Outcome o = run_rr({{"t", C(kfb_lc_rm_recurse_plain)}});
  std::string first = " 1st lc_rm @ " + site_of(kLockclassC, "SITE: rm 1st");
  std::string second = " 2nd lc_rm @ " + site_of(kLockclassC, "SITE: rm 2nd");
  EXPECT_FAILURE(o, kLockMisuse, "recursive_enter:lc_rm", "rm_rlock: recursed on rmlock lc_rm",
                 "without RM_RECURSE", first.c_str(), second.c_str());
  o = run_rr({{"t", C(kfb_lc_rm_wlock_recurse)}});
  EXPECT_FAILURE(o, kLockMisuse, "recursive_enter:lc_rm_recurse", "rm_wlock: recursed on rmlock",
                 "RM_RECURSE is for readers");
}

// ---- PROC_LOCK, made credentials ----

// PROC_LOCK is FreeBSD's p_mtx, an MTX_DEF mutex (proc_init, from memory):
// it excludes, and WITNESS forbids sleeping with it held.
TEST(FreebsdProc, ProcLockExcludesAndIsNotSleepable) {
  for (uint64_t i = 0; i < 200; i++) {
    sim::RandomStrategy rnd(21, {});
    Outcome o = run(rnd, {{"t1", C(kfb_proc_lock_count), true}, {"t2", C(kfb_proc_lock_count), true}},
                    {}, i);
    EXPECT_PASS(o);
    EXPECT_EQ(o.log, (Log{2})) << "run " << i;
  }
  Outcome o = run_rr({{"t", C(kfb_proc_lock_sleeps), true}});
  EXPECT_FAILURE(o, kLockMisuse, "sleep_with_nonsleepable:malloc(M_WAITOK):process lock",
                 "process lock");
}

// kern_prot.c: crdup is crget + crcopy, one reference, the identity of
// the source; crfree of the last reference frees it; crcopy into a shared
// credential is a KASSERT ("crcopy of shared ucred"); one never freed
// leaks.
TEST(FreebsdProc, MadeCredentialsAreCountedAndFreed) {
  Outcome o = run_rr({{"t", C(kfb_crdup_cycle), true}});
  EXPECT_PASS(o);
  EXPECT_EQ(o.log, (Log{0, 1, 1, 2, 0}));
  o = run_rr({{"t", C(kfb_crdup_leak), true}});
  EXPECT_EQ(o.failure.kind, sim::FailureKind::kMemory) << o.failure.message;
  EXPECT_TRUE(has(o.failure.message, "ucred")) << o.failure.message;
  o = run_rr({{"t", C(kfb_crcopy_shared), true}});
  EXPECT_EQ(o.failure.kind, sim::FailureKind::kPanic) << o.failure.message;
  EXPECT_TRUE(has(o.failure.message, "crcopy of shared ucred")) << o.failure.message;
}

// ---- mtx ----

TEST(FreebsdMtx, DefExcludesUnderEveryRandomSchedule) {
  for (uint64_t i = 0; i < 50; i++) {
    sim::RandomStrategy rnd(7, {});
    Outcome o = run(rnd, {{"t1", C(kfb_mtx_count)}, {"t2", C(kfb_mtx_count)}}, {}, i);
    EXPECT_PASS(o);
    EXPECT_EQ(o.log, Log{2}) << "execution " << i;
  }
}

TEST(FreebsdMtx, DefContentionDeadlocks) {
  auto s = sim::ScriptedStrategy({{"t1", "mutex_enter", "kfb_a"}, {"t2", "mutex_enter", "kfb_b"}},
                                 std::make_unique<sim::RoundRobin>());
  Outcome o = run(s, {{"t1", C(kfb_mtx_ab)}, {"t2", C(kfb_mtx_ba)}});
  EXPECT_FAILURE(o, kDeadlock, "deadlock:kfb_a:kfb_b", "thread t1 waits for mutex kfb_b",
                 "held by t2");
}

TEST(FreebsdMtx, LockOrderReversalIsReportedByTheWitness) {
  // One after the other: no deadlock in this run, the witness still tells.
  Outcome o = run_rr({{"t1", C(kfb_mtx_ab)}, {"t2", C(kfb_mtx_ba)}});
  EXPECT_FAILURE(o, kLockOrder, "lock_order:kfb_a:kfb_b", "kfb_a", "kfb_b");
}

TEST(FreebsdMtx, SleepingUnderASpinMutexIsMisuse) {
  Outcome o = run_rr({{"t", C(kfb_mtx_spin_sleeps)}});
  EXPECT_FAILURE(o, kLockMisuse, "sleep_with_spin:malloc(M_WAITOK):kfb_spin", "kfb_spin");
  o = run_rr({{"t", C(kfb_mtx_spin_then_def)}});
  EXPECT_FAILURE(o, kLockMisuse, "sleep_with_spin:mtx_lock:kfb_a",
                 "mtx_lock of kfb_a: a blockable sleep mutex acquired with a spin mutex held");
  o = run_rr({{"t", C(kfb_mtx_lock_of_spin)}});
  EXPECT_FAILURE(o, kLockMisuse, "mtx_lock_of_spin_mutex:kfb_spin",
                 "a spin mutex needs mtx_lock_spin");
}

TEST(FreebsdMtx, AssertOwnedFailsAsMisuse) {
  Outcome o = run_rr({{"t", C(kfb_mtx_assert_unowned)}});
  EXPECT_FAILURE(o, kLockMisuse, "mtx_assert:MA_OWNED:kfb_a", "mtx_assert(kfb_a, MA_OWNED)",
                 "kfb_mtx.c:", "not owned by this thread", "thread t");
}

TEST(FreebsdMtx, RecursionWithoutMtxRecurseIsMisuse) {
  Outcome o = run_rr({{"t", C(kfb_mtx_recurse_plain)}});
  EXPECT_FAILURE(o, kLockMisuse, "recursive_enter:kfb_a", "recursive mutex_enter of kfb_a");
}

TEST(FreebsdMtx, MtxRecurseIsAllowedAndCounted) {
  Outcome o = run_rr({{"t", C(kfb_mtx_recurse_ok)}});
  EXPECT_PASS(o);
  // recursed; trylock by the owner; not recursed; released; trylock of a held plain one
  EXPECT_EQ(o.log, (Log{1, 1, 0, 0, 0}));
  o = run_rr({{"t", C(kfb_mtx_recursed_cv_wait)}});
  EXPECT_FAILURE(o, kLockMisuse, "cv_wait_recursed:kfb_rec", "the interlock is recursed");
}

TEST(FreebsdMtx, DestroyByTheOwnerUnlocksIt) {
  Outcome o = run_rr({{"t", C(kfb_mtx_destroy_owned)}});
  EXPECT_PASS(o);
  EXPECT_EQ(o.log, Log{1});
}

// ---- condvars ----

TEST(FreebsdCv, LostWakeupIsStuckNamingTheCvByItsDescription) {
  // Round robin runs the signaler to the end first: its wakeup finds nobody.
  Outcome o = run_rr({{"signaler", C(kfb_cv_signaler)}, {"waiter", C(kfb_cv_waiter_nocheck)}});
  EXPECT_FAILURE(o, kStuck, "stuck:cv_wait:kfb done", "waiter", "kfb done", "cv_signal",
                 "signaler");
  // The waiter that checks the state first survives every PCT schedule.
  for (uint64_t i = 0; i < 100; i++) {
    sim::PctStrategy pct(3, 2, 50, {});
    Outcome ok = run(pct, {{"waiter", C(kfb_cv_waiter)}, {"signaler", C(kfb_cv_signaler)}}, {}, i);
    EXPECT_PASS(ok);
    EXPECT_EQ(ok.log, Log{1});
  }
}

TEST(FreebsdCv, TimedwaitReturnsEwouldblockAtTheDeadline) {
  Outcome o = run_rr({{"t", C(kfb_cv_timedwait)}});
  EXPECT_PASS(o);
  EXPECT_EQ(o.log, (Log{1, 10}));  // EWOULDBLOCK after hz/100 = 10 virtual ticks
}

TEST(FreebsdCv, WaitSigIsInterruptedBySignal) {
  Body poster = [](km::World& w) {
    w.preempt();
    km::post_signal(w, 1, SIGINT);
  };
  Outcome o = run_rr({{"sleeper", C(kfb_cv_wait_sig), true}, {"poster", poster}});
  EXPECT_PASS(o);
  EXPECT_EQ(o.log, (Log{EINTR, 1}));  // EINTR, the interlock held again
  // A signal already pending: no sleep at all.
  Body pending = [](km::World& w) {
    km::post_signal(w, w.self_tid(), SIGINT);
    kfb_cv_wait_sig(nullptr);
  };
  o = run_rr({{"sleeper", pending, true}});
  EXPECT_PASS(o);
  EXPECT_EQ(o.log, (Log{EINTR, 1}));
  // Woken by the signaler instead: 0.
  o = run_rr({{"sleeper", C(kfb_cv_wait_sig), true}, {"signaler", C(kfb_cv_signaler)}});
  EXPECT_PASS(o);
  EXPECT_EQ(o.log, (Log{0, 1}));
}

// ---- sx ----

TEST(FreebsdSx, SharedAndExclusive) {
  // Readers share: some schedule has both inside at once; with the writer
  // there, no schedule has a reader inside with it.
  bool both = false;
  for (uint64_t i = 0; i < 20; i++) {
    sim::RandomStrategy rnd(5, {});
    Outcome o = run(rnd, {{"r1", C(kfb_sx_reader)}, {"r2", C(kfb_sx_reader)}}, {}, i);
    EXPECT_PASS(o);
    both |= std::count(o.log.begin(), o.log.end(), 2) > 0;
    sim::RandomStrategy rnd2(5, {});
    o = run(rnd2, {{"r", C(kfb_sx_reader)}, {"w", C(kfb_sx_writer)}}, {}, i);
    EXPECT_PASS(o);
    EXPECT_TRUE(o.log == (Log{100, 1}) || o.log == (Log{1, 100})) << "execution " << i;
  }
  EXPECT_TRUE(both);
  Outcome o = run_rr({{"w", C(kfb_sx_writer)}});
  EXPECT_PASS(o);
  EXPECT_EQ(o.log, Log{100});
  o = run_rr({{"t", C(kfb_sx_x_then_s)}});
  EXPECT_FAILURE(o, kLockMisuse, "recursive_enter:kfb_sx", "kfb_sx");
  o = run_rr({{"t", C(kfb_sx_assert_x)}});
  EXPECT_FAILURE(o, kLockMisuse, "sx_assert:SA_XLOCKED:kfb_sx", "not exclusively locked");
}

TEST(FreebsdSx, SxRecurseIsAllowedAndCounted) {
  // sx(9): SX_RECURSE lets the exclusive holder lock again, each lock
  // needing its unlock; sx_downgrade asserts it not recursed.
  Outcome o = run_rr({{"t", C(kfb_sx_recurse_ok)}});
  EXPECT_PASS(o);
  // try_xlock by the holder; still held after two unlocks; released
  EXPECT_EQ(o.log, (Log{1, 1, 0}));
  o = run_rr({{"t", C(kfb_sx_recursed_downgrade)}});
  EXPECT_FAILURE(o, kLockMisuse, "downgrade_recursed:kfb_sxr", "holds it recursed");
}

// ---- malloc(9) ----

TEST(FreebsdMalloc, LeakIsReportedByMallocType) {
  Outcome o = run_rr({{"t", C(kfb_malloc_leak)}});
  EXPECT_FAILURE(o, kMemory, "leak:M_KFB", "1 allocation(s), 48 bytes, of tag M_KFB");
}

TEST(FreebsdMalloc, NowaitFailsAsARecordedFaultChoice) {
  sim::ChoiceRates always;
  always.fault_num = always.fault_den = 1;
  sim::RandomStrategy rnd(1, always);
  km::WorldOptions inject;
  inject.inject_faults = true;
  Outcome o = run(rnd, {{"t", C(kfb_malloc_nowait)}}, inject);
  EXPECT_PASS(o);
  EXPECT_EQ(o.log, Log{0});
  bool fault_choice = false;
  for (auto& d : o.decisions) fault_choice |= d.kind == uint8_t(sim::ChoiceKind::kFault);
  EXPECT_TRUE(fault_choice);
  EXPECT_EQ(run(rnd, {{"t", C(kfb_malloc_nowait)}}).log, Log{1});  // no injection: memory
}

TEST(FreebsdMalloc, ZeroAndMissingWaitFlag) {
  Outcome o = run_rr({{"t", C(kfb_malloc_zero)}});
  EXPECT_PASS(o);
  EXPECT_EQ(o.log, Log{1});
  o = run_rr({{"t", C(kfb_malloc_noflags)}});
  EXPECT_FAILURE(o, kPanic, o.failure.signature.c_str(), "neither M_WAITOK nor M_NOWAIT", "M_KFB");
}

TEST(FreebsdMalloc, TheKernelsOwnTypesNeedNoDefinition) {
  // kern_malloc.c defines M_DEVBUF and M_TEMP for every driver; a buffer
  // of one left behind is a leak of that type.
  Outcome o = run_rr({{"t", C(kfb_malloc_kernel_types)}});
  EXPECT_FAILURE(o, kMemory, "leak:M_DEVBUF", "1 allocation(s), 8 bytes, of tag M_DEVBUF");
  EXPECT_EQ(o.log, Log{1});
}

TEST(FreebsdMalloc, ReallocKeepsOrMovesAsKernMallocDoes) {
  Outcome o = run_rr({{"t", C(kfb_realloc)}});
  EXPECT_PASS(o);
  EXPECT_EQ(o.log, (Log{1, 1, 1, 1, 1}));
  // the buffer it moved from is freed: a write through it is reported
  o = run_rr({{"t", C(kfb_realloc_stale)}});
  EXPECT_FAILURE(o, kMemory, "modified_after_free:M_TEMP", "write after free");
}

TEST(FreebsdLibkern, StrdupFamilyInMallocMemory) {
  Outcome o = run_rr({{"t", C(kfb_strdup)}});
  EXPECT_PASS(o);
  EXPECT_EQ(o.log, (Log{1, 1, 1}));
}

TEST(FreebsdLibkern, RandomBytesAreTheWorldsNotTheHosts) {
  // arc4random_buf and arc4random_uniform are in the host's C library
  // too: a driver must get the World's generator, the same in every run.
  Outcome a = run_rr({{"t", C(kfb_random_bytes)}});
  Outcome b = run_rr({{"t", C(kfb_random_bytes)}});
  EXPECT_PASS(a);
  ASSERT_EQ(a.log.size(), 5u);
  EXPECT_EQ(a.log, b.log);
  EXPECT_EQ(a.log[2], 1);
  EXPECT_EQ(a.log[3], 0);
  EXPECT_EQ(a.log[4], 1);
  EXPECT_EQ(run_rr({{"t", C(kfb_broadcastpri)}}).log, Log{1});
}

// ---- copies ----

TEST(FreebsdCopy, CopyinCopyoutCopyinstr) {
  kfb_user u{};
  auto setup = [&u](km::World& w, km::Proc& p) {
    int err = 0;
    u.ua = km::as_map(w, p, 0, 4096, km::kProtRead | km::kProtWrite, &err);
    u.hole = u.ua + 4096;  // nothing mapped after the page
  };
  Outcome o = run_rr({{"u", C(kfb_copy, &u), true}}, {}, setup);
  EXPECT_PASS(o);
  EXPECT_EQ(o.log, (Log{0, 1, 0, 6, 1, 1, 1, 1}));
}

// ---- sys/queue.h ----

TEST(FreebsdQueue, SafeRemovalWhileIterating) {
  Outcome o = run_rr({{"t", C(kfb_list_safe)}});
  EXPECT_PASS(o);
  EXPECT_EQ(o.log, (Log{2, 4, 1}));
  o = run_rr({{"t", C(kfb_tailq_safe)}});
  EXPECT_PASS(o);
  EXPECT_EQ(o.log, (Log{3, 1, 1}));
}

TEST(FreebsdQueue, UnsafeRemovalReadsFreedMemory) {
  Outcome o = run_rr({{"t", C(kfb_list_unsafe)}});
  EXPECT_TRUE(o.failure.kind == sim::FailureKind::kFault ||
              o.failure.kind == sim::FailureKind::kMemory)
      << sim::failure_kind_name(o.failure.kind) << ": " << o.failure.message;
}

// ---- nvlist ----

TEST(FreebsdNv, RoundTripAndMalformedInput) {
  Outcome o = run_rr({{"t", C(kfb_nv_roundtrip)}});
  EXPECT_PASS(o);
  EXPECT_EQ(o.log, (Log{1, 1, 7, 42, 1, 0, 1}));
  o = run_rr({{"t", C(kfb_nv_malformed)}});
  EXPECT_PASS(o);  // rejected, nothing leaked
  EXPECT_EQ(o.log, (Log{1, 1, 1}));
  ASSERT_GE(o.console.size(), 3u);
  EXPECT_TRUE(has(o.console[0], "a number shorter than 8 bytes in the pair at offset 0"))
      << o.console[0];
  EXPECT_TRUE(has(o.console[1], "unknown pair type")) << o.console[1];
  EXPECT_TRUE(has(o.console[2], "a string value without its NUL")) << o.console[2];
  o = run_rr({{"t", C(kfb_nv_get_absent)}});
  EXPECT_FAILURE(o, kPanic, o.failure.signature.c_str(), "nvlist_get_string: no string named port_name");
}

// ---- cdevs ----

void make_dev_on_host(km::World&, km::Proc&) { kfb_make_dev(nullptr); }

TEST(FreebsdCdev, MakeDevIoctlCopyAndReadWrite) {
  Body user = [](km::World& w) {
    int64_t fd = km::sys_open(w, "/dev/kfb0", km::kORdwr);
    kfb_note(fd >= 0);
    uint64_t buf = static_cast<uint64_t>(km::sys_mmap(w, 0, 4096, km::kProtRead | km::kProtWrite));
    int v = 21;
    km::user_write(w, km::curproc(w), buf, &v, sizeof v);
    kfb_note(km::sys_ioctl(w, fd, KFB_IOC_DOUBLE, buf));
    km::user_read(w, km::curproc(w), buf, &v, sizeof v);
    kfb_note(v);
    kfb_note(km::sys_ioctl(w, fd, KFB_IOC_DOUBLE, buf + 4096));  // the generic copy faults
    kfb_note(km::sys_read(w, fd, buf, 4));
    kfb_note(km::sys_read(w, fd, buf + 4, 100));  // the rest: 6 bytes
    char got[11] = {};
    km::user_read(w, km::curproc(w), buf, got, 10);
    kfb_note(std::string(got) == "0123456789");
    kfb_note(km::sys_write(w, fd, buf, 5));  // the driver takes 3
    km::sys_close(w, fd);
    kfb_destroy(nullptr);  // a node left behind is a teardown failure
  };
  Outcome o = run_rr({{"u", user, true}}, {}, make_dev_on_host);
  EXPECT_PASS(o) << ::testing::PrintToString(o.log);
  EXPECT_EQ(o.log, (Log{0, 1, EEXIST, 1, 0, 42, -EFAULT, 4, 6, 1, 484950, 3}));
}

// make_dev_sv (kern_conf.c): a taken name is an error only under
// MAKEDEV_CHECKNAME, else a panic; without MAKEDEV_NOWAIT nothing else
// fails, so an injected fault never makes a sleeping make_dev_s fail.
TEST(FreebsdCdev, ATakenNameWithoutCheckNamePanics) {
  Outcome o = run_rr({{"t", C(kfb_make_dev_twice)}});
  EXPECT_EQ(o.failure.kind, sim::FailureKind::kPanic) << o.failure.message;
  EXPECT_TRUE(has(o.failure.message, "bad si_name (error=17, si_name=kfb0)"))
      << o.failure.message;
  EXPECT_EQ(o.log, (Log{0}));
}

TEST(FreebsdCdev, ASleepingMakeDevNeverFailsUnderInjectedFaults) {
  km::WorldOptions faults;
  faults.inject_faults = true;
  for (uint64_t i = 0; i < 40; i++) {
    sim::RandomStrategy rnd(7, {1, 2, 1, 8, 1, 4});
    Body make_and_destroy = [](km::World&) {
      kfb_make_dev(nullptr);
      kfb_destroy(nullptr);
    };
    Outcome o = run(rnd, {{"t", make_and_destroy}}, faults, i);
    EXPECT_PASS(o);
    ASSERT_FALSE(o.log.empty());
    EXPECT_EQ(o.log[0], 0) << "execution " << i;
  }
}

TEST(FreebsdCdev, DestroyDevWaitsForADevRefthreadReference) {
  // kern_conf.c: dev_refthread counts the caller in si_threadcount, which
  // destroy_dev drains; once destroyed, dev_refthread answers NULL.
  Outcome o = run_rr({{"holder", C(kfb_refthread_hold)}, {"destroyer", C(kfb_refthread_destroy)}},
                     {}, make_dev_on_host);
  EXPECT_PASS(o);
  EXPECT_EQ(Log(o.log.begin() + 3, o.log.end()), (Log{1, 2, 3, 4}));
}

TEST(FreebsdCdev, DestroyDevWaitsForAThreadInsideIoctl) {
  Body user = [](km::World& w) {
    int64_t fd = km::sys_open(w, "/dev/kfb0", km::kORdwr);
    kfb_note(10 + km::sys_ioctl(w, fd, KFB_IOC_BLOCK, 0));
    km::sys_close(w, fd);
  };
  for (uint64_t i = 0; i < 30; i++) {
    sim::RandomStrategy rnd(11, {});
    Outcome o = run(rnd,
                    {{"u", user, true},
                     {"destroyer", C(kfb_destroy_when_inside)},
                     {"releaser", C(kfb_release)}},
                    {}, i, make_dev_on_host);
    EXPECT_PASS(o);
    // made; 1 destroyer saw the thread inside; 2 it left; 3 destroy_dev returned
    Log log(o.log.begin() + 3, o.log.end());
    auto at = [&](long v) { return std::find(log.begin(), log.end(), v) - log.begin(); };
    EXPECT_LT(at(1), at(3)) << "execution " << i;
    EXPECT_LT(at(2), at(3)) << "execution " << i;
    EXPECT_NE(at(10), long(log.size())) << "execution " << i;
  }
  // destroy_dev from inside the device's own d_ioctl waits for itself.
  Body self = [user](km::World& w) {
    kfb_destroy_from_ioctl = 1;
    user(w);
  };
  Outcome o = run_rr({{"u", self, true}}, {}, make_dev_on_host);
  EXPECT_FAILURE(o, kStuck, "stuck:cv_wait:si_threadcount", "si_threadcount");
}

// ---- kthreads ----

TEST(FreebsdKthread, KthreadExitEndsTheThreadFromAnyDepth) {
  Outcome o = run_rr({{"t", C(kfb_kthread_exit)}});
  EXPECT_PASS(o);
  EXPECT_EQ(o.log, (Log{0, 10, 11}));
  o = run_rr({{"t", C(kfb_kthread_exit_bad)}});
  EXPECT_FAILURE(o, kPanic, o.failure.signature.c_str(),
                 "kthread_exit called by thread t, which kthread_add/kproc_create did not start");
}

// ---- knlist (sys/event.h) ----

TEST(FreebsdKnlist, KnoteCallsEveryFilterUnderTheListLock) {
  Outcome o = run_rr({{"t", C(kfb_knlist_life)}});
  EXPECT_PASS(o);
  // knlist_add inserts at the head: kn2 is asked first.
  EXPECT_EQ(o.log, (Log{12, 11, 22, 21, 32, 1, 2}));
}

TEST(FreebsdKnlist, KnoteLockedWithoutTheLockIsMisuse) {
  Outcome o = run_rr({{"t", C(kfb_knlist_unlocked)}});
  EXPECT_FAILURE(o, kLockMisuse, "mtx_assert:MA_OWNED:kfb_a", "kfb_knlist.c:");
}

TEST(FreebsdKnlist, DestroyingAListWithKnotesPanics) {
  Outcome o = run_rr({{"t", C(kfb_knlist_destroy_full)}});
  EXPECT_FAILURE(o, kPanic, o.failure.signature.c_str(), "knlist_destroy", "with knotes on it");
}

}  // namespace
