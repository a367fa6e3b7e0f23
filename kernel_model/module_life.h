// A driver module's life in a World, the same for every personality: on its
// modload thread the module initialises (illumos _init, FreeBSD MOD_LOAD);
// one that fails is not loaded (its nodes never appear) and the console
// says so; one that succeeds is checked by its personality, its unload is
// registered for teardown, and instance 0 attaches where the system has
// attach. At teardown, after every open file was closed: detach, which
// must succeed, then the module's finish (_fini, MOD_UNLOAD), which must
// not refuse. A personality fills in the steps its system has and their
// names; the kernel model runs them.
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
};

// Loads on the calling (modload) thread; `life` must live as long as the
// World (a record the World keeps).
void module_life_load(World& w, ModuleLife& life);

}  // namespace ks::km
