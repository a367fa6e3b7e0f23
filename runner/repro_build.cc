#include "runner/repro_build.h"

#include <stdexcept>

#include "runner/run_spec.h"

namespace ks::runner {

std::string printable(const std::string& s) {
  std::string out = s;
  for (char& c : out) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x80 || (u < 0x20 && c != '\n' && c != '\t')) c = '?';
  }
  return out;
}

namespace {

// What runs and in which World, as a Repro and a DfsCheckpoint both say it.
template <class Msg>
void describe_run(const kernsim::RunSpec& spec, Msg& m) {
  if (spec.has_scenario()) *m.mutable_scenario() = spec.scenario();
  if (spec.has_program()) *m.mutable_program() = spec.program();
  m.set_driver(spec.driver());
  m.set_variant(spec.variant());
  m.set_driver_conf(spec.driver_conf());
  m.set_driver_conf_file(spec.driver_conf_file());
  *m.mutable_world() = spec.world();
}

}  // namespace

kernsim::Repro make_repro(const kernsim::RunSpec& spec, const RunRecord& rec) {
  kernsim::Repro r;
  r.set_version(kReproVersion);
  describe_run(spec, r);
  *r.mutable_found_by() = spec.strategy();
  r.set_execution(rec.execution);
  decisions_to_proto(rec.decisions, r.mutable_schedule());
  kernsim::Outcome* e = r.mutable_expected();
  e->set_kind(rec.failure ? sim::failure_kind_name(rec.failure.kind) : "pass");
  e->set_signature(printable(rec.failure.signature));
  e->set_message(printable(rec.failure.message));
  e->set_trace_hash(hash_hex(rec.hash));
  e->set_steps(rec.steps);
  return r;
}

kernsim::DfsCheckpoint make_checkpoint(const kernsim::RunSpec& spec, const sim::DfsState& st,
                                       uint64_t failures) {
  kernsim::DfsCheckpoint c;
  c.set_version(kCheckpointVersion);
  describe_run(spec, c);
  c.set_max_bound(spec.strategy().bound());
  c.set_dpor(spec.strategy().dpor());
  c.set_iterative(!spec.strategy().single_bound());
  c.set_bound(st.bound);
  c.set_exhausted(st.exhausted);
  c.set_executions(st.executions);
  c.set_redundant(st.redundant);
  c.set_failures(failures);
  for (const sim::DfsNode& n : st.path) {
    kernsim::DfsNode* x = c.add_path();
    x->set_kind(n.kind);
    for (uint32_t v : n.options) x->add_option(v);
    x->set_current(n.cur);
    x->set_current_runnable(n.cur_runnable);
    x->set_preemptions(n.pre);
    x->set_chosen(n.chosen);
    for (uint32_t v : n.done) x->add_done(v);
    for (uint32_t v : n.todo) x->add_todo(v);
    for (uint32_t v : n.sleep) x->add_sleep(v);
    x->set_fixed(n.fixed);
  }
  for (const auto& r : st.roots) decisions_to_proto(r, c.add_roots());
  for (const auto& r : st.next_roots) decisions_to_proto(r, c.add_next_roots());
  return c;
}

sim::DfsState dfs_state_from(const kernsim::DfsCheckpoint& c) {
  sim::DfsState s;
  s.bound = c.bound();
  s.exhausted = c.exhausted();
  s.executions = c.executions();
  s.redundant = c.redundant();
  for (int i = 0; i < c.path_size(); i++) {
    const kernsim::DfsNode& x = c.path(i);
    if (x.kind() > 255)
      throw std::invalid_argument("checkpoint path[" + std::to_string(i) + "].kind: not 0..255");
    sim::DfsNode n;
    n.kind = static_cast<uint8_t>(x.kind());
    n.options.assign(x.option().begin(), x.option().end());
    n.cur = x.current();
    n.cur_runnable = x.current_runnable();
    n.pre = x.preemptions();
    n.chosen = x.chosen();
    n.done.assign(x.done().begin(), x.done().end());
    n.todo.assign(x.todo().begin(), x.todo().end());
    n.sleep.assign(x.sleep().begin(), x.sleep().end());
    n.fixed = x.fixed();
    s.path.push_back(std::move(n));
  }
  for (const auto& r : c.roots()) s.roots.push_back(decisions_from_proto(r));
  for (const auto& r : c.next_roots()) s.next_roots.push_back(decisions_from_proto(r));
  return s;
}

}  // namespace ks::runner
