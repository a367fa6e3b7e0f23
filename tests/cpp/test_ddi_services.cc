// The DDI services added for real drivers (issue 13, headers), each through a
// tiny C driver (tests/cpp/kdrivers/kd_ddi.c) and checked against its man
// page: ddi_intr_add_softint(9F) (a trigger while pending is DDI_EPENDING;
// the handler gets arg1 and the trigger's arg2), kmem_cache_create(9F)
// (objects constructed while held), ddi_taskq_create(9F), ddi_strtol(9F)
// (0, EINVAL, ERANGE), strlcpy (the length it tried to make), atomic_ops(9F)
// (cas returns the old value), drv_getparm(9F), and the segmap stubs.
#include <gtest/gtest.h>

#include <vector>

#include "kernel_model/vfs.h"
#include "kernel_model/world.h"
#include "sim/strategies/random.h"
#include "sim/strategies/round_robin.h"
#include "tests/cpp/kdrivers/kd_ddi.h"

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
    kd_init();
    km::vfs_create(w, "/kd/file", 4, false);
  }
  w.spawn("t", fn, nullptr);
  w.run();
  return {w.sim().failure(), std::vector<long>(kd_log, kd_log + kd_nlog)};
}

Outcome run_rr(void (*fn)(void*)) {
  sim::RoundRobin rr;
  return run(rr, fn);
}

TEST(DdiServices, SoftInterruptRunsInItsOwnThreadOncePerTrigger) {
  // add (0), its priority (4), trigger (0), trigger again while pending
  // (DDI_EPENDING -6), one run with arg1 7 and the first trigger's arg2 1;
  // again with arg2 3; remove (0); then no hardware interrupts: DDI_FAILURE,
  // no types, DDI_INTR_NOTFOUND, the high-level priority LOCK_LEVEL + 1.
  const std::vector<long> want{0, 4, 0, -6, 1, 701, 0, 2, 703, 0, -1, 0, 1, 11};
  Outcome o = run_rr(kd_softint);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, want);
  sim::RandomStrategy rnd(7, {});
  for (uint64_t i = 0; i < 100; i++) {
    Outcome r = run(rnd, kd_softint, i);
    ASSERT_FALSE(r.failure) << r.failure.message;
    ASSERT_EQ(r.log, want) << "execution " << i;
  }
}

TEST(DdiServices, SoftInterruptNeverRemovedIsALeak) {
  Outcome o = run_rr(kd_softint_leak);
  EXPECT_EQ(o.failure.kind, sim::FailureKind::kMemory) << o.failure.message;
  EXPECT_NE(o.failure.message.find("ddi_intr_add_softint"), std::string::npos)
      << o.failure.message;
}

TEST(DdiServices, KmemCacheConstructsEveryObjectItHandsOut) {
  Outcome o = run_rr(kd_kmem_cache);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{84, 2, 2}));
}

// kmem.c kmem_cache_free_debug: a buffer freed twice is KMERR_DUPFREE, found
// before the destructor could run on the freed object (it used to: the
// report was the destructor's mutex_destroy on poison).
TEST(DdiServices, KmemCacheObjectFreedTwiceIsADoubleFree) {
  Outcome o = run_rr(kd_kmem_cache_dupfree);
  EXPECT_EQ(o.failure.kind, sim::FailureKind::kMemory) << o.failure.message;
  EXPECT_NE(o.failure.message.find("double free"), std::string::npos) << o.failure.message;
}

TEST(DdiServices, DdiTaskqDispatchWaitDestroy) {
  Outcome o = run_rr(kd_ddi_taskq);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{0, 0, 0, 6}));  // DDI_SUCCESS x3, 1+2+3
}

TEST(DdiServices, StringConversions) {
  Outcome o = run_rr(kd_strings);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{0, -42, 'x', EINVAL, 0, 16, ERANGE, EINVAL, 10, 7, 10,
                                      1, 1234, 406, 2}));
}

TEST(DdiServices, AtomicOperations) {
  Outcome o = run_rr(kd_atomics);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{6, 4, 4, 9, 9, 1, 0, -1, 0, 1, 0xbc, 0xf0, 0xfff}));
}

TEST(DdiServices, TimeAdvancesOnlyBySleeping) {
  Outcome o = run_rr(kd_time);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{0, 200, 2, 1, -1}));
}

// illumos callout.c untimeout: the time left in ticks (rounded down) when
// it cancelled the callout, -1 when it had fired, was already cancelled or
// is the callout's own call.
TEST(DdiServices, UntimeoutAnswersTheTicksLeftOrMinusOne) {
  Outcome o = run_rr(kd_untimeout);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{30, -1, -1, 1, 1, -1, 2}));
}

// No supplementary groups in the model's credentials: 0 and a pointer not
// NULL (illumos cred.c without a group list).
TEST(DdiServices, CredentialsHaveNoSupplementaryGroups) {
  Outcome o = run_rr(kd_cred_groups);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{0, 1, 0}));
}

