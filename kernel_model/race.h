// Data races in driver memory: the kernel model's side of the
// happens-before detector (sim/hb.h). Instrumented driver modules (built
// with the compiler's ThreadSanitizer instrumentation, `kernsim build-driver
// --race`, kernsim_add_driver(... RACE)) report every load and store
// (abi_tsan.cc); the primitives below say where the kernel orders threads.
// All of it is off (one load and branch) unless the World detects races.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernel_model/world.h"

namespace ks::km {

struct RaceState;
// Does this World track accesses (detect races, or preempt at them)?
inline bool race_on(const World& w) { return w.races_tracked(); }
// This World's detector, null when it does not track accesses.
RaceState* race_state(World& w);

// Sync keys besides kernel objects (an ObjId is its own key).
enum RaceKey : uint64_t {
  kRaceKeySyncq = 1ull << 57, // | perimeter key: an entry put on its syncq, before it runs
  kRaceKeyExit = 1ull << 58,  // | tid: a kernel thread's exit, before its join
  kRaceKeyRead = 1ull << 59,  // | rwlock: its readers' releases, which only writers see
  kRaceKeyUser = 1ull << 60,  // | pid << 40 | user page number: copyout, then copyin
  kRaceKeyTask = 1ull << 61,  // | taskq << 32 | task id: a dispatch, before its task
  kRaceKeyAddr = 1ull << 63,  // | an address: atomics
};

// The `pc` of an access by user code through a device mapping (devmap.h):
// the process's own load or store, named so in a report.
constexpr uintptr_t kRacePcUserMapping = 1;
// ... and the kernel's copyin/copyout at such an address.
constexpr uintptr_t kRacePcCopyMapping = 2;

// The current thread (0: the host) releases or acquires `key`.
void race_release(World& w, uint64_t key);
void race_acquire(World& w, uint64_t key);
// `child` starts after everything its creator (the current thread) did.
void race_fork(World& w, Tid child);
// ... or, started by the clock (a callout), after the releases of `key` only.
void race_restart(World& w, Tid child, uint64_t key);
// The current thread (teardown) comes after every thread so far.
void race_join_all(World& w);
// Thread `t` returned: nothing more happens in it (sim::Sim's exit hook).
void race_exit(World& w, Tid t);
// Nothing will acquire `key` again.
void race_forget(World& w, uint64_t key);
// A module load runs on `modload` (a kernel thread the set-up spawned), and
// the boot gate opened (every load finished). While the first and only load
// runs alone (no thread forked from a fiber, no callout armed or fired, no
// second load) its accesses happen before every later access in the World:
// a thread it forks sees them through the fork, user threads through the
// boot gate, the teardown through its join. No later access can race with
// them, so they are not recorded: a driver filling its buffers at _init
// costs nothing to check.
void race_boot_load(World& w, Tid modload);
void race_boot_finished(World& w);
// The detector's clock width in this execution: the threads alive or
// still named by the shadow at once, at most (0 when races are not tracked).
size_t race_clock_width(World& w);
// A load or store by driver code; `pc` is the return address of the
// instrumented call. A race is a data_race failure naming both accesses.
void race_access(World& w, const void* addr, uint32_t size, bool write, const void* pc);

}  // namespace ks::km
