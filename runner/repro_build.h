// The one place a run becomes a file: a Repro of a failing execution, a
// DfsCheckpoint of a search, both from the RunSpec the run was made with,
// whose messages they copy whole (a new World option reaches every repro
// with no code here).
#pragma once

#include "kernsim.pb.h"
#include "runner/explore.h"
#include "sim/strategies/dfs.h"

namespace ks::runner {

inline constexpr uint32_t kReproVersion = 1;
inline constexpr uint32_t kCheckpointVersion = 1;

// The execution `rec` of the run `spec` (found_by: its strategy). Module
// hashes are stamped by whoever writes the file (they name files on disk).
kernsim::Repro make_repro(const kernsim::RunSpec& spec, const RunRecord& rec);

// A search's state, resumable by a run of the same spec.
kernsim::DfsCheckpoint make_checkpoint(const kernsim::RunSpec& spec, const sim::DfsState& st,
                                       uint64_t failures);
// The state a checkpoint continues; invalid_argument names a bad field.
sim::DfsState dfs_state_from(const kernsim::DfsCheckpoint& c);

// A proto3 string must be UTF-8, and a failure message may quote freed
// memory (kmem poison): anything outside printable ASCII becomes '?'.
std::string printable(const std::string& s);

}  // namespace ks::runner
