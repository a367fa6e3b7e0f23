#include "runner/dfs_split.h"

#include <algorithm>
#include <string>

#include "runner/run_spec.h"

namespace ks::runner {

namespace {

bool contains(const std::vector<uint32_t>& v, uint32_t x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

sim::DfsPrefix prefix_from_proto(const kernsim::SplitPrefix& p) {
  sim::DfsPrefix out{decisions_from_proto(p.decisions()), p.preemptions()};
  for (const kernsim::ThreadSet& s : p.siblings_done())
    out.siblings_done.emplace_back(s.thread().begin(), s.thread().end());
  if (!out.siblings_done.empty() && out.siblings_done.size() != out.decisions.size())
    throw std::invalid_argument("split prefix: " + std::to_string(out.siblings_done.size()) +
                                " siblings_done for " + std::to_string(out.decisions.size()) +
                                " decisions (want one per decision, or none)");
  return out;
}

void prefix_to_proto(const sim::DfsPrefix& p, kernsim::SplitPrefix* out) {
  decisions_to_proto(p.decisions, out->mutable_decisions());
  out->set_preemptions(p.preemptions);
}

}  // namespace

void apply_split(const kernsim::SplitPart& p, SearchOptions& o) {
  o.dfs.branch_depth = p.branch_depth();
  o.dfs.restricted = p.restricted();
  o.dfs.prefixes.clear();
  for (int i = 0; i < p.prefix_size(); i++) {
    try {
      o.dfs.prefixes.push_back(prefix_from_proto(p.prefix(i)));
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("split.prefix[" + std::to_string(i) + "]: " + e.what());
    }
  }
  o.want_remainder = p.want_remainder();
  o.collect_hashes = p.collect_hashes();
}

kernsim::SplitReport split_report(const SearchResult& r) {
  kernsim::SplitReport out;
  if (r.hashes_complete) {
    std::string b(r.hashes.size() * 8, '\0');
    for (size_t i = 0; i < r.hashes.size(); i++)
      for (int k = 0; k < 8; k++) b[i * 8 + k] = static_cast<char>(r.hashes[i] >> (8 * k));
    out.set_hashes(std::move(b));
    out.set_hashes_complete(true);
  }
  for (const sim::DfsPrefix& p : r.prefixes) prefix_to_proto(p, out.add_prefix());
  for (const sim::DfsPrefix& p : r.requests) prefix_to_proto(p, out.add_request());
  for (const sim::DfsPrefix& p : r.remainder) prefix_to_proto(p, out.add_remainder());
  for (const auto& v : r.explored) decisions_to_proto(v, out.add_explored());
  out.set_yielded(r.yielded);
  return out;
}

std::vector<sim::DfsPrefix> split_remainder(const sim::DfsStrategy& dfs) {
  const sim::DfsState& st = dfs.state();
  const sim::DfsOptions& opts = dfs.options();
  std::vector<sim::DfsPrefix> out;
  if (st.exhausted || (opts.dpor && opts.iterative)) return out;
  auto cost = sim::DfsStrategy::preemption_cost;
  // The path's own subtree. A root just taken (its nodes not visited yet)
  // costs this bound: roots enter at the bound that pays for them (with a
  // single bound, every cost fits it, so this bound is as good).
  sim::DfsPrefix cur;
  for (const sim::DfsNode& n : st.path) cur.decisions.push_back(sim::Decision{n.kind, n.chosen});
  if (!st.path.empty() && !st.path.back().options.empty())
    cur.preemptions = st.path.back().pre + cost(st.path.back(), st.path.back().chosen);
  else
    cur.preemptions = st.bound;
  out.push_back(cur);
  // The alternatives the search has not reached yet: searched at this
  // bound, or (one more preemption) what it would queue for the next.
  for (size_t i = 0; i < st.path.size(); i++) {
    const sim::DfsNode& n = st.path[i];
    if (n.fixed || n.options.empty()) continue;
    for (uint32_t a : n.todo) {
      uint32_t c = n.pre + cost(n, a);
      if (a == n.chosen || contains(n.done, a) || c > opts.max_bound) continue;
      if (c > st.bound && !opts.iterative) continue;
      if (opts.dpor && n.kind == 0 && contains(n.sleep, a)) continue;  // as the search does
      sim::DfsPrefix p;
      p.decisions.assign(cur.decisions.begin(), cur.decisions.begin() + i);
      p.decisions.push_back(sim::Decision{n.kind, a});
      p.preemptions = c;
      out.push_back(std::move(p));
    }
  }
  for (const auto& r : st.roots) out.push_back(sim::DfsPrefix{r, st.bound});
  for (const auto& r : st.next_roots) out.push_back(sim::DfsPrefix{r, st.bound + 1});
  if (opts.restricted && opts.iterative)
    for (const sim::DfsPrefix& p : opts.prefixes)
      if (p.preemptions > st.bound) out.push_back(p);
  return out;
}

std::vector<std::vector<sim::Decision>> split_explored(const sim::DfsStrategy& dfs) {
  std::vector<std::vector<sim::Decision>> out;
  std::vector<sim::Decision> at;
  for (const sim::DfsNode& n : dfs.state().path) {
    if (!n.fixed && n.kind == 0)
      for (uint32_t b : n.done)
        if (b != n.chosen) {
          out.push_back(at);
          out.back().push_back(sim::Decision{n.kind, b});
        }
    at.push_back(sim::Decision{n.kind, n.chosen});
  }
  return out;
}

}  // namespace ks::runner
