// The boot image (sim.h, Sim::save_image): the Sim's half of booting once
// and starting every later execution from a copy of the booted kernel.
#include <algorithm>
#include <cstring>

#include "sim/sim_image.h"

namespace ks::sim {


// The Sim keeps every stack it took from the pool until its destructor: a
// reset costs no trip through the pool per thread, and an execution's
// spawns take them by number (sim.h, stacks_own_). An abandoned fiber's
// stack is reused as it stands (ASan builds: spawn clears its redzones).
// The boot image's live threads ran on stacks of this Sim's, and a
// restore writes their bytes back into the same stacks, so the image
// holds no stack of its own.
// Spawn's slow path: every stack held is in use by a live thread.
uint32_t Sim::new_stack() {
  // One more would be past the budget. On the host the failure is recorded
  // and the thread still made (run() stops before it switches to anything).
  if (nstacks_ >= kMaxLiveThreads) thread_budget_exceeded(true);
  stacks_own_.push_back(stacks_.get());
  parked_.emplace_back();
  free_stacks_.push_back(0);  // room for every stack on the free list
  return nstacks_++;
}

void Sim::put_stacks() {
  for (const Stack& s : stacks_own_) stacks_.put(s);
  stacks_own_.clear();
  parked_.clear();
  free_stacks_.clear();
  nfree_ = nstacks_ = 0;
}

void Sim::drop_image() { image_.reset(); }

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
  }
  im->free_stacks.assign(free_stacks_.begin(), free_stacks_.begin() + nfree_);
  im->nstacks = nstacks_;
  im->runnable = runnable_;
  im->objects = objects_;
  im->nnames = nnames_;
  im->step = step_;
  im->hash = hash_;
  im->now = now_;
  im->timer_seq = timer_seq_;
  im->clock_step = clock_step_;
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
      parked_[t.stack_no].fctx = nullptr;
    }
  }
  // A free stack's parked fiber, if it has one, is as good as the boot's
  // (every parked fiber waits at the same place in thread_main), and one
  // that has none makes its fiber afresh: the thread's frames are the same.
  std::copy(im.free_stacks.begin(), im.free_stacks.end(), free_stacks_.begin());
  nfree_ = static_cast<uint32_t>(im.free_stacks.size());
  nstacks_ = im.nstacks;
  runnable_ = im.runnable;
  if (pick_buf_.size() < by_tid_.size() + 1) pick_buf_.resize(by_tid_.size() + 1);
  rebuild_run_list();
  objects_ = im.objects;
  nnames_ = im.nnames;
  step_ = im.step;
  hash_ = im.hash;
  now_ = im.now;
  timer_seq_ = im.timer_seq;
  clock_step_ = im.clock_step;
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
