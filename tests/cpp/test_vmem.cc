// illumos vmem(9F) arenas (kernel_model/illumos/vmem.cc) through a small C
// driver (tests/cpp/kdrivers/kd_vmem.c). The expected addresses are what
// illumos's vmem.c gives for the same calls, worked through its free lists
// by hand (instant fit takes the head of the lowest list certain to fit;
// a freed segment goes to its list's head; VM_FIRSTFIT is first in list
// order, not the lowest address).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kernel_model/world.h"
#include "sim/strategies/random.h"
#include "sim/strategies/round_robin.h"
#include "tests/cpp/kdrivers/kd_ddi.h"
#include "tests/cpp/kdrivers/kd_vmem.h"

using namespace ks;

namespace {

struct Outcome {
  sim::Failure failure;
  std::vector<long> log;
  std::vector<std::string> console;
};

Outcome run(sim::Strategy& s, void (*fn)(void*), uint64_t index = 0) {
  static sim::StackPool pool;
  km::World w(pool, s, {}, index);
  {
    sim::Sim::HostScope scope(w.sim());
    kd_init();
  }
  w.spawn("t", fn, nullptr);
  w.run();
  return {w.sim().failure(), std::vector<long>(kd_log, kd_log + kd_nlog), w.console()};
}

Outcome run_rr(void (*fn)(void*)) {
  sim::RoundRobin rr;
  return run(rr, fn);
}

TEST(Vmem, InstantFitRecyclesTheLastFreedFirst) {
  // 1..5 then full (NULL); 2 and 4 freed: 4 first; 3 and 4 freed join in
  // list 1, 1 freed alone in list 0: 1 (the lowest list), then 3, 4; five
  // in use, none free; all freed: the arena's five.
  const std::vector<long> want{1, 2, 3, 4, 5, 0, 4, 2, 1, 3, 4, 5, 0, 5};
  Outcome o = run_rr(kd_vmem_instant);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, want);
}

TEST(Vmem, BestFirstAndNextFit) {
  // best fit of 2: [5, 7); first fit of 1: [9, 10), the head of list 0,
  // not 2; best fit of 1: 9 again; first fit of 2: 5; best fit of 3:
  // nothing (NULL). Next fit: 1, 2; 1 freed, then 3, 4, and wrapping 1;
  // full: NULL.
  const std::vector<long> want{5, 9, 9, 5, 0, 1, 2, 3, 4, 1, 0};
  Outcome o = run_rr(kd_vmem_policies);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, want);
}

TEST(Vmem, XallocConstraints) {
  // align 8: 8; align 4 phase 1: 1; within [50, 60): 50; 8 not crossing a
  // 16 boundary from 28: 32; 4 within [99, 101): NULL; 1 within the
  // allocated [8, 16): NULL; 21 in use; none after the frees.
  const std::vector<long> want{8, 1, 50, 32, 0, 0, 21, 0};
  Outcome o = run_rr(kd_vmem_xalloc);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, want);
}

TEST(Vmem, SpansWalkAndQuantum) {
  // an arena with no span: NULL; two spans added; 1 from the lower list;
  // contains; the walk in arena order (spans as added, then address),
  // allocated segments at their size; the spans; quantum 16 rounds 20 up.
  const std::vector<long> want{0, 100, 1, 1, 1, 0, 100, 4, 1, 1, 2, 1, 100, 4, 1, 2,
                               0x1000, 0x1020, 36};
  Outcome o = run_rr(kd_vmem_spans);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, want);
}

TEST(Vmem, SleepOnAFullArenaWaitsForAFree) {
  const std::vector<long> want{1, 0, 101};
  Outcome o = run_rr(kd_vmem_wait);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, want);
  sim::RandomStrategy rnd(5, {});
  for (uint64_t i = 0; i < 100; i++) {
    Outcome r = run(rnd, kd_vmem_wait, i);
    ASSERT_FALSE(r.failure) << r.failure.message;
    ASSERT_EQ(r.log, want) << "execution " << i;
  }
}

TEST(Vmem, DoubleFreeIsBadFreeNamingTheArena) {
  Outcome o = run_rr(kd_vmem_double_free);
  ASSERT_TRUE(o.failure);
  EXPECT_NE(o.failure.message.find("vmem_hash_delete('kd_twice', 1, 1): bad free"),
            std::string::npos)
      << o.failure.message;
}

TEST(Vmem, FreeOfAnotherSizeIsWrongSize) {
  Outcome o = run_rr(kd_vmem_wrong_size);
  ASSERT_TRUE(o.failure);
  EXPECT_NE(o.failure.message.find("wrong size (expect 1)"), std::string::npos)
      << o.failure.message;
}

TEST(Vmem, AnImportSourceIsNotModelled) {
  Outcome o = run_rr(kd_vmem_import);
  ASSERT_TRUE(o.failure);
  EXPECT_EQ(o.failure.kind, sim::FailureKind::kHostError) << o.failure.message;
  EXPECT_EQ(o.failure.signature, "not_modelled:vmem_create with an import source (afunc, source)") << o.failure.message;
}

TEST(Vmem, AnOverconstrainedXallocPanics) {
  Outcome o = run_rr(kd_vmem_overconstrained);
  ASSERT_TRUE(o.failure);
  EXPECT_NE(o.failure.message.find("overconstrained allocation"), std::string::npos)
      << o.failure.message;
}

TEST(Vmem, ADestroyedArenaIsNoArena) {
  Outcome o = run_rr(kd_vmem_after_destroy);
  ASSERT_TRUE(o.failure);
  EXPECT_NE(o.failure.message.find("vmem_alloc("), std::string::npos) << o.failure.message;
  EXPECT_NE(o.failure.message.find("vmem_destroy destroyed"), std::string::npos)
      << o.failure.message;
}

TEST(Vmem, DestroyWithIdsOutstandingWarnsAsIllumos) {
  // vmem.c's CE_WARN, not a panic; the arena's kmem goes back, so no leak.
  Outcome o = run_rr(kd_vmem_destroy_leaked);
  ASSERT_FALSE(o.failure) << o.failure.message;
  bool warned = false;
  for (auto& line : o.console)
    warned |= line.find("vmem_destroy('kd_leaky'): leaked 2 identifiers") != std::string::npos;
  EXPECT_TRUE(warned);
}

}  // namespace
