// The World's sysctl MIB (sysctl.cc): the kernel's top-level nodes, and
// what sysctl(2) and the module loader ask of it.
#pragma once

#include <cstdint>
#include <string>

extern "C" {
#include <sys/sysctl.h>
}
#include "kernsim/abi.h"

namespace ks::km {
class World;
struct Proc;
}

namespace ks::km::freebsd {

constexpr int kSysctlTop = 11;  // kern vm vfs net debug hw machdep user dev security compat

// In FbState's record deque (restored in place: a driver's oids point at
// the top nodes' lists). The sysctl lock and its "oidrm" condvar are made
// at the first wait for a running handler, Giant at the first handler
// without CTLFLAG_MPSAFE.
struct SysctlTree {
  struct ::sysctl_oid_list root{};
  struct ::sysctl_oid top[kSysctlTop]{};
  ks_handle_t lock{}, oidrm{}, giant{};
  bool wait_made = false, giant_made = false;
};

// A module file's sysctl set, registered at its load (before its SYSINITs)
// and unregistered at its unload (kern_linker.c).
void sysctl_register_set(World& w, void* const* begin, void* const* end);
void sysctl_unregister_set(World& w, void* const* begin, void* const* end);

// sysctlbyname(3) (sys___sysctlbyname): 0 or -errno.
int64_t sysctl_byname(World& w, Proc& p, const std::string& name, uint64_t old, uint64_t oldlenp,
                      uint64_t newp, uint64_t newlen);

}  // namespace ks::km::freebsd
