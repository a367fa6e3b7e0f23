// The driver registry and module loading. Drivers register themselves (the
// drivers/ layer's registry calls register_driver for each); a World loads a
// driver by name with a selected bug variant, on a kernel thread ("modload"),
// through its personality's loader, and unloads it at teardown.
#pragma once

#include <string>
#include <vector>

#include "kernsim/abi.h"

namespace ks::km {

class World;

void register_driver(const ks_driver_desc* d);
const ks_driver_desc* find_driver(const std::string& name);
const std::vector<const ks_driver_desc*>& all_drivers();
// The variant names of a driver ("none" is always valid: the correct driver).
std::vector<std::pair<std::string, std::string>> driver_variants(const ks_driver_desc* d);

// A personality's loader: runs on the modload thread; loads (e.g. _init +
// attach) and registers the teardown hook that unloads (detach + _fini).
using PersonalityLoader = void (*)(World& w, const ks_driver_desc* d);
void register_personality(const char* personality, PersonalityLoader load);

// Loads driver `name` into w with `variant` ("none" or a listed one). Throws
// std::invalid_argument naming the unknown driver or variant. The load runs
// when the World runs, before any thread spawned after this call.
void load_driver(World& w, const std::string& name, const std::string& variant);

}  // namespace ks::km
