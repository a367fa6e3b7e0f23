// The illumos personality's registration with the kernel model: the driver
// registry (drivers/registry.cc) calls this before registering illumos
// drivers, so the personality's loader is linked in with them.
#pragma once

namespace ks::km::illumos {

// Registers the "illumos" module loader (_init, attach; detach, _fini).
void register_personality();

}  // namespace ks::km::illumos
