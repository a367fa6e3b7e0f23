// A World is one execution of the simulated kernel: the scheduler (sim::Sim),
// every kernel object, processes, devices, files, memory. It owns all it
// uses; nothing is global, so a World is thrown away whole after its run,
// or reset whole (reset()) and run again, as campaigns do.
//
// The kernel model is personality-neutral: a personality's headers translate
// the real kernel's names and argument orders onto the World's operations,
// setting the parameters where the real systems differ, and add no
// semantics of their own (DESIGN.md, "How a personality translates").
//
// An execution runs in phases: the user threads (and the kernel threads they
// start) run until nothing can run; if a non-daemon thread is still asleep
// that is a hang (stuck or deadlock); otherwise the teardown hooks run on a
// kernel thread (close what is open, detach drivers), then the final checks
// (leaks, leftovers) on the host.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kernel_model/events.h"
#include "kernel_model/kobject.h"
#include "sim/sim.h"
#include "sim/stable_table.h"

namespace ks::km {

using sim::ObjId;
using sim::Tid;

struct Proc;
struct BootImage;
class Module;
struct KmemState;
struct DevState;
struct VfsState;

struct WorldOptions {
  sim::SimOptions sim;
  bool inject_faults = false;     // allocation failure, I/O errors, pages gone
  bool spurious_wakeups = false;  // cv waiters may wake with no signal
  bool witness = true;            // lock-order checking
  bool detect_races = false;      // instrumented driver accesses checked (race.h)
  bool preempt_at_access = false;  // ... and a scheduling point when shared
  // Load the drivers' edge-coverage builds (the fuzzer's executor asks for
  // them); an execution runs the same with either build.
  bool coverage = false;
  // A Program's later executions start from its first one's booted kernel
  // (the boot image, "boot once" below); off, each boots.
  bool boot_image = true;
  // Every user thread asleep this long with no timeout of its own stops a
  // periodic running beside them (callout.cc parks_for_hang).
  uint64_t hung_task_ns = 120'000'000'000;
};

enum class RunStatus : uint8_t { kDone, kFailed, kHostRequest };

class World;
// Parked self-re-arming callouts armed again (callout.cc).
void callout_unpark(World& w);

class World {
 public:
  // `index`: which execution of a campaign this is (seeds the strategy).
  World(sim::StackPool& stacks, sim::Strategy& strategy, const WorldOptions& opts,
        uint64_t index = 0);
  ~World();
  // Back to the state of a World just made with these arguments, for the
  // next execution of a campaign, search or fuzz loop (issue 14): threads,
  // objects, hooks, console, components and kmem go back to nothing and
  // the epoch moves on, as for a new World; the containers keep what they
  // grew to. The set-up (drivers, files, threads) is then made again.
  void reset(sim::Strategy& strategy, const WorldOptions& opts, uint64_t index);
  // Gives the kmem arena slot back (a reset does; a World kept idle between
  // executions should): a World made meanwhile in this process then gets
  // the slot, and the addresses, a new World would. Its memory is not to be
  // read again until the next execution.
  void release_arena();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  // The World whose thread is running on this host thread.
  static World* current() { return static_cast<World*>(sim::Sim::current()->owner()); }
  sim::Sim& sim() { return sim_; }
  const WorldOptions& options() const { return opts_; }
  uint16_t epoch() const { return epoch_; }

  // ---- threads ----
  Tid spawn(const char* name, void (*fn)(void*), void* arg, bool daemon = false,
            ThreadCtx ctx = kCtxThread) {
    size_t n = sim_.nthreads();
    if (n == kthreads_.size()) kthreads_.emplace_back(); else kthreads_[n].reuse();
    Tid t = sim_.spawn(name, fn, arg, daemon, ctx);
    if (races_tracked()) race_fork_child(t);
    if (!daemon && ctx == kCtxThread) callout_unpark(*this);
    return t;
  }
  KThread& kt(Tid t) { return kthreads_[t - 1]; }
  KThread& self() { return kthreads_[sim_.cur()->tid - 1]; }
  Tid self_tid() const { return sim_.cur()->tid; }
  const char* thread_name(Tid t) const { return sim_.thread_name(t); }
  // A fixed, inlined-friendly scheduling point (preempt()).
  void preempt() { sim_.point(kEvPreempt, 0); }

