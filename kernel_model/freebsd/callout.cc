// callout(9) on the kernel model's callouts (see sys/callout.h for the
// rules). Each callout_reset is a World-owned run record the timer gets;
// stopping or resetting marks it cancelled rather than waiting for the
// kernel model (callout_stop never sleeps), so a stale timer finds its
// record cancelled and returns without touching the callout. A callout
// with a mutex takes it before its function and looks again: a stop made
// under that mutex while the timer waited for it wins, as on FreeBSD.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "kernel_model/freebsd/state.h"
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
      finish(w, r);
      return;
    }
  }
  r->in_fn = true;
  r->fn(r->arg);  // may free the callout: nothing below reads it
  if (unlock_after) unlock(m);
  finish(w, r);
}

// A scripted unload asks what a scheduling will run: the driver's function
// until it was stopped before it began, or has returned.
const void* run_code(void* p) {
  auto* r = static_cast<ks_fb_callout_run*>(p);
  if (r->done || (r->cancelled && !r->in_fn)) return nullptr;
  if (r->code) return r->code;
  return reinterpret_cast<const void*>(r->fn);
}
[[maybe_unused]] const bool code_registered = (ks::km::register_driver_code(run, run_code), true);

// Cancels c's pending run if any; returns what callout_stop returns.
int stop(World& w, struct callout* c) {
  bool running = false, cancelled = false;
  auto& st = ks::km::freebsd::state(w);
  for (uint32_t i : st.callout_live) {
    ks_fb_callout_run& r = st.callout_runs[i];
    if (r.c != c) continue;
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

int schedule(struct callout* c, uint64_t deadline, void (*fn)(void*), void* arg,
             const char* name) {
  World& w = *World::current();
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

}  // extern "C"
