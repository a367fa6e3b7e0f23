// nvpair(9F) and the LDI's argument checks and misuse, through tiny C
// drivers (tests/cpp/kdrivers/kd_layered.c). The error codes are those of
// illumos's common nvpair.c and driver_lyr.c (kernel_model/illumos/
// nvpair.cc, ldi.cc say which were read).
#include <gtest/gtest.h>

#include <cerrno>
#include <vector>

#include "kernel_model/devsw.h"
#include "kernel_model/drivers.h"
#include "kernel_model/world.h"
#include "sim/strategies/random.h"
#include "sim/strategies/round_robin.h"
#include "tests/cpp/kdrivers/kd_layered.h"

using namespace ks;

namespace {

struct Outcome {
  sim::Failure failure;
  std::vector<long> log;
};

Outcome run(void (*fn)(void*), bool sample = false, bool faults = false, uint64_t seed = 0,
            void* arg = nullptr) {
  static sim::StackPool pool;
  sim::RoundRobin rr;
  sim::RandomStrategy rnd(seed, {});
  km::WorldOptions o;
  o.inject_faults = faults;
  km::World w(pool, faults ? static_cast<sim::Strategy&>(rnd) : rr, o, seed);
  {
    sim::Sim::HostScope scope(w.sim());
    kl_init();
    if (sample) {
      km::load_driver(w, "sample", "none");
      EXPECT_TRUE(km::boot_now(w));
      kl_major = km::devsw_lookup(w, "/dev/sample")->major;
    }
  }
  w.spawn("t", fn, arg);
  w.run();
  return {w.sim().failure(), std::vector<long>(kl_log, kl_log + kl_nlog)};
}

}  // namespace

TEST(Nvpair, AddReplaceOrderLookupRemove) {
  const long I = EINVAL, N = ENOENT, U = ENOTSUP;
  const std::vector<long> want{
      I, 0, 0, 0, 0, 9, 6, -1, N, 0, 2, 0, 1, I, I, I, I, I,  // unique: add, lookup
      0, I, 1, 0, 2, I,                                       // dup, nvpair_value_*
      N, N, 0, 0, 0, N, 1, 9, 6, -1, 0, 2,                    // remove; the dup
      0, 0, 0, 6, 6, -1, U,                                                      // plain
      0, 0, 0, 0, 8, 6, -1, 0, 3};                                               // name+type
  Outcome o = run(kl_nv_basic);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, want);
}

TEST(Nvpair, PackUnpackRoundTripsNestedLists) {
  // 468 bytes: the 4-byte header, version and flags, the pairs at
  // NV_ALIGN(16 + name) + NV_ALIGN(value) each, every list's 4-byte end
  // (the embedded ones after their pair), counted by hand.
  const std::vector<long> want{0,  0, 0, 0,  1, 468, EFAULT, ENOTSUP, 0, 8, 9, 26, 16, 17, 1,
                               19, 20, -1, 1, 1, 1,  1,      0, 0, ENOENT, 0, 0, 1, 1, 1, 1};
  Outcome o = run(kl_nv_pack);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, want);
}

TEST(Nvpair, EveryPrefixOfAPackedListIsRefusedWithoutLeaks) {
  Outcome o = run(kl_nv_truncated);
  ASSERT_FALSE(o.failure) << o.failure.message;  // no read past a buffer, no leak
  EXPECT_EQ(o.log, (std::vector<long>{180, 0, 0, EINVAL}));
}

TEST(Nvpair, MisuseIsReported) {
  Outcome leak = run(kl_nv_leak);
  EXPECT_EQ(leak.failure.signature, "leak:nvlist") << leak.failure.message;
  Outcome uaf = run(kl_nv_use_after_free);
  EXPECT_EQ(uaf.failure.signature, "use_after_free:nvlist:nvlist_lookup_uint64")
      << uaf.failure.message;
  EXPECT_TRUE(uaf.log.empty());  // the lookup never returned
  Outcome twice = run(kl_nv_double_free);
  EXPECT_EQ(twice.failure.signature, "use_after_free:nvlist:nvlist_free") << twice.failure.message;
}

TEST(Nvpair, NoSleepAllocationsFailCleanly) {
  int failed_some = 0;
  for (uint64_t seed = 0; seed < 60; seed++) {
    Outcome o = run(kl_nv_nosleep, false, true, seed);
    ASSERT_FALSE(o.failure) << "seed " << seed << ": " << o.failure.message;
    ASSERT_EQ(o.log.size(), 1u);
    ASSERT_TRUE(o.log[0] == 1 || o.log[0] == -2) << o.log[0];
    failed_some += o.log[0] == -2;
  }
  EXPECT_GT(failed_some, 0);  // the faults were really injected
}

TEST(Nvpair, DamagedPackedListsAreRefusedOrSound) {
  for (uintptr_t enc : {0, 1}) {  // NV_ENCODE_NATIVE, NV_ENCODE_XDR
    Outcome o = run(kl_nv_mutate, false, false, 0, reinterpret_cast<void*>(enc));
    ASSERT_FALSE(o.failure) << o.failure.message;
    EXPECT_EQ(o.log, (std::vector<long>{1, 1})) << enc;  // some unpacked, some refused
  }
}

TEST(Nvpair, XdrLayoutRoundTripAndPrefixes) {
  // 156 = 4 (header) + 8 (version, flags) + 32 ("u": 5 words of pair
  // header and name, a hyper) + 36 ("s": the same and a 5-byte string in
  // 2 words) + 68 ("n": 24 and its list, 8 + 28 + 8) + 8 (the end)
  const std::vector<long> want{0, 156, 0, 1, 0, 1, 32, 32, 1, 0x75000000,
                               0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1};
  Outcome o = run(kl_nv_xdr);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, want);
}

TEST(Ldi, ArgumentChecksAndALayeredOpen) {
  const std::vector<long> want{EINVAL, EINVAL, 0, EINVAL, ENOENT, EINVAL, EINVAL, ENXIO,
                               EINVAL, 0,      0, 2,      0,      1,      0, 1, 0};
  Outcome o = run(kl_ldi_args, true);
  ASSERT_FALSE(o.failure) << o.failure.message;
  EXPECT_EQ(o.log, want);
}

TEST(Ldi, CloseOfAClosedHandleIsAUseAfterFree) {
  Outcome o = run(kl_ldi_close_twice, true);
  EXPECT_EQ(o.failure.signature, "use_after_free:ldi_handle:ldi_close") << o.failure.message;
  EXPECT_EQ(o.log, (std::vector<long>{0, 0}));
}
