// The options a strategy is offered at a pick are exactly the runnable
// threads, ascending (after the clock when a timer may fire). The Sim keeps
// that list as threads spawn, block, wake and exit instead of rebuilding it
// at each pick (issue 14); this checks it against the threads' own states
// at every pick, with more than 64 threads (two words of the runnable
// bitmap), mutex contention, sleeps on timers, and threads spawned by
// threads.
#include <gtest/gtest.h>

#include <vector>

#include "kernel_model/callout.h"
#include "kernel_model/world.h"
#include "sim/rng.h"

using namespace ks;

namespace {

// Picks at random, and counts the picks whose options were not the
// runnable threads as their states say.
class CheckingStrategy final : public sim::Strategy {
 public:
  const char* name() const override { return "checking"; }
  void begin(uint64_t index, const sim::SchedView& view) override {
    sim_ = static_cast<const sim::Sim*>(&view);
    rng_.reseed(index);
  }
  sim::Tid pick(const sim::PickContext& c) override {
    std::vector<sim::Tid> want;
    for (size_t t = 1; t <= sim_->nthreads(); t++)
      if (sim_->thread(static_cast<sim::Tid>(t))->state == sim::ThreadState::kRunnable)
        want.push_back(static_cast<sim::Tid>(t));
    std::vector<sim::Tid> got(c.runnable.begin(), c.runnable.end());
    if (!got.empty() && got[0] == sim::kClockTid) {
      got.erase(got.begin());
      clock_picks++;
    }
    picks++;
    if (got != want) mismatches++;
    return c.runnable[rng_.below(static_cast<uint32_t>(c.runnable.size()))];
  }
  uint32_t choose(uint32_t, sim::ChoiceKind) override { return 0; }

  uint64_t picks = 0, mismatches = 0, clock_picks = 0;

 private:
  const sim::Sim* sim_ = nullptr;
  sim::Rng rng_;
};

struct Shared {
  sim::ObjId m;
  int spawns;  // children the spawner still makes
};

void worker(void* arg) {
  auto* s = static_cast<Shared*>(arg);
  km::World* w = km::World::current();
  for (int i = 0; i < 3; i++) {
    w->preempt();
    w->mutex_enter(s->m);
    w->preempt();
    w->mutex_exit(s->m);
    if (w->self_tid() % 5 == 0) km::delay_ns(*w, 1000 * (1 + w->self_tid() % 3));
  }
}

void spawner(void* arg) {
  auto* s = static_cast<Shared*>(arg);
  km::World* w = km::World::current();
  while (s->spawns > 0) {
    s->spawns--;
    w->spawn("child", worker, s);
    w->preempt();
  }
}

TEST(PickOptions, AreTheRunnableThreadsAtEveryPick) {
  sim::StackPool pool;
  CheckingStrategy s;
  km::World w(pool, s, km::WorldOptions{}, 0);
  for (uint64_t e = 0; e < 20; e++) {
    if (e) w.reset(s, km::WorldOptions{}, e);
    Shared sh{w.new_obj(km::kObjMutex, "m"), 10};
    for (int i = 0; i < 70; i++) w.spawn("worker", worker, &sh);
    w.spawn("spawner", spawner, &sh);
    w.run();
    ASSERT_FALSE(w.sim().failure()) << w.sim().failure().message;
  }
  EXPECT_GT(s.picks, 20u * 1000);
  EXPECT_GT(s.clock_picks, 0u);  // the timers' case was covered too
  EXPECT_EQ(s.mismatches, 0u);
}

}  // namespace
