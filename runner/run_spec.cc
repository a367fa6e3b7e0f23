#include "runner/run_spec.h"

#include <stdexcept>

#include "runner/dfs_split.h"

namespace ks::runner {

kernsim::RunSpec run_spec_from_bytes(const std::string& bytes) {
  kernsim::RunSpec r;
  if (!r.ParseFromString(bytes)) throw std::invalid_argument("not a serialized kernsim.RunSpec");
  return r;
}

km::WorldOptions world_options(const kernsim::WorldSpec& w) {
  // The fields applied below, by number; a field added to the proto and not
  // here is an error at its first use, not an option that does nothing.
  static constexpr int kApplied[] = {
      kernsim::WorldSpec::kMaxStepsFieldNumber, kernsim::WorldSpec::kInjectFaultsFieldNumber,
      kernsim::WorldSpec::kSpuriousWakeupsFieldNumber, kernsim::WorldSpec::kHangMsFieldNumber,
      kernsim::WorldSpec::kDetectRacesFieldNumber,
      kernsim::WorldSpec::kPreemptAtAccessFieldNumber,
      kernsim::WorldSpec::kNoBootImageFieldNumber, kernsim::WorldSpec::kHungTaskSFieldNumber};
  const auto* d = kernsim::WorldSpec::descriptor();
  for (int i = 0; i < d->field_count(); i++) {
    bool known = false;
    for (int n : kApplied) known |= d->field(i)->number() == n;
    if (!known)
      throw std::invalid_argument("world option " + std::string(d->field(i)->name()) +
                                  " is not applied by runner/run_spec.cc");
  }
  km::WorldOptions o;
  if (w.max_steps()) o.sim.max_steps = w.max_steps();
  if (w.hang_ms()) o.sim.hang_ms = w.hang_ms();
  o.inject_faults = w.inject_faults();
  o.spurious_wakeups = w.spurious_wakeups();
  o.detect_races = w.detect_races();
  o.preempt_at_access = w.preempt_at_access();
  o.boot_image = !w.no_boot_image();
  if (w.hung_task_s()) o.hung_task_ns = uint64_t{w.hung_task_s()} * 1'000'000'000;
  return o;
}

StrategySpec strategy_spec(const kernsim::StrategySpec& s) {
  StrategySpec o;
  o.name = s.name().empty() ? "pct" : s.name();
  o.seed = s.seed();
  o.pct_depth = s.pct_depth() ? s.pct_depth() : 3;
  o.pct_steps = s.pct_steps();
  for (const auto& st : s.script()) o.script.push_back({st.thread(), st.event(), st.object()});
  if (!s.fallback().empty()) o.fallback = s.fallback();
  o.dfs_bound = s.bound();
  o.dpor = s.dpor();
  o.iterative = !s.single_bound();
  make_strategy(o);  // an unknown name is refused now, by name
  return o;
}

CampaignOptions campaign_options(const kernsim::RunSpec& r) {
  CampaignOptions o;
  o.strategy = strategy_spec(r.strategy());
  o.runs = r.runs();
  o.first_execution = r.first_execution();
  o.world = world_options(r.world());
  o.stop_on_failure = !r.keep_going();
  o.collect_failures = r.collect_failures();
  o.max_seconds = r.max_seconds();
  return o;
}

SearchOptions search_options(const kernsim::RunSpec& r) {
  if (r.strategy().name() != "dfs")
    throw std::invalid_argument("a search's strategy is dfs, not '" + r.strategy().name() + "'");
  SearchOptions o;
  o.dfs.max_bound = r.strategy().bound();
  o.dfs.dpor = r.strategy().dpor();
  o.dfs.iterative = !r.strategy().single_bound();
  o.max_executions = r.runs();
  o.max_seconds = r.max_seconds();
  o.world = world_options(r.world());
  o.stop_on_failure = !r.keep_going();
  o.collect_failures = r.collect_failures();
  o.want_kind = r.goal().kind();
  o.want_signature = r.goal().signature();
  o.fewest_steps = r.goal().fewest_steps();
  o.interruptible = r.interruptible();
  if (r.has_split()) apply_split(r.split(), o);
  return o;
}

std::vector<sim::Decision> decisions_from_proto(const kernsim::Schedule& s) {
  std::vector<sim::Decision> v;
  v.reserve(s.decision_size());
  for (int i = 0; i < s.decision_size(); i++) {
    const kernsim::Decision& d = s.decision(i);
    switch (d.choice_case()) {
      case kernsim::Decision::kThread: v.push_back({0, d.thread()}); break;
      case kernsim::Decision::kFault:
        v.push_back({static_cast<uint8_t>(sim::ChoiceKind::kFault), d.fault()});
        break;
      case kernsim::Decision::kSpurious:
        v.push_back({static_cast<uint8_t>(sim::ChoiceKind::kSpurious), d.spurious()});
        break;
      case kernsim::Decision::kSignal:
        v.push_back({static_cast<uint8_t>(sim::ChoiceKind::kSignal), d.signal()});
        break;
      default:
        throw std::invalid_argument("schedule.decision[" + std::to_string(i) +
                                    "]: empty decision (want thread/fault/spurious/signal)");
    }
  }
  return v;
}

void decisions_to_proto(const std::vector<sim::Decision>& v, kernsim::Schedule* s) {
  for (const sim::Decision& d : v) {
    auto* x = s->add_decision();
    switch (static_cast<sim::ChoiceKind>(d.kind)) {
      case sim::ChoiceKind::kFault: x->set_fault(d.value); break;
      case sim::ChoiceKind::kSpurious: x->set_spurious(d.value); break;
      case sim::ChoiceKind::kSignal: x->set_signal(d.value); break;
      default: x->set_thread(d.value); break;
    }
  }
}

}  // namespace ks::runner
