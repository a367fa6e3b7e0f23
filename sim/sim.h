// The deterministic scheduler: simulated threads as fibers on one host
// thread, a scheduling point at every primitive, a strategy deciding each
// point, a decision log, a trace with a running hash, a virtual clock.
//
// Threads switch to each other directly (one jump per context switch, not
// two through a scheduler fiber). The host context (whoever called run())
// is entered only when the execution stops: quiescent, failed, or a fiber
// asked the host for a service (a Python generator's next system call).
//
// A failure, a step budget overrun or a fault abandons every fiber where it
// stands: nothing is unwound, and the Sim's stacks serve the next
// execution's threads.
#pragma once

#include <csetjmp>
#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "sim/event.h"
#include "sim/failure.h"
#include "sim/fiber.h"
#include "sim/stable_table.h"
#include "sim/strategy.h"

namespace ks::sim {

enum class ThreadState : uint8_t { kRunnable, kBlocked, kDone };

struct Thread : Context {
  Tid tid = 0;
  uint32_t stack_no = 0;  // which of the Sim's stacks it runs on (Sim::spawn)
  const char* name = "";
  ThreadState state = ThreadState::kRunnable;
  bool daemon = false;     // a kernel service thread: asleep at the end is fine
  // Its context (the kernel model's ThreadCtx: thread, soft interrupt or
  // callout, high-level interrupt); the kernel model decides what each may do.
  uint8_t ctx = 0;
  bool started = false;
  void (*fn)(void*) = nullptr;
  void* arg = nullptr;
  Stack stack;
  // What it sleeps on, while blocked (for stuck and deadlock reports).
  ObjId wait_obj = 0;
  uint16_t wait_kind = 0;
  uint64_t wait_step = 0;
  uint64_t wait_ns = 0;  // the virtual time it went to sleep at
  int wake_code = 0;
  // The operation it performs when next resumed (set only on the slow path
  // of a point, where it may be suspended, and when it blocks): see
  // SchedView::pending_op.
  uint16_t next_kind = 0;
  ObjId next_obj = 0;
  void* owner_data = nullptr;  // the kernel model's per-thread record
  // The latest virtual time the clock may reach while this thread is
  // runnable (see SimOptions::sched_latency_ns); kUnpinned for a user
  // thread that entered a system call and has not slept since.
  uint64_t pin = 0;
};
constexpr uint64_t kUnpinned = ~uint64_t(0);
// The threads one execution may have alive at once: each needs a stack of
// its own (two mappings: the host's map count, 65530 by default, allows
// about 32 k), so more is a failure report (`live_thread_budget`), not a
// host abort. An exited thread's stack serves the next new thread.
constexpr size_t kMaxLiveThreads = 24576;
// The threads one execution may start. Each keeps a record for the rest of
// the execution (its tid names it in reports and in the trace): about
// 0.5 KiB with the kernel model's (DESIGN.md, "thread budget"), so this
// bounds a runaway (a callout re-arming at once, each run a thread) to a
// clear `thread_budget` failure at a few hundred MiB, while a correct
// periodic callout may run this many times in one execution.
constexpr size_t kMaxThreadsPerExecution = size_t(1) << 18;
// Sim::spawn sets every field of a reused record one by one: a field added
// here must be set there too, and this count changed with it.
static_assert(sizeof(Thread) == sizeof(Context) + 120, "a new Thread field: set it in Sim::spawn");

// A logged decision: which thread ran (kind 0) or a data choice.
struct Decision {
  uint8_t kind;  // 0 = thread, else a ChoiceKind
  uint32_t value;
};

enum class StopReason : uint8_t {
  kQuiescent,    // nothing runnable, no timer pending
  kFailed,       // failure() says why
  kHostRequest,  // a fiber called host_request(); call run() again after serving it
};

struct SimOptions {
  uint64_t max_steps = 1'000'000;
  bool record_trace = false;  // keep every event (the hash is always kept)
  bool clock_choices = true;  // a pending timer may fire at any point
  // The time model's scheduling latency: a thread that becomes runnable
  // (woken, or a callout or kernel thread started) runs before virtual time
  // passes more than this beyond the moment it became runnable, until it
  // sleeps again. Default: one tick at hz=1000. A user thread is not bound
  // from its system call's entry until its first sleep (its user code may
  // take any time), so a timer may still fire between any two scheduling
  // points of the system call it makes.
  uint64_t sched_latency_ns = 1'000'000;
  // A thread that runs this long (CPU time) with no scheduling point is a
  // `hang` failure (sim/watchdog.h); 0: never. Long enough that no sane
  // stretch of driver code between two primitives reaches it, even in an
  // ASan -O0 build.
  uint32_t hang_ms = 10'000;
};

void fiber_entry(bctx::transfer_t t);
class Sim;
// Short name of a C expression naming an object: "&sc->sc_lock" -> "sc_lock"
// (a suffix of `expr`, or "?" for null).
const char* expr_short_name(const char* expr);
// The Sim inside run() on this host thread. initial-exec: the module that
// holds it may be dlopen'ed (the Python extension), and a global-dynamic
// TLS access would cost a call on every primitive. constinit: without it
// every reader first tests for a dynamic initialiser (a TLS wrapper call),
// which also gave every ks_ entry a stack frame.
extern thread_local constinit Sim* tls_current_sim __attribute__((tls_model("initial-exec")));

class Sim final : public SchedView {
 public:
  // `index`: which execution of a campaign this is (seeds the strategy).
  Sim(StackPool& stacks, Strategy& strategy, const SimOptions& opts, uint64_t index);
  ~Sim() override;
  // Back to the state of a Sim just made with these arguments, for the next
  // execution, keeping every buffer it grew (issue 14: no heap allocation
  // per execution once warm). Threads still suspended are abandoned, as
  // the destructor abandons them.
  void reset(Strategy& strategy, const SimOptions& opts, uint64_t index);
  Sim(const Sim&) = delete;
  Sim& operator=(const Sim&) = delete;

