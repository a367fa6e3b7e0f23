// FreeBSD's <sys/tree.h> and <sys/bitstring.h> through a driver's own
// declarations (kdrivers_freebsd/kfb_tree.c): the red-black rules and the
// order hold after every insert and remove, RB_INSERT of a key already
// there answers the element holding it, RB_NFIND is the least at or above.
#include <gtest/gtest.h>

#include "tests/cpp/kdrivers_freebsd/kfb_tree.h"

TEST(FreeBsdTree, KeepsOrderAndRedBlackRulesThroughInsertAndRemove) {
  for (unsigned seed : {1u, 7u, 12345u, 99991u}) {
    EXPECT_EQ(kfb_tree_exercise(seed, 800), 0) << "seed " << seed;
  }
}

TEST(FreeBsdTree, SmallTrees) {
  for (int n = 0; n < 12; n++) EXPECT_EQ(kfb_tree_exercise(3u, n), 0) << n << " keys";
}

TEST(FreeBsdBitstring, SetsCountsAndFinds) { EXPECT_EQ(kfb_bitstring_exercise(), 0); }
