// What an out-of-tree illumos driver needed and the personality lacked or
// had wrong (the ilprobe audit), each through a tiny C driver
// (tests/cpp/kdrivers/kd_probe.c) and checked against illumos: id_t is an
// int (<sys/types.h>); the tick conversions of <sys/time.h> at hz = 100;
// cv_timedwait, cv_reltimedwait and cv_timedwait_hires return -1 at once
// for a deadline already passed, never dropping the mutex (condvar.c);
// cv_timedwait_hires aligns its deadline to res; a null %s prints
// "<null string>" (common/util/string.c); ddi_prop_op_nblocks answers
// "Nblocks", "Size" and the 32-bit "nblocks" (sunddi.c); caddr32_t is
// unsigned (<sys/types32.h>).
#include <gtest/gtest.h>

#include <vector>

#include "kernel_model/illumos/dev_impl.h"
#include "kernel_model/world.h"
#include "sim/strategies/pct.h"
#include "sim/strategies/round_robin.h"
#include "tests/cpp/kdrivers/kd_ddi.h"
#include "tests/cpp/kdrivers/kd_probe.h"

using namespace ks;

namespace {

struct Outcome {
  sim::Failure failure;
  std::vector<long> log;
};

Outcome run(sim::Strategy& s, void (*fn)(void*), void* arg = nullptr, uint64_t index = 0) {
  static sim::StackPool pool;
  km::World w(pool, s, {}, index);
  {
    sim::Sim::HostScope scope(w.sim());
    kd_init();
  }
  w.spawn("t", fn, arg);
  w.run();
  return {w.sim().failure(), std::vector<long>(kd_log, kd_log + kd_nlog)};
}

Outcome run_rr(void (*fn)(void*), void* arg = nullptr) {
  sim::RoundRobin rr;
  return run(rr, fn, arg);
}

TEST(DdiProbe, IdTIsSignedAsOnIllumos) {
  Outcome o = run_rr(kd_probe_ids);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{0, 1, 1, -1}));
}

TEST(DdiProbe, TickConversionsAtHz100) {
  Outcome o = run_rr(kd_probe_ticks);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{2, 3, 1, 100, 200, 30, 5000000, 0, (4 << 8) | 42, 16}));
}

TEST(DdiProbe, ATimedWaitAlreadyExpiredNeverDropsTheMutex) {
  // -1 three times and the count never moved while the lock was held, in
  // every schedule PCT tries (a wait there would let the taskq bump it).
  for (uint64_t i = 0; i < 200; i++) {
    sim::PctStrategy pct(5, 3, 0, {});
    Outcome o = run(pct, kd_probe_past_wait, nullptr, i);
    ASSERT_FALSE(o.failure) << o.failure.message;
    ASSERT_EQ(o.log, (std::vector<long>{-1, -1, -1, 0})) << "execution " << i;
  }
}

TEST(DdiProbe, HiresWaitsTimeOutAtTheirDeadline) {
  Outcome o = run_rr(kd_probe_hires);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{-1, 1, -1, 1, -1}));
}

TEST(DdiProbe, KmemAsprintfPrintsANullStringAsIllumos) {
  Outcome o = run_rr(kd_probe_printf);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{1, 1}));
}

TEST(DdiProbe, PropOpAnswersTheSizePropertiesAndTheDriversOwn) {
  dev_info dip;
  Outcome o = run_rr(kd_probe_props, &dip);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{0, 64, 0, 32768, 4, 4, 4, 1, 0, 4, 0, 8, 0, 1, 8, 8}));
}

