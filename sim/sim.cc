#include "sim/sim.h"
#include "sim/sim_image.h"

#include "sim/call_site.h"
#include "sim/watchdog.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <stdexcept>

namespace ks::sim {

constinit thread_local Sim* tls_current_sim = nullptr;

namespace {

bool heap_later(const auto& a, const auto& b) {
  return a.deadline != b.deadline ? a.deadline > b.deadline : a.seq > b.seq;
}
}  // namespace

Sim::HostScope::HostScope(Sim& s) : prev_(tls_current_sim) { tls_current_sim = &s; }
Sim::HostScope::~HostScope() { tls_current_sim = prev_; }

Sim::Sim(StackPool& stacks, Strategy& strategy, const SimOptions& opts, uint64_t index)
    : stacks_(stacks), strategy_(&strategy), opts_(opts) {
  pick_buf_.resize(16);
  // One allocation each instead of a doubling series per execution.
  objects_.reserve(64);
  grow_decisions();
  start(index);
}

// Everything an execution changes goes back to a fresh Sim's state; the
// containers keep what they grew to, so a warm Sim allocates nothing.
void Sim::reset(Strategy& strategy, const SimOptions& opts, uint64_t index) {
  by_tid_.clear();
  nfree_ = 0;  // every stack serves again, in number order
  nstacks_ = 0;
  opt_first_ = 1;
  opt_n_ = 0;
  options_dirty_ = true;
  objects_.clear();
  // The boot image's threads and objects name strings in the first names:
  // an execution that does not restore it interns after them.
  nnames_ = image_ ? image_->nnames : 0;
  cur_ = nullptr;
  stop_ = StopReason::kQuiescent;
  req_code_ = 0;
  req_data_ = nullptr;
  resume_cur_ = false;
  req_thread_ = nullptr;
  step_ = 0;
  hash_ = kHashSeed;
  preemptions_ = 0;
  trace_.clear();
  ndecisions_ = 0;
  if (failure_) failure_ = Failure{};
  now_ = 0;
  timer_seq_ = 0;
  clock_step_ = 0;
  timers_.clear();
  hang_pc_ = hang_site_ = 0;
  fixed_ = false;
  // runs_ keeps counting: the watchdog tells executions apart by it.
  strategy_ = &strategy;
  opts_ = opts;
  start(index);
}

void Sim::start(uint64_t index) {
  strategy_events_ = strategy_->wants_events();
  observe_ = strategy_events_ || opts_.record_trace;
  uniform_picks_ = strategy_->uniform_picks();
  hooks_ = strategy_->hooks();
  runnable_.assign(1, 0);
  nrun_ = 0;
  strategy_->begin(index, *this);
}

void Sim::finish() {
  if (!hooks_) return;  // nothing to tell, and no divergence
  strategy_->end(ExecutionSummary{step_, static_cast<uint32_t>(by_tid_.size()),
                                 static_cast<bool>(failure_)});
  std::string why = strategy_->divergence();
  if (!why.empty() && (!failure_ || failure_.kind != FailureKind::kReplayDivergence)) {
    // A divergence explains any failure it caused; it replaces it.
    failure_ = Failure{};
    set_failure(FailureKind::kReplayDivergence, why, "replay_divergence");
  }
}

Sim::~Sim() {
  drop_image();
  put_stacks();
}

// A reset Sim reuses the strings of the names interned before it: assigning
// a name no longer than the old one keeps its buffer.
const char* Sim::intern(const std::string& s) {
  if (nnames_ == names_.size()) names_.emplace_back();
  std::string& n = names_[nnames_++];
  n.assign(s);
  return n.c_str();
}

Tid Sim::spawn(const char* name, void (*fn)(void*), void* arg, bool daemon,
               uint8_t ctx) {
  // A reset Sim reuses the records of the threads before it (their
  // addresses stay put while more are added).
  size_t slot = by_tid_.size();
  if (__builtin_expect(slot >= kMaxThreadsPerExecution, 0)) thread_budget_exceeded(false);
  if (slot == threads_.size()) threads_.emplace_back();
  Thread& t = threads_[slot];
  by_tid_.push_back(&t);
  // Field by field, not `t = Thread{}`: that compiled to a rep stos whose
  // start-up was most of a spawn. A field added to Thread is set here too
  // (the static_assert in sim.h counts them).
  t.tid = static_cast<Tid>(slot + 1);
  t.name = name;
  t.state = ThreadState::kRunnable;
  t.daemon = daemon;
  t.ctx = ctx;
  t.started = false;
  t.fn = fn;
  t.arg = arg;
  // The stack an exited thread of this execution left, else the next one:
  // a stack of an earlier execution's (the common case, tested inline), or
  // one more from the pool.
  uint32_t no;
  if (nfree_ != 0) no = free_stacks_[--nfree_];
  else if (__builtin_expect(nstacks_ < stacks_own_.size(), 1)) no = nstacks_++;
  else no = new_stack();
  t.stack_no = no;
  // Read back from a local, not from t.stack just stored (a store-forwarding
  // stall showed there).
  const Stack st = stacks_own_[no];
  t.stack = st;
  asan::unpoison(st.base, st.size);  // ASan builds: an abandoned fiber's redzones
  t.wait_obj = 0;
  t.wait_kind = 0;
  t.wait_step = 0;
  t.wait_ns = 0;
  t.wake_code = 0;
  t.next_kind = 0;
  t.next_obj = 0;
  t.owner_data = nullptr;
  t.pin = now_ + opts_.sched_latency_ns;
#if KS_ASAN
  t.asan_fake = nullptr;
#endif
  if (bctx::fcontext_t f = parked_[no].fctx) {
    t.fctx = f;  // the fiber of the stack's last thread, parked (thread_main)
    parked_[no].fctx = nullptr;
  } else {
    t.fctx = bctx::make_fcontext(st.top(), st.size, fiber_entry);
  }
  if (((t.tid - 1) >> 6) >= runnable_.size()) runnable_.push_back(0);
  if (pick_buf_.size() < by_tid_.size() + 1) pick_buf_.resize(by_tid_.size() + 1);
  // The newest thread has the highest tid: it goes at the end of the
  // runnable list, with no search for its place.
  runnable_[(t.tid - 1) >> 6] |= uint64_t(1) << ((t.tid - 1) & 63);
  pick_buf_[1 + nrun_++] = t.tid;
  options_changed();
  if (hooks_) strategy_->on_spawn(t.tid);
  return t.tid;
}

void Sim::observe(const Event& e) {
  if (opts_.record_trace) {
    trace_.push_back(e);
    if (cur_) trace_.back().site = guest_call_site();
  }
  if (strategy_events_) strategy_->on_event(e);
}

void fiber_entry(bctx::transfer_t t) {
  asan_arrive(nullptr);  // a fiber's first entry (ASan builds only)
  static_cast<Context*>(t.data)->fctx = t.fctx;
  Sim* s = tls_current_sim;
  s->thread_main(s->cur_);
}

// Runs the threads of one stack, one after another: a thread that returns
// parks its fiber here and frees its stack, and the next thread spawned on
// that stack (in this execution or a later one) resumes it instead of
// making a new fiber (Relacy's reuse: no make_fcontext and no first entry
// per spawn). A fiber abandoned where it stands (a failure) is not parked,
// and the next thread on its stack makes a new one.
void Sim::thread_main(Thread* self) {
  for (;;) {
    self->started = true;
    emit(kEvThreadStart, 0);
    try {
      self->fn(self->arg);
    } catch (const std::exception& e) {
      fail(FailureKind::kHostError, std::string("exception escaped thread ") + self->name +
                                        ": " + e.what(),
           "host_error");
    } catch (...) {
      fail(FailureKind::kHostError,
           std::string("unknown exception escaped thread ") + self->name, "host_error");
    }
    self->state = ThreadState::kDone;
    set_runnable(self->tid, false);
    emit(kEvThreadExit, 0);
    Tid next = pick_next(false);
    Context* to = &host_;
    if (next == 0) {
      stop_ = StopReason::kQuiescent;
      cur_ = nullptr;
    } else {
      cur_ = thread(next);
      to = cur_;
    }
    if (exit_hook_) exit_hook_(owner_, self->tid);
    // The stack is free once this fiber has left it: not before the pick,
    // whose timers may spawn (a callout's run) while it still runs here.
    free_stacks_[nfree_++] = self->stack_no;
    // Whoever runs next stores this fiber's context in the stack's parking
    // place, as it stores any context it was switched from.
    Context* park = kReuseFibers ? &parked_[self->stack_no] : self;
    if (next == 0) asan_leave_for_host(nullptr);
    else asan_leave(nullptr, cur_->stack);
    bctx::transfer_t t = bctx::jump_fcontext(to->fctx, park);
    // Resumed by a spawn on this stack: cur_ is the new thread.
    static_cast<Context*>(t.data)->fctx = t.fctx;
    self = cur_;
  }
}

void Sim::rebuild_run_list() {
  Tid* buf = pick_buf_.data() + 1;
  uint32_t n = 0;
  for (size_t w = 0; w < runnable_.size(); w++) {
    for (uint64_t bits = runnable_[w]; bits; bits &= bits - 1)
      buf[n++] = static_cast<Tid>(w * 64 + __builtin_ctzll(bits) + 1);
  }
  nrun_ = n;
  options_dirty_ = true;
}

// The options of a pick: the clock first when a timer may fire, then the
// runnable threads by tid (kept by set_runnable). Worked out again only
// after the timer queue, a pin or the fixed schedule changed: most points
// change none, and a switching point then costs no more than the
// strategy's own choice.
void Sim::rebuild_options() {
  const Tid* buf = pick_buf_.data() + 1;
  size_t n = nrun_;
  // The clock may fire at any point when clock choices are on, and only
  // when nothing else can run when they are off; and never past the pin of
  // a runnable thread (the bounded scheduling latency), unless nothing else
  // can run.
  bool clock = !timers_.empty() && (n == 0 || (opts_.clock_choices &&
                                               timers_.front().deadline <= min_pin(buf, n)));
  pick_buf_[0] = kClockTid;
  opt_first_ = clock ? 0 : 1;
  opt_n_ = static_cast<uint32_t>(n + clock);
  // On the boot's fixed schedule the options stay dirty, so every pick
  // takes pick_next (fixed_pick) and the common path tests nothing more.
  options_dirty_ = fixed_;
}

uint64_t Sim::min_pin(const Tid* tids, size_t n) const {
  uint64_t m = kUnpinned;
  for (size_t i = 0; i < n; i++) m = std::min(m, by_tid_[tids[i] - 1]->pin);
  return m;
}

// The strategy's pick among n >= 2 options, checked and logged; kNoPick
// when it picked something else (a divergence, recorded by bad_pick).
__attribute__((always_inline)) inline Tid Sim::ask_strategy(const Tid* options, size_t n, bool current_runnable) {
  if (Rng* r = uniform_picks_) {  // one of the options by construction: no check
    Tid t = options[r->below(static_cast<uint32_t>(n))];
    log_decision(Decision{0, t});
    return t;
  }
  PickContext c{std::span<const Tid>(options, n), cur_ ? cur_->tid : 0, current_runnable,
                step_};
  Tid t = strategy_->pick(c);
  bool valid = t == kClockTid ? options[0] == kClockTid
                              : t - 1 < runnable_.size() * 64 &&
                                    (runnable_[(t - 1) >> 6] >> ((t - 1) & 63) & 1);
  if (__builtin_expect(!valid, 0)) {
    bad_pick(t);
    return kNoPick;
  }
  log_decision(Decision{0, t});
  return t;
}

__attribute__((noinline)) Tid Sim::pick_next(bool current_runnable) {
  for (;;) {
    if (options_dirty_) rebuild_options();
    size_t n = opt_n_;
    if (n == 0) return 0;
    const Tid* buf = pick_buf_.data() + opt_first_;
    Tid t = buf[0];
    if (n > 1) {
      if (__builtin_expect(fixed_, 0)) t = fixed_pick(buf, n, current_runnable);
      else if ((t = ask_strategy(buf, n, current_runnable)) == kNoPick) return 0;
    }
    if (t != kClockTid) return t;
    fire_next_timer();
  }
}

// The boot's pick (set_fixed): no preemption, no timer while a thread can run.
Tid Sim::fixed_pick(const Tid* options, size_t n, bool current_runnable) const {
  if (current_runnable && cur_) return cur_->tid;
  return options[0] == kClockTid ? options[1] : options[0];
}

__attribute__((noinline)) void Sim::grow_decisions() {
  size_t cap = decisions_cap_ ? 2 * decisions_cap_ : 256;
  std::unique_ptr<Decision[]> d(new Decision[cap]);
  std::copy_n(decisions_.get(), ndecisions_, d.get());
  decisions_ = std::move(d);
  decisions_cap_ = cap;
}

// Kept out of pick_next: its strings would bloat the hot path's frame.
__attribute__((noinline, cold)) void Sim::bad_pick(Tid t) {
  std::string why = strategy_->divergence();
  if (why.empty())
    why = std::string("strategy ") + strategy_->name() + " picked thread " + std::to_string(t) +
          ", which is not runnable at step " + std::to_string(step_);
  if (cur_) fail(FailureKind::kReplayDivergence, why, "replay_divergence");
  set_failure(FailureKind::kReplayDivergence, why, "replay_divergence");
}

Thread* Sim::decide() {
  // The common case kept short (few registers to save): the options did not
  // change since the last pick and hold no clock, so the strategy's choice
  // is all there is to it.
  if (__builtin_expect(options_dirty_ || opt_first_ != 1 || opt_n_ < 2, 0))
    return to_thread(pick_next(true));
  return to_thread(ask_strategy(pick_buf_.data() + 1, opt_n_, true));
}

// The thread to switch to for a pick at a point, or null to keep running.
__attribute__((always_inline)) inline Thread* Sim::to_thread(Tid next) {
  if (next == cur_->tid) return nullptr;
  // A bad pick was recorded as a divergence (on a fiber it already failed).
  if (__builtin_expect(next == 0 || next == kNoPick, 0)) leave_to_host(StopReason::kFailed);
  preemptions_++;
  return thread(next);
}

Thread* Sim::block_pick(uint16_t kind, ObjId obj) {
  Thread* self = cur_;
  self->state = ThreadState::kBlocked;
  self->wait_obj = obj;
  self->wait_kind = kind;
  self->wait_step = step_;
  self->wait_ns = now_;
  self->next_kind = kind;  // resuming continues the wait on obj
  self->next_obj = obj;
  set_runnable(self->tid, false);
  emit(kEvBlock, obj, kind);
  Tid next = pick_next(false);
  if (next == 0) {
    if (failure_) leave_to_host(StopReason::kFailed);
    // Nothing can run: the host decides whether that is the end or a hang.
    // It may start more threads (teardown) that wake this one: resumable.
    yield_to_host(StopReason::kQuiescent);
    return nullptr;
  }
  return next != self->tid ? thread(next) : nullptr;
}

void Sim::wake(Tid t, int code) {
  Thread* th = thread(t);
  if (th->state != ThreadState::kBlocked) return;
  th->state = ThreadState::kRunnable;
  th->wake_code = code;
  th->pin = now_ + opts_.sched_latency_ns;
  set_runnable(t, true);
  emit(kEvWake, th->wait_obj, static_cast<uint64_t>(code), t);
}

uint32_t Sim::choose(uint32_t n, ChoiceKind kind) {
  if (n < 2) return 0;
  uint32_t v = strategy_->choose(n, kind);
  if (v >= n) {
    std::string why = strategy_->divergence();
    if (why.empty())
      why = std::string("strategy ") + strategy_->name() + " chose " + std::to_string(v) +
            " of " + std::to_string(n) + " at step " + std::to_string(step_);
    fail(FailureKind::kReplayDivergence, why, "replay_divergence");
  }
  log_decision(Decision{static_cast<uint8_t>(kind), v});
  emit(kEvChoice, 0, static_cast<uint64_t>(kind), v);
  return v;
}

void Sim::leave_to_host(StopReason why) {
  stop_ = why;
  Thread* self = cur_;
  cur_ = nullptr;
  asan_leave_for_host(nullptr);  // this fiber never resumes
  bctx::jump_fcontext(host_.fctx, self);
  __builtin_unreachable();
}

void Sim::yield_to_host(StopReason why) {
  stop_ = why;
  Thread* self = cur_;
  cur_ = nullptr;
  asan_leave_for_host(self);
  bctx::transfer_t t = bctx::jump_fcontext(host_.fctx, self);
  static_cast<Context*>(t.data)->fctx = t.fctx;
  asan_arrive(self);
}

void Sim::host_request(int code, void* data) {
  req_code_ = code;
  req_data_ = data;
  resume_cur_ = true;
  req_thread_ = cur_;
  yield_to_host(StopReason::kHostRequest);
}

void Sim::set_failure(FailureKind kind, std::string message, std::string signature,
                      Tid tid) {
  if (failure_) return;  // the first failure is the one that counts
  failure_.kind = kind;
  failure_.step = step_;
  failure_.tid = tid;
  failure_.thread = tid ? thread(tid)->name : "";
  failure_.message = std::move(message);
  failure_.signature = std::move(signature);
}

void Sim::fail(FailureKind kind, std::string message, std::string signature) {
  if (!cur_) throw std::logic_error("kernsim: Sim::fail called on the host: " + message);
  set_failure(kind, std::move(message), std::move(signature), cur_->tid);
  leave_to_host(StopReason::kFailed);
}

// A timer that fired in the budget's last tenth means virtual time still
// moves: the threads sleep and wake, they do not spin. That is an
// execution that does not end (a timed wait for a count never reached, a
// periodic somebody waits on), which no kernel reports; said apart, so
// that the fuzzer can tell it from a livelock (runner/fuzz_verdict.cc).
void Sim::step_budget_exceeded() {
  std::string budget = "step budget of " + std::to_string(opts_.max_steps) +
                       " scheduling points exceeded while thread " + cur_->name + " ran";
  if (now_ > 0 && clock_step_ + opts_.max_steps / 10 >= step_) {
    char t[48];
    std::snprintf(t, sizeof t, "%.3f s", static_cast<double>(now_) / 1e9);
    fail(FailureKind::kStepBudget,
         budget + ", with virtual time still advancing (a timer fired at step " +
             std::to_string(clock_step_) + ", at " + t +
             "): no spin, an execution that does not end (a timed wait or a periodic timer "
             "that goes on for ever; a larger max_steps if it should end)",
         "step_budget:clock_running");
  }
  fail(FailureKind::kStepBudget,
       budget + ": a livelock, or a loop that never blocks (a spin on a flag?)", "step_budget");
}

// On a fiber the run ends here; on the host (a timer fired by run()'s own
// pick) the failure is set, the thread made, and run() stops before it
// switches to anything.
void Sim::thread_budget_exceeded(bool live) {
  std::string msg =
      live ? "live thread budget of " + std::to_string(kMaxLiveThreads) +
                 " threads alive at once exceeded: a runaway (a thread that starts threads "
                 "that never finish?)"
           : "thread budget of " + std::to_string(kMaxThreadsPerExecution) +
                 " threads in one execution exceeded: a runaway (a callout or timeout that "
                 "re-arms itself at once, or a thread that starts threads without end?)";
  const char* sig = live ? "live_thread_budget" : "thread_budget";
  if (cur_) fail(FailureKind::kStepBudget, std::move(msg), sig);
  if (!failure_) set_failure(FailureKind::kStepBudget, std::move(msg), sig);
}

uint64_t Sim::add_timer(uint64_t deadline, TimerFn fn, void* arg) {
  uint64_t id = ++timer_seq_;
  timers_.push_back(Timer{std::max(deadline, now_), id, id, fn, arg});
  options_dirty_ = true;
  std::push_heap(timers_.begin(), timers_.end(), [](auto& a, auto& b) { return heap_later(a, b); });
  return id;
}

bool Sim::cancel_timer(uint64_t id) {
  for (size_t i = 0; i < timers_.size(); i++) {
    if (timers_[i].id == id) {
      timers_[i] = timers_.back();
      timers_.pop_back();
      options_dirty_ = true;
      std::make_heap(timers_.begin(), timers_.end(), [](auto& a, auto& b) { return heap_later(a, b); });
      return true;
    }
  }
  return false;
}

void Sim::fire_next_timer() {
  std::pop_heap(timers_.begin(), timers_.end(), [](auto& a, auto& b) { return heap_later(a, b); });
  Timer t = timers_.back();
  timers_.pop_back();
  options_dirty_ = true;
  now_ = t.deadline;
  clock_step_ = step_;
  // A thread in a system call is unpinned (unpin): a timer may fire between
  // any two of its scheduling points, however far ahead. Once one has, the
  // thread is owed the CPU within the scheduling latency, as a woken one
  // is; else a periodic timer could run ahead of it for ever (PCT's clock
  // may outrank it at every pick), which no real scheduler allows.
  for (uint32_t i = 1; i <= nrun_; i++) {
    Thread* th = by_tid_[pick_buf_[i] - 1];
    if (th->pin == kUnpinned) th->pin = now_ + opts_.sched_latency_ns;
  }
  emit(kEvClock, 0, now_, t.id);
  t.fn(t.arg, t.id);
}

StopReason Sim::run() {
  Sim* prev = tls_current_sim;
  tls_current_sim = this;
  runs_++;
  if (sigsetjmp(recover_, 0) != 0) {  // no mask save: a syscall per run()
    // A fault in a fiber: on_fault() recorded it; or a hang: on_hang()
    // noted where. The fiber is abandoned.
    asan_arrive(&host_);  // the handler announced the jump (ASan builds only)
    if (hang_pc_) report_hang();
    cur_ = nullptr;
    tls_current_sim = prev;
    return stop_ = StopReason::kFailed;
  }
  if (failure_) {
    tls_current_sim = prev;
    return stop_ = StopReason::kFailed;
  }
  Thread* next;
  if (resume_cur_) {
    resume_cur_ = false;
    next = req_thread_;
  } else {
    Tid t = pick_next(false);
    if (t == 0 || failure_) {  // (failure_: a timer the pick fired failed)
      tls_current_sim = prev;
      return stop_ = failure_ ? StopReason::kFailed : StopReason::kQuiescent;
    }
    next = thread(t);
  }
  cur_ = next;
  asan_leave(&host_, next->stack);
  bctx::transfer_t tr = bctx::jump_fcontext(next->fctx, &host_);
  static_cast<Context*>(tr.data)->fctx = tr.fctx;
  asan_arrive(&host_);
  tls_current_sim = prev;
  return stop_;
}

void Sim::on_fault(int signo, uintptr_t addr, bool no_addr) {
  Thread* self = cur_;
  std::string what, sig;
  char buf[64];
  std::snprintf(buf, sizeof buf, "0x%" PRIxPTR, addr);
  const char* sname = signo == 11 ? "SIGSEGV" : signo == 7 ? "SIGBUS" : signo == 8 ? "SIGFPE"
                    : signo == 4 ? "SIGILL" : "signal";
  if (self->stack.in_guard(addr)) {
    what = std::string("stack overflow in thread ") + self->name + " (guard page hit at " + buf + ")";
    sig = "fault:stack_overflow";
  } else if (signo == 11 && no_addr) {
    // A non-canonical address (x86-64 #GP, si_addr 0): most often a pointer
    // loaded from freed kmem, whose poison 0xdeadbeefdeadbeef is one. It was
    // reported as a NULL dereference, which misleads: an illumos kernel
    // panics on it as a general protection fault at the poisoned address
    // (found by tests/drivers/ilpool.c's double PUT twin).
    what = std::string("general protection fault in thread ") + self->name +
           " (SIGSEGV with no address: a non-canonical pointer, such as one read from freed "
           "memory's 0xdeadbeef poison?)";
    sig = "fault:gp";
  } else if (signo == 11 && addr < 4096) {
    what = std::string("NULL pointer dereference in thread ") + self->name + " (" + sname +
           " at " + buf + ")";
    sig = "fault:null_deref";
  } else if (fault_describer_ && fault_describer_(owner_, addr, &what, &sig)) {
    what += std::string(" in thread ") + self->name;
  } else if (signo == 8) {
    what = std::string("arithmetic fault (SIGFPE, division by zero?) in thread ") + self->name;
    sig = "fault:sigfpe";
  } else if (signo == 4) {
    what = std::string("illegal instruction (SIGILL, a trap?) in thread ") + self->name;
    sig = "fault:sigill";
  } else {
    what = std::string("wild pointer in thread ") + self->name + " (" + sname + " at " + buf + ")";
    sig = std::string("fault:") + sname;
  }
  set_failure(FailureKind::kFault, what, sig, self->tid);
}

// Made here, on the host, not in the signal handler: naming the place
// starts addr2line. Nothing in it depends on time (the limit is an option),
// so a replay's report reads the same, but for where in the loop the tick
// landed.
void Sim::report_hang() {
  Thread* self = cur_;
  char lim[32];
  std::snprintf(lim, sizeof lim, "%g", opts_.hang_ms / 1000.0);
  std::string what = std::string("thread ") + self->name + " ran more than " + lim +
                     " s of CPU time with no scheduling point (a loop that never calls a "
                     "kernel primitive: a spin on a plain variable?); interrupted in ";
  if (hang_site_)  // the driver's line first: that is what its engineer can change
    what += describe_code_address(hang_site_ - 1) + ", in a call to " +
            describe_code_address(hang_pc_);
  else
    what += describe_code_address(hang_pc_);
  hang_pc_ = hang_site_ = 0;
  set_failure(FailureKind::kHang, what, "hang", self->tid);
}

const char* Sim::thread_name(Tid t) const {
  if (t == kClockTid) return "<clock>";
  return t <= by_tid_.size() ? by_tid_[t - 1]->name : "?";
}

bool Sim::pending_op(Tid t, uint16_t* kind, ObjId* obj) const {
  if (t == kClockTid || t > by_tid_.size()) return false;
  const Thread& th = *by_tid_[t - 1];
  if (!th.started || th.next_kind == 0) return false;
  *kind = th.next_kind;
  *obj = th.next_obj;
  return true;
}

const char* Sim::object_name(ObjId o) const {
  if (o < 1 || o > objects_.size()) return "";
  const Object& ob = objects_[o - 1];
  return ob.expr ? expr_short_name(ob.name) : ob.name;
}

const char* expr_short_name(const char* expr) {
  if (!expr) return "?";
  const char* best = expr;
  for (const char* p = expr; *p; p++) {
    if (*p == '>' || *p == '.' || *p == '&' || *p == '(' || *p == '*') best = p + 1;
  }
  while (*best == ' ') best++;
  return *best ? best : expr;
}

const char* sim_event_name(uint16_t kind) {
  static const char* const names[] = {"?", "thread_start", "thread_exit", "block",
                                      "wake", "clock", "choice"};
  if (kind < sizeof names / sizeof names[0]) return names[kind];
  return kind < kEvFirstKernel ? "?" : nullptr;
}

const char* Sim::event_name(uint16_t kind) const {
  if (const char* n = sim_event_name(kind)) return n;
  if (kind >= kEvFirstKernel && size_t(kind - kEvFirstKernel) < n_event_names_)
    return event_names_[kind - kEvFirstKernel];
  return "?";
}

}  // namespace ks::sim
