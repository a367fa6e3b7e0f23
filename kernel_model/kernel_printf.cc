// The kernel's snprintf and vsnprintf (kernel_printf.h): a kernel has its
// own (illumos common/util/string.c, FreeBSD subr_prf.c), and the module
// loader binds a driver's calls to these (module.cc). Drivers call them on
// hot paths (lofi names two minor nodes and a taskq in every mapping),
// where the C library's, built on stdio streams, was about 6% of a lofi
// execution's instructions. The conversions drivers use there (%s %d %i
// %u %x %X %c %%, with l, ll or z, and no flags, width or precision) are
// done here; any other format goes to the C library's whole, so every
// format means what it always did.
#include "kernel_model/kernel_printf.h"

#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace ks::km {

namespace {

// The output so far: at most n - 1 bytes stored, every byte counted.
struct Out {
  char* buf;
  size_t n;
  size_t len = 0;
  void put(char c) {
    if (len + 1 < n) buf[len] = c;
    len++;
  }
  void put(const char* s, size_t k) {
    size_t room = len + 1 < n ? n - 1 - len : 0;
    if (room) std::memcpy(buf + len, s, k < room ? k : room);  // buf may be null when n is 0
    len += k;
  }
};

void put_unsigned(Out& o, unsigned long long v, unsigned base, bool upper) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  char tmp[24];
  char* p = tmp + sizeof tmp;
  do {
    *--p = digits[v % base];
    v /= base;
  } while (v);
  o.put(p, static_cast<size_t>(tmp + sizeof tmp - p));
}

// Formats fmt into o; false (o then partly written) at the first
// directive this does not do itself.
bool format(Out& o, const char* fmt, va_list ap) {
  for (const char* f = fmt; *f; f++) {
    if (*f != '%') {
      const char* run = f;
      while (f[1] && f[1] != '%') f++;
      o.put(run, static_cast<size_t>(f - run + 1));
      continue;
    }
    f++;
    int longs = 0;  // 1: l or z, 2: ll
    if (*f == 'z') {
      longs = 1;
      f++;
    } else {
      while (*f == 'l' && longs < 2) {
        longs++;
        f++;
      }
    }
    switch (*f) {
      case '%':
        if (longs) return false;
        o.put('%');
        break;
      case 'c':
        if (longs) return false;
        o.put(static_cast<char>(va_arg(ap, int)));
        break;
      case 's': {
        if (longs) return false;
        const char* s = va_arg(ap, const char*);
        if (!s) s = "(null)";  // as the C library prints it
        o.put(s, std::strlen(s));
        break;
      }
      case 'd': case 'i': {
        long long v = longs == 2 ? va_arg(ap, long long)
                      : longs == 1 ? va_arg(ap, long) : va_arg(ap, int);
        unsigned long long u = static_cast<unsigned long long>(v);
        if (v < 0) {
          o.put('-');
          u = 0 - u;
        }
        put_unsigned(o, u, 10, false);
        break;
      }
      case 'u': case 'x': case 'X': {
        unsigned long long v = longs == 2 ? va_arg(ap, unsigned long long)
                               : longs == 1 ? va_arg(ap, unsigned long)
                                            : va_arg(ap, unsigned int);
        put_unsigned(o, v, *f == 'u' ? 10 : 16, *f == 'X');
        break;
      }
      default:
        return false;  // flags, width, precision, h, other conversions, a lone '%'
    }
  }
  return true;
}

}  // namespace

int kernel_vsnprintf(char* buf, size_t n, const char* fmt, va_list ap) {
  va_list again;
  va_copy(again, ap);
  Out o{buf, n};
  int r;
  if (format(o, fmt, ap)) {
    if (n) buf[o.len < n ? o.len : n - 1] = '\0';
    r = static_cast<int>(o.len);
  } else {
    r = std::vsnprintf(buf, n, fmt, again);
  }
  va_end(again);
  return r;
}

int kernel_snprintf(char* buf, size_t n, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = kernel_vsnprintf(buf, n, fmt, ap);
  va_end(ap);
  return r;
}

}  // namespace ks::km
