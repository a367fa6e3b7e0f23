// Splitting a bounded search (DfsOptions::branch_depth and ::prefixes, what
// `kernsim explore --strategy dfs --jobs N` distributes): without DPOR the
// parts, and slices handing their remainder on, partition the whole search
// exactly, per bound; with DPOR (requests, siblings asleep) the parts find
// what one DPOR search finds, in about as many executions.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "runner/dfs_split.h"
#include "sim/strategies/dfs.h"
#include "tests/cpp/dfs_scenarios.h"

using namespace ks;

namespace {

struct Part {
  uint64_t executions = 0;
  std::vector<uint64_t> per_bound;
  std::multiset<uint64_t> hashes;  // multiset: a repeat across parts must show
  std::set<std::string> signatures;
  std::vector<sim::DfsPrefix> prefixes;  // branch_depth: one per execution
  std::vector<sim::DfsPrefix> requests;  // DPOR, restricted
  std::vector<sim::DfsPrefix> remainder;  // when `limit` stopped it
  std::vector<std::vector<sim::Decision>> explored;
  bool exhausted = false;
};

// Runs a search to exhaustion (or `limit` executions), failures included
// (it does not stop at one).
Part run(const test::Scenario& scn, const sim::DfsOptions& o, uint64_t limit = 500000) {
  sim::DfsStrategy dfs(o);
  Part out;
  test::each_execution(scn, dfs, limit, [&](km::World& w) {
    out.executions++;
    uint32_t b = dfs.last_bound();
    if (out.per_bound.size() <= b) out.per_bound.resize(b + 1, 0);
    out.per_bound[b]++;
    out.hashes.insert(w.sim().trace_hash());
    if (w.sim().failure()) out.signatures.insert(w.sim().failure().signature);
    if (o.branch_depth && !dfs.last_prefix_redundant())
      out.prefixes.push_back(dfs.last_prefix());
    return true;
  });
  out.exhausted = dfs.exhausted();
  out.requests = dfs.requests();
  out.remainder = runner::split_remainder(dfs);
  out.explored = runner::split_explored(dfs);
  return out;
}

sim::DfsOptions opts(uint32_t bound, bool dpor, bool iterative) {
  sim::DfsOptions o;
  o.max_bound = bound;
  o.dpor = dpor;
  o.iterative = iterative;
  return o;
}

// The enumeration at `depth`, then `parts` searches over its prefixes dealt
// round-robin.
std::vector<Part> split(const test::Scenario& scn, sim::DfsOptions o, uint32_t depth,
                        size_t parts) {
  sim::DfsOptions e = opts(o.max_bound, false, false);
  e.branch_depth = depth;
  Part en = run(scn, e);
  EXPECT_TRUE(en.exhausted);
  std::set<std::vector<std::pair<int, uint32_t>>> distinct;
  for (const sim::DfsPrefix& p : en.prefixes) {
    std::vector<std::pair<int, uint32_t>> key;
    for (const sim::Decision& d : p.decisions) key.push_back({d.kind, d.value});
    distinct.insert(key);
    EXPECT_LE(p.preemptions, o.max_bound);
    EXPECT_LE(p.decisions.size(), depth);
  }
  EXPECT_EQ(distinct.size(), en.prefixes.size()) << "each enumeration execution is a new prefix";
  std::vector<Part> out;
  for (size_t k = 0; k < parts; k++) {
    sim::DfsOptions po = o;
    po.restricted = true;
    for (size_t i = k; i < en.prefixes.size(); i += parts) po.prefixes.push_back(en.prefixes[i]);
    out.push_back(run(scn, po));
  }
  return out;
}

TEST(DfsSplit, PlainPartsPartitionTheWholeSearchPerBound) {
  // Bare points, a shared lock (blocking: free picks), the lost wakeup's window.
  std::vector<std::pair<std::string, test::Scenario>> scenarios;
  for (int k = 2; k <= 4; k++) {
    scenarios.push_back({"points" + std::to_string(k), test::counting(false, k, false)});
    scenarios.push_back({"shared" + std::to_string(k), test::counting(true, k, true)});
  }
  scenarios.push_back({"window", test::lost_wakeup(LW_WINDOW, 2)});
  for (const auto& [name, scn] : scenarios)
    for (uint32_t bound = 0; bound <= 3; bound++)
      for (uint32_t depth = 1; depth <= 5; depth++)
        for (bool iterative : {true, false}) {
          sim::DfsOptions o = opts(bound, false, iterative);
          Part whole = run(scn, o);
          std::vector<Part> parts = split(scn, o, depth, 3);
          uint64_t n = 0;
          std::vector<uint64_t> per_bound(whole.per_bound.size(), 0);
          std::multiset<uint64_t> hashes;
          std::set<std::string> sigs;
          for (const Part& p : parts) {
            sigs.insert(p.signatures.begin(), p.signatures.end());
            EXPECT_TRUE(p.exhausted);
            n += p.executions;
            for (size_t b = 0; b < p.per_bound.size(); b++) {
              if (per_bound.size() <= b) per_bound.resize(b + 1, 0);
              per_bound[b] += p.per_bound[b];
            }
            hashes.insert(p.hashes.begin(), p.hashes.end());
          }
          SCOPED_TRACE(name + " bound=" + std::to_string(bound) +
                       " depth=" + std::to_string(depth) + " iterative=" +
                       std::to_string(iterative));
          EXPECT_EQ(n, whole.executions);
          EXPECT_EQ(hashes, whole.hashes);  // the same executions, none twice
          EXPECT_EQ(sigs, whole.signatures);
          // A part holding no prefix of a bound reports nothing there.
          while (!per_bound.empty() && per_bound.back() == 0) per_bound.pop_back();
          std::vector<uint64_t> want = whole.per_bound;
          while (!want.empty() && want.back() == 0) want.pop_back();
          EXPECT_EQ(per_bound, want);
        }
}

// Runs `o` for at most `slice` executions at a time; the remainder of each
// slice is dealt to `ways` new slices, and so on until all are exhausted.
Part sliced(const test::Scenario& scn, sim::DfsOptions o, uint64_t slice, size_t ways,
            size_t* slices) {
  Part all;
  std::vector<sim::DfsOptions> queue{o};
  while (!queue.empty()) {
    sim::DfsOptions so = queue.back();
    queue.pop_back();
    (*slices)++;
    sim::StackPool pool;
    sim::DfsStrategy dfs(so);
    for (uint64_t i = 0; !dfs.exhausted() && i < slice; i++) {
      km::WorldOptions wo;
      km::World w(pool, dfs, wo, i);
      scn(w);
      w.run();
      all.executions++;
      uint32_t b = dfs.last_bound();
      if (all.per_bound.size() <= b) all.per_bound.resize(b + 1, 0);
      all.per_bound[b]++;
      all.hashes.insert(w.sim().trace_hash());
    }
    std::vector<sim::DfsPrefix> rest = runner::split_remainder(dfs);
    EXPECT_EQ(rest.empty(), dfs.exhausted());
    for (size_t k = 0; k < ways && k < rest.size(); k++) {
      sim::DfsOptions next = o;
      next.restricted = true;
      next.prefixes.clear();
      for (size_t i = k; i < rest.size(); i += ways) next.prefixes.push_back(rest[i]);
      queue.push_back(next);
    }
  }
  all.exhausted = true;
  return all;
}

TEST(DfsSplit, SlicesHandTheirRemainderOnExactly) {
  std::vector<std::pair<std::string, test::Scenario>> scenarios = {
      {"points3", test::counting(false, 3, false)},
      {"shared3", test::counting(true, 3, true)},
      {"window", test::lost_wakeup(LW_WINDOW, 2)}};
  for (const auto& [name, scn] : scenarios)
    for (uint32_t bound = 0; bound <= 3; bound++)
      for (bool iterative : {true, false})
        for (uint64_t slice : {1u, 2u, 7u, 40u})
          for (size_t ways : {1u, 3u}) {
            SCOPED_TRACE(name + " bound=" + std::to_string(bound) + " iterative=" +
                         std::to_string(iterative) + " slice=" + std::to_string(slice) +
                         " ways=" + std::to_string(ways));
            sim::DfsOptions o = opts(bound, false, iterative);
            Part whole = run(scn, o);
            size_t slices = 0;
            Part parts = sliced(scn, o, slice, ways, &slices);
            EXPECT_EQ(parts.executions, whole.executions);
            EXPECT_EQ(parts.hashes, whole.hashes);
            while (!parts.per_bound.empty() && parts.per_bound.back() == 0)
              parts.per_bound.pop_back();
            EXPECT_EQ(parts.per_bound, whole.per_bound);
            if (slice == 1) {
              EXPECT_GE(slices, whole.executions);
            }
          }
}

TEST(DfsSplit, MorePartsThanPrefixesLeavesEmptyPartsExhausted) {
  std::vector<Part> parts = split(test::counting(false, 2, false), opts(1, false, true), 1, 5);
  uint64_t n = 0;
  for (const Part& p : parts) {
    EXPECT_TRUE(p.exhausted);
    n += p.executions;
  }
  EXPECT_EQ(n, run(test::counting(false, 2, false), opts(1, false, true)).executions);
  EXPECT_EQ(parts.back().executions, 0u);  // depth 1 has two prefixes
}

TEST(DfsSplit, PlainPartsFindTheWindow) {
  for (uint32_t depth : {1u, 3u, 6u}) {
    SCOPED_TRACE("depth=" + std::to_string(depth));
    std::set<std::string> sigs;
    for (const Part& p : split(test::lost_wakeup(LW_WINDOW, 3), opts(2, false, true), depth, 2)) {
      EXPECT_TRUE(p.exhausted);
      sigs.insert(p.signatures.begin(), p.signatures.end());
    }
    EXPECT_EQ(sigs, std::set<std::string>{"stuck:cv_wait:lw_cv"});
  }
}

using Key = std::vector<std::pair<int, uint32_t>>;

Key key_of(const std::vector<sim::Decision>& v) {
  Key k;
  for (const sim::Decision& d : v) k.push_back({d.kind, d.value});
  return k;
}

// python/kernsim/dfs_parts.py's run_dpor, one part at a time: each bound on
// its own, its DPOR enumeration's prefixes, then each prefix searched (at
// that bound only, `slice` executions at most) with its siblings taken
// before it as explored; the siblings a part searched, what it left and the
// requests of its races taken as new prefixes unless one under them was.
Part dpor_split(const test::Scenario& scn, uint32_t max_bound, uint32_t depth,
                uint64_t slice = 500000) {
  Part all;
  all.exhausted = true;
  for (uint32_t b = 0; b <= max_bound; b++) {
    sim::DfsOptions e = opts(b, true, false);
    e.branch_depth = depth;
    Part en = run(scn, e);
    EXPECT_TRUE(en.exhausted);
    std::map<Key, size_t> when;                                    // segment: taken when
    std::map<Key, std::vector<std::pair<size_t, std::pair<int, uint32_t>>>> children;
    std::vector<sim::DfsPrefix> queue;
    auto take = [&](const sim::DfsPrefix& p, bool search) {
      Key k = key_of(p.decisions);
      if (when.count(k)) return;
      for (size_t n = 1; n <= k.size(); n++) {
        Key seg(k.begin(), k.begin() + n);
        if (when.count(seg)) continue;
        size_t t = when.size();
        when[seg] = t;
        children[Key(k.begin(), k.begin() + n - 1)].push_back({when[seg], k[n - 1]});
      }
      if (search) queue.push_back(p);
    };
    for (const sim::DfsPrefix& p : en.prefixes) take(p, true);
    for (size_t q = 0; q < queue.size(); q++) {
      sim::DfsPrefix p = queue[q];
      Key k = key_of(p.decisions);
      p.siblings_done.assign(k.size(), {});
      for (size_t n = 0; n < k.size(); n++)
        for (const auto& [t, d] : children[Key(k.begin(), k.begin() + n)])
          if (t < when[Key(k.begin(), k.begin() + n + 1)] && d.first == 0 && d != k[n])
            p.siblings_done[n].push_back(d.second);
      sim::DfsOptions po = opts(b, true, false);
      po.restricted = true;
      po.prefixes = {p};
      Part r = run(scn, po, slice);
      all.exhausted &= r.exhausted || !r.remainder.empty();
      all.executions += r.executions;
      if (all.per_bound.size() <= b) all.per_bound.resize(b + 1, 0);
      all.per_bound[b] += r.executions;
      all.signatures.insert(r.signatures.begin(), r.signatures.end());
      for (const auto& d : r.explored) take(sim::DfsPrefix{d, 0}, false);
      for (const sim::DfsPrefix& rest : r.remainder) take(rest, true);
      for (const sim::DfsPrefix& rq : r.requests) take(rq, true);
    }
  }
  return all;
}

TEST(DfsSplit, DporSlicesHandTheirRemainderOn) {
  std::vector<std::pair<std::string, test::Scenario>> scenarios = {
      {"window3", test::lost_wakeup(LW_WINDOW, 3)},
      {"checked", test::lost_wakeup(LW_CHECKED, 3)},
      {"shared3", test::counting(true, 3, true)}};
  for (const auto& [name, scn] : scenarios)
    for (uint64_t slice : {1u, 3u, 10u})
      for (uint32_t depth : {1u, 4u}) {
        SCOPED_TRACE(name + " slice=" + std::to_string(slice) + " depth=" +
                     std::to_string(depth));
        Part whole = run(scn, opts(3, true, true));
        Part plain = run(scn, opts(3, false, true));
        Part split = dpor_split(scn, 3, depth, slice);
        EXPECT_TRUE(split.exhausted);
        EXPECT_EQ(split.signatures, whole.signatures);
        EXPECT_GE(split.executions, whole.executions);
        EXPECT_LE(split.executions, plain.executions);
      }
}

TEST(DfsSplit, DporSplitFindsWhatOneDporSearchFinds) {
  std::vector<std::pair<std::string, test::Scenario>> scenarios = {
      {"window0", test::lost_wakeup(LW_WINDOW, 0)},
      {"window3", test::lost_wakeup(LW_WINDOW, 3)},
      {"unchecked", test::lost_wakeup(LW_UNCHECKED, 2)},
      {"checked", test::lost_wakeup(LW_CHECKED, 3)},
      {"shared2", test::counting(true, 2, true)}};
  for (const auto& [name, scn] : scenarios)
    for (uint32_t bound : {1u, 2u})
      for (uint32_t depth : {1u, 2u, 4u, 8u}) {
        SCOPED_TRACE(name + " bound=" + std::to_string(bound) + " depth=" +
                     std::to_string(depth));
        Part whole = run(scn, opts(bound, true, true));
        Part plain = run(scn, opts(bound, false, true));
        Part split = dpor_split(scn, bound, depth);
        EXPECT_TRUE(split.exhausted);
        EXPECT_EQ(split.signatures, whole.signatures);
        EXPECT_EQ(split.signatures, plain.signatures);
        // Not a partition: a part's sleep sets start with only the siblings
        // taken before its prefix, so deep prefixes cost a few executions
        // more than one DPOR search (here: 0-20%); never the plain search's.
        EXPECT_GE(split.executions, whole.executions);
        EXPECT_LE(split.executions, plain.executions);
        if (depth == 1) {
          EXPECT_EQ(split.executions, whole.executions);
        }
      }
}

}  // namespace
