// Callouts. A callout is a Sim timer; when the clock reaches it (at any
// scheduling point where the strategy advances the clock, or when nothing
// else can run), it becomes a thread of its own in soft interrupt context
// (timeout(9F): a soft interrupt handler's rules; callout(9): no sleeping),
// so it races with running threads as a real one does: it may block briefly
// on an adaptive mutex, and sleeping in it is the misuse assert_may_sleep
// reports. Each callout is a kernel object: the
// owner of a running callout is its thread, and untimeout sleeps on it.
//
// A callout that re-arms itself (ddi_periodic_add, a watchdog timeout
// re-armed from its own handler, or from the taskq its handler hands the
// work to, as an illumos callout that must not block does) would keep the
// clock running for ever once no thread waits any more (after attach at
// boot, after a scenario's last thread): one re-armed from callout context
// or by a daemon while nothing but callouts and daemons is alive is parked
// when it comes due, if that is still so (or when every other thread has
// slept, with no timer of its own, for hung_task_ns of virtual time: see
// parks_for_hang), and
// armed again (same deadline, so due at once) when a thread that is not a
// daemon starts: a scenario thread, or the teardown's, so it runs on beside
// them and detach cancels it as on a real system.
#include "kernel_model/callout.h"

#include "kernel_model/boot_image.h"

#include <cstdio>
#include <memory>
#include <vector>

#include "kernel_model/race.h"
#include "kernel_model/services.h"

