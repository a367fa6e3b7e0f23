// Binding a driver module to the kernel's own functions (module_bind.cc).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ks::km {

// A kernel's module linker binds a module's references to the kernel's
// functions; dlopen bound this module's to the host's C library. Where the
// kernel has a function of its own (kernel_printf.h: snprintf, vsnprintf),
// the module's slots for it are pointed there instead. `img` is the
// module's file (checked: check_elf), `base` where it is loaded, [relro_lo,
// relro_hi) its part that the loader made read-only, `personality` the one
// it was built for (illumos's snprintf prints a null %s its own way). The
// module's bytes, and so its hash, are as built.
// Returns the host functions the module calls that kernsim must not let
// it reach (host_hazard), each once, in symbol-table order.
std::vector<std::string> bind_kernel_functions(const std::string& img, uintptr_t base,
                                               uintptr_t relro_lo, uintptr_t relro_hi,
                                               const char* personality);

// Why the host's function `name` must not run in a driver, or null: it
// reads the host's clock or entropy, or a per-process state (no run would
// replay), or blocks or sleeps the host thread that carries every fiber.
// A personality that models one maps the driver's calls elsewhere (QNX's
// <time.h>, <stdlib.h>, <pthread.h>), so what is left is unmodelled.
const char* host_hazard(const char* name);

}  // namespace ks::km
