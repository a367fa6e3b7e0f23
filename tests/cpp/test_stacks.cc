// Thread stacks within an execution (sim.h, Sim::spawn): an exited thread's
// stack serves the next new thread, last freed first, so an execution holds
// as many stacks as it has threads alive at once; thread ids stay the order
// of the spawns; which stack a thread gets, hence the addresses of its
// locals, is the same in every run of the execution; and more threads alive
// at once than there can be stacks is a failure report, not a host abort.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "sim/sim.h"
#include "sim/strategies/round_robin.h"

using namespace ks;

namespace {

struct Seen {
  std::vector<sim::Tid> tids;
  std::vector<uint32_t> stacks;         // by spawn
  std::vector<uintptr_t> locals;        // a local's address in each child
};

struct Child {
  Seen* seen;
  sim::ObjId gate;  // blocks on it when set (never woken)
  sim::Tid parent;  // woken at the end, when set
};

constexpr uint16_t kEvTest = sim::kEvFirstKernel;

void child(void* arg) {
  auto* c = static_cast<Child*>(arg);
  volatile int local = 0;
  c->seen->locals.push_back(reinterpret_cast<uintptr_t>(&local));
  if (c->gate) sim::Sim::current()->block(kEvTest, c->gate);
  if (c->parent) sim::Sim::current()->wake(c->parent, 0);
}

// Children one after another (each exits before the next starts), then two
// alive together, then two more once both exited.
void parent(void* arg) {
  auto* seen = static_cast<Seen*>(arg);
  sim::Sim& s = *sim::Sim::current();
  static Child c;
  c = Child{seen, 0, s.cur()->tid};
  sim::ObjId wait = s.new_object(kEvTest, "wait");
  auto spawn_and_wait = [&](int n) {
    std::vector<sim::Tid> tids;
    for (int i = 0; i < n; i++) tids.push_back(s.spawn("child", child, &c));
    for (sim::Tid t : tids) {
      seen->tids.push_back(t);
      seen->stacks.push_back(s.thread(t)->stack_no);
      // Round robin: the children run, in tid order, once the parent sleeps.
      while (s.thread(t)->state != sim::ThreadState::kDone) s.block(kEvTest, wait);
    }
  };
  for (int i = 0; i < 3; i++) spawn_and_wait(1);
  spawn_and_wait(2);
  spawn_and_wait(2);
}

Seen run_once(sim::Sim& s) {
  Seen seen;
  s.spawn("parent", parent, &seen);
  EXPECT_EQ(s.run(), sim::StopReason::kQuiescent);
  EXPECT_FALSE(s.failure()) << s.failure().message;
  return seen;
}

TEST(Stacks, AnExitedThreadsStackServesTheNextLastFreedFirst) {
  sim::StackPool pool;
  sim::RoundRobin rr;
  sim::Sim s(pool, rr, {}, 0);
  Seen seen = run_once(s);
  // Thread ids are the order of the spawns, as before.
  EXPECT_EQ(seen.tids, (std::vector<sim::Tid>{2, 3, 4, 5, 6, 7, 8}));
  // The parent runs on stack 0; each lone child on stack 1, freed at its
  // exit; the pairs on 1 and 2: a pair frees 1 then 2 (in the order the
  // parent let them finish), and the next pair takes 2 first.
  EXPECT_EQ(seen.stacks, (std::vector<uint32_t>{1, 1, 1, 1, 2, 2, 1}));
  EXPECT_EQ(s.stacks_held(), 3u);
  EXPECT_EQ(s.nthreads(), 8u);
}

TEST(Stacks, TheSameExecutionSeesTheSameStackAddresses) {
  sim::StackPool pool;
  sim::RoundRobin rr;
  sim::Sim s(pool, rr, {}, 0);
  Seen first = run_once(s);
  for (int i = 0; i < 3; i++) {
    s.reset(rr, {}, 0);
    Seen again = run_once(s);
    EXPECT_EQ(first.stacks, again.stacks);
    EXPECT_EQ(first.locals, again.locals) << "run " << i;
  }
  // A reused stack's child (resumed from its parked fiber, or a new
  // fiber under ASan) has its locals where the stack's first child had.
  EXPECT_EQ(first.locals[0], first.locals[1]);
  EXPECT_EQ(s.stacks_held(), 3u);
}

// A thread that starts threads that never finish: past kMaxLiveThreads it
// is a report, not the host's map count running out (an abort).
void hoarder(void* arg) {
  auto* c = static_cast<Child*>(arg);
  for (;;) sim::Sim::current()->spawn("sleeper", child, c);
}

TEST(Stacks, TooManyThreadsAliveAtOnceIsAFailure) {
  sim::StackPool pool;
  sim::RoundRobin rr;
  sim::Sim s(pool, rr, {}, 0);
  Seen seen;
  Child c{&seen, 0, 0};
  {
    sim::Sim::HostScope scope(s);
    c.gate = s.new_object(1, "gate");
  }
  s.spawn("hoarder", hoarder, &c);
  EXPECT_EQ(s.run(), sim::StopReason::kFailed);
  EXPECT_EQ(s.failure().kind, sim::FailureKind::kStepBudget);
  EXPECT_EQ(s.failure().signature, "live_thread_budget") << s.failure().message;
  EXPECT_EQ(s.stacks_held(), sim::kMaxLiveThreads);
}

}  // namespace
