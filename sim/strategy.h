// The one small interface every scheduling strategy implements (shuttle's
// shape): start an execution, pick the next thread among the runnable ones,
// make a data choice. The simulator asks only when there is a real choice
// (two or more options), and logs every answer, so any strategy's run can be
// replayed by the replay strategy from the log alone.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "sim/event.h"
#include "sim/rng.h"

namespace ks::sim {

// Data nondeterminism that goes through the decision log.
enum class ChoiceKind : uint8_t {
  kFault = 1,     // inject a fault here? (allocation failure, EIO, page gone)
  kSpurious = 2,  // a spurious wakeup of a condvar waiter?
  kSignal = 3,    // deliver a pending signal now?
};

// What a strategy may look at when it picks.
class SchedView {
 public:
  virtual ~SchedView() = default;
  virtual const char* thread_name(Tid t) const = 0;
  virtual const char* object_name(ObjId o) const = 0;
  virtual const char* event_name(uint16_t kind) const = 0;
  virtual uint64_t step() const = 0;
  // The operation (event kind, object) a runnable thread performs next:
  // where it stands suspended at a scheduling point, or the wait it resumes
  // from. False when not known (a thread that has not started yet). DPOR's
  // sleep sets look at it.
  virtual bool pending_op(Tid, uint16_t* /*kind*/, ObjId* /*obj*/) const { return false; }
  // The thread running now; 0 on the host (the set-up, between runs).
  virtual Tid running() const { return 0; }
};

struct PickContext {
  std::span<const Tid> runnable;  // ascending; kClockTid (0) first if a timer may fire
  Tid current;                    // the thread at the scheduling point (0 from the host)
  bool current_runnable;          // false when current blocked or exited
  uint64_t step;
};

struct ExecutionSummary {
  uint64_t steps = 0;
  uint32_t threads = 0;
  bool failed = false;
};

class Strategy {
 public:
  virtual ~Strategy() = default;
  virtual const char* name() const = 0;
  // Before execution `index` of a campaign.
  virtual void begin(uint64_t index, const SchedView& view) = 0;
  // A new thread exists (PCT gives it a priority).
  virtual void on_spawn(Tid) {}
  virtual Tid pick(const PickContext& c) = 0;
  // A data choice in [0, n), n >= 2; 0 is always "the ordinary outcome".
  virtual uint32_t choose(uint32_t n, ChoiceKind kind) = 0;
  // Every canonical event, if wants_events() (the scripted strategy watches).
  virtual bool wants_events() const { return false; }
  // Whether it must see the boot's events too: a Sim that restores a boot
  // image (Sim::save_image) skips them, and the strategy's on_spawn calls
  // are all it hears of the boot.
  virtual bool needs_boot_events() const { return wants_events(); }
  virtual void on_event(const Event&) {}
  virtual void end(const ExecutionSummary&) {}
  // Non-empty when the strategy could not follow its input (replay, script).
  virtual std::string divergence() const { return {}; }

  // The generator of a strategy whose every pick is options[rng.below(n)]
  // (random): the Sim asks once per execution and then makes that draw
  // itself, inline, with no virtual call and no PickContext at each point.
  // The same draws from the same stream, so the same decisions.
  virtual Rng* uniform_picks() { return nullptr; }
  // False for a strategy whose on_spawn and end do nothing and that never
  // diverges (random): the Sim asks once per execution and then skips those
  // calls, a virtual call per spawn and two per execution's end.
  virtual bool hooks() const { return true; }
};

}  // namespace ks::sim