  // The Sim running on this host thread (valid while inside run()).
  static Sim* current() { return tls_current_sim; }
  // Makes this Sim current on the host for set-up code that creates objects
  // before the first run() (no scheduling points may happen there).
  class HostScope {
   public:
    explicit HostScope(Sim& s);
    ~HostScope();
   private:
    Sim* prev_;
  };
  void set_owner(void* o) { owner_ = o; }
  void* owner() const { return owner_; }

  // ---- threads and objects (host or fiber) ----
  Tid spawn(const char* name, void (*fn)(void*), void* arg, bool daemon = false,
            uint8_t ctx = 0);
  // `expr`: the name is a C expression naming the object ("&sc->sc_lock"),
  // shown by its short name (expr_short_name), worked out only when asked.
  ObjId new_object(uint16_t kind, const char* name, bool expr = false) {
    objects_.push_back(Object{kind, expr, name ? name : "?"});
    return static_cast<ObjId>(objects_.size());
  }
  // Keeps a copy of a name whose storage is not static.
  const char* intern(const std::string& s);
  void set_event_names(const char* const* names, size_t n) {
    event_names_ = names;
    n_event_names_ = n;
  }

  Thread* cur() const { return cur_; }
  bool on_fiber() const { return cur_ != nullptr; }
  Thread* thread(Tid t) { return by_tid_[t - 1]; }
  const Thread* thread(Tid t) const { return by_tid_[t - 1]; }
  size_t nthreads() const { return by_tid_.size(); }
  // Stacks this Sim holds (the most threads alive at once in any of its
  // executions so far, and the boot's).
  size_t stacks_held() const { return stacks_own_.size(); }

  // ---- on a fiber ----
  // A scheduling point, then the event of the operation that follows it.
  // Inline on purpose: after a context switch every return the resumed
  // thread makes is mispredicted, so the switch sits as few calls deep as
  // possible, and a point with nothing else runnable costs a few compares.
  void point(uint16_t kind, ObjId obj, uint64_t a0 = 0, uint64_t a1 = 0) {
    if (__builtin_expect(++step_ > opts_.max_steps, 0)) step_budget_exceeded();
    // The running thread is runnable: alone in the list, it is all there is.
    if (!(nrun_ == 1 && timers_.empty())) {
      cur_->next_kind = kind;
      cur_->next_obj = obj;
      if (Thread* next = decide()) switch_to(next);
    }
    emit(kind, obj, a0, a1, 0);
  }
  // The Event itself is built only when someone keeps or watches it: the
  // hash takes its fields.
  void emit(uint16_t kind, ObjId obj, uint64_t a0 = 0, uint64_t a1 = 0, int64_t result = 0) {
    Tid tid = cur_ ? cur_->tid : 0;
    hash_ = hash_event_fields(hash_, step_, tid, kind, obj, a0, a1, result, now_);
    if (__builtin_expect(observe_, 0)) observe(Event{step_, tid, kind, obj, a0, a1, result, now_});
  }
  // A detail of the event just emitted for the reader of a recorded trace
  // (an ioctl's command): kept outside the hash, as the execution does not
  // depend on how it is shown.
  void note(uint64_t v) {
    if (opts_.record_trace && !trace_.empty()) trace_.back().note = v;
  }
  // Sleep until wake(); returns the waker's code. The switch is inline,
  // as a point's is: the thread resumes in its caller's frame, and every
  // frame it returns through after a switch costs a mispredicted return
  // (the return-address predictor holds the other thread's calls).
  int block(uint16_t kind, ObjId obj) {
    Thread* self = cur_;
    if (Thread* next = block_pick(kind, obj)) switch_to(next);
    self->wait_obj = 0;
    return self->wake_code;
  }
  void wake(Tid t, int code);
  uint32_t choose(uint32_t n, ChoiceKind kind);
  [[noreturn]] void fail(FailureKind kind, std::string message, std::string signature);
  // Leave to the host with a request; returns once run() is called again.
  void host_request(int code, void* data);
  int host_request_code() const { return req_code_; }
  void* host_request_data() const { return req_data_; }

