// The neutral poll wait (kernel_model/poll.h) on a device written here on
// DevOps: its poll routine answers POLLIN when `ready`, else registers the
// poller on its head; an ioctl makes it ready and wakes the head (with
// POLLIN, or with POLLOUT only), another reports whether anybody is still
// registered. The rules are the two kernels' (PollRules): a registration
// that outlives the call (illumos's cache) or not (FreeBSD), a wakeup that
// wakes only the pollers that asked for its events (illumos) or all.
#include <gtest/gtest.h>

#include <cerrno>

#include "kernel_model/devsw.h"
#include "kernel_model/poll.h"
#include "kernel_model/program.h"
#include "kernel_model/world.h"
#include "sim/strategies/round_robin.h"
#include "tests/cpp/prog_builders.h"

using namespace ks;
using km::Op;
using progtest::call;
using progtest::expect;
using progtest::R;
using progtest::V;

namespace {

constexpr int64_t kSetIn = 0x7001;    // ready, wake with POLLIN
constexpr int64_t kWakeOut = 0x7002;  // ready, but wake with POLLOUT only
constexpr int64_t kWaiting = 0x7003;  // rval: anybody registered on the head
constexpr short kPollIn = 0x1, kPollOut = 0x4;
int g_head;  // the device's poll head: its address is all that counts
bool g_ready;
bool g_match;

int n_open(void*, uint64_t*, int, bool, const km::Cred&) { return 0; }
int n_close(void*, uint64_t, int, bool, const km::Cred&) { return 0; }
int n_ioctl(void*, uint64_t, int64_t cmd, uint64_t, int, const km::Cred&, int* rval) {
  km::World& w = *km::World::current();
  *rval = 0;
  if (cmd == kSetIn) {
    g_ready = true;
    km::poll_wakeup(w, &g_head, kPollIn, g_match);
  } else if (cmd == kWakeOut) {
    g_ready = true;
    km::poll_wakeup(w, &g_head, kPollOut, g_match);
  } else if (cmd == kWaiting) {
    *rval = km::poll_head_waiting(w, &g_head) ? 1 : 0;
  } else {
    return ENOTTY;
  }
  return 0;
}
int n_poll(void*, uint64_t, short events, bool, short* revents, const km::Cred&) {
  *revents = g_ready ? static_cast<short>(events & kPollIn) : 0;
  if (!*revents) km::poll_record(*km::World::current(), &g_head);
  return 0;
}

km::PollRules freebsd_rules() { return km::PollRules{}; }
km::PollRules illumos_rules() {
  km::PollRules r;
  r.unlink_on_wakeup = false;
  r.cached = true;
  r.rescan_unregistered = true;
  r.repoll_first_register = true;
  r.error_fails_call = true;
  return r;
}

// Threads of calls on /dev/pl, each process's pollfd array at "buf".
sim::Failure run(km::PollRules rules, bool match,
                 std::vector<std::vector<km::Call>> threads) {
  g_ready = false;
  g_match = match;
  sim::StackPool pool;
  sim::RoundRobin s;
  km::WorldOptions o;
  km::World w(pool, s, o, 0);
  km::Program p;
  {
    sim::Sim::HostScope scope(w.sim());
    km::DevOps ops{nullptr, n_open, n_close, nullptr, nullptr, n_ioctl};
    ops.poll = n_poll;
    ops.poll_rules = rules;
    km::devsw_add_node(w, "/dev/pl", km::devsw_new_major(w), 0, false, ops);
    km::devsw_register_exit_close(w);
    w.on_teardown([&w] { km::devsw_remove_node(w, "/dev/pl"); });
    p.procs.push_back({"user", km::DataModel::kLP64, 0});
    for (size_t i = 0; i < threads.size(); i++) {
      std::vector<km::Call> calls = {call(Op::kOpen, {V(km::kORdwr)}, "fd" + std::to_string(i),
                                          "/dev/pl")};
      for (auto& c : threads[i]) {
        for (auto& a : c.args)
          if (a.ref == "fd") a.ref = "fd" + std::to_string(i);
        calls.push_back(c);
      }
      p.threads.push_back(km::ProgThread{"t" + std::to_string(i), "user", calls});
    }
    km::program_load(w, p);
  }
  w.run();
  return w.sim().failure();
}

// mmap "buf", pollfd {fd, events} at it.
std::vector<km::Call> pollfd(short events) {
  return {call(Op::kMmap, {V(4096), V(3)}, "buf"),
          call(Op::kPokeInt, {R("buf"), R("fd"), V(4)}),
          call(Op::kPokeInt, {R("buf", 4), V(events), V(2)})};
}

std::vector<km::Call> poller(int64_t timeout, int64_t result) {
  auto v = pollfd(kPollIn);
  v.push_back(expect(call(Op::kPoll, {R("buf"), V(1), V(timeout)}), result));
  return v;
}

TEST(PollWait, AWakeupAfterTheRegistrationWakesThePoller) {
  for (auto rules : {freebsd_rules(), illumos_rules()}) {
    sim::Failure f = run(rules, rules.cached, {poller(-1, 1), {call(Op::kIoctl, {R("fd"), V(kSetIn), V(0)})}});
    EXPECT_FALSE(f) << f.message;
  }
}

TEST(PollWait, NobodyToWakeIsAStuckPoller) {
  sim::Failure f = run(freebsd_rules(), false, {poller(-1, 1)});
  ASSERT_TRUE(f);
  EXPECT_NE(f.message.find("sleeps in poll(2)"), std::string::npos) << f.message;
}

TEST(PollWait, ATimeoutOnTheSimulatedClockReturnsZero) {
  auto v = pollfd(kPollIn);
  v.push_back(call(Op::kGettime, {}, "t0"));
  v.push_back(expect(call(Op::kPoll, {R("buf"), V(1), V(7)}), 0));
  v.push_back(call(Op::kGettime, {}, "t1"));
  sim::Failure f = run(freebsd_rules(), false, {v});
  EXPECT_FALSE(f) << f.message;
}

TEST(PollWait, IllumosWakesOnlyPollersThatAskedForTheEvents) {
  // The device becomes ready but wakes with POLLOUT: illumos's
  // pollwakeup notifies nobody polling POLLIN, and the poll times out
  // with 0 (poll_common does not poll again at the timeout); FreeBSD's
  // selwakeup wakes every recorded thread, whose pass finds POLLIN.
  for (auto rules : {illumos_rules(), freebsd_rules()}) {
    sim::Failure f = run(rules, rules.cached,
                         {poller(5, rules.cached ? 0 : 1),
                          {call(Op::kIoctl, {R("fd"), V(kWakeOut), V(0)})}});
    EXPECT_FALSE(f) << f.message;
  }
}

TEST(PollWait, OnlyTheCacheKeepsTheRegistrationAfterTheCall) {
  for (auto rules : {illumos_rules(), freebsd_rules()}) {
    auto v = poller(0, 0);
    v.push_back(expect(call(Op::kIoctl, {R("fd"), V(kWaiting), V(0)}), rules.cached ? 1 : 0));
    v.push_back(expect(call(Op::kClose, {R("fd")}), 0));
    sim::Failure f = run(rules, rules.cached, {v});
    EXPECT_FALSE(f) << f.message;
  }
}

}  // namespace
