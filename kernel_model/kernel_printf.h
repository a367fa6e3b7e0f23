// The kernel's snprintf and vsnprintf: what the C library's return, for
// every format (kernel_printf.cc). The module loader binds a driver's
// snprintf and vsnprintf to these, as a kernel's linker binds a module's
// references to the kernel's own functions (module.cc).
#pragma once

#include <cstdarg>
#include <cstddef>

namespace ks::km {

int kernel_snprintf(char* buf, size_t n, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
int kernel_vsnprintf(char* buf, size_t n, const char* fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
// illumos's: the same, but a null %s prints "<null string>" (illumos
// common/util/string.c), where the C library and FreeBSD print "(null)"
int illumos_snprintf(char* buf, size_t n, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
int illumos_vsnprintf(char* buf, size_t n, const char* fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
int illumos_sprintf(char* buf, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
int illumos_vsprintf(char* buf, const char* fmt, va_list ap) __attribute__((format(printf, 2, 0)));

}  // namespace ks::km
