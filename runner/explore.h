// Campaigns: run a scenario's executions one after another on this host
// thread, in one World reset before each (as if fresh), under one strategy (whose state, such as
// PCT's step estimate, carries across executions), until a failure or the
// run budget. Used by the Python API, the CLI and the benchmarks.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kernel_model/world.h"
#include "runner/strategy_spec.h"

namespace ks::runner {

// A recorded event with the names it had in its World (a World's names die
// with it).
struct NamedEvent {
  sim::Event e;
  std::string thread, object, kind;
};

struct RunRecord {
  uint64_t execution = 0;
  sim::Failure failure;
  uint64_t hash = 0;
  uint64_t steps = 0;
  uint32_t preemptions = 0;
  std::vector<sim::Decision> decisions;
  std::vector<NamedEvent> trace;  // when recorded
  std::vector<std::string> console;
};

// Sets a fresh World up (drivers, files, processes, threads).
using SetupFn = std::function<void(km::World&)>;
// Serves a thread's host request (a Python generator's next system call);
// returns normally to resume the World.
using HostFn = std::function<void(km::World&)>;

// A World kept across the executions of a loop (a campaign, a search, a
// fuzzer) and reset before each one instead of rebuilt (issue 14): a warm
// World allocates nothing for what it resets. Holds none until the first.
class WorldReuse {
 public:
  // The World for the next execution: made the first time, reset after.
  km::World& next(sim::StackPool& pool, sim::Strategy& strategy, const km::WorldOptions& opts,
                  uint64_t execution);
  // Executions that started from a boot image (world.h, "boot once").
  uint64_t boot_restores() const { return w_ ? w_->boot_restores() : 0; }

 private:
  sim::StackPool* pool_ = nullptr;
  std::unique_ptr<km::World> w_;
};

// One execution. Failures and divergences are in the record; set-up errors
// (bad input) throw. With `reuse`, in its World (reset) rather than a new
// one: the same execution either way, to the trace hash.
// The stack pool of this host thread: every loop and every one-off run
// takes its fibers' stacks from it, so a process maps its stacks once (a
// split's worker runs hundreds of short searches; fresh stacks cost a map,
// faults on first touch and an unmap each time).
sim::StackPool& stack_pool();

RunRecord run_once(sim::StackPool& pool, sim::Strategy& strategy,
                   const km::WorldOptions& opts, uint64_t execution, const SetupFn& setup,
                   const HostFn& host, bool record_trace, WorldReuse* reuse = nullptr);
// The same into `r`, whose buffers are reused; `decisions_if_failed`: the
// decision log and console are copied only when the execution failed (what
// a loop that keeps failures only needs; none of it is allocated then).
void run_once_into(RunRecord& r, sim::StackPool& pool, sim::Strategy& strategy,
                   const km::WorldOptions& opts, uint64_t execution, const SetupFn& setup,
                   const HostFn& host, bool record_trace, WorldReuse* reuse,
                   bool decisions_if_failed);

struct CampaignOptions {
  StrategySpec strategy;
  uint64_t runs = 1000;
  uint64_t first_execution = 0;
  km::WorldOptions world;
  bool stop_on_failure = true;
  // Called about every `progress_every` executions with (runs, distinct).
  std::function<void(uint64_t, uint64_t)> progress;
  uint64_t progress_every = 10000;
  // Keep the first failure of every distinct signature (parallel campaigns
  // merge these by signature).
  bool collect_failures = false;
  // Stop after this many seconds of wall time (0: no bound), checked
  // between executions: a CI job runs "PCT for N minutes". Which runs a
  // campaign makes is then load-dependent; the runs bound is not.
  double max_seconds = 0;
};

struct CampaignResult {
  uint64_t runs = 0;
  uint64_t distinct = 0;  // distinct trace hashes seen
  uint64_t max_steps = 0;
  std::optional<RunRecord> failure;  // the first one
  double seconds = 0;                // host wall time, for runs/s only
  std::vector<RunRecord> failures;   // collect_failures: first per signature
  uint64_t failed_runs = 0;          // executions that failed
  bool timed_out = false;            // stopped by max_seconds before `runs`
  uint64_t boot_images = 0;          // executions started from a boot image
};

CampaignResult run_campaign(const CampaignOptions& o, const SetupFn& setup, const HostFn& host);

std::string hash_hex(uint64_t h);

}  // namespace ks::runner