TEST(DdiServices, SegmapIsAReportedFailureNotACrash) {
  Outcome o = run_rr(kd_segmap);
  EXPECT_EQ(o.failure.kind, sim::FailureKind::kHostError) << o.failure.message;
  EXPECT_EQ(o.failure.signature, "not_modelled:ddi_segmap");
  EXPECT_NE(o.failure.message.find("ddi_segmap is not modelled"), std::string::npos);
  EXPECT_TRUE(o.log.empty());
}

TEST(DdiServices, Lists) {
  Outcome o = run_rr(kd_list);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{1, 0, 1, 2, 3, 0, 1, 3, 1, 0, 2}));
}

TEST(DdiServices, PeriodicRunsEveryIntervalUntilDeleted) {
  Outcome o = run_rr(kd_periodic);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{3, 15, 3}));
}

TEST(DdiServices, UmemIsZeroedAndFreedByItsCookie) {
  Outcome o = run_rr(kd_umem);
  ASSERT_FALSE(o.failure) << o.failure.message;  // a leak would fail teardown
  EXPECT_EQ(o.log, (std::vector<long>{1}));
}

TEST(DdiServices, VopsOnARegularFile) {
  // vn_open 0; VOP_WRITE of two iovecs at offset 2: 0, resid 0, offset 12;
  // VOP_READ from 2: 0, 10 bytes (the file is 12 long), "helloworld";
  // VOP_IOCTL ENOTTY; VOP_ACCESS(VWRITE) 0; VOP_OPEN 0 (closed again).
  Outcome o = run_rr(kd_vop);
  ASSERT_FALSE(o.failure) << o.failure.message;  // opens and holds balanced
  EXPECT_EQ(o.log, (std::vector<long>{0, 0, 0, 12, 0, 10, 1, ENOTTY, 0, 0}));
}

TEST(DdiServices, NamedKstats) {
  // created (two entries), updated, installed, deleted (a leak or a kstat
  // left installed would fail teardown); a raw kstat is not modelled: NULL.
  Outcome o = run_rr(kd_kstat);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{1, 2, 42, 1, 1, 1}));  // and a zone's, the same
}

TEST(DdiServices, RandomBytesAreTheWorldsSameInEveryRun) {
  Outcome a = run_rr(kd_random), b = run_rr(kd_random);
  ASSERT_FALSE(a.failure) << a.failure.message;
  ASSERT_EQ(a.log.size(), 4u);
  EXPECT_EQ(a.log[0], 0);
  EXPECT_EQ(a.log[2], 0);
  EXPECT_EQ(a.log, b.log);
  EXPECT_NE(a.log[1], 0);
}

TEST(DdiServices, IdAllocOnAFullSpaceWaitsForAnIdFree) {
  // vmem_alloc(VM_SLEEP): the task waits for the main thread's id_free
  // and then gets the freed id; whatever the schedule.
  const std::vector<long> want{1, 0, 101};
  Outcome o = run_rr(kd_id_wait);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, want);
  sim::RandomStrategy rnd(3, {});
  for (uint64_t i = 0; i < 100; i++) {
    Outcome r = run(rnd, kd_id_wait, i);
    ASSERT_FALSE(r.failure) << r.failure.message;
    ASSERT_EQ(r.log, want) << "execution " << i;
  }
}

}  // namespace

namespace {

TEST(DdiServices, AvlKeepsItsOrderAndFindsNeighbours) {
  // 3 nodes; 10 20 30 forwards, 30 20 10 back; 20 found; 15 not, between
  // 10 and 20, inserted there (10's next is 15), removed; destroyed in
  // order; empty.
  const std::vector<long> want{3, 10, 20, 30, 30, 20, 10, 1, 1, 10, 20, 15, 10, 20, 30, 1};
  Outcome o = run_rr(kd_avl);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, want);
}

TEST(DdiServices, IdSpaceNextFitFirstFitAndSpecific) {
  const std::vector<long> want{1, 2, 3, -1, 2, 1, 3, -1};
  Outcome o = run_rr(kd_id_space);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, want);
}

TEST(DdiServices, Id32NamesPointersAndRejectsBadIds) {
  Outcome o = run_rr(kd_id32);
  ASSERT_FALSE(o.failure) << o.failure.message;  // both freed: no leak
  EXPECT_EQ(o.log, (std::vector<long>{1, 1, 1, 1, 1}));
}

TEST(DdiServices, Id32LookupOfAFreedIdIsAReadAfterFree) {
  Outcome o = run_rr(kd_id32_stale);
  ASSERT_TRUE(o.failure);
  EXPECT_EQ(o.failure.signature, "read_after_free:id32_alloc") << o.failure.message;
}

TEST(DdiServices, Id32NeverFreedIsALeak) {
  Outcome o = run_rr(kd_id32_leak);
  ASSERT_TRUE(o.failure);
  EXPECT_NE(o.failure.message.find("id32_alloc"), std::string::npos) << o.failure.message;
}

}  // namespace
