// Close semantics of the device switch that a driver relies on:
//  (a) close(2) of a descriptor while another thread of the process is still
//      inside a system call on it does not reach the driver's close until
//      that call returns (the file is held by each call using it);
//  (b) a device's last close is serialised with a new open of the device:
//      the open waits for the close to finish, then opens afresh;
//  (c) an open already inside the driver when the last close begins
//      finishes first; when it succeeds the device stays open and the
//      driver's close waits for the close of that open.
// A device written here in C++ straight onto DevOps (no personality) checks
// both and fails the run when the driver would see the wrong order.
#include <gtest/gtest.h>

#include <cerrno>
#include <string>

#include "kernel_model/devsw.h"
#include "kernel_model/events.h"
#include "kernel_model/program.h"
#include "tests/cpp/prog_builders.h"
#include "kernel_model/world.h"
#include "sim/strategies/random.h"
#include "sim/strategies/round_robin.h"

using namespace ks;
using km::Arg;
using km::Call;
using km::Op;
using progtest::call;
using progtest::expect;
using progtest::R;
using progtest::V;

namespace {

constexpr int64_t kSleep = 1;  // ioctl: sleep until kRelease (on any minor)
constexpr int64_t kRelease = 2;

// Two minors: /dev/tc0 (where the race is) and /dev/tc1 (a side door that
// releases sleepers). close of minor 0 also sleeps until released, so an
// open can arrive while it runs.
struct TestDev {
  km::World* w = nullptr;
  sim::ObjId q = 0;   // sleepers
  bool released = false;
  bool close_sleeps = false;  // close of minor 0 sleeps until released
  bool open_sleeps = false;   // a second open of minor 0 sleeps until released
  bool every = false;         // CloseRule::kEvery (FreeBSD D_TRACKCLOSE)
  bool open_fails = false;    // that second open then fails (EBUSY)
  int in_open[2] = {0, 0};    // opens inside the driver, per minor
  int busy[2] = {0, 0};      // ioctls inside the driver, per minor
  bool closing[2] = {false, false};
  int closes[2] = {0, 0};
  int opens[2] = {0, 0};

