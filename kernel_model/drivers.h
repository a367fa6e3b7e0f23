// Loading drivers into a World. A driver is a module (module.h) named by its
// registered name or its path; a World loads it with a selected bug variant
// on a kernel thread ("modload:<name>") through its personality's loader,
// after putting the module's data back as loaded, and unloads it at
// teardown.
#pragma once

#include <string>

#include "kernel_model/module.h"

namespace ks::km {

class World;

// A personality's loader: runs on the modload thread; loads (e.g. _init +
// attach) and registers the teardown hook that unloads (detach + _fini).
using PersonalityLoader = void (*)(World& w, const ks_driver_desc* d);
void register_personality(const char* personality, PersonalityLoader load);
bool personality_known(const std::string& personality);

// The module `spec` names, checked for `variant` ("none" or a listed one)
// and for a personality this host has. Throws ModuleError.
Module& driver_module(const std::string& spec, const std::string& variant);

// Loads driver `spec` into w with `variant`. Throws ModuleError naming the
// unknown driver, module or variant. The load runs when the World runs,
// before any thread spawned after this call.
void load_driver(World& w, const std::string& spec, const std::string& variant);

}  // namespace ks::km
