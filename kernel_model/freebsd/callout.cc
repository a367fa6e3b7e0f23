// callout(9) on the kernel model's callouts (see sys/callout.h for the
// rules). Each callout_reset is a World-owned run record the timer gets;
// stopping or resetting marks it cancelled rather than waiting for the
// kernel model (callout_stop never sleeps), so a stale timer finds its
// record cancelled and returns without touching the callout. A callout
// with a mutex takes it before its function and looks again: a stop made
// under that mutex while the timer waited for it wins, as on FreeBSD.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "kernel_model/code_site.h"
#include "kernel_model/freebsd/state.h"
#include "kernel_model/kobject.h"
#include "kernel_model/module_unload.h"
#include "kernel_model/world.h"

extern "C" {
#include <sys/callout.h>
#include <sys/mutex.h>
#include <sys/systm.h>
}

using ks::km::World;

namespace {

using ks::km::freebsd::kNsPerTick;

void lock(struct mtx* m) { ks_fb_mtx_lock(m, (m->_ks_opts & MTX_SPIN) != 0, "callout lock"); }
void unlock(struct mtx* m) { ks_fb_mtx_unlock(m, (m->_ks_opts & MTX_SPIN) != 0, "callout lock"); }

// A run is done: it leaves the live list (mostly its first: runs end in
// about the order they were made).
void finish(World& w, ks_fb_callout_run* r) {
  r->done = true;
  std::vector<uint32_t>& live = ks::km::freebsd::state(w).callout_live;
  auto it = std::find(live.begin(), live.end(), r->index);
  if (it != live.end()) live.erase(it);
}

// callout_async_drain's function, once the run no longer runs the
// callout's own (softclock_call_cc calls it after clearing cc_exec_curr).
void call_drain(World& w, ks_fb_callout_run* r) {
  if (!r->drain) return;
  r->in_fn = false;
  r->draining = true;
  ks::km::freebsd::state(w).callout_drains--;
  r->drain(r->arg);
}

void run(void* p) {
  auto* r = static_cast<ks_fb_callout_run*>(p);
  World& w = *World::current();
  if (r->cancelled) {
    finish(w, r);
    return;
  }
  r->started = true;
  struct callout* c = r->c;
  if (c->c_ks_run == r) c->c_flags &= ~CALLOUT_PENDING;  // processing has begun
  struct mtx* m = c->c_ks_mtx;
  bool unlock_after = m && !(c->c_ks_lockflags & CALLOUT_RETURNUNLOCKED);
  if (m) {
    lock(m);
    if (r->cancelled) {  // stopped under the lock while we waited for it
      unlock(m);
      call_drain(w, r);
      finish(w, r);
      return;
    }
  }
  r->in_fn = true;
  r->fn(r->arg);  // may free the callout: nothing below reads it
  if (unlock_after) unlock(m);
  call_drain(w, r);
  finish(w, r);
}

// A scripted unload asks what a scheduling will run: the driver's function
// until it was stopped before it began, or has returned.
const void* run_code(void* p) {
  auto* r = static_cast<ks_fb_callout_run*>(p);
  if (r->done) return nullptr;
  if (r->draining || (r->drain && r->cancelled && !r->in_fn))
    return reinterpret_cast<const void*>(r->drain);
  if (r->cancelled && !r->in_fn) return nullptr;
  if (r->code) return r->code;
  return reinterpret_cast<const void*>(r->fn);
}
[[maybe_unused]] const bool code_registered = (ks::km::register_driver_code(run, run_code), true);

// _callout_stop_safe without CS_DRAIN asserts the callout's lock is held
// (lc_assert LA_XLOCKED: with INVARIANTS, mtx_assert's panic), for
// callout_stop and callout_async_drain alike (kern_timeout.c, read
// 2026-12-07); callout_drain and callout_reset do not.
void assert_lock_held(World& w, struct callout* c, const char* op, const std::string& what,
                      const std::string& where) {
  if (!c->c_ks_mtx || ks_mutex_owned(&c->c_ks_mtx->_opaque, "callout lock")) return;
  std::string m = w.name(w.resolve(reinterpret_cast<ks::km::KHandle*>(&c->c_ks_mtx->_opaque),
                                   ks::km::kObjMutex, "callout lock", op));
  w.misuse(std::string(op) + "(" + what + ")" + where + " without the callout's mutex " + m +
               " held (thread " + w.thread_name(w.self_tid()) + ")",
           std::string(op) + ":unlocked:" + m);
}

// Cancels c's pending run if any; returns what callout_stop returns.
int stop(World& w, struct callout* c) {
  bool running = false, cancelled = false;
  auto& st = ks::km::freebsd::state(w);
  for (uint32_t i : st.callout_live) {
    ks_fb_callout_run& r = st.callout_runs[i];
    if (r.c != c || r.draining) continue;
    if (r.in_fn) running = true;
    else if (!r.cancelled) {
      r.cancelled = true;
      cancelled = true;
    }
  }
  c->c_flags &= ~(CALLOUT_PENDING | CALLOUT_ACTIVE);
  if (cancelled) return running ? 0 : 1;
  return running ? 0 : -1;
}

// A reset of a callout being async-drained schedules nothing
// (callout_reset_sbt_on: "don't reschedule"); one fired and waiting for
// its mutex is cancelled then, its drain function still called. Returns
// what the reset returns, or -1 when the reset goes on.
int reset_while_draining(World& w, struct callout* c) {
  auto& st = ks::km::freebsd::state(w);
  if (st.callout_drains == 0) return -1;
  for (uint32_t i : st.callout_live) {
    ks_fb_callout_run& r = st.callout_runs[i];
    if (r.c != c || !r.drain || r.draining) continue;
    if (c->c_ks_mtx && !r.in_fn && !r.cancelled) {
      r.cancelled = true;
      return 1;
    }
    return 0;
  }
  return -1;
}

int schedule(struct callout* c, uint64_t deadline, void (*fn)(void*), void* arg,
             const char* name) {
  World& w = *World::current();
  if (int d = reset_while_draining(w, c); d >= 0) return d;
  int was = stop(w, c) == 1 ? 1 : 0;
  auto& st = ks::km::freebsd::state(w);
  ks_fb_callout_run& r = st.callout_runs.emplace_back();
  r.index = static_cast<uint32_t>(st.callout_runs.size() - 1);
  st.callout_live.push_back(r.index);
  r.c = c;
  r.fn = fn;
  r.arg = arg;
  c->c_func = fn;
  c->c_arg = arg;
  c->c_ks_name = name;
  c->c_ks_run = &r;
  c->c_flags |= CALLOUT_PENDING | CALLOUT_ACTIVE;
  r.id = ks_timeout(run, &r, deadline, name);
  return was;
}

}  // namespace

