// qwait(9F) (kernel_model/stream_perimeter.cc): a close (or open) routine
// waits inside its perimeter while writers' put procedures run. With a
// perimeter, each return comes after at least one put ran (illumos: after
// a put or service exit, or once the syncq it ran itself held something);
// the puts run both on the waiter's thread (deferred to the syncq while it
// held the perimeter) and on the writers' (while it slept in qwait), never
// two at once in a module single-threaded per pair. Without perimeters a
// put already under way when the wait began may end it. qwait outside
// open/close, in a module with only an outer perimeter, or with an outer
// perimeter open and close do not hold (no D_MTOCEXCL), is misuse.
#include <gtest/gtest.h>

#include <algorithm>

#include "kernel_model/proc.h"
#include "kernel_model/stream_state.h"
#include "kernel_model/world.h"
#include "sim/strategies/random.h"

using namespace ks;
namespace str = ks::km::str;

namespace {

constexpr int kWriters = 2, kPerWriter = 2;
int nputs, inside, most, returns, idle_returns, on_closer, on_writers;
km::Tid closer;
bool qwait_in_put;
str::StrModule mod;
km::DevOps ops;
uint64_t dev = km::makedev64(9, 0);
km::Cred cred;

km::World& W() { return *km::World::current(); }

int put(ks_queue_t* q, ks_mblk_t* mp) {
  inside++;
  most = std::max(most, inside);
  W().preempt();
  nputs++;
  (W().self_tid() == closer ? on_closer : on_writers)++;
  inside--;
  str::freemsg(W(), mp, "test");
  if (qwait_in_put) str::qwait(W(), q, false);
  return 0;
}

ks_queue_t* head_wq;  // the stream head's write queue (the stream is closing)

void writer(void*) {
  km::World& w = W();
  for (int i = 0; i < kPerWriter; i++)
    str::putnext(w, head_wq, str::allocb(w, 8, "test"), "putnext");
}

bool wait_in_open;
void wait_for_writers(ks_queue_t* q);

int open_(ks_queue_t* q, void*, int, int, void*) {
  str::qprocson(W(), q);
  if (wait_in_open) wait_for_writers(q);
  return 0;
}
// Starts the writers, then waits for all their messages as a close that
// waits for an answer does: a loop on its own condition around qwait.
int close_(ks_queue_t* q, int, void*) {
  if (!wait_in_open) wait_for_writers(q);
  str::qprocsoff(W(), q);
  return 0;
}

void wait_for_writers(ks_queue_t* q) {
  km::World& w = W();
  closer = w.self_tid();
  str::StrState& st = str::state(w);
  head_wq = &st.pairs[st.streams[st.pairs[q->q_ks_id].stream].pairs[0]].q[1];
  for (int i = 0; i < kWriters; i++) w.spawn("writer", writer, nullptr);
  while (nputs < kWriters * kPerWriter) {
    int before = nputs;
    EXPECT_EQ(str::qwait(w, q, false), 1);
    returns++;
    if (nputs == before) idle_returns++;
  }
}

ks_module_info_t minfo{1, "qwaitdrv", 0, -1, 4096, 1024};
ks_qinit_t rinit{nullptr, nullptr, open_, close_, nullptr, &minfo, nullptr};
ks_qinit_t winit{put, nullptr, nullptr, nullptr, nullptr, &minfo, nullptr};
ks_streamtab_t tab{&rinit, &winit, nullptr, nullptr};

void opener(void*) {
  uint64_t d = dev;
  ASSERT_EQ(ops.open(ops.cookie, &d, 3, false, cred), 0);
  if (qwait_in_put) {
    str::StrState& st = str::state(W());
    uint32_t head = st.streams[st.by_dev.at(dev)].pairs[0];
    str::putnext(W(), &st.pairs[head].q[1], str::allocb(W(), 8, "test"), "putnext");
  }
  ops.close(ops.cookie, dev, 0, false, cred);
}

void use(str::Perimeter p, bool outer = false, bool oc_excl = false) {
  mod = {};
  mod.name = "qwaitdrv";
  mod.tab = &tab;
  mod.perimeter = p;
  mod.outer = outer;
  mod.oc_excl = oc_excl;
  ops = str::str_devops(&mod);
}

sim::Failure run_one(uint64_t seed) {
  nputs = inside = most = 0;
  sim::StackPool pool;
  sim::RandomStrategy rnd(seed, sim::ChoiceRates{});
  km::World w(pool, rnd, {}, seed);
  w.spawn("opener", opener, nullptr);
  w.run();
  return w.sim().failure();
}

}  // namespace