// Typed as sunddi.c types them: i_ddi_prop_search skips a property of
// another type, ddi_prop_get_int reads a boolean as 1, DDI_PROP_TYPE_ANY
// (ddi_prop_create) is not INT64, an update to DDI_DEV_T_ANY is refused.
TEST(DdiProbe, PropertiesAreTypedArrays) {
  dev_info dip;
  Outcome o = run_rr(kd_probe_typed_props, &dip);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{0, 0, 3, 48, 7, 0, 12,          // ints
                                      0, 0, 2, 1, 0, 1,               // strings
                                      0, 0, 55,                       // bytes
                                      0, -5, 1, 0, 1, 1,              // int64, types
                                      0, 1, 8, 1, 0, 42, -5, 1, 0,    // older forms
                                      0, 407, 4, 0}));
}

// sunddi.c ddi_prop_undefine: a byte property marked DDI_PROP_UNDEF_IT, no
// value; ddi_prop_search_common answers DDI_PROP_UNDEFINED (2) for it, a
// lookup of another type skips it (i_ddi_prop_search's type test), and
// ddi_prop_remove or an update ends it.
TEST(DdiProbe, AnUndefinedPropertyAnswersUndefined) {
  dev_info dip;
  Outcome o = run_rr(kd_probe_undefine, &dip);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{0, 0, 2, 1, -3, -4, 0, 2, 2, 0, 1, 4, 0, 0, 9}));
}

// driver.conf(5) properties (modsysfile.c make_prop: DDI_DEV_T_NONE) as
// ddi_prop_search_common finds them: the driver's own first, then the
// node entry's, then the global ones; a lookup for one dev_t does not see
// them, DDI_DEV_T_NONE is any (i_ddi_prop_search); ddi_prop_remove and
// ddi_prop_remove_all take only the driver's own; a property written with
// no value is an integer 0.
TEST(DdiProbe, DriverConfPropertiesSitBelowTheDriversOwn) {
  dev_info dip;
  ks_driver_desc kd{};
  kd.name = "kd";
  kd.personality = "illumos";
  auto conf = km::illumos::conf_parser()(
      "name=\"kd\" parent=\"pseudo\" level=5;\nlevel=1 shared=2 tag=\"global\" flag;\n",
      "kd.conf", &kd);
  km::illumos::apply_conf(dip, conf.get());
  Outcome o = run_rr(kd_probe_conf, &dip);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{5, 2, -1, 2, 0, 1, 0, 9, 0, 5, 1, -1, 2, 1, 0}));
}

TEST(DdiProbe, ADriverNodeHangsUnderThePseudoNexus) {
  dev_info dip;
  Outcome o = run_rr(kd_probe_nexus, &dip);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{1, 1, 1, 1, 1, 3}));
}

// taskq_suspend (illumos taskq.c): no entry starts until taskq_resume;
// dispatch still queues; a resume of a taskq not suspended is an ASSERT.
TEST(DdiProbe, ASuspendedTaskqRunsNothingUntilResumed) {
  Outcome o = run_rr(kd_probe_taskq_suspend);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{1, 1, 0, 1, 0}));
  for (uint64_t i = 0; i < 50; i++) {  // any schedule: the same
    sim::PctStrategy pct(3 + i, 3, 0, {});
    Outcome p = run(pct, kd_probe_taskq_suspend, nullptr, i);
    ASSERT_FALSE(p.failure) << p.failure.message;
    EXPECT_EQ(p.log, (std::vector<long>{1, 1, 0, 1, 0})) << "execution " << i;
  }
}

TEST(DdiProbe, ResumingATaskqNotSuspendedPanics) {
  Outcome o = run_rr(kd_probe_taskq_resume_unsuspended);
  EXPECT_EQ(o.failure.kind, sim::FailureKind::kPanic) << o.failure.message;
  EXPECT_EQ(o.failure.signature, "panic:taskq_resume:kdsusp") << o.failure.message;
}

TEST(DdiProbe, ThreadCreateCopiesItsArgument) {
  Outcome o = run_rr(kd_probe_thread_arg_copy);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{42, 9}));
}

TEST(DdiProbe, A32BitAddressWidensWithoutSignExtension) {
  Outcome o = run_rr(kd_probe_model);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{1}));
}

}  // namespace
