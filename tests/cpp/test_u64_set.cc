// The flat set that counts a campaign's distinct trace hashes and the
// fuzzer's interleaving pairs: it must agree with std::set on every key,
// including 0 (its empty-slot value) and across its growth.
#include <gtest/gtest.h>

#include <set>

#include "runner/u64_set.h"
#include "sim/rng.h"

using ks::runner::U64Set;

TEST(U64Set, AgreesWithStdSetAcrossGrowth) {
  U64Set s;
  std::set<uint64_t> ref;
  ks::sim::Rng rng(7);
  for (int i = 0; i < 20000; i++) {
    // Small keys collide often (and include 0); large ones are hash-like.
    uint64_t k = i % 3 ? rng.next() % 5000 : rng.next();
    EXPECT_EQ(s.insert(k), ref.insert(k).second) << "key " << k;
  }
  EXPECT_EQ(s.size(), ref.size());
  EXPECT_TRUE(ref.count(0));
  for (uint64_t k : ref) EXPECT_TRUE(s.contains(k));
  EXPECT_EQ(s.sorted(), std::vector<uint64_t>(ref.begin(), ref.end()));
}

TEST(U64Set, EmptyAndZero) {
  U64Set s;
  EXPECT_EQ(s.size(), 0u);
  EXPECT_FALSE(s.contains(0));
  EXPECT_FALSE(s.contains(42));
  EXPECT_TRUE(s.insert(0));
  EXPECT_FALSE(s.insert(0));
  EXPECT_EQ(s.sorted(), std::vector<uint64_t>{0});
}
