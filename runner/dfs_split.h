// Splitting a bounded search over processes (kernsim explore --jobs, or a
// Dask cluster): the protocol between the parts and the split
// (python/kernsim/dfs_split.py deals the work; dfs_parts.py keeps the
// frontier). The DFS strategy only offers the mechanisms: a search that
// branches at its first `branch_depth` decisions, a search restricted to
// the subtrees under given prefixes, and (DPOR) the backtrack points its
// races put on a prefix's decisions (DfsStrategy::requests).
//
// The enumeration: a search with branch_depth d takes the default pick
// after its first d decisions, so each execution is one distinct prefix of
// length d (or a whole execution, if it ends sooner). A part searches the
// subtrees under some prefixes, each at the first bound that can pay for
// the prefix's own preemptions. Without DPOR the subtrees under all the
// prefixes partition the unsplit search exactly (every execution has one
// prefix; it runs at the bound of its preemption count, in whichever part
// holds its prefix), and a part stopped between executions says what it
// left as more such prefixes (split_remainder), so a part can run a slice
// and hand the rest on.
//
// With DPOR the enumeration branches, above depth d, only where the races
// of its executions ask (a distributed DPOR after Yang, Chen, Gopalakrishnan
// and Kirby, SPIN 2007): a prefix whose decisions all sleep is dropped, and
// a backtrack point a part's races put on a prefix decision (another part's
// subtree) comes back as a request that the split searches as a new prefix
// unless a prefix under it was searched already; a DPOR slice searching one
// bound hands its untried alternatives on the same way (split_remainder);
// a prefix's siblings searched before it (SplitPrefix.siblings_done, and a
// slice's split_explored) sleep below it as in one search. It does not
// partition the DPOR search exactly (a part knows of the others only the
// siblings taken before its prefix, not the backtrack and sleep sets their
// searches built), so deep prefixes cost a few more executions than one
// DPOR search (tests/cpp/test_dfs_split.cc).
#pragma once

#include <vector>

#include "kernsim.pb.h"
#include "runner/search.h"
#include "sim/strategies/dfs.h"

namespace ks::runner {

// A part's options from its RunSpec's SplitPart. Throws
// std::invalid_argument naming a malformed prefix.
void apply_split(const kernsim::SplitPart& p, SearchOptions& o);
// What the part leaves for the split.
kernsim::SplitReport split_report(const SearchResult& r);

// Between executions: the work `dfs` has left, as prefixes whose subtrees
// partition it (the next execution's path, each alternative not tried yet
// on it, the queued roots, the prefixes not entered yet). A restricted
// search over them, in one part or dealt over several, finishes this one.
// Plain DFS, or DPOR searching one bound (iterative=false), whose split
// takes requests for the backtrack points later races put on these
// prefixes, and split_explored() for the siblings that sleep below them.
std::vector<sim::DfsPrefix> split_remainder(const sim::DfsStrategy& dfs);
// DPOR: the siblings on the current path whose subtrees were searched.
std::vector<std::vector<sim::Decision>> split_explored(const sim::DfsStrategy& dfs);

}  // namespace ks::runner