  // ---- objects ----
  // `expr`: name is the C expression naming it (Sim::new_object).
  ObjId new_obj(KObjKind kind, const char* name, bool expr = false) {
    size_t n = sim_.nobjects();
    KObject& o = n == objs_.size() ? objs_.emplace_back() : (objs_[n] = KObject{});
    o.kind = kind;
    return sim_.new_object(kind, name, expr);
  }
  KObject& obj(ObjId id) { return objs_[id - 1]; }
  const char* name(ObjId id) const { return sim_.object_name(id); }
  // Resolves a handle embedded in a driver's structure: a zero handle is
  // created on first use (a zeroed kmutex_t is a valid mutex); a handle of
  // the wrong kind, poisoned by kmem_free, or destroyed is a failure.
  // The common case inline (a live handle of this World), the rest out of
  // line: every primitive resolves its handle first.
  ObjId resolve(KHandle* h, KObjKind kind, const char* expr, const char* op) {
    uint64_t v = h->v;
    ObjId id = static_cast<ObjId>(v);
    if (__builtin_expect((v >> 32) == ((uint64_t(kind) << 16) | epoch_) && id >= 1 &&
                             id <= sim_.nobjects() && !objs_[id - 1].destroyed,
                         1))
      return id;
    return resolve_slow(h, kind, expr, op);
  }
  void init_handle(KHandle* h, KObjKind kind, const char* name, const char* expr);

  // FIFO wait queues threaded through KThread::next_waiter.
  void wq_push(ObjId o, Tid t) {
    KObject& ob = obj(o);
    KThread& k = kt(t);
    k.next_waiter = 0;
    k.queued = true;
    k.waiting_on = o;
    if (ob.wq_tail) kt(ob.wq_tail).next_waiter = t; else ob.wq_head = t;
    ob.wq_tail = t;
  }
  Tid wq_pop(ObjId o) {
    KObject& ob = obj(o);
    Tid t = ob.wq_head;
    if (!t) return 0;
    KThread& k = kt(t);
    ob.wq_head = k.next_waiter;
    if (!ob.wq_head) ob.wq_tail = 0;
    k.queued = false;
    k.waiting_on = 0;
    return t;
  }
  // Wakes every thread queued on o, in queue order, each with `code`.
  void wq_wake_all(ObjId o, int code = 0) {
    while (Tid t = wq_pop(o)) sim_.wake(t, code);
  }
  bool wq_remove(ObjId o, Tid t);
  uint32_t wq_len(ObjId o) {
    uint32_t n = 0;
    for (Tid t = obj(o).wq_head; t; t = kt(t).next_waiter) n++;
    return n;
  }

  // ---- witness (witness.cc): lock-order checking ----
  // The checks and the race detector's edges stay out of line; a lock
  // taken with none held, or released in LIFO order with no detector,
  // is a store or two.
  // `at`: the return address of the driver's call that takes the lock (0:
  // the kernel model takes it), for reports (KThread::held_at).
  void witness_acquire(ObjId lock, uintptr_t at = 0) {
    if (self().nheld == 0 || !opts_.witness) held_push(lock, at);
    else witness_order(lock, at);
  }
  void held_push(ObjId lock, uintptr_t at = 0) {
    KThread& k = self();
    if (__builtin_expect(k.nheld == kMaxHeld || races_tracked(), 0))
      return held_push_slow(lock, at);
    if (k.nheld < kSitesKept) k.held_at[k.nheld] = at;
    k.held[k.nheld++] = lock;
  }
  // Where the current thread took `lock` (0: unknown or not held).
  uintptr_t held_site(ObjId lock) {
    KThread& k = self();
    for (int i = k.nheld - 1; i >= 0; i--)
      if (k.held[i] == lock) return k.site(i);
    return 0;
  }
  void held_pop(ObjId lock) {
    KThread& k = self();
    if (__builtin_expect(k.nheld != 0 && k.held[k.nheld - 1] == lock && !races_tracked(), 1)) {
      k.nheld--;
      return;
    }
    held_pop_slow(lock);
  }
  // Accesses and lock edges are tracked (race.h's race_on()).
  bool races_tracked() const { return opts_.detect_races || opts_.preempt_at_access; }
  static void race_exit_hook(void* owner, Tid t);

  // ---- synchronisation (mutex.cc, condvar.cc, rwlock.cc, sema.cc) ----
  void mutex_enter(ObjId m, uintptr_t at = 0);
  bool mutex_tryenter(ObjId m, uintptr_t at = 0);
  void mutex_exit(ObjId m);
  bool mutex_owned(ObjId m) { return obj(m).owner == self_tid(); }
  void mutex_destroy(ObjId m);
  // cv waits return: 0 woken, EINTR (signal), ETIMEDOUT; `deadline` is
  // absolute virtual ns, 0 for none.
  // `relock` false: the mutex is left released on waking (FreeBSD's
  // cv_wait_unlock never takes it again).
  int cv_wait(ObjId cv, ObjId m, bool sig, uint64_t deadline, bool relock = true);
  // The same with a reader/writer lock as the interlock (condvar_rw.cc):
  // released in whichever mode the caller holds it and taken again in
  // that mode; `relock` false leaves it released (PDROP, cv_wait_unlock).
  int cv_wait_rw(ObjId cv, ObjId rw, bool sig, uint64_t deadline, bool relock);
  void rw_release(ObjId rw, bool write);  // cv_wait_rw's release, no point
  void cv_signal(ObjId cv);
  void cv_broadcast(ObjId cv);
  void cv_destroy(ObjId cv);

