#include "runner/explore.h"

#include <chrono>
#include <cstdio>
#include <unordered_set>

#include "sim/fault_guard.h"
#include "sim/watchdog.h"

namespace ks::core {

std::string hash_hex(uint64_t h) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%016llx", static_cast<unsigned long long>(h));
  return b;
}

RunRecord run_once(sim::StackPool& pool, sim::Strategy& strategy, const km::WorldOptions& opts,
                   uint64_t execution, const SetupFn& setup, const HostFn& host,
                   bool record_trace) {
  km::WorldOptions o = opts;
  o.sim.record_trace = record_trace;
  sim::HangWatchScope watch;  // arms the watchdog when it is not armed
  km::World w(pool, strategy, o, execution);
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
  RunRecord r;
  r.execution = execution;
  r.failure = w.sim().failure();
  r.hash = w.sim().trace_hash();
  r.steps = w.sim().step();
  r.preemptions = w.sim().preemptions();
  r.decisions = w.sim().decisions();
  if (record_trace) {
    const sim::Sim& s = w.sim();
    r.trace.reserve(s.trace().size());
    for (const sim::Event& e : s.trace())
      r.trace.push_back({e, s.thread_name(e.tid), s.object_name(e.obj), s.event_name(e.kind)});
  }
  r.console = w.console();
  return r;
}

CampaignResult run_campaign(const CampaignOptions& o, const SetupFn& setup, const HostFn& host) {
  sim::install_fault_handlers();
  sim::StackPool pool;
  auto strategy = make_strategy(o.strategy);
  std::unordered_set<uint64_t> hashes;  // counted, never iterated
  CampaignResult res;
  auto t0 = std::chrono::steady_clock::now();
  for (uint64_t i = 0; i < o.runs; i++) {
    uint64_t ex = o.first_execution + i;
    RunRecord r = run_once(pool, *strategy, o.world, ex, setup, host, false);
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
      res.failure = std::move(r);
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
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

}  // namespace ks::core