  // ---- virtual clock ----
  uint64_t now() const { return now_; }
  using TimerFn = void (*)(void* arg, uint64_t id);
  uint64_t add_timer(uint64_t deadline, TimerFn fn, void* arg);
  bool cancel_timer(uint64_t id);
  bool timers_pending() const { return !timers_.empty(); }
  // The current thread is no longer bound by the scheduling latency (a user
  // thread entering a system call): see SimOptions::sched_latency_ns.
  void unpin() {
    if (cur_->pin == kUnpinned) return;
    cur_->pin = kUnpinned;
    if (!timers_.empty()) options_dirty_ = true;  // pins only weigh against a timer
  }

  // ---- the boot ----
  // While on, picks are not the strategy's and are not logged: the current
  // thread runs while it can, else the runnable thread of lowest tid, and
  // a timer fires only when no thread can run. The kernel model turns it
  // on for the boot (module loads from the set-up) and off when the last
  // load finishes, so every execution of a set-up boots alike and spends
  // no decision (and no preemption bound) there. Data choices (faults)
  // are still the strategy's.
  void set_fixed(bool on) {
    fixed_ = on;
    options_dirty_ = true;
  }
  bool fixed() const { return fixed_; }

  // ---- the boot image (issue 14: boot once) ----
  // Taken on the host where the boot stopped (the last module load asked
  // the host for the rest of the set-up): every thread, object, name,
  // timer, the clock, step and hash, the bytes of the live threads'
  // stacks (the Sim's own, by number) and which stacks the boot left free.
  // restore_image(), right
  // after a reset, puts that state back and tells the strategy of the
  // boot's threads as their spawns did. Refused (false, `why` says) when
  // the boot is not the same in every execution or cannot be copied: a
  // data choice, a strategy that watches the boot's events, a recorded
  // trace, a failure, or an ASan build (its fake stacks).
  bool save_image(std::string* why);
  void restore_image();
  void drop_image();

  // ---- host ----
  StopReason run();
  // Tells the strategy the execution is over; a strategy that could not
  // follow its input (replay, script) turns into a divergence failure.
  void finish();
  // Record a failure found by the host (teardown checks, stuck analysis).
  void set_failure(FailureKind kind, std::string message, std::string signature,
                   Tid tid = 0);
  const Failure& failure() const { return failure_; }
  uint64_t trace_hash() const { return hash_; }
  const std::vector<Event>& trace() const { return trace_; }
  std::vector<Decision> decisions() const {
    return {decisions_.get(), decisions_.get() + ndecisions_};
  }
  // The same, not copied: for a record whose buffer is reused.
  std::span<const Decision> decision_log() const { return {decisions_.get(), ndecisions_}; }
  uint32_t preemptions() const { return preemptions_; }
  Strategy& strategy() { return *strategy_; }
  const SimOptions& options() const { return opts_; }

  // Describes a faulting address for a report; the kernel model knows user
  // address ranges. Returns false when it does not recognise the address.
  using FaultDescriber = bool (*)(void* owner, uintptr_t addr, std::string* what,
                                  std::string* sig);
  void set_fault_describer(FaultDescriber d) { fault_describer_ = d; }
  // Told of each thread that returned, once it can do nothing more (after
  // its last pick): the race detector lets go of its clock. Null: no call.
  using ExitHook = void (*)(void* owner, Tid t);
  void set_exit_hook(ExitHook h) { exit_hook_ = h; }