  void sleep_until_released() {
    while (!released) {
      w->wq_push(q, w->self_tid());
      w->sim().block(km::kEvCvWait, q);
    }
  }
};

TestDev& dev(void* c) { return *static_cast<TestDev*>(c); }

int t_open(void* c, uint64_t* d, int, bool, const km::Cred&) {
  TestDev& t = dev(c);
  uint32_t m = km::minor64(*d);
  if (t.closing[m])
    t.w->fail(sim::FailureKind::kPanic, "open of minor " + std::to_string(m) +
                                            " while its last close runs",
              "test:open_during_close");
  t.in_open[m]++;
  bool second = m == 0 && t.open_sleeps && t.opens[0] > t.closes[0];
  if (second) t.sleep_until_released();
  t.in_open[m]--;
  if (second && t.open_fails) return EBUSY;
  t.opens[m]++;
  return 0;
}

int t_close(void* c, uint64_t d, int, bool, const km::Cred&) {
  TestDev& t = dev(c);
  uint32_t m = km::minor64(d);
  if (t.busy[m] && !t.every)  // every close: another open's ioctl may run
    t.w->fail(sim::FailureKind::kPanic, "close of minor " + std::to_string(m) +
                                            " while an ioctl on it still runs",
              "test:close_while_busy");
  if (t.in_open[m] && !t.every)
    t.w->fail(sim::FailureKind::kPanic, "last close of minor " + std::to_string(m) +
                                            " while an open of it is inside the driver",
              "test:close_during_open");
  t.closing[m] = true;
  if (m == 0 && t.close_sleeps) t.sleep_until_released();
  t.closing[m] = false;
  t.closes[m]++;
  return 0;
}

int t_ioctl(void* c, uint64_t d, int64_t cmd, uint64_t, int, const km::Cred&, int* rval) {
  TestDev& t = dev(c);
  uint32_t m = km::minor64(d);
  *rval = 0;
  if (cmd == kRelease) {
    t.w->sim().point(km::kEvCvBroadcast, t.q);
    t.released = true;
    while (sim::Tid x = t.w->wq_pop(t.q)) t.w->sim().wake(x, 0);
    return 0;
  }
  t.busy[m]++;
  t.sleep_until_released();
  t.busy[m]--;
  return 0;
}

km::ProgThread thread(const std::string& name, const std::string& proc, std::vector<Call> calls) {
  return km::ProgThread{name, proc, std::move(calls)};
}

struct Outcome {
  sim::Failure failure;
  TestDev dev;
  size_t opens_left = 0;
};

// `freebsd`: devfs's rules (DevOps::open_waits_last_close false).
Outcome run(sim::StackPool& pool, sim::Strategy& s, uint64_t i, const km::Program& p,
            bool close_sleeps = false, bool open_sleeps = false, bool every = false,
            bool freebsd = false, bool open_fails = false) {
  km::WorldOptions o;
  km::World w(pool, s, o, i);
  Outcome r;
  r.dev.w = &w;
  r.dev.close_sleeps = close_sleeps;
  r.dev.open_sleeps = open_sleeps;
  r.dev.every = every;
  r.dev.open_fails = open_fails;
  {
    sim::Sim::HostScope scope(w.sim());
    r.dev.q = w.new_obj(km::kObjOther, "tc_sleepers");
    km::DevOps ops{&r.dev, t_open, t_close, nullptr, nullptr, t_ioctl};
    if (every) ops.close_rule = km::CloseRule::kEvery;
    if (freebsd) ops.open_waits_last_close = false;
    uint32_t major = km::devsw_new_major(w);
    km::devsw_add_node(w, "/dev/tc0", major, 0, false, ops);
    km::devsw_add_node(w, "/dev/tc1", major, 1, false, ops);
    // Unloaded as a driver is: after process exit has closed every file.
    km::devsw_register_exit_close(w);
    w.on_teardown([&w] {
      km::devsw_remove_node(w, "/dev/tc0");
      km::devsw_remove_node(w, "/dev/tc1");
    });
    km::program_load(w, p);
  }
  w.run();
  r.failure = w.sim().failure();
  r.opens_left = km::devsw(w).opens.size();
  r.dev.w = nullptr;
  return r;
}

km::Program program(std::vector<km::ProgThread> threads, std::vector<std::string> procs) {
  km::Program p;
  for (auto& n : procs) p.procs.push_back({n, km::DataModel::kLP64, 0});
  p.threads = std::move(threads);
  return p;
}

// (a): "user" thread a sleeps in an ioctl on fd; thread b of the same
// process closes fd, then releases a through the other minor.
km::Program close_during_ioctl() {
  return program(
      {thread("a", "user",
              {call(Op::kOpen, {V(km::kORdwr)}, "fd", "/dev/tc0"),
               expect(call(Op::kIoctl, {R("fd"), V(kSleep), V(0)}), 0)}),
       thread("b", "user",
              {expect(call(Op::kClose, {R("fd")}), 0),
               call(Op::kOpen, {V(km::kORdwr)}, "side", "/dev/tc1"),
               expect(call(Op::kIoctl, {R("side"), V(kRelease), V(0)}), 0),
               expect(call(Op::kClose, {R("side")}), 0)})},
      {"user"});
}

// (b): a opens and closes minor 0 (the close sleeps); b opens minor 0
// meanwhile; c releases the close through minor 1.
km::Program open_during_last_close() {
  return program(
      {thread("a", "pa",
              {expect(call(Op::kOpen, {V(km::kORdwr)}, "fd", "/dev/tc0"), 0),
               expect(call(Op::kClose, {R("fd")}), 0)}),
       thread("b", "pb",
              {expect(call(Op::kOpen, {V(km::kORdwr)}, "fd2", "/dev/tc0"), 0),
               expect(call(Op::kClose, {R("fd2")}), 0)}),
       thread("c", "pc",
              {expect(call(Op::kOpen, {V(km::kORdwr)}, "side", "/dev/tc1"), 0),
               expect(call(Op::kIoctl, {R("side"), V(kRelease), V(0)}), 0),
               expect(call(Op::kClose, {R("side")}), 0)})},
      {"pa", "pb", "pc"});
}

// (c): a opens minor 0 and sleeps in an ioctl on it; b's open of minor 0
// sleeps inside the driver; c releases both through minor 1; a closes (the
// last close as far as the opens counted so far go); b closes.
km::Program close_during_open() {
  return program(
      {thread("a", "pa",
              {expect(call(Op::kOpen, {V(km::kORdwr)}, "fd", "/dev/tc0"), 0),
               expect(call(Op::kIoctl, {R("fd"), V(kSleep), V(0)}), 0),
               expect(call(Op::kClose, {R("fd")}), 0)}),
       thread("b", "pb",
              {expect(call(Op::kOpen, {V(km::kORdwr)}, "fd2", "/dev/tc0"), 0),
               expect(call(Op::kClose, {R("fd2")}), 0)}),
       thread("c", "pc",
              {expect(call(Op::kOpen, {V(km::kORdwr)}, "side", "/dev/tc1"), 0),
               expect(call(Op::kIoctl, {R("side"), V(kRelease), V(0)}), 0),
               expect(call(Op::kClose, {R("side")}), 0)})},
      {"pa", "pb", "pc"});
}

TEST(DevswClose, CloseWaitsForTheCallInFlight) {
  // Round-robin: a opens and sleeps in its ioctl; b's close removes the
  // descriptor and returns 0 at once, but the driver's close runs only
  // when a's ioctl returns (in a's thread, at its release).
  sim::StackPool pool;
  sim::RoundRobin rr;
  Outcome r = run(pool, rr, 0, close_during_ioctl());
  ASSERT_FALSE(r.failure) << r.failure.message;
  EXPECT_EQ(r.dev.opens[0], 1);
  EXPECT_EQ(r.dev.closes[0], 1);  // exactly once, after the ioctl
  EXPECT_EQ(r.opens_left, 0u);
}

TEST(DevswClose, CloseDuringCallNeverReachesDriverEarly) {
  sim::StackPool pool;
  sim::RandomStrategy rnd(7, {});
  km::Program p = close_during_ioctl();
  // Results race (the close may come first: EBADF for the ioctl); only the
  // driver's view is checked.
  for (auto& t : p.threads)
    for (auto& c : t.calls) c.check = false;
  int raced = 0;
  for (uint64_t i = 0; i < 2000; i++) {
    Outcome r = run(pool, rnd, i, p);
    // b may look for a's fd before a opened it: an invalid run, not a finding
    if (r.failure && r.failure.signature.find("no_result") != std::string::npos) continue;
    ASSERT_FALSE(r.failure) << "run " << i << ": " << r.failure.message;
    EXPECT_EQ(r.dev.closes[0], r.dev.opens[0]) << "run " << i;
    raced++;
  }
  EXPECT_GT(raced, 100);
}

TEST(DevswClose, OpenWaitsForTheLastClose) {
  // Round-robin: a's last close sleeps in the driver; b's open of the same
  // dev waits for it, then opens afresh (the driver sees close, then open).
  sim::StackPool pool;
  sim::RoundRobin rr;
  Outcome r = run(pool, rr, 0, open_during_last_close(), true);
  ASSERT_FALSE(r.failure) << r.failure.message;
  EXPECT_EQ(r.dev.opens[0], 2);
  EXPECT_EQ(r.dev.closes[0], 2);
  EXPECT_EQ(r.opens_left, 0u);
}

TEST(DevswClose, OpenNeverInterleavesWithLastClose) {
  sim::StackPool pool;
  sim::RandomStrategy rnd(9, {});
  km::Program p = open_during_last_close();
  for (uint64_t i = 0; i < 2000; i++) {
    Outcome r = run(pool, rnd, i, p, true);
    ASSERT_FALSE(r.failure) << "run " << i << ": " << r.failure.message;
    // one last close per period of being open: b's open inside a's open shares it
    EXPECT_GE(r.dev.closes[0], 1) << "run " << i;
    EXPECT_LE(r.dev.closes[0], r.dev.opens[0]) << "run " << i;
    EXPECT_EQ(r.opens_left, 0u);
  }
}

TEST(DevswClose, LastCloseWaitsForAnOpenInsideTheDriver) {
  // Round-robin: a opens and sleeps; b's open sleeps in the driver; c
  // releases both; a's close waits for b's open, which succeeds, so a's
  // close was not the last: the driver closes once, at b's close.
  sim::StackPool pool;
  sim::RoundRobin rr;
  Outcome r = run(pool, rr, 0, close_during_open(), false, true);
  ASSERT_FALSE(r.failure) << r.failure.message;
  EXPECT_EQ(r.dev.opens[0], 2);
  EXPECT_EQ(r.dev.closes[0], 1);
  EXPECT_EQ(r.opens_left, 0u);
}

TEST(DevswClose, LastCloseNeverInterleavesWithAnOpenInsideTheDriver) {
  sim::StackPool pool;
  sim::RandomStrategy rnd(13, {});
  km::Program p = close_during_open();
  int shared = 0;  // runs where one driver close covered both opens
  for (uint64_t i = 0; i < 2000; i++) {
    Outcome r = run(pool, rnd, i, p, false, true);
    ASSERT_FALSE(r.failure) << "run " << i << ": " << r.failure.message;
    EXPECT_GE(r.dev.closes[0], 1) << "run " << i;
    EXPECT_LE(r.dev.closes[0], r.dev.opens[0]) << "run " << i;
    EXPECT_EQ(r.opens_left, 0u);
    shared += r.dev.closes[0] < r.dev.opens[0];
  }
  EXPECT_GT(shared, 0);
}

// FreeBSD D_TRACKCLOSE (CloseRule::kEvery): devfs_close calls d_close at
// every close, and devfs_open/devfs_close drop the vnode lock around the
// driver (sys/fs/devfs/devfs_vnops.c), so nothing orders an open with a
// close. A close that found an open inside the driver used to wait for it
// and, the open having succeeded, skip the driver's close as "not the
// last": a driver counting opens and closes never got back to zero.
TEST(DevswClose, EveryCloseRuleReachesTheDriverAtEveryClose) {
  sim::StackPool pool;
  sim::RandomStrategy rnd(17, {});
  km::Program p = close_during_open();
  for (uint64_t i = 0; i < 2000; i++) {
    Outcome r = run(pool, rnd, i, p, false, true, true);
    ASSERT_FALSE(r.failure) << "run " << i << ": " << r.failure.message;
    EXPECT_EQ(r.dev.opens[0], 2) << "run " << i;
    EXPECT_EQ(r.dev.closes[0], 2) << "run " << i;
    EXPECT_EQ(r.opens_left, 0u);
  }
}


// FreeBSD's devfs_close decides at once from count_dev, which counts the
// vnode reference of an opener inside d_open (vfs_subr.c v_incr_devcount,
// devfs_vnops.c devfs_close): a's close is then not the last and skips
// d_close without waiting, whether b's open succeeds (b's close is the
// last) or fails (no d_close at all: FreeBSD's own behaviour).
km::Program close_during_failing_open() {
  return program(
      {thread("a", "pa",
              {expect(call(Op::kOpen, {V(km::kORdwr)}, "fd", "/dev/tc0"), 0),
               expect(call(Op::kIoctl, {R("fd"), V(kSleep), V(0)}), 0),
               expect(call(Op::kClose, {R("fd")}), 0)}),
       thread("b", "pb", {expect(call(Op::kOpen, {V(km::kORdwr)}, "fd2", "/dev/tc0"), -EBUSY)}),
       thread("c", "pc",
              {expect(call(Op::kOpen, {V(km::kORdwr)}, "side", "/dev/tc1"), 0),
               expect(call(Op::kIoctl, {R("side"), V(kRelease), V(0)}), 0),
               expect(call(Op::kClose, {R("side")}), 0)})},
      {"pa", "pb", "pc"});
}

TEST(DevswClose, FreebsdLastCloseSkipsDcloseWhileAnOpenIsInside) {
  sim::StackPool pool;
  sim::RoundRobin rr;
  // Round-robin: a's close comes while b sleeps in d_open (as in
  // LastCloseWaitsForAnOpenInsideTheDriver).
  Outcome r = run(pool, rr, 0, close_during_open(), false, true, false, true);
  ASSERT_FALSE(r.failure) << r.failure.message;
  EXPECT_EQ(r.dev.opens[0], 2);
  EXPECT_EQ(r.dev.closes[0], 1);  // b's close, the last
  EXPECT_EQ(r.opens_left, 0u);
  sim::RoundRobin rr2;
  r = run(pool, rr2, 0, close_during_failing_open(), false, true, false, true, true);
  ASSERT_FALSE(r.failure) << r.failure.message;
  EXPECT_EQ(r.dev.opens[0], 1);
  EXPECT_EQ(r.dev.closes[0], 0);
  // illumos: a's close waits for b's open, which fails: a's was the last.
  sim::RoundRobin rr3;
  r = run(pool, rr3, 0, close_during_failing_open(), false, true, false, false, true);
  ASSERT_FALSE(r.failure) << r.failure.message;
  EXPECT_EQ(r.dev.closes[0], 1);
}

}  // namespace
