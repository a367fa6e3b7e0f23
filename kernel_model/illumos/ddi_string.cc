// The DDI's string conversions (ddi_strtol(9F) family: 0 or an errno, the
// value through a pointer), ddi_strdup, kmem_asprintf, stoi and numtos,
// ovbcopy.
#include <cerrno>
#include <cstdarg>
#include <cstdlib>
#include <cstring>

#include "kernel_model/kernel_printf.h"

extern "C" {
#include <sys/kmem.h>
#include <sys/sunddi.h>
#include <sys/systm.h>
}

#undef strdup

namespace {

// Runs conv (strtol ...) the way ddi_strtol defines: EINVAL for a bad base
// or no digits, ERANGE on overflow; endptr is set either way.
template <typename T, typename F>
int ddi_conv(const char* str, char** endptr, int base, T* result, F conv) {
  if (!str || !result || base < 0 || base == 1 || base > 36) return EINVAL;
  char* end = nullptr;
  errno = 0;
  T v = conv(str, &end, base);
  int e = errno;
  if (endptr) *endptr = end;
  if (end == str) return EINVAL;
  if (e == ERANGE) return ERANGE;
  *result = v;
  return 0;
}

}  // namespace

extern "C" {

int ddi_strtol(const char* s, char** end, int base, long* r) {
  return ddi_conv(s, end, base, r, std::strtol);
}
int ddi_strtoul(const char* s, char** end, int base, unsigned long* r) {
  return ddi_conv(s, end, base, r, std::strtoul);
}
int ddi_strtoll(const char* s, char** end, int base, longlong_t* r) {
  return ddi_conv(s, end, base, r, std::strtoll);
}
int ddi_strtoull(const char* s, char** end, int base, u_longlong_t* r) {
  return ddi_conv(s, end, base, r, std::strtoull);
}

char* ddi_strdup(const char* s, int flag) {
  size_t n = std::strlen(s) + 1;
  char* p = static_cast<char*>(
      ks_kmem_alloc(n, (flag & KM_NOSLEEP) ? KS_KM_NOSLEEP : KS_KM_SLEEP, "ddi_strdup"));
  if (p) std::memcpy(p, s, n);
  return p;
}

int stoi(char** str) {
  int n = 0;
  while (**str >= '0' && **str <= '9') n = n * 10 + (*(*str)++ - '0');
  return n;
}

void numtos(ulong_t num, char* s) {
  char tmp[24];
  int i = 0;
  do {
    tmp[i++] = static_cast<char>('0' + num % 10);
    num /= 10;
  } while (num);
  while (i) *s++ = tmp[--i];
  *s = '\0';
}

}  // extern "C"

extern "C" {

// illumos sizes the string, allocates it KM_SLEEP, formats it: strfree
// frees it (strlen + 1 bytes).
char* kmem_vasprintf(const char* fmt, va_list ap) {
  va_list again;
  va_copy(again, ap);
  int n = ks::km::illumos_vsnprintf(nullptr, 0, fmt, ap);
  size_t size = n > 0 ? static_cast<size_t>(n) + 1 : 1;
  auto* p = static_cast<char*>(ks_kmem_alloc(size, KS_KM_SLEEP, "kmem_asprintf"));
  ks::km::illumos_vsnprintf(p, size, fmt, again);
  va_end(again);
  return p;
}

char* kmem_asprintf(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char* p = kmem_vasprintf(fmt, ap);
  va_end(ap);
  return p;
}

void ovbcopy(const void* from, void* to, size_t n) { std::memmove(to, from, n); }

}  // extern "C"
