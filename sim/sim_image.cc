// The boot image (sim.h, Sim::save_image): the Sim's half of booting once
// and starting every later execution from a copy of the booted kernel.
#include <cstring>

#include "sim/sim_image.h"

namespace ks::sim {


// A thread slot keeps its stack from one execution to the next: a reset
// costs no trip through the pool per thread. An abandoned fiber's stack is
// reused as it stands (ASan builds: spawn clears its redzones). The
// image's pins are slot stacks too (the boot's threads ran on them, and a
// restore puts each back in its slot), so a stack is never on two lists.
void Sim::new_slot_stack(size_t slot) {
  if (slot >= slot_stacks_.size()) {
    slot_stacks_.resize(slot + 1);
    parked_.resize(slot + 1);
  }
  slot_stacks_[slot] = stacks_.get();
  parked_[slot].fctx = nullptr;
}

void Sim::put_stacks() {
  for (const Stack& s : slot_stacks_)
    if (s.base) stacks_.put(s);
  slot_stacks_.clear();
  parked_.clear();
}

void Sim::drop_image() {
  if (!image_) return;
  // A pin that is not some slot's own (none, by the above) goes back.
  std::vector<Stack> pins = std::move(image_->pins);
  image_.reset();
  for (const Stack& p : pins) {
    bool owned = false;
    for (const Stack& s : slot_stacks_) owned |= s.base == p.base;
    if (!owned) stacks_.put(p);
  }
}

bool Sim::save_image(std::string* why) {
  auto refuse = [&](const char* w) {
    if (why) *why = w;
    return false;
  };
  if (KS_ASAN) return refuse("an ASan build (fiber stacks hold its fake-stack state)");
  if (failure_) return refuse("the boot failed");
  if (cur_) return refuse("not on the host");
  if (ndecisions_) return refuse("the boot made a data choice (an injected fault)");
  if (opts_.record_trace) return refuse("the trace is recorded");
  if (strategy_->needs_boot_events()) return refuse("the strategy watches the boot's events");
  drop_image();
  auto im = std::make_unique<Image>();
  for (Thread* t : by_tid_) {
    im->threads.push_back(*t);
    if (t->state == ThreadState::kDone) {
      // Its stack goes back to the pool at the next reset, as a done
      // thread's does; the restored record has none.
      im->threads.back().stack = Stack{};
      im->stack_bytes.emplace_back();
      continue;
    }
    const char* sp = static_cast<const char*>(t->fctx);
    im->stack_bytes.emplace_back(sp, t->stack.top() - sp);
    im->pins.push_back(t->stack);
  }
  im->runnable = runnable_;
  im->objects = objects_;
  im->nnames = nnames_;
  im->step = step_;
  im->hash = hash_;
  im->now = now_;
  im->timer_seq = timer_seq_;
  im->preemptions = preemptions_;
  im->timers = timers_;
  im->resume_cur = resume_cur_;
  im->req_tid = req_thread_ ? req_thread_->tid : 0;
  im->req_code = req_code_;
  im->req_data = req_data_;
  im->fixed = fixed_;
  image_ = std::move(im);
  return true;
}

// Right after reset(): by_tid_ is empty and the strategy has begun.
void Sim::restore_image() {
  const Image& im = *image_;
  for (size_t i = 0; i < im.threads.size(); i++) {
    if (i == threads_.size()) threads_.emplace_back();
    Thread& t = threads_[i];
    t = im.threads[i];
    by_tid_.push_back(&t);
    const std::string& b = im.stack_bytes[i];
    if (!b.empty()) {
      std::memcpy(t.stack.top() - b.size(), b.data(), b.size());
      // A fiber parked on that stack (thread_main) is overwritten.
      if (i < parked_.size()) parked_[i].fctx = nullptr;
    }
  }
  runnable_ = im.runnable;
  if (pick_buf_.size() < by_tid_.size() + 1) pick_buf_.resize(by_tid_.size() + 1);
  rebuild_run_list();
  objects_ = im.objects;
  nnames_ = im.nnames;
  step_ = im.step;
  hash_ = im.hash;
  now_ = im.now;
  timer_seq_ = im.timer_seq;
  preemptions_ = im.preemptions;
  timers_ = im.timers;
  resume_cur_ = im.resume_cur;
  req_thread_ = im.req_tid ? by_tid_[im.req_tid - 1] : nullptr;
  req_code_ = im.req_code;
  req_data_ = im.req_data;
  fixed_ = im.fixed;
  stop_ = resume_cur_ ? StopReason::kHostRequest : StopReason::kQuiescent;
  if (hooks_)
    for (Thread* t : by_tid_) strategy_->on_spawn(t->tid);
}

}  // namespace ks::sim
