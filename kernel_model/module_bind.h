// Binding a driver module to the kernel's own functions (module_bind.cc).
#pragma once

#include <cstdint>
#include <string>

namespace ks::km {

// A kernel's module linker binds a module's references to the kernel's
// functions; dlopen bound this module's to the host's C library. Where the
// kernel has a function of its own (kernel_printf.h: snprintf, vsnprintf),
// the module's slots for it are pointed there instead. `img` is the
// module's file (checked: check_elf), `base` where it is loaded, [relro_lo,
// relro_hi) its part that the loader made read-only, `personality` the one
// it was built for (illumos's snprintf prints a null %s its own way). The
// module's bytes, and so its hash, are as built.
void bind_kernel_functions(const std::string& img, uintptr_t base, uintptr_t relro_lo,
                           uintptr_t relro_hi, const char* personality);

}  // namespace ks::km