  // A fault a real kernel can produce here (an allocation or a registration
  // that fails): a recorded choice when faults are injected, on a fiber.
  bool inject_fault() {
    return opts_.inject_faults && sim_.on_fiber() &&
           sim_.choose(2, sim::ChoiceKind::kFault) == 1;
  }

  // ---- failures (from a fiber) ----
  [[noreturn]] void panic(const std::string& msg);
  [[noreturn]] void misuse(const std::string& msg, const std::string& sig);
  // By value, moved on: the caller's frame is abandoned, never unwound, so a
  // string it still owned there would leak (LeakSanitizer saw it).
  [[noreturn]] void fail(sim::FailureKind k, std::string msg, std::string sig) {
    sim_.fail(k, std::move(msg), std::move(sig));
  }
  // Blocking on a contended adaptive lock: not in a high-level interrupt
  // nor with a spin lock held (a soft interrupt or callout may).
  void assert_may_block(const char* op, ObjId obj);
  // Sleeping (a cv wait, a semaphore, delay, a sleeping allocation): only
  // in thread context, with no spin lock and no lock marked no_sleep_held
  // held, except `interlock`, which the sleep releases. Every user copy
  // and sleeping allocation asks: a thread holding no lock but the
  // interlock passes inline.
  void assert_may_sleep(const char* op, ObjId obj, ObjId interlock = 0) {
    sim::Thread* t = sim_.cur();
    const KThread& k = kthreads_[t->tid - 1];
    if (__builtin_expect(t->ctx == kCtxThread && k.spin_held == 0 &&
                             (k.nheld == 0 || (k.nheld == 1 && k.held[0] == interlock)),
                         1))
      return;
    check_sleep(op, obj, interlock);
  }

  // A report's line for k's i-th held lock: how it is held, its class,
  // name, and where it was taken, as WITNESS lists one.
  std::string held_line(const KThread& k, int i);

  // ---- phases and hooks ----
  // A hook run on the teardown kernel thread, in registration order.
  void on_teardown(std::function<void()> fn) { teardown_.push_back(std::move(fn)); }
  // A check run on the host after teardown; it calls set_failure() to fail.
  void on_final_check(std::function<void()> fn) { checks_.push_back(std::move(fn)); }
  void set_failure(sim::FailureKind k, const std::string& msg, const std::string& sig) {
    sim_.set_failure(k, msg, sig);
  }
  // Run until done, failed, or a thread wants the host (Python generators).
  RunStatus run();
  bool finished() const { return finished_; }

  // Bug variants selected for this World, by driver name.
  void select_variant(const std::string& driver, const std::string& variant) {
    variants_.emplace_back(driver, variant);
  }
  bool variant(const char* driver, const char* v) const {
    for (auto& [d, x] : variants_)
      if (d == driver && x == v) return true;
    return false;
  }
  // Console messages (cmn_err, printf, log) in order.
  void log(std::string line) { log_.push_back(std::move(line)); }
  const std::vector<std::string>& console() const { return log_; }

  // ---- boot once (issue 14; boot_image.cc) ----
  // A set-up that wants the booted kernel kept asks for the boot stop: the
  // last module load then hands the host the rest of the set-up (files,
  // processes, the Program's threads) before anything else runs, and the
  // host may keep that moment as an image under a key naming what the boot
  // depended on (drivers, variants, options). A later execution's set-up,
  // right after the reset, restores it instead of booting again: the same
  // state to the byte (kmem, the modules' data, every thread and its
  // stack, objects, hooks, components), so the same execution to the
  // trace hash. The components a driver holds pointers into are restored
  // in place, never rebuilt; a component with no image hook, a boot that
  // made a data choice, or a strategy that watches the boot's events makes
  // the World boot every time (save_boot says why).
  void want_boot_stop() { boot_stop_ = true; }
  bool take_boot_stop() {
    bool b = boot_stop_;
    boot_stop_ = false;
    return b;
  }
  bool save_boot(const std::string& key, std::string* why = nullptr);
  bool restore_boot(const std::string& key);
  // How a component's state is kept in an image: `save` copies it, and
  // `restore` assigns the copy back into the live objects (those the boot
  // made stay, later ones go), false if it cannot (a record the boot made
  // is gone).
  struct ComponentImage {
    std::shared_ptr<void> (*save)(const void* live);
    bool (*restore)(void* live, const void* saved);
  };
  static void set_component_image(int slot, ComponentImage ops);
  // The modules loaded in this execution, whose data an image keeps.
  void note_module(Module* m) { modules_.push_back(m); }
  const std::vector<Module*>& modules() const { return modules_; }
  // Executions of this World that started from a boot image.
  uint64_t boot_restores() const { return boot_restores_; }

