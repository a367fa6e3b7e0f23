// The device path end to end: a Program opens /dev/sample, maps a page,
// writes a request there, submits it by ioctl and checks the result; the
// sample driver (illumos personality) serves it through its taskq. Its
// no_done_check variant loses the wakeup, and a random search finds it.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <stdexcept>

#include "drivers/sample/sample_io.h"
#include "kernel_model/devsw.h"
#include "kernel_model/drivers.h"
#include "kernel_model/program.h"
#include "tests/cpp/prog_builders.h"
#include "kernel_model/world.h"
#include "sim/strategies/random.h"
#include "sim/strategies/replay.h"
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

struct Outcome {
  sim::Failure failure;
  uint64_t hash = 0;
  std::vector<sim::Decision> decisions;
  size_t opens_left = 0;
  size_t nodes_live = 0;
};

Outcome run_program(sim::StackPool& pool, sim::Strategy& s, uint64_t i, const km::Program& p) {
  km::WorldOptions o;
  km::World w(pool, s, o, i);
  {
    sim::Sim::HostScope scope(w.sim());
    km::program_load(w, p);
  }
  w.run();
  Outcome r{w.sim().failure(), w.sim().trace_hash(), w.sim().decisions()};
  r.opens_left = km::devsw(w).opens.size();
  for (auto& n : km::devsw(w).nodes) r.nodes_live += n->removed ? 0 : 1;
  return r;
}

std::string req_bytes(uint64_t value, uint64_t result) {
  sample_req_io io{value, result};
  return std::string(reinterpret_cast<const char*>(&io), sizeof io);
}

// One client: open, map a page, write a request, submit, check, close.
km::ProgThread client(const std::string& name, uint64_t value, bool close = true) {
  km::ProgThread t;
  t.name = name;
  t.proc = "app";
  std::string fd = name + ".fd", buf = name + ".buf";
  Call open = call(Op::kOpen, {V(km::kORdwr)}, fd);
  open.path = "/dev/sample";
  t.calls.push_back(open);
  t.calls.push_back(call(Op::kMmap, {V(4096), V(km::kProtRead | km::kProtWrite)}, buf));
  Call poke = call(Op::kPoke, {R(buf)});
  poke.data = req_bytes(value, 0);
  t.calls.push_back(poke);
  t.calls.push_back(expect(call(Op::kIoctl, {R(fd), V(SAMPLE_SUBMIT), R(buf)}), 0));
  Call check = call(Op::kCheck, {R(buf)});
  check.data = req_bytes(value, value * 2 + 1);
  t.calls.push_back(check);
  if (close) t.calls.push_back(expect(call(Op::kClose, {R(fd)}), 0));
  return t;
}

km::Program program(const std::string& variant, std::vector<km::ProgThread> threads) {
  km::Program p;
  p.drivers.push_back({"sample", variant});
  p.procs.push_back({"app", km::DataModel::kLP64, 0});
  p.threads = std::move(threads);
  return p;
}

TEST(Devsw, SampleRequestPassesRoundRobinAndRandom) {
  km::Program p = program("none", {client("client", 20)});
  sim::StackPool pool;
  sim::RoundRobin rr;
  Outcome a = run_program(pool, rr, 0, p);
  ASSERT_FALSE(a.failure) << a.failure.message;
  EXPECT_EQ(a.nodes_live, 0u);  // detach removed /dev/sample
  sim::RandomStrategy rnd(3, {});
  std::set<uint64_t> hashes;
  for (uint64_t i = 0; i < 2000; i++) {
    Outcome r = run_program(pool, rnd, i, p);
    ASSERT_FALSE(r.failure) << "run " << i << ": " << r.failure.message;
    hashes.insert(r.hash);
  }
  EXPECT_GT(hashes.size(), 10u);  // many interleavings of client and taskq were run
}

TEST(Devsw, TwoClientsBothServed) {
  km::ProgThread a = client("client", 5), b = client("client2", 7);
  km::Program p = program("none", {a, b});
  sim::StackPool pool;
  sim::RandomStrategy rnd(11, {});
  for (uint64_t i = 0; i < 500; i++) {
    Outcome r = run_program(pool, rnd, i, p);
    ASSERT_FALSE(r.failure) << "run " << i << ": " << r.failure.message;
  }
}

TEST(Devsw, NoDoneCheckLosesTheWakeup) {
  km::Program p = program("no_done_check", {client("client", 20)});
  sim::StackPool pool;
  sim::RoundRobin rr;
  // Round-robin runs the client until it sleeps: the task comes after.
  EXPECT_FALSE(run_program(pool, rr, 0, p).failure);
  sim::RandomStrategy rnd(1, {});
  for (uint64_t i = 0; i < 2000; i++) {
    Outcome r = run_program(pool, rnd, i, p);
    if (!r.failure) continue;
    EXPECT_EQ(r.failure.kind, sim::FailureKind::kStuck) << r.failure.message;
    EXPECT_EQ(r.failure.signature, "stuck:cv_wait:r_cv");
    EXPECT_NE(r.failure.message.find("thread client sleeps in cv_wait on condvar r_cv"),
              std::string::npos) << r.failure.message;
    EXPECT_NE(r.failure.message.find("the wakeup came before the wait"), std::string::npos)
        << r.failure.message;
    sim::ReplayStrategy rep(r.decisions);
    Outcome again = run_program(pool, rep, 0, p);
    EXPECT_EQ(again.failure.signature, r.failure.signature);
    EXPECT_EQ(again.hash, r.hash);
    return;
  }
  FAIL() << "random never found the lost wakeup in 2000 runs";
}

