// The race detector's clock slots (sim/hb.h): a thread's slot serves a
// later thread only once the exited thread's accesses are gone from the
// shadow, and the later thread's epochs start above every one the slot had,
// so a race with an exited thread is still found, an entry it left in
// another clock orders nothing for its slot's next thread, and a chain of
// threads one after another (a periodic callout's runs) keeps clocks narrow.
#include <gtest/gtest.h>

#include "sim/hb.h"

using ks::sim::HbDetector;

namespace {

constexpr uintptr_t kX = 0x10000, kY = 0x20000;
constexpr uint64_t kLock = 7;

TEST(HbSlots, AnExitedThreadsWriteStillRacesWithALaterUnorderedThread) {
  HbDetector hb;
  hb.reset();
  HbDetector::Race r;
  hb.fork(0, 1);
  EXPECT_FALSE(hb.access(1, kX, 4, true, 0x11, &r));
  hb.exit(1);
  // Thread 2 starts after thread 1 exited, in time, but nothing orders
  // them: had it taken thread 1's slot, thread 1's write would look seen.
  hb.fork(0, 2);
  ASSERT_TRUE(hb.access(2, kX, 4, true, 0x22, &r));
  EXPECT_EQ(r.older.tid, 1u);
  EXPECT_EQ(r.newer.tid, 2u);
  EXPECT_EQ(r.older.pc, 0x11u);
  EXPECT_EQ(hb.width(), 3u);  // host, 1 (held by its write), 2
}

TEST(HbSlots, AnEntryAnExitedThreadLeftOrdersNothingForItsSlotsNextThread) {
  HbDetector hb;
  hb.reset();
  HbDetector::Race r;
  hb.fork(0, 1);
  hb.fork(0, 3);
  hb.release(kLock, 1);  // thread 3 will see thread 1 up to here
  hb.exit(1);  // no access of it in the shadow: its slot is free
  hb.acquire(kLock, 3);
  size_t width = hb.width();
  hb.fork(0, 2);
  EXPECT_EQ(hb.width(), width) << "thread 2 takes thread 1's slot";
  EXPECT_FALSE(hb.access(2, kY, 8, true, 0x22, &r));
  // Thread 3 saw thread 1's release, in thread 2's slot; not thread 2.
  ASSERT_TRUE(hb.access(3, kY, 8, false, 0x33, &r));
  EXPECT_EQ(r.older.tid, 2u);
  EXPECT_EQ(r.newer.tid, 3u);
}

TEST(HbSlots, ALaterThreadOrderedAfterAnExitedOneDoesNotRace) {
  HbDetector hb;
  hb.reset();
  HbDetector::Race r;
  hb.fork(0, 1);
  hb.acquire(kLock, 1);
  EXPECT_FALSE(hb.access(1, kX, 4, true, 0x11, &r));
  hb.release(kLock, 1);
  hb.exit(1);
  hb.fork(0, 2);
  hb.acquire(kLock, 2);
  EXPECT_FALSE(hb.access(2, kX, 4, true, 0x22, &r));
  hb.release(kLock, 2);
}

TEST(HbSlots, AChainOfThreadsUnderALockKeepsClocksNarrow) {
  // 20,000 threads, each started by the one before (as a callout run arms
  // the next), writing a shared counter and one of 8 granules under a
  // lock: slots come back once the shadow forgets their accesses.
  HbDetector hb;
  hb.reset();
  HbDetector::Race r;
  constexpr ks::sim::Tid kN = 20000;
  hb.fork(0, 1);
  for (ks::sim::Tid t = 1; t <= kN; t++) {
    hb.acquire(kLock, t);
    ASSERT_FALSE(hb.access(t, kX, 4, false, 0x10, &r)) << t;
    ASSERT_FALSE(hb.access(t, kX, 4, true, 0x11, &r)) << t;
    ASSERT_FALSE(hb.access(t, kY + 8 * (t % 8), 8, true, 0x12, &r)) << t;
    hb.release(kLock, t);
    if (t < kN) hb.fork(t, t + 1);
    hb.exit(t);
  }
  // The host (slot 0), the thread running and the next, and those whose
  // writes the 8 granules' cells (4 each) and kX's still hold.
  EXPECT_LE(hb.width(), 40u);
  // The last threads' writes are seen by nobody: the host's read races.
  ASSERT_TRUE(hb.access(0, kY + 8 * (kN % 8), 8, false, 0x01, &r));
  EXPECT_EQ(r.older.tid % 8, kN % 8);
  EXPECT_GT(r.older.tid, kN - 64);
}

TEST(HbSlots, JoinAllSeesExitedAndLiveThreadsAcrossReusedSlots) {
  HbDetector hb;
  hb.reset();
  HbDetector::Race r;
  for (ks::sim::Tid t = 1; t <= 100; t++) {
    hb.fork(0, t);
    EXPECT_FALSE(hb.access(t, kX + 8 * t, 8, true, 0x11, &r));
    if (t % 2) hb.exit(t);
  }
  hb.join_all(0);
  for (ks::sim::Tid t = 1; t <= 100; t++)
    EXPECT_FALSE(hb.access(0, kX + 8 * t, 8, true, 0x01, &r)) << t;
}

TEST(HbSlots, AnImageKeepsTheSlots) {
  HbDetector hb;
  hb.reset();
  HbDetector::Race r;
  hb.fork(0, 1);
  hb.fork(0, 3);
  hb.release(kLock, 1);
  hb.exit(1);  // its slot free, and in the image as such
  hb.acquire(kLock, 3);
  HbDetector::Image im;
  hb.save(im);
  hb.reset();
  hb.restore(im);
  hb.fork(0, 2);
  EXPECT_EQ(hb.width(), 3u) << "thread 2 takes thread 1's slot";
  EXPECT_FALSE(hb.access(2, kY, 8, true, 0x22, &r));
  ASSERT_TRUE(hb.access(3, kY, 8, false, 0x33, &r));
  EXPECT_EQ(r.older.tid, 2u);
}

}  // namespace
