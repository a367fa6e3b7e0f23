// Callouts (timeout/untimeout) and delay, on the virtual clock.
// Personality-neutral.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "kernel_model/world.h"

namespace ks::km {

// fn(arg) runs at absolute virtual time deadline_ns on a fresh thread in
// interrupt context, named `name`. Returns an id > 0.
uint64_t callout_timeout(World& w, void (*fn)(void*), void* arg, uint64_t deadline_ns,
                         const char* name);
// 1 if it was cancelled before it fired. Otherwise 0, after waiting for it
// to finish if it is running (unless the caller is that callout).
int callout_untimeout(World& w, uint64_t id);
// The same, with how long was left when cancelled (ns to the deadline, 0
// once due); -1 in every other case.
// `wait` false: a callout running is not waited for (illumos
// untimeout_generic's nowait); the answer is -1 all the same.
int64_t callout_untimeout_ns(World& w, uint64_t id, bool wait = true);
// A callout still armed, or fired and running (a scripted unload asks
// which would run a module's code: module_unload.h).
struct CalloutView {
  const char* name;
  void (*fn)(void*);
  void* arg;
  bool running;
};
void callout_each_live(World& w, const std::function<void(const CalloutView&)>& f);
// Arms again the callouts parked because nothing but callouts and daemons
// was alive when they came due (callout.cc), and the daemons' timed sleeps
// parked for that reason (park_daemon_wait); World::spawn calls it for a
// thread that is not a daemon.
void callout_unpark(World& w);
// A timer ending the timed sleep of thread t (a cv or sema wait's
// deadline, a delay) calls this first: when t is a daemon and nothing but
// callouts and daemons is alive, the expiry is parked and true returned (the
// timer does nothing more); callout_unpark fires fn(arg) again, due at once,
// if t still sleeps that sleep (`cv`: its KThread::wait_timer names it).
// A kernel thread polling on a timeout (a FreeBSD kproc's loop of
// cv_timedwait or pause) would otherwise keep the clock running for ever
// after a scenario's last thread, and no teardown would come.
bool park_daemon_wait(World& w, Tid t, void (*fn)(void*, uint64_t), void* arg, bool cv);
// For a stuck report: why the clock stopped although a periodic callout
// was armed ("" when none was parked for a hang: callout.cc parks_for_hang).
std::string callout_hung_note(World& w);
// Sleeps for ns of virtual time.
void delay_ns(World& w, uint64_t ns);

}  // namespace ks::km
