// What went wrong in an execution. A bug in driver code is a Failure, never a
// host crash; only a malformed input or a broken environment is an error.
#pragma once

#include <cstdint>
#include <string>

#include "sim/event.h"

namespace ks::sim {

enum class FailureKind : uint8_t {
  kNone = 0,
  kDeadlock,          // wait-for cycle on locks
  kStuck,             // nothing runnable, threads asleep (lost wakeup)
  kStepBudget,        // livelock or runaway loop
  kPanic,             // panic, ASSERT/VERIFY
  kLockMisuse,        // non-owner exit, recursion, destroy while held, ...
  kLockOrder,         // witness: lock-order inversion
  kMemory,            // double free, bad free, use after free, leak
  kTeardown,          // threads, taskqs, nodes, files left behind
  kFault,             // SIGSEGV/SIGBUS/... in driver code, stack overflow
  kReplayDivergence,  // a replayed schedule did not fit this execution
  kScenario,          // the scenario's own check failed (data mismatch ...)
  kHostError,         // an exception escaped simulator code: our bug
  kHang,              // a thread ran too long with no scheduling point
  kDataRace,          // two unordered accesses to driver memory, one a write
  kUnload,            // a module unloaded mid-run left work that runs its code
};

const char* failure_kind_name(FailureKind k);
bool failure_kind_from_name(const std::string& s, FailureKind* out);

struct Failure {
  FailureKind kind = FailureKind::kNone;
  uint64_t step = 0;
  Tid tid = 0;
  std::string thread;     // name of the thread that failed (or found it)
  std::string message;    // full, for people
  std::string signature;  // short and stable across runs: dedupe key
  explicit operator bool() const { return kind != FailureKind::kNone; }
};

}  // namespace ks::sim
