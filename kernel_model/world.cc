#include "kernel_model/world.h"

#include "kernel_model/race.h"

#include <cstring>

#include "kernel_model/boot_image.h"
#include "kernel_model/code_site.h"
#include "kernel_model/kmem.h"
#include "kernel_model/user_mem.h"
#include "sim/call_site.h"

namespace ks::km {

namespace {
// Handles carry the World's epoch so a handle left in a driver's static
// storage by an earlier World on this host thread is recognised as stale.
thread_local constinit uint16_t tls_epoch __attribute__((tls_model("initial-exec"))) = 0;

bool describe_fault(void* owner, uintptr_t addr, std::string* what, std::string* sig);
}  // namespace

const char* kind_name(KObjKind k) {
  switch (k) {
    case kObjMutex: return "mutex";
    case kObjCondvar: return "condvar";
    case kObjRwlock: return "rwlock";
    case kObjSema: return "semaphore";
    case kObjTaskq: return "taskq";
    case kObjCallout: return "callout";
    case kObjKmem: return "kmem";
    case kObjFile: return "file";
    case kObjDevice: return "device";
    case kObjProc: return "process";
    case kObjChannel: return "channel";
    case kObjPool: return "thread pool";
    default: return "object";
  }
}

const char* short_name(const char* expr) { return sim::expr_short_name(expr); }

World::World(sim::StackPool& stacks, sim::Strategy& strategy, const WorldOptions& opts,
             uint64_t index)
    : sim_(stacks, strategy, opts.sim, index), opts_(opts) {
  epoch_ = ++tls_epoch;
  if (epoch_ == 0) epoch_ = ++tls_epoch;
  sim_.set_owner(this);
  sim_.set_event_names(kEventNames, kNumEventNames);
  sim_.set_fault_describer(describe_fault);
  sim_.set_exit_hook(races_tracked() ? race_exit_hook : nullptr);
}

World::~World() = default;

// In the order the destructor releases them, so a component that relies on
// another in its destructor sees the same thing either way.
void World::reset(sim::Strategy& strategy, const WorldOptions& opts, uint64_t index) {
  kept_.clear();
  // Most executions of a small test make no component.
  if (components_used_) {
    for (int i = kNumSlots - 1; i >= 0; i--) components_[i].reset();
    components_used_ = false;
  }
  log_.clear();
  variants_.clear();
  release_arena();
  checks_.clear();
  teardown_.clear();
  modules_.clear();
  boot_stop_ = false;
  phase_ = Phase::kRunning;
  finished_ = false;
  opts_ = opts;
  epoch_ = ++tls_epoch;
  if (epoch_ == 0) epoch_ = ++tls_epoch;
  sim_.reset(strategy, opts.sim, index);
  sim_.set_exit_hook(races_tracked() ? race_exit_hook : nullptr);
}

void World::race_fork_child(Tid t) { race_fork(*this, t); }
void World::race_exit_hook(void* owner, Tid t) { race_exit(*static_cast<World*>(owner), t); }

void World::init_handle(KHandle* h, KObjKind kind, const char* name, const char* expr) {
  // An unnamed object is named by its expression, shortened only when a
  // report or the witness asks (most never are).
  ObjId id = name ? new_obj(kind, name) : new_obj(kind, expr ? expr : "?", true);
  h->v = uint64_t(id) | (uint64_t(epoch_) << 32) | (uint64_t(kind) << 48);
}

ObjId World::resolve_slow(KHandle* h, KObjKind kind, const char* expr, const char* op) {
  uint64_t v = h->v;
  uint16_t magic = static_cast<uint16_t>(v >> 48);
  uint16_t ep = static_cast<uint16_t>(v >> 32);
  ObjId id = static_cast<ObjId>(v);
  if (__builtin_expect(magic == kind && ep == epoch_ && id >= 1 && id <= sim_.nobjects(), 1)) {
    KObject& o = objs_[id - 1];
    if (__builtin_expect(!o.destroyed, 1)) return id;
    misuse(std::string(op) + " on " + kind_name(kind) + " " + name(id) +
               " after it was destroyed",
           std::string("use_after_destroy:") + op + ":" + name(id));
  }
  if (v == 0 || (magic == kind && ep != epoch_)) {
    // Zeroed memory is an initialised object (illumos and FreeBSD allow a
    // zeroed adaptive mutex); a stale epoch is static storage from an
    // earlier World, which in this World's boot is zeroed memory too.
    init_handle(h, kind, nullptr, expr);
    return static_cast<ObjId>(h->v);
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(v));
  const char* what = kmem_poisoned_word(v) ? " (freed memory: kmem poison)" : " (garbage)";
  fail(sim::FailureKind::kMemory,
       std::string(op) + " on " + short_name(expr) + ", which is not a " + kind_name(kind) +
           ": its memory holds " + buf + what,
       std::string("bad_object:") + op + ":" + short_name(expr));
}

void World::panic(const std::string& msg) {
  sim_.fail(sim::FailureKind::kPanic, "panic: " + msg, "panic:" + msg.substr(0, 80));
}

void World::misuse(const std::string& msg, const std::string& sig) {
  sim_.fail(sim::FailureKind::kLockMisuse, msg, sig);
}

namespace {
const char* ctx_words(uint8_t ctx) {
  return ctx == kCtxHigh ? "high-level interrupt context" : "callout (soft interrupt) context";
}
}  // namespace

// The spin lock a thread holds (the newest), for reports.
static int spin_held_index(World& w, KThread& k) {
  for (int i = k.nheld - 1; i >= 0; i--)
    if (w.obj(k.held[i]).spin) return i;
  return -1;
}

// A held lock as WITNESS lists one: how it is held, its class, its name,
// where the thread took it.
std::string World::held_line(const KThread& k, int i) {
  ObjId h = k.held[i];
  const KObject& o = obj(h);
  const char* cls = o.kind == kObjMutex
                        ? (o.spin ? "spin mutex" : o.class_checked ? "sleep mutex" : "mutex")
                        : o.wait_sleeps ? "sleepable lock" : "rwlock";
  bool excl = o.kind == kObjMutex || o.owner == static_cast<Tid>(&k - &kthreads_[0] + 1);
  uintptr_t at = k.site(i);
  return std::string("\n   ") + (excl ? "exclusive " : "shared ") + cls + " " + name(h) +
         (at == kSiteNotKept ? std::string(" (site not kept)")
          : at               ? " locked" + at_site(at)
                             : std::string(" (taken by the kernel)"));
}

// The driver's call that would block or sleep (its innermost frame), as
// WITNESS names the file:line of the sleep; none on a kernel thread.
static std::string call_line(const char* verb) {
  uintptr_t at = sim::guest_call_site();
  return at ? std::string("\n  ") + verb + "ing call" + at_site(at) : std::string();
}

void World::assert_may_block(const char* op, ObjId o) { check_block(op, o, "block"); }

void World::check_block(const char* op, ObjId o, const char* verb) {
  sim::Thread* t = sim_.cur();
  if (__builtin_expect(t->ctx == kCtxHigh, 0))
    misuse(std::string(op) + (o ? std::string(" on ") + name(o) : std::string()) + " would " +
               verb + " in high-level interrupt context (thread " + t->name + ")" +
               call_line(verb),
           std::string("block_in_high_interrupt:") + op);
  KThread& k = kthreads_[t->tid - 1];
  if (__builtin_expect(k.spin_held != 0, 0)) {
    int i = spin_held_index(*this, k);
    std::string held = i >= 0 ? name(k.held[i]) : "";
    misuse(std::string(op) + (o ? std::string(" on ") + name(o) : std::string()) + " would " +
               verb + " while thread " + t->name + " holds spin mutex " + held +
               call_line(verb) + (i >= 0 ? "\n  with the spin mutex held:" + held_line(k, i)
                                         : std::string()),
           std::string("sleep_with_spin:") + op + ":" + held);
  }
}

void World::check_sleep(const char* op, ObjId o, ObjId interlock) {
  sim::Thread* t = sim_.cur();
  if (__builtin_expect(t->ctx != kCtxThread, 0))
    misuse(std::string(op) + (o ? std::string(" on ") + name(o) : std::string()) +
               " would sleep in " + ctx_words(t->ctx) + " (thread " + t->name + ")" +
               call_line("sleep"),
           std::string("sleep_in_interrupt:") + op);
  check_block(op, o, "sleep");
  KThread& k = kthreads_[t->tid - 1];
  for (int i = k.nheld - 1; i >= 0; i--) {
    ObjId h = k.held[i];
    if (h == interlock || !obj(h).no_sleep_held) continue;
    // Every non-sleepable lock held, newest first, as WITNESS_WARN lists
    // them; the signature names the newest, as before.
    std::string list;
    for (int j = i; j >= 0; j--)
      if (k.held[j] != interlock && obj(k.held[j]).no_sleep_held) list += held_line(k, j);
    misuse(std::string(op) + (o ? std::string(" on ") + name(o) : std::string()) +
               ": thread " + t->name + " would sleep with the non-sleepable lock " + name(h) +
               " held" + call_line("sleep") +
               "\n  with the following non-sleepable locks held:" + list,
           std::string("sleep_with_nonsleepable:") + op + ":" + name(h));
  }
}

RunStatus World::run() {
  for (;;) {
    if (phase_ == Phase::kDone) {
      if (!finished_) {
        finished_ = true;
        sim_.finish();
      }
      return sim_.failure() ? RunStatus::kFailed : RunStatus::kDone;
    }
    sim::StopReason r = sim_.run();
    if (r == sim::StopReason::kHostRequest) return RunStatus::kHostRequest;
    if (r == sim::StopReason::kFailed) {
      phase_ = Phase::kDone;
      continue;
    }
    on_quiescent();
  }
}

void World::teardown_thread(void* arg) {
  World* w = static_cast<World*>(arg);
  // Everything ran before teardown: the user threads are gone.
  race_join_all(*w);
  // Hooks may register further hooks (a driver's detach closes a taskq).
  for (size_t i = 0; i < w->teardown_.size(); i++) w->teardown_[i]();
}

void World::on_quiescent() {
  // One pass for both questions (a hang now, a thread left at the end):
  // nothing on the host changes a thread's state in between.
  size_t left = 0;  // the first thread not done, 1-based; 0: none
  for (size_t i = 1; i <= sim_.nthreads(); i++) {
    const sim::Thread* t = sim_.thread(static_cast<Tid>(i));
    if (t->state == sim::ThreadState::kDone) continue;
    if (t->state == sim::ThreadState::kBlocked && !t->daemon) {
      analyze_hang();
      phase_ = Phase::kDone;
      return;
    }
    if (!left) left = i;
  }
  if (phase_ == Phase::kRunning && !teardown_.empty()) {
    phase_ = Phase::kTeardown;
    spawn("teardown", teardown_thread, this);
    return;
  }
  phase_ = Phase::kDone;
  for (auto& c : checks_) {
    if (sim_.failure()) return;
    c();
  }
  if (sim_.failure() || !left) return;
  const sim::Thread* t = sim_.thread(static_cast<Tid>(left));
  set_failure(sim::FailureKind::kTeardown,
              std::string("thread ") + t->name + " is still alive at teardown (asleep on " +
                  (t->wait_obj ? name(t->wait_obj) : "nothing") +
                  "): a kernel thread nobody stopped",
              std::string("thread_left:") + t->name);
}

namespace {
bool describe_fault(void* owner, uintptr_t addr, std::string* what, std::string* sig) {
  World* w = static_cast<World*>(owner);
  return describe_user_fault(*w, addr, what, sig);
}
}  // namespace

}  // namespace ks::km
