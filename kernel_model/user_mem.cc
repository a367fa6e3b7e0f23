#include "kernel_model/user_mem.h"

namespace ks::km {
bool describe_user_fault(World&, uintptr_t, std::string*, std::string*) { return false; }
}  // namespace ks::km
