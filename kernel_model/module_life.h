// A driver module's life in a World, the same for every personality: on its
// modload thread the module initialises (illumos _init, FreeBSD MOD_LOAD);
// one that fails is not loaded (its nodes never appear) and the console
// says so; one that succeeds is checked by its personality, its unload is
// registered for teardown, and instance 0 attaches where the system has
// attach. At teardown, after every open file was closed: detach, which
// must succeed, then the module's finish (_fini, MOD_UNLOAD), which must
// not refuse. A personality fills in the steps its system has and their
// names; the kernel model runs them. A scenario may also unload a module
// in the middle of a run (module_unload.h), with the system's rules the
// personality sets below; the teardown then skips it.
#pragma once

#include "kernel_model/world.h"

namespace ks::km {

struct ModuleLife {
  const char* driver = "";  // the registered name, for reports
  void* mod = nullptr;      // the personality's record, passed to each step
  // Steps; null when the system has none. init and fini return 0 or an
  // errno; attach and detach return true on success.
  int (*init)(World& w, void* mod) = nullptr;
  // After a successful init: checks what it registered (may fail the World).
  void (*installed)(World& w, void* mod) = nullptr;
  bool (*attach)(World& w, void* mod) = nullptr;
  bool (*detach)(World& w, void* mod) = nullptr;
  int (*fini)(World& w, void* mod) = nullptr;
  // Names in reports and signatures.
  const char* init_name = "init";           // "_init", "MOD_LOAD"
  const char* fini_name = "fini";           // "_fini", "MOD_UNLOAD"
  const char* fini_signature = "fini_failed";  // teardown:<this>:<driver>
  bool attached = false;                    // instance 0 (an unload is refused meanwhile)

  // A scripted unload in the middle of a run (the modunload op,
  // module_unload.h). The personality sets its system's rules:
  const void* image = nullptr;  // an address in the module (its registration)
  // Why this module cannot be unloaded by a script (the op returns
  // ENOTSUP and logs it), or null. Asked at the unload.
  const char* (*no_scripted_unload)(World& w, void* mod) = nullptr;
  // illumos: an instance whose device is open is not detached (EBUSY).
  bool busy_while_open = false;
  // FreeBSD MOD_QUIESCE: 0, or the errno that refuses the unload.
  int (*quiesce)(World& w, void* mod) = nullptr;
  // What unloading a module no longer loaded returns (illumos: 0, EALREADY
  // taken as done; FreeBSD: ENOENT, no such file).
  int gone_errno = 0;
  // Where each leftover should have been drained, for the report.
  const char* drain_task_hint = "";
  const char* drain_callout_hint = "";
  const char* join_thread_hint = "";
  // State: init succeeded; a scripted unload took the module out (the
  // end-of-run teardown then skips it).
  bool loaded = false;
  bool unloaded = false;
  // A scripted unload is under way: a second one waits for its outcome
  // (illumos's modunload holds the module busy, mod_hold_by_modctl waiting
  // while mod_busy; FreeBSD's kldunload holds the kld_sx lock throughout).
  bool unloading = false;
  sim::ObjId unload_q = 0;  // its waiters, made at the first
};

// Loads on the calling (modload) thread; `life` must live as long as the
// World (a record the World keeps).
void module_life_load(World& w, ModuleLife& life);

}  // namespace ks::km