TEST(StreamsQwait, CloseWaitsForEveryPutAndEachReturnFollowsOne) {
  use(str::Perimeter::kPair);
  qwait_in_put = false;
  returns = idle_returns = on_closer = on_writers = 0;
  int most_seen = 0;
  for (uint64_t ex = 0; ex < 300; ex++) {
    sim::Failure f = run_one(ex);
    ASSERT_FALSE(f) << f.message;
    EXPECT_EQ(nputs, kWriters * kPerWriter);
    most_seen = std::max(most_seen, most);
  }
  EXPECT_EQ(idle_returns, 0);
  EXPECT_GT(returns, 300);
  EXPECT_EQ(most_seen, 1);  // qwait lets nputs in, one at a time
  // Both ways a put gets in: deferred and run by the closer's qwait, and
  // entered directly by a writer while the closer slept.
  EXPECT_GT(on_closer, 0);
  EXPECT_GT(on_writers, 0);
}

// An open routine may wait the same way (qwait(9F): open or close).
TEST(StreamsQwait, OpenWaitsToo) {
  use(str::Perimeter::kPair);
  qwait_in_put = false;
  wait_in_open = true;
  returns = idle_returns = on_closer = on_writers = 0;
  for (uint64_t ex = 0; ex < 200; ex++) {
    sim::Failure f = run_one(ex);
    ASSERT_FALSE(f) << f.message;
    EXPECT_EQ(nputs, kWriters * kPerWriter);
  }
  wait_in_open = false;
  EXPECT_EQ(idle_returns, 0);
  EXPECT_GT(on_closer, 0);
  EXPECT_GT(on_writers, 0);
}

// A D_MP driver without perimeters: qwait excludes nothing (nputs overlap)
// but still returns only after a put ran.
TEST(StreamsQwait, WithoutPerimetersItStillWaitsForAPut) {
  use(str::Perimeter::kNone);
  qwait_in_put = false;
  returns = idle_returns = on_closer = on_writers = 0;
  for (uint64_t ex = 0; ex < 200; ex++) {
    sim::Failure f = run_one(ex);
    ASSERT_FALSE(f) << f.message;
    EXPECT_EQ(nputs, kWriters * kPerWriter);
  }
  EXPECT_GT(idle_returns, 0);
  EXPECT_GT(on_writers, 0);
}

// With an outer perimeter that open/close hold (D_MTOCEXCL) qwait gives
// both up: the writers' puts get in as with the inner one alone.
TEST(StreamsQwait, OuterPerimeterHeldByCloseIsLeftToo) {
  use(str::Perimeter::kPair, true, true);
  qwait_in_put = false;
  returns = idle_returns = on_closer = on_writers = 0;
  for (uint64_t ex = 0; ex < 200; ex++) {
    sim::Failure f = run_one(ex);
    ASSERT_FALSE(f) << f.message;
    EXPECT_EQ(nputs, kWriters * kPerWriter);
  }
  EXPECT_EQ(idle_returns, 0);
  EXPECT_GT(on_closer, 0);
  EXPECT_GT(on_writers, 0);
}

// Without D_MTOCEXCL illumos's open and close do not enter the outer
// perimeter (SQ_COOC), which qwait would leave.
TEST(StreamsQwait, OuterPerimeterNotHeldByCloseIsMisuse) {
  use(str::Perimeter::kPair, true, false);
  qwait_in_put = false;
  sim::Failure f = run_one(1);
  EXPECT_EQ(f.kind, sim::FailureKind::kLockMisuse);
  EXPECT_EQ(f.signature, "streams:qwait_outer_not_held:qwaitdrv");
}

TEST(StreamsQwait, FromAPutProcedureIsMisuse) {
  use(str::Perimeter::kPair);
  qwait_in_put = true;
  sim::Failure f = run_one(1);
  qwait_in_put = false;
  EXPECT_EQ(f.kind, sim::FailureKind::kLockMisuse);
  EXPECT_EQ(f.signature, "streams:qwait_outside_open_close:qwaitdrv");
  EXPECT_NE(f.message.find("outside its open or close routine"), std::string::npos) << f.message;
}

TEST(StreamsQwait, OnlyAnOuterPerimeterIsMisuse) {
  use(str::Perimeter::kNone, true);
  qwait_in_put = false;
  sim::Failure f = run_one(1);
  EXPECT_EQ(f.kind, sim::FailureKind::kLockMisuse);
  EXPECT_EQ(f.signature, "streams:qwait_outer_only:qwaitdrv");
}
