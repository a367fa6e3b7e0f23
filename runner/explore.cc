#include "runner/explore.h"

#include <chrono>
#include <cstdio>

#include "runner/u64_set.h"
#include "sim/fault_guard.h"
#include "sim/watchdog.h"

namespace ks::runner {

std::string hash_hex(uint64_t h) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%016llx", static_cast<unsigned long long>(h));
  return b;
}

km::World& WorldReuse::next(sim::StackPool& pool, sim::Strategy& strategy,
                           const km::WorldOptions& opts, uint64_t execution) {
  if (w_ && pool_ == &pool) {
    w_->reset(strategy, opts, execution);
  } else {
    w_.reset();  // first: its kmem slot is the one the new World claims
    w_ = std::make_unique<km::World>(pool, strategy, opts, execution);
    pool_ = &pool;
  }
  return *w_;
}

namespace {

void run_world(km::World& w, RunRecord& r, uint64_t execution, const SetupFn& setup,
               const HostFn& host, bool record_trace, bool decisions_if_failed) {
  {
    sim::Sim::HostScope scope(w.sim());
    setup(w);
  }
  for (;;) {
    km::RunStatus st = w.run();
    if (st != km::RunStatus::kHostRequest) break;
    if (!host) throw std::logic_error("a thread asked the host for a service nobody serves");
    host(w);
  }
  const sim::Sim& s = w.sim();
  r.execution = execution;
  r.failure = s.failure();
  r.hash = s.trace_hash();
  r.steps = s.step();
  r.preemptions = s.preemptions();
  r.trace.clear();
  if (!decisions_if_failed || r.failure) {
    std::span<const sim::Decision> d = s.decision_log();
    r.decisions.assign(d.begin(), d.end());
    r.console = w.console();
  } else {
    r.decisions.clear();
    r.console.clear();
  }
  if (record_trace) {
    r.trace.reserve(s.trace().size());
    for (const sim::Event& e : s.trace())
      r.trace.push_back({e, s.thread_name(e.tid), s.object_name(e.obj), s.event_name(e.kind)});
  }
}

}  // namespace

void run_once_into(RunRecord& r, sim::StackPool& pool, sim::Strategy& strategy,
                   const km::WorldOptions& opts, uint64_t execution, const SetupFn& setup,
                   const HostFn& host, bool record_trace, WorldReuse* reuse,
                   bool decisions_if_failed) {
  km::WorldOptions o = opts;
  o.sim.record_trace = record_trace;
  sim::HangWatchScope watch;  // arms the watchdog when it is not armed
  if (reuse) {
    km::World& w = reuse->next(pool, strategy, o, execution);
    run_world(w, r, execution, setup, host, record_trace, decisions_if_failed);
    w.release_arena();  // idle until the next execution
    return;
  }
  km::World w(pool, strategy, o, execution);
  run_world(w, r, execution, setup, host, record_trace, decisions_if_failed);
}

RunRecord run_once(sim::StackPool& pool, sim::Strategy& strategy, const km::WorldOptions& opts,
                   uint64_t execution, const SetupFn& setup, const HostFn& host,
                   bool record_trace, WorldReuse* reuse) {
  RunRecord r;
  run_once_into(r, pool, strategy, opts, execution, setup, host, record_trace, reuse, false);
  return r;
}

sim::StackPool& stack_pool() {
  static thread_local sim::StackPool pool;
  return pool;
}

CampaignResult run_campaign(const CampaignOptions& o, const SetupFn& setup, const HostFn& host) {
  sim::install_fault_handlers();
  sim::StackPool& pool = stack_pool();
  auto strategy = make_strategy(o.strategy);
  U64Set hashes;  // counted
  CampaignResult res;
  WorldReuse reuse;
  RunRecord r;  // its buffers serve every execution
  auto t0 = std::chrono::steady_clock::now();
  for (uint64_t i = 0; i < o.runs; i++) {
    uint64_t ex = o.first_execution + i;
    run_once_into(r, pool, *strategy, o.world, ex, setup, host, false, &reuse, true);
    res.runs++;
    hashes.insert(r.hash);
    if (r.steps > res.max_steps) res.max_steps = r.steps;
    if (r.failure) res.failed_runs++;
    if (r.failure && o.collect_failures) {
      bool seen = false;  // a linear scan: few distinct signatures
      for (const RunRecord& f : res.failures)
        seen |= f.failure.kind == r.failure.kind && f.failure.signature == r.failure.signature;
      if (!seen) res.failures.push_back(r);
    }
    if (r.failure && !res.failure) {
      res.failure = r;
      if (o.stop_on_failure) break;
    }
    if (o.progress && o.progress_every && res.runs % o.progress_every == 0)
      o.progress(res.runs, hashes.size());
    if (o.max_seconds > 0 && i + 1 < o.runs &&
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() >=
            o.max_seconds) {
      res.timed_out = true;
      break;
    }
  }
  res.distinct = hashes.size();
  res.boot_images = reuse.boot_restores();
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

}  // namespace ks::runner
