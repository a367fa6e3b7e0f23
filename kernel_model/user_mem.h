// User address spaces (see DESIGN.md, User memory).
#pragma once

#include <cstdint>
#include <string>

namespace ks::km {
class World;
// Describes a host fault address that lies in the reserved user range: a
// driver dereferenced a user address directly (the missing-copyin bug).
bool describe_user_fault(World& w, uintptr_t addr, std::string* what, std::string* sig);
}  // namespace ks::km
