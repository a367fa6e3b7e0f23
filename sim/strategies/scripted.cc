#include "sim/strategies/scripted.h"

#include <cstring>

namespace ks::sim {

void ScriptedStrategy::begin(uint64_t index, const SchedView& view) {
  view_ = &view;
  pos_ = 0;
  opened_step_ = 0;
  divergence_.clear();
  fallback_->begin(index, view);
}

Tid ScriptedStrategy::step_thread() const {
  if (pos_ >= steps_.size()) return 0;
  for (Tid t = 1;; t++) {
    const char* n = view_->thread_name(t);
    if (std::strcmp(n, "?") == 0) return 0;
    if (steps_[pos_].thread == n) return t;
  }
}

Tid ScriptedStrategy::pick(const PickContext& c) {
  // A step without an event closes when its thread can no longer run.
  while (pos_ < steps_.size() && steps_[pos_].event.empty()) {
    Tid t = step_thread();
    bool runnable = false;
    for (Tid r : c.runnable) runnable |= r == t;
    if (t == 0) break;  // not spawned yet
    if (runnable) return t;
    pos_++;  // it ran and has blocked or exited
    opened_step_ = view_->step();
  }
  if (Tid t = step_thread()) {
    for (Tid r : c.runnable)
      if (r == t) return t;
  }
  return fallback_->pick(c);
}

void ScriptedStrategy::on_event(const Event& e) {
  fallback_->on_event(e);
  while (pos_ < steps_.size()) {
    const ScriptStep& s = steps_[pos_];
    bool mine = e.tid != 0 && s.thread == view_->thread_name(e.tid);
    if (s.event.empty()) {
      // "Run T until it stops": while it is open, T runs whenever it can, so
      // another thread acting at a later scheduling point means T has
      // blocked or exited (or never could run).
      if (mine || e.tid == 0 || e.step <= opened_step_) return;
      pos_++;
      opened_step_ = e.step;
      continue;  // the event may close the next step
    }
    if (mine && s.event == view_->event_name(e.kind) &&
        (s.object.empty() || s.object == view_->object_name(e.obj))) {
      pos_++;
      opened_step_ = e.step;
    }
    return;
  }
}

void ScriptedStrategy::end(const ExecutionSummary& s) {
  fallback_->end(s);
  // At the end every thread has stopped: open "until it stops" steps are done.
  while (pos_ < steps_.size() && steps_[pos_].event.empty()) pos_++;
  if (pos_ < steps_.size() && divergence_.empty()) {
    const ScriptStep& st = steps_[pos_];
    divergence_ = "script step " + std::to_string(pos_) + " (run " + st.thread +
                  (st.event.empty() ? std::string(" until it stops")
                                    : " until " + st.event +
                                          (st.object.empty() ? "" : " on " + st.object)) +
                  ") never completed";
  }
}

}  // namespace ks::sim