  // SchedView
  const char* thread_name(Tid t) const override;
  const char* object_name(ObjId o) const override;
  const char* event_name(uint16_t kind) const override;
  uint64_t step() const override { return step_; }
  bool pending_op(Tid t, uint16_t* kind, ObjId* obj) const override;
  Tid running() const override { return cur_ ? cur_->tid : 0; }
  uint16_t object_kind(ObjId o) const { return objects_[o - 1].kind; }
  size_t nobjects() const { return objects_.size(); }

  // Called by the signal handlers (fault_guard.cc, watchdog.cc) only.
  // no_addr: the CPU gave no address (a general protection fault).
  void on_fault(int signo, uintptr_t addr, bool no_addr = false);
  // `site`: the innermost driver call site when pc is not in a driver.
  void on_hang(uintptr_t pc, uintptr_t site) {
    hang_pc_ = pc ? pc : 1;
    hang_site_ = site;
  }
  uint32_t runs() const { return runs_; }  // calls of run(): the watchdog's
  sigjmp_buf& recover_point() { return recover_; }

 private:
  struct Object {
    uint16_t kind;
    bool expr;  // name is a C expression (new_object)
    const char* name;
  };
  struct Timer {
    uint64_t deadline, seq, id;
    TimerFn fn;
    void* arg;
  };

  friend void fiber_entry(bctx::transfer_t t);
  struct Image;
  std::unique_ptr<Image> image_;
  uint32_t new_stack();  // spawn's slow path: one more stack, from the pool
  void put_stacks();  // every stack, back to the pool (the destructor)
  void start(uint64_t index);  // the part of construction a reset repeats
  void thread_main(Thread* self);
  Thread* decide();  // the next thread at a point, or null to keep running
  // block() up to its switch: the thread to switch to, or null when the
  // blocked thread runs on (woken meanwhile, or the host woke it).
  Thread* block_pick(uint16_t kind, ObjId obj);
  Tid pick_next(bool current_runnable);
  void rebuild_options();
  uint64_t min_pin(const Tid* tids, size_t n) const;
  static constexpr Tid kNoPick = ~Tid(0);
  Thread* to_thread(Tid next);
  // A plain store on the hot path: a vector's push_back would inline its
  // growth path into every pick, and with it the saving of every
  // callee-saved register; a vector's resize would zero the slots.
  void log_decision(Decision d) {
    if (__builtin_expect(ndecisions_ == decisions_cap_, 0)) grow_decisions();
    decisions_[ndecisions_++] = d;
  }
  void grow_decisions();
  Tid ask_strategy(const Tid* options, size_t n, bool current_runnable);
  Tid fixed_pick(const Tid* options, size_t n, bool current_runnable) const;
  void bad_pick(Tid t);
  void observe(const Event& e);
  void switch_to(Thread* next) {
    Thread* prev = cur_;
    cur_ = next;
    asan_leave(prev, next->stack);  // ASan builds only (sim/asan_fiber.h)
    bctx::transfer_t t = bctx::jump_fcontext(next->fctx, prev);
    static_cast<Context*>(t.data)->fctx = t.fctx;
    asan_arrive(prev);
  }
  // To the host for good (the thread is finished or abandoned) ...
  [[noreturn]] void leave_to_host(StopReason why);
  // ... or until some thread switches back to this one.
  void yield_to_host(StopReason why);
  [[noreturn]] void step_budget_exceeded();
  void thread_budget_exceeded(bool live);
  void fire_next_timer();
  // The pick's options follow the runnable set as it changes (one insert
  // or removal in a short sorted list), rather than being rebuilt from the
  // bitmap at the next pick: most changes are a spawn, a block, a wake or
  // an exit between two points that each pick.
  void set_runnable(Tid t, bool r) {
    uint64_t& word = runnable_[(t - 1) >> 6];
    uint64_t bit = uint64_t(1) << ((t - 1) & 63);
    if (r == ((word & bit) != 0)) return;
    if (r) {
      word |= bit;
      run_insert(t);
    } else {
      word &= ~bit;
      run_remove(t);
    }
    options_changed();
  }
  // pick_buf_[1 ..+ nrun_] keeps the runnable tids ascending.
  void run_insert(Tid t) {
    Tid* b = pick_buf_.data() + 1;
    uint32_t i = nrun_++;
    for (; i > 0 && b[i - 1] > t; i--) b[i] = b[i - 1];
    b[i] = t;
  }
  void run_remove(Tid t) {
    Tid* b = pick_buf_.data() + 1;
    uint32_t i = 0;
    while (b[i] != t) i++;
    for (nrun_--; i < nrun_; i++) b[i] = b[i + 1];
  }
  void rebuild_run_list();  // from the bitmap (a reset, a restored image)
  // With no timer the clock is never an option, so the options are the
  // runnable list as it stands; otherwise the clock's place (it depends on
  // the runnable threads' pins) is worked out again at the next pick.
  void options_changed() {
    if (timers_.empty() && !fixed_) {
      opt_first_ = 1;
      opt_n_ = nrun_;
    } else {
      options_dirty_ = true;
    }
  }