  // Keeps `p` alive as long as the World (state a set-up leaves behind).
  void keep(std::shared_ptr<void> p) { kept_.push_back(std::move(p)); }

  // Components hang their per-World state here (created on first use).
  // The kernel model's own have fixed slots; a component above it (a
  // personality, the scenario runner) takes one with new_component_slot()
  // when the host starts, so the model names none of them.
  // Inline for its common case (in use already): every kmem_alloc and
  // kmem_free asks, and the call's prologue, made for the first use's
  // set-up, was most of its cost.
  KmemState& kmem() {
    if (__builtin_expect(kmem_live_, 1)) return *kmem_;
    return kmem_first_use();
  }
  // The records area of this World's arena slot (kmem_arena.h): fixed
  // addresses for a personality's records of threads and processes. On a
  // thread; an arena with no slot for it fails the run.
  char* records_area();
  std::shared_ptr<void>& component(int slot) {
    components_used_ = true;
    return components_[slot];
  }
  // A component's state if this execution made it, else null; makes none
  // (a hook on a hot path, such as spawn's, asks this way).
  void* component_if(int slot) const { return components_[slot].get(); }
  enum ComponentSlot { kSlotUser = 0, kSlotDev, kSlotVfs, kSlotTaskq, kSlotScenario,
                       kSlotWitness, kSlotRace, kNumCoreSlots, kNumSlots = 16 };
  static int new_component_slot();
  // A component that sleeps threads on its own objects (a poll wait) may
  // say what such a thread waits for in a stuck report: given a sleeper and
  // the object it sleeps on, it fills the report's line (after "thread X
  // ") and signature and answers true, or answers false if the object is
  // not its. Registered from static initialisers, as component slots are.
  using WaitDescriber = bool (*)(World& w, Tid t, ObjId obj, std::string* line,
                                 std::string* sig);
  static void add_wait_describer(WaitDescriber fn);

 private:
  enum class Phase : uint8_t { kRunning, kTeardown, kDone };
  void drop_boot();  // the image and its pinned stacks
  ObjId resolve_slow(KHandle* h, KObjKind kind, const char* expr, const char* op);
  void witness_order(ObjId lock, uintptr_t at);  // witness_acquire with locks held
  void held_push_slow(ObjId lock, uintptr_t at);
  void held_pop_slow(ObjId lock);
  void check_block(const char* op, ObjId o, const char* verb);
  void race_fork_child(Tid t);  // race.h's race_fork, kept out of this header
  void check_sleep(const char* op, ObjId o, ObjId interlock);  // assert_may_sleep's checks
  void on_quiescent();
  void analyze_hang();
  static void teardown_thread(void* arg);

  sim::Sim sim_;
  WorldOptions opts_;
  uint16_t epoch_;
  Phase phase_ = Phase::kRunning;
  bool finished_ = false;
  // Stable tables: a primitive keeps references to its object and thread
  // across a sleep, while other threads create objects and threads. The
  // first sim_.nobjects() / sim_.nthreads() are in use; a reset keeps the rest.
  sim::StableTable<KObject> objs_;
  sim::StableTable<KThread> kthreads_;
  std::vector<std::function<void()>> teardown_;
  std::vector<std::function<void()>> checks_;
  KmemState& kmem_first_use();
  std::unique_ptr<KmemState> kmem_;  // kept by a reset, with its arena slot
  bool kmem_live_ = false;           // kmem_ in use in this execution
  std::vector<std::pair<std::string, std::string>> variants_;
  std::vector<std::string> log_;
  std::shared_ptr<void> components_[kNumSlots];
  // Some slot may be set (component() was called, or a boot image restored
  // them): a reset of a World that made none skips the sixteen slots.
  bool components_used_ = false;
  std::vector<std::shared_ptr<void>> kept_;
  std::vector<Module*> modules_;
  bool boot_stop_ = false;
  uint64_t boot_restores_ = 0;
  std::unique_ptr<BootImage> image_;
};

// Short name of a C expression naming an object: "&sc->sc_lock" -> "sc_lock".
const char* short_name(const char* expr);

}  // namespace ks::km