TEST(Devsw, MissingPathIsEnoent) {
  km::ProgThread t;
  t.name = "client";
  t.proc = "app";
  Call open = expect(call(Op::kOpen, {V(km::kORdonly)}), -ENOENT);
  open.path = "/dev/nosuch";
  t.calls.push_back(open);
  km::Program p = program("none", {t});
  sim::StackPool pool;
  sim::RoundRobin rr;
  Outcome r = run_program(pool, rr, 0, p);
  EXPECT_FALSE(r.failure) << r.failure.message;

  // The check itself can fail: expecting success names the call and errno.
  p.threads[0].calls[0].expect = 0;
  r = run_program(pool, rr, 0, p);
  EXPECT_EQ(r.failure.kind, sim::FailureKind::kScenario);
  EXPECT_NE(r.failure.message.find("thread client call 0 (open) returned -ENOENT, expected 0"),
            std::string::npos) << r.failure.message;
}

TEST(Devsw, BadIoctlPointerIsEfaultAndLeaksNothing) {
  km::ProgThread t;
  t.name = "client";
  t.proc = "app";
  Call open = call(Op::kOpen, {V(km::kORdwr)}, "fd");
  open.path = "/dev/sample";
  t.calls.push_back(open);
  t.calls.push_back(expect(call(Op::kIoctl, {R("fd"), V(SAMPLE_SUBMIT), V(0x10)}), -EFAULT));
  t.calls.push_back(expect(call(Op::kIoctl, {R("fd"), V(SAMPLE_STATS), V(0x10)}), -EFAULT));
  t.calls.push_back(expect(call(Op::kIoctl, {R("fd"), V(0x7777), V(0)}), -ENOTTY));
  t.calls.push_back(expect(call(Op::kClose, {R("fd")}), 0));
  t.calls.push_back(expect(call(Op::kClose, {R("fd")}), -EBADF));
  km::Program p = program("none", {t});
  sim::StackPool pool;
  sim::RandomStrategy rnd(5, {});
  for (uint64_t i = 0; i < 200; i++) {
    Outcome r = run_program(pool, rnd, i, p);
    ASSERT_FALSE(r.failure) << r.failure.message;  // a leak would be a kMemory failure
  }
}

TEST(Devsw, UnknownDriverOrVariantIsAClearError) {
  km::Program p = program("none", {client("client", 1)});
  p.drivers[0].name = "nosuch";
  EXPECT_NE(km::program_check(p).find("unknown driver 'nosuch'"), std::string::npos)
      << km::program_check(p);
  EXPECT_NE(km::program_check(p).find("known drivers: ctl_ioctl, ddiparity, lofi, qnx_devctl, sample, "
                                       "streams_lp, streams_perim, streams_permod, streams_qwait, "
                                       "streams_watch)"),
            std::string::npos) << km::program_check(p);
  p.drivers[0] = {"sample", "bogus"};
  EXPECT_NE(km::program_check(p).find(
                "driver 'sample' has no variant 'bogus' (valid: none, no_done_check, stats_no_copyout, stats_spin)"),
            std::string::npos) << km::program_check(p);

  sim::StackPool pool;
  sim::RoundRobin rr;
  km::World w(pool, rr, km::WorldOptions{});
  try {
    km::load_driver(w, "nosuch", "none");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("unknown driver 'nosuch'"), std::string::npos);
  }
  try {
    km::load_driver(w, "sample", "bogus");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("no variant 'bogus'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(km::program_load(w, p), std::invalid_argument);
}

TEST(Devsw, UnclosedFileIsClosedAtExit) {
  km::Program p = program("none", {client("client", 9, /*close=*/false)});
  sim::StackPool pool;
  sim::RoundRobin rr;
  Outcome r = run_program(pool, rr, 0, p);
  EXPECT_FALSE(r.failure) << r.failure.message;
  EXPECT_EQ(r.opens_left, 0u);
  EXPECT_EQ(r.nodes_live, 0u);
}

TEST(Devsw, WrongResultBytesAreADataMismatch) {
  km::ProgThread t = client("client", 20);
  t.calls[4].data = req_bytes(20, 40);  // the driver writes 41
  km::Program p = program("none", {t});
  sim::StackPool pool;
  sim::RoundRobin rr;
  Outcome r = run_program(pool, rr, 0, p);
  EXPECT_EQ(r.failure.kind, sim::FailureKind::kScenario);
  EXPECT_EQ(r.failure.signature, "scenario:data_mismatch:client:4");
  EXPECT_NE(r.failure.message.find("thread client call 4 (check): data mismatch at offset 8 "
                                   "of 16"),
            std::string::npos) << r.failure.message;
}

TEST(Devsw, UnknownResultNameFailsTheScenario) {
  km::ProgThread a;
  a.name = "a";
  a.proc = "app";
  Call open = call(Op::kOpen, {V(km::kORdwr)}, "fd");
  open.path = "/dev/sample";
  a.calls.push_back(open);
  km::ProgThread b;
  b.name = "b";
  b.proc = "app";
  b.calls.push_back(call(Op::kClose, {R("fd")}));  // a's fd: may not exist yet
  km::Program p = program("none", {a, b});
  ASSERT_EQ(km::program_check(p), "");
  sim::StackPool pool;
  sim::RandomStrategy rnd(2, {});
  bool saw = false;
  for (uint64_t i = 0; i < 200 && !saw; i++) {
    Outcome r = run_program(pool, rnd, i, p);
    if (!r.failure) continue;
    EXPECT_EQ(r.failure.kind, sim::FailureKind::kScenario);
    EXPECT_NE(r.failure.message.find("thread b call 0 (close) uses the result 'fd'"),
              std::string::npos) << r.failure.message;
    saw = true;
  }
  EXPECT_TRUE(saw);
}

}  // namespace