extern "C" {

void ks_fb_callout_init(struct callout* c, struct mtx* m, int flags) {
  *c = (struct callout){};
  c->c_ks_mtx = m;
  c->c_ks_lockflags = flags;
}

int ks_fb_callout_reset(struct callout* c, int to_ticks, void (*fn)(void*), void* arg,
                        const char* name) {
  if (to_ticks <= 0) to_ticks = 1;  // as FreeBSD: non-positive is one tick
  return schedule(c, ks_now_ns() + uint64_t(to_ticks) * kNsPerTick, fn, arg, name);
}

int ks_fb_callout_reset_sbt(struct callout* c, int64_t sbt, int64_t, void (*fn)(void*),
                            void* arg, int flags, const char* name) {
  int64_t ns = static_cast<int64_t>((static_cast<__int128>(sbt) * 1000000000) >> 32);
  uint64_t now = ks_now_ns();
  uint64_t deadline = (flags & C_ABSOLUTE) ? (ns > 0 ? uint64_t(ns) : 0) : now + (ns > 0 ? ns : 0);
  if (deadline < now) deadline = now;
  return schedule(c, deadline, fn, arg, name);
}

int ks_fb_callout_stop(struct callout* c, int drain) {
  World& w = *World::current();
  // (callout_stop's macro passes no expression: its drivers' builds, so
  // their recorded repros, stay as they were; the site is the caller's.)
  if (!drain && c->c_ks_mtx && !ks_mutex_owned(&c->c_ks_mtx->_opaque, "callout lock"))
    assert_lock_held(w, c, "callout_stop", c->c_ks_name ? c->c_ks_name : "callout",
                     ks::km::at_site(KS_CALLER));  // (host work: on failure only)
  int r = stop(w, c);
  if (drain) {
    // Wait for every run of c still under way (a running function, a timer
    // fired and waiting for the lock); cancelled timers not fired yet are
    // cancelled in the kernel model too, so none outlives the drain.
    // The runs live when the drain began: a wait for a running one lets
    // others end meanwhile, which changes the list.
    auto& st = ks::km::freebsd::state(w);
    std::vector<uint32_t> live = st.callout_live;
    for (uint32_t i : live) {
      ks_fb_callout_run& run = st.callout_runs[i];
      if (run.c != c || run.done) continue;
      if (ks_untimeout(run.id) == 1) finish(w, &run);
    }
  }
  return r;
}

// _callout_stop_safe(c, 0, fn) (kern_timeout.c, read 2026-12-07). With a
// mutex it asserts the caller holds it (lc_assert LA_XLOCKED); the running
// function is not cancelled even when it waits for that mutex (the
// cancel-under-the-lock path is taken only without a drain function).
int ks_fb_callout_async_drain(struct callout* c, void (*drain)(void*), const char* expr,
                              const char* file, int line) {
  World& w = *World::current();
  if (c->c_ks_mtx)
    assert_lock_held(w, c, "callout_async_drain", expr,
                     std::string(" at ") + ks::km::file_base(file) + ":" + std::to_string(line));
  auto& st = ks::km::freebsd::state(w);
  bool running = false, cancelled = false;
  for (uint32_t i : st.callout_live) {
    ks_fb_callout_run& r = st.callout_runs[i];
    if (r.c != c || r.draining) continue;
    if (r.in_fn || (r.started && !r.cancelled)) {
      running = true;
      if (drain && !r.drain) st.callout_drains++;
      if (drain) r.drain = drain;
    } else if (!r.cancelled) {
      r.cancelled = true;
      cancelled = true;
    }
  }
  c->c_flags &= ~(CALLOUT_PENDING | CALLOUT_ACTIVE);
  if (running) return 0;
  return cancelled ? 1 : -1;
}

}  // extern "C"