  StackPool& stacks_;
  Strategy* strategy_;
  SimOptions opts_;
  void* owner_ = nullptr;
  bool strategy_events_;
  bool observe_;  // record the trace or show events to the strategy
  Rng* uniform_picks_ = nullptr;  // strategy_->uniform_picks()
  bool hooks_ = true;  // strategy_->hooks()

  // Every thread record made so far, the first nthreads() in use: a reset
  // keeps them for the next execution. Stable addresses.
  StableTable<Thread> threads_;
  std::vector<Thread*> by_tid_;  // index tid - 1: a load, not deque arithmetic
  // Every stack this Sim took from the pool, by number (Thread::stack_no);
  // kept until the destructor. An execution uses numbers 0 .. nstacks_-1,
  // the first new ones in order; a thread that exits puts its number on
  // free_stacks_ (the first nfree_; room for every stack), and a spawn
  // takes the last one put there (LIFO), else the next number. Which stack
  // a thread gets is thus the execution's own doing: the same in every run
  // and after a boot image's restore (a driver may take a local's address).
  std::vector<Stack> stacks_own_;
  std::vector<uint32_t> free_stacks_;
  uint32_t nfree_ = 0, nstacks_ = 0;
  // Index: the stack number; the fiber its last thread parked when it
  // returned, or null (thread_main). Not in ASan builds: a parked fiber
  // keeps ASan's fake-stack state, which spawn's unpoisoning of the stack
  // would undo.
  std::vector<Context> parked_;
  static constexpr bool kReuseFibers = !KS_ASAN;
  std::vector<uint64_t> runnable_;
  std::vector<Tid> pick_buf_;  // [0] the clock, then the runnable threads
  uint32_t nrun_ = 0;  // how many runnable threads follow the clock there
  uint32_t opt_first_ = 1, opt_n_ = 0;  // the options: pick_buf_[opt_first_ ..+ opt_n_)
  // The clock's place among the options needs working out (timers or pins
  // changed, or the boot's fixed schedule is on).
  bool options_dirty_ = true;
  bool fixed_ = false;  // set_fixed()
  std::vector<Object> objects_;
  std::deque<std::string> names_;  // the first nnames_ in use
  size_t nnames_ = 0;
  const char* const* event_names_ = nullptr;
  size_t n_event_names_ = 0;

  Thread* cur_ = nullptr;  // null while the host runs
  Context host_;
  StopReason stop_ = StopReason::kQuiescent;
  int req_code_ = 0;
  void* req_data_ = nullptr;
  bool resume_cur_ = false;  // run() resumes req_thread_ after a host request
  Thread* req_thread_ = nullptr;

  uint64_t step_ = 0;
  static constexpr uint64_t kHashSeed = 0xcbf29ce484222325ull;
  uint64_t hash_ = kHashSeed;
  uint32_t preemptions_ = 0;
  std::vector<Event> trace_;
  std::unique_ptr<Decision[]> decisions_;  // the log: the first ndecisions_
  size_t ndecisions_ = 0, decisions_cap_ = 0;
  Failure failure_;

  uint64_t now_ = 0;
  uint64_t timer_seq_ = 0;
  uint64_t clock_step_ = 0;  // the step the clock last fired a timer at
  std::vector<Timer> timers_;  // binary min-heap on (deadline, seq)

  FaultDescriber fault_describer_ = nullptr;
  ExitHook exit_hook_ = nullptr;
  sigjmp_buf recover_;
  uint32_t runs_ = 0;
  uintptr_t hang_pc_ = 0;  // set by the watchdog; the report is made on the host
  uintptr_t hang_site_ = 0;
  void report_hang();
};

}  // namespace ks::sim