namespace ks::km {

namespace {

// kArming: taken by a timeout(9F) still in its scheduling point, not yet
// returned to its caller (no id of it is known; it has no timer yet).
enum class CalloutState : uint8_t { kArming, kPending, kFired, kDone, kCancelled, kParked };

struct Callout {
  World* w;
  uint64_t id;
  ObjId obj;
  const char* name;
  void (*fn)(void*);
  void* arg;
  uint64_t timer;
  uint64_t deadline;
  CalloutState state = CalloutState::kPending;
  // Armed from callout context or by a daemon (a taskq worker the
  // callout handed its work to): a periodic's next run ...
  bool rearmed = false;
  // ... and with no thread waiting then.
  bool chained = false;
  Tid thread = 0;
};

}  // namespace

namespace {
// A daemon's timed sleep whose expiry was parked (park_daemon_wait): the
// sleep it belongs to is the one thread t began at step `step`.
struct ParkedWait {
  Tid t;
  uint64_t step;
  void (*fn)(void*, uint64_t);
  void* arg;  // on t's stack, which the sleep keeps
  bool cv;
};
}  // namespace

struct CalloutTable {
  std::vector<std::unique_ptr<Callout>> all;  // index = id - 1
  std::vector<ParkedWait> parked_waits;       // in the order parked
  // The first periodic stopped because every thread hung (parks_for_hang: a
  // callout, or a polling daemon's wait), and when: the stuck report says
  // why the clock stopped.
  const char* hung_parked_what = "";  // "periodic callout ", "polling kernel thread "
  const char* hung_parked = nullptr;
  uint64_t hung_parked_ns = 0;
};

namespace {
struct SavedCallouts {
  std::vector<Callout> all;
  std::vector<ParkedWait> parked_waits;
};
}  // namespace

std::shared_ptr<void> callout_table_save(const CalloutTable& t) {
  return std::make_shared<SavedCallouts>(SavedCallouts{save_owned(t.all), t.parked_waits});
}
bool callout_table_restore(CalloutTable& t, const void* saved) {
  const auto& s = *static_cast<const SavedCallouts*>(saved);
  t.parked_waits = s.parked_waits;
  return restore_owned(t.all, s.all);
}

namespace {

CalloutTable& table(World& w) {
  auto& t = services(w).callouts;
  if (!t) t = std::make_shared<CalloutTable>();
  return *t;
}

void callout_main(void* arg) {
  Callout& c = *static_cast<Callout*>(arg);
  World& w = *c.w;
  w.sim().point(kEvCallout, c.obj, c.id);
  c.fn(c.arg);
  KThread& k = w.self();
  if (k.nheld)
    w.misuse(std::string("callout ") + c.name + " returned holding " +
                 kind_name(w.obj(k.held[k.nheld - 1]).kind) + " " +
                 w.name(k.held[k.nheld - 1]),
             std::string("callout_returned_holding:") + w.name(k.held[k.nheld - 1]));
  c.state = CalloutState::kDone;
  w.obj(c.obj).owner = 0;
  // An untimeout waiting for this run acquires its release once woken; a
  // later one finds it done and acquires nothing.
  if (w.obj(c.obj).wq_head) race_release(w, c.obj);
  else race_forget(w, c.obj);
  w.wq_wake_all(c.obj);
}

// A thread alive that is neither a daemon nor a callout or interrupt: a
// user thread, the boot's, the teardown's.
bool someone_waits(World& w) {
  for (size_t i = 1; i <= w.sim().nthreads(); i++) {
    const sim::Thread* t = w.sim().thread(static_cast<Tid>(i));
    if (t->state != sim::ThreadState::kDone && !t->daemon && t->ctx == kCtxThread) return true;
  }
  return false;
}

// Whether a periodic (`what`, `name`: a callout, or a polling daemon's
// wait) is parked because every thread hung; the first so parked is named
// in the stuck report. Hung: every thread that is no daemon, callout or
// interrupt sleeps with no timer of its own (no timed wait, no delay), and
// has for kHungNs of virtual time, while only callouts and daemons ran
// (asleep now, a polling daemon in its timed wait). Linux's hung-task
// detector reports such a sleep (120 s, its default; WorldSpec hung_task_s
// sets another), and here a periodic
// or a poller that ran on all that time would only keep the clock going
// until the step budget, hiding the threads' hang behind it. Parked, they
// let the execution end, and the stuck report name the sleepers.
bool parks_for_hang(World& w, const char* what, const char* name) {
  const uint64_t now = w.sim().now();
  const uint64_t hung_ns = w.options().hung_task_ns;
  bool any = false;
  for (size_t i = 1; i <= w.sim().nthreads(); i++) {
    const sim::Thread* t = w.sim().thread(static_cast<Tid>(i));
    if (t->state == sim::ThreadState::kDone || t->ctx != kCtxThread) continue;
    if (t->state != sim::ThreadState::kBlocked) return false;
    if (t->daemon) continue;
    if (t->wait_kind == kEvDelay || w.kt(static_cast<Tid>(i)).wait_timer ||
        now - t->wait_ns < hung_ns)
      return false;
    any = true;
  }
  CalloutTable& tab = table(w);
  if (any && !tab.hung_parked) {
    tab.hung_parked_what = what;
    tab.hung_parked = name;
    tab.hung_parked_ns = now;
  }
  return any;
}

void fire(void* arg, uint64_t) {
  Callout& c = *static_cast<Callout*>(arg);
  if (c.chained && !someone_waits(*c.w)) {
    c.state = CalloutState::kParked;
    return;
  }
  if (c.rearmed && parks_for_hang(*c.w, "periodic callout ", c.name)) {
    c.state = CalloutState::kParked;
    return;
  }
  c.state = CalloutState::kFired;
  c.thread = c.w->spawn(c.name, callout_main, &c, /*daemon=*/false, kCtxSoft);
  // Started by the clock, not by whichever thread ran when it fired.
  race_restart(*c.w, c.thread, c.obj);
  c.w->obj(c.obj).owner = c.thread;
}

struct DelayWake {
  World* w;
  Tid t;
};

void delay_done(void* arg, uint64_t) {
  auto* d = static_cast<DelayWake*>(arg);
  if (park_daemon_wait(*d->w, d->t, delay_done, arg, false)) return;
  d->w->sim().wake(d->t, 0);
}

}  // namespace

uint64_t callout_timeout(World& w, void (*fn)(void*), void* arg, uint64_t deadline_ns,
                         const char* name) {
  CalloutTable& t = table(w);
  // The id is taken and its slot filled before the scheduling point: two
  // threads arming at once each took the table's size as their id while
  // the other sat in its point, and untimeout of the second found the
  // first (a close's untimeout returned while the callout ran on).
  Callout& c = *t.all.emplace_back(std::make_unique<Callout>());
  c.w = &w;
  c.id = t.all.size();
  c.name = w.sim().intern(name && *name ? name : "callout");
  c.obj = w.new_obj(kObjCallout, c.name);
  c.fn = fn;
  c.arg = arg;
  c.deadline = deadline_ns;
  c.rearmed = w.sim().on_fiber() &&
              (w.sim().cur()->ctx != kCtxThread || w.sim().cur()->daemon);
  c.chained = c.rearmed && !someone_waits(w);
  c.state = CalloutState::kArming;
  if (w.sim().on_fiber()) w.sim().point(kEvTimeout, c.obj, deadline_ns);
  race_release(w, c.obj);
  c.state = CalloutState::kPending;
  c.timer = w.sim().add_timer(deadline_ns, fire, &c);
  return c.id;
}

int callout_untimeout(World& w, uint64_t id) { return callout_untimeout_ns(w, id) >= 0; }

int64_t callout_untimeout_ns(World& w, uint64_t id, bool wait) {
  CalloutTable& t = table(w);
  Callout* c = id >= 1 && id <= t.all.size() ? t.all[id - 1].get() : nullptr;
  w.sim().point(kEvUntimeout, c ? c->obj : 0, id);
  if (!c) return -1;
  switch (c->state) {
    case CalloutState::kPending:
      w.sim().cancel_timer(c->timer);
      c->state = CalloutState::kCancelled;
      race_forget(w, c->obj);  // it never runs: nothing acquires its arming
      return c->deadline > w.sim().now() ? static_cast<int64_t>(c->deadline - w.sim().now()) : 0;
    case CalloutState::kParked:
      c->state = CalloutState::kCancelled;
      race_forget(w, c->obj);
      return 0;  // parked when it came due: nothing left
    case CalloutState::kFired:
      // From inside the callout itself there is nothing to wait for.
      if (c->thread == w.self_tid() || !wait) return -1;
      w.assert_may_sleep("untimeout", c->obj);
      while (c->state == CalloutState::kFired) {
        w.wq_push(c->obj, w.self_tid());
        w.sim().block(kEvUntimeout, c->obj);
      }
      race_acquire(w, c->obj);  // the callback ran before untimeout returns
      return -1;
    default:
      return -1;
  }
}

void delay_ns(World& w, uint64_t ns) {
  w.sim().point(kEvDelay, 0, ns);
  w.assert_may_sleep("delay", 0);
  if (ns == 0) return;
  DelayWake d{&w, w.self_tid()};
  w.sim().add_timer(w.sim().now() + ns, delay_done, &d);
  w.sim().block(kEvDelay, 0);
}

std::string callout_hung_note(World& w) {
  auto* st = static_cast<ServiceState*>(w.component_if(World::kSlotTaskq));
  if (!st || !st->callouts || !st->callouts->hung_parked) return "";
  char t[32], h[32];
  std::snprintf(t, sizeof t, "%.3f s", static_cast<double>(st->callouts->hung_parked_ns) / 1e9);
  std::snprintf(h, sizeof h, "%.0f s", static_cast<double>(w.options().hung_task_ns) / 1e9);
  return std::string("\n  (the ") + st->callouts->hung_parked_what +
         st->callouts->hung_parked +
         " ran on beside them until " + t + " of virtual time, then was stopped: every "
         "thread had slept for " + h + " with no timeout of its own, which a hung-task "
         "detector reports; the World option hung_task_s sets that time)";
}

void callout_unpark(World& w) {
  // Every spawn asks: a World with no callout makes no service state here.
  auto* st = static_cast<ServiceState*>(w.component_if(World::kSlotTaskq));
  if (!st || !st->callouts) return;
  auto& t = st->callouts;
  for (auto& c : t->all) {
    if (c->state != CalloutState::kParked) continue;
    c->state = CalloutState::kPending;
    c->chained = false;
    c->timer = w.sim().add_timer(c->deadline, fire, c.get());
  }
  for (const ParkedWait& p : t->parked_waits) {
    const sim::Thread* th = w.sim().thread(p.t);
    if (th->state != sim::ThreadState::kBlocked || th->wait_step != p.step) continue;
    uint64_t id = w.sim().add_timer(w.sim().now(), p.fn, p.arg);
    if (p.cv) w.kt(p.t).wait_timer = id;
  }
  t->parked_waits.clear();
}

bool park_daemon_wait(World& w, Tid t, void (*fn)(void*, uint64_t), void* arg, bool cv) {
  const sim::Thread* th = w.sim().thread(t);
  if (!th->daemon) return false;
  if (someone_waits(w) && !parks_for_hang(w, "polling kernel thread ", th->name)) return false;
  table(w).parked_waits.push_back(ParkedWait{t, th->wait_step, fn, arg, cv});
  return true;
}

void callout_each_live(World& w, const std::function<void(const CalloutView&)>& f) {
  auto& t = services(w).callouts;
  if (!t) return;
  for (auto& c : t->all)
    if (c->state == CalloutState::kPending || c->state == CalloutState::kFired ||
        c->state == CalloutState::kParked)
      f(CalloutView{c->name, c->fn, c->arg, c->state == CalloutState::kFired});
}

}  // namespace ks::km
