// A module unloaded in the middle of a run, as modunload(1M) or
// kldunload(8) does from a shell while I/O goes on: the modunload system
// call runs the module's unload steps (module_life.h) on the calling user
// thread, each a scheduling point as usual, and returns 0 or the errno the
// real system returns. The rules per system are the personality's
// (ModuleLife): illumos refuses a driver whose device is open and one
// whose detach or _fini refuses (EBUSY, the module stays usable); FreeBSD
// asks MOD_QUIESCE, then MOD_UNLOAD, whose error keeps the module.
//
// Once the unload returned 0 the module's code is gone: anything left that
// would run it is the bug, reported at that moment (FailureKind::kUnload):
// a callout still armed or running, a taskq entry queued or running, a
// kernel thread the module started still alive, a node left behind. Its
// leaks are still checked once, at the end of the run.
#pragma once

#include <cstdint>
#include <string>

namespace ks::km {

class World;

// The unload of the module registered as `name` (a Program's driver
// name; program_check refuses an unknown one), on the calling thread: 0 or
// the errno. A name no module of this World has fails the run as a
// scenario error naming the loaded ones. The system call is sys_modunload
// (syscalls.h).
int module_unload(World& w, const std::string& name);

// A personality whose queues or callouts run a driver's function through
// a trampoline of its own (FreeBSD's taskqueue and callout(9) entries)
// says how to find that function in the entry's argument: null when the
// entry will run no driver code any more (cancelled, already run).
using DriverCodeOf = const void* (*)(void* arg);
void register_driver_code(void (*trampoline)(void*), DriverCodeOf code_of);

}  // namespace ks::km
