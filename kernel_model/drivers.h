// Loading drivers into a World. A driver is a module (module.h) named by its
// registered name or its path; a World loads it with a selected bug variant
// on a kernel thread ("modload:<name>") through its personality's loader,
// after putting the module's data back as loaded, and unloads it at
// teardown.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "kernel_model/module.h"

namespace ks::km {

class World;

// A personality's loader: runs on the modload thread; loads (e.g. _init +
// attach) and registers the teardown hook that unloads (detach + _fini).
// `config` is what the personality's ConfigParser made of the driver's
// configuration text, or null when it was given none.
using PersonalityLoader = void (*)(World& w, const ks_driver_desc* d, const void* config);
// A personality's reading of a driver's configuration text (illumos:
// driver.conf(5)), on the host before the World runs. Throws ModuleError
// naming `file`, the line and what is wrong.
using ConfigParser = std::shared_ptr<const void> (*)(const std::string& text,
                                                    const std::string& file,
                                                    const ks_driver_desc* d);
void register_personality(const char* personality, PersonalityLoader load,
                          ConfigParser parse = nullptr);
bool personality_known(const std::string& personality);

// The module `spec` names, checked for `variant` ("none" or a listed one)
// and for a personality this host has. Throws ModuleError.
Module& driver_module(const std::string& spec, const std::string& variant);

// Loads driver `spec` into w with `variant` and, if `conf` is not empty, that
// configuration text (named `conf_file` in messages; "<driver>.conf" when
// empty). Throws ModuleError naming the unknown driver, module or variant,
// or what is wrong in the configuration. The load runs when the World
// runs, before any thread spawned after this call.
// The administrator's permissions for driver d's minor nodes (illumos
// /etc/minor_perm entries, node_perm.h), for the nodes its attach and later
// calls make; throws ModuleError for another personality or a bad entry.
void set_minor_perm(World& w, const ks_driver_desc* d, const std::vector<std::string>& entries);

// `minor_perm`: the same, with the load: the administrator's permissions for its minor nodes
// (illumos /etc/minor_perm entries, node_perm.h), refused for another
// personality.
void load_driver(World& w, const std::string& spec, const std::string& variant,
                 const std::string& conf = {}, const std::string& conf_file = {},
                 const std::vector<std::string>& minor_perm = {});

}  // namespace ks::km
