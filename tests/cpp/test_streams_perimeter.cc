// Inner perimeters (kernel_model/stream_perimeter.cc): a module
// single-threaded per queue pair never has two of its put procedures
// running at once, however writers interleave (a put that finds the
// perimeter held is deferred to the syncq and run by the holder), and
// every message still arrives; a D_MP module's puts do overlap, and so do
// puts shared at the inner perimeter (D_MTPUTSHARED) or only inside an
// outer one (D_MTOUTPERIM).
#include <gtest/gtest.h>

#include <algorithm>

#include "kernel_model/callout.h"
#include "kernel_model/proc.h"
#include "kernel_model/stream_state.h"
#include "kernel_model/world.h"
#include "sim/strategies/random.h"

using namespace ks;
namespace str = ks::km::str;

namespace {

int inside, most, puts, done_writers;
str::StrModule mod;
km::DevOps ops;
uint64_t dev = km::makedev64(9, 0);
km::Cred cred;
constexpr int kWriters = 3;

km::World& W() { return *km::World::current(); }

int put(ks_queue_t*, ks_mblk_t* mp) {
  inside++;
  most = std::max(most, inside);
  W().preempt();
  puts++;
  inside--;
  str::freemsg(W(), mp, "test");
  return 0;
}
int open_(ks_queue_t* q, void*, int, int, void*) {
  str::qprocson(W(), q);
  return 0;
}
int close_(ks_queue_t* q, int, void*) {
  str::qprocsoff(W(), q);
  return 0;
}

ks_module_info_t minfo{1, "permod", 0, -1, 4096, 1024};
ks_qinit_t rinit{nullptr, nullptr, open_, close_, nullptr, &minfo, nullptr};
ks_qinit_t winit{put, nullptr, nullptr, nullptr, nullptr, &minfo, nullptr};
ks_streamtab_t tab{&rinit, &winit, nullptr, nullptr};

void writer(void*) {
  km::World& w = W();
  str::StrState& st = str::state(w);
  uint32_t head = st.streams[st.by_dev.at(dev)].pairs[0];
  for (int i = 0; i < 2; i++) {
    ks_mblk_t* mp = str::allocb(w, 8, "test");
    str::putnext(w, &st.pairs[head].q[1], mp, "putnext");
  }
  if (++done_writers == kWriters) ops.close(ops.cookie, dev, 0, false, cred);
}

void opener(void*) {
  km::World& w = W();
  uint64_t d = dev;
  ASSERT_EQ(ops.open(ops.cookie, &d, 3, false, cred), 0);
  for (int i = 0; i < kWriters; i++) w.spawn("writer", writer, nullptr);
}

// The most put procedures seen running at once over many executions.
int most_at_once(str::Perimeter p, int executions, bool put_shared = false, bool outer = false) {
  mod = {};
  mod.name = "permod";
  mod.tab = &tab;
  mod.perimeter = p;
  mod.put_shared = put_shared;
  mod.outer = outer;
  ops = str::str_devops(&mod);
  int seen = 0;
  for (int ex = 0; ex < executions; ex++) {
    inside = most = puts = done_writers = 0;
    sim::StackPool pool;
    sim::RandomStrategy rnd(7, sim::ChoiceRates{});
    km::World w(pool, rnd, {}, uint64_t(ex));
    w.spawn("opener", opener, nullptr);
    w.run();
    EXPECT_FALSE(w.sim().failure()) << w.sim().failure().message;
    EXPECT_EQ(puts, 2 * kWriters);
    seen = std::max(seen, most);
  }
  return seen;
}

}  // namespace

TEST(StreamsPerimeter, QueuePairPerimeterRunsOnePutAtATime) {
  EXPECT_EQ(most_at_once(str::Perimeter::kPair, 200), 1);
}

TEST(StreamsPerimeter, ModulePerimeterRunsOnePutAtATime) {
  EXPECT_EQ(most_at_once(str::Perimeter::kModule, 200), 1);
}

// D_MTPUTSHARED: put procedures enter the inner perimeter shared.
TEST(StreamsPerimeter, SharedPutsOverlapInsideThePerimeter) {
  EXPECT_GT(most_at_once(str::Perimeter::kPair, 200, true), 1);
}

// An outer perimeter alone is entered shared by put procedures.
TEST(StreamsPerimeter, OuterPerimeterAloneLetsPutsOverlap) {
  EXPECT_GT(most_at_once(str::Perimeter::kNone, 200, false, true), 1);
}

TEST(StreamsPerimeter, InnerInsideOuterStillRunsOnePutAtATime) {
  EXPECT_EQ(most_at_once(str::Perimeter::kModule, 200, false, true), 1);
}

TEST(StreamsPerimeter, WithoutOnePutsOverlap) {
  EXPECT_GT(most_at_once(str::Perimeter::kNone, 200), 1);
}

// quntimeout (illumos strsubr.c, read): untimeout's answer, the time left
// while the callout has not fired and -1 once its callback ran.
namespace {
int qcalls_run;
int64_t q_left_before, q_left_after;
void qcb(void*) { qcalls_run++; }
void quntimeout_body(void*) {
  km::World& w = W();
  uint64_t d = dev;
  ASSERT_EQ(ops.open(ops.cookie, &d, 3, false, cred), 0);
  str::StrState& st = str::state(w);
  ks_queue_t* q = &st.pairs[st.streams[st.by_dev.at(dev)].pairs[0]].q[1];
  uint64_t early = str::qtimeout(w, q, qcb, nullptr, w.sim().now() + 5'000'000);
  km::delay_ns(w, 1'000'000);
  q_left_before = str::quntimeout(w, q, early);
  uint64_t soon = str::qtimeout(w, q, qcb, nullptr, w.sim().now() + 1'000);
  km::delay_ns(w, 2'000'000);
  q_left_after = str::quntimeout(w, q, soon);
  ops.close(ops.cookie, dev, 0, false, cred);
}
}  // namespace

TEST(StreamsPerimeter, QuntimeoutAnswersTheTimeLeftOrMinusOne) {
  mod = {};
  mod.name = "permod";
  mod.tab = &tab;
  mod.perimeter = str::Perimeter::kPair;
  ops = str::str_devops(&mod);
  qcalls_run = 0;
  sim::StackPool pool;
  sim::RandomStrategy rnd(7, sim::ChoiceRates{});
  km::World w(pool, rnd, {}, 0);
  w.spawn("opener", quntimeout_body, nullptr);
  w.run();
  EXPECT_FALSE(w.sim().failure()) << w.sim().failure().message;
  EXPECT_EQ(q_left_before, 4'000'000);
  EXPECT_EQ(q_left_after, -1);
  EXPECT_EQ(qcalls_run, 1);
}
