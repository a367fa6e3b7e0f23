// The FreeBSD personality's registration with the kernel model: the driver
// registry (drivers/registry.cc) calls this before registering FreeBSD
// drivers, so the personality's loader is linked in with them.
#pragma once

namespace ks::km::freebsd {

// Registers the "freebsd" module loader (MOD_LOAD; MOD_UNLOAD at teardown).
void register_personality();

}  // namespace ks::km::freebsd
