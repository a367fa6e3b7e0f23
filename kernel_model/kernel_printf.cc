// The kernel's snprintf and vsnprintf (kernel_printf.h): a kernel has its
// own (illumos common/util/string.c, FreeBSD subr_prf.c), and the module
// loader binds a driver's calls to these (module.cc). Drivers call them on
// hot paths (lofi names two minor nodes and a taskq in every mapping),
// where the C library's, built on stdio streams, was about 6% of a lofi
// execution's instructions. The conversions drivers use there (%s %d %i
// %u %x %X %c %%, with l, ll or z, and no flags, width or precision) are
// done here; any other directive (flags, width, precision, h, p, floating
// point) is handed to the C library one directive at a time, so every
// format means what it always did. The one difference between kernels:
// what a null %s prints (illumos's "<null string>", FreeBSD's and the C
// library's "(null)"); a format with positional arguments (%1$s) goes to
// the C library whole.
#include "kernel_model/kernel_printf.h"

#include <climits>
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

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

// One directive the fast path does not do, given from its '%' to its
// conversion: its arguments taken as the C library would take them, then
// formatted by the C library alone (a null %s as `null_string`). False for
// a directive the C library would not know either.
bool one_directive(Out& o, const char* spec, size_t len, const char* null_string, va_list* ap) {
  std::string d(spec, len);  // "%...c"
  // '*' widths and precisions: their int arguments, written in
  std::string f;
  for (char c : d) {
    if (c == '*') f += std::to_string(va_arg(*ap, int));
    else f += c;
  }
  char conv = f.back();
  std::string mods;
  for (size_t i = f.size() - 1; i > 0 && std::strchr("hlzjtLq", f[i - 1]); i--) mods.insert(0, 1, f[i - 1]);
  char small[128];
  int k = -1;
  auto put = [&](auto v) {
    k = std::snprintf(small, sizeof small, f.c_str(), v);
    if (k < 0) return;
    if (static_cast<size_t>(k) < sizeof small) {
      o.put(small, static_cast<size_t>(k));
    } else {
      std::string big(static_cast<size_t>(k) + 1, '\0');
      std::snprintf(big.data(), big.size(), f.c_str(), v);
      o.put(big.data(), static_cast<size_t>(k));
    }
  };
  bool l1 = mods == "l", ll = mods == "ll" || mods == "q", z = mods == "z" || mods == "t",
       j = mods == "j", none = mods.empty() || mods == "h" || mods == "hh";
  switch (conv) {
    case 'd': case 'i':
      if (none) put(va_arg(*ap, int));
      else if (l1 || z) put(va_arg(*ap, long));
      else if (ll || j) put(va_arg(*ap, long long));
      else return false;
      break;
    case 'u': case 'o': case 'x': case 'X':
      if (none) put(va_arg(*ap, unsigned int));
      else if (l1 || z) put(va_arg(*ap, unsigned long));
      else if (ll || j) put(va_arg(*ap, unsigned long long));
      else return false;
      break;
    case 'c':
      if (!none && !l1) return false;
      put(va_arg(*ap, int));
      break;
    case 's': {
      if (!mods.empty()) return false;
      const char* str = va_arg(*ap, const char*);
      put(str ? str : null_string);
      break;
    }
    case 'p': put(va_arg(*ap, void*)); break;
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'a': case 'A':
      if (mods == "L") put(va_arg(*ap, long double));
      else if (mods.empty() || mods == "l") put(va_arg(*ap, double));
      else return false;
      break;
    default: return false;  // %n, wide strings, an unknown conversion
  }
  return k >= 0;
}

// Formats fmt into o; false (o then partly written) at the first
// directive neither this nor one_directive does.
bool format(Out& o, const char* fmt, const char* null_string, va_list* ap) {
  for (const char* f = fmt; *f; f++) {
    if (*f != '%') {
      const char* run = f;
      while (f[1] && f[1] != '%') f++;
      o.put(run, static_cast<size_t>(f - run + 1));
      continue;
    }
    const char* start = f++;
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
    bool done = true;
    switch (*f) {
      case '%':
        if (longs) done = false;
        else o.put('%');
        break;
      case 'c':
        if (longs) done = false;
        else o.put(static_cast<char>(va_arg(*ap, int)));
        break;
      case 's': {
        if (longs) {
          done = false;
          break;
        }
        const char* s = va_arg(*ap, const char*);
        if (!s) s = null_string;
        o.put(s, std::strlen(s));
        break;
      }
      case 'd': case 'i': {
        long long v = longs == 2 ? va_arg(*ap, long long)
                      : longs == 1 ? va_arg(*ap, long) : va_arg(*ap, int);
        unsigned long long u = static_cast<unsigned long long>(v);
        if (v < 0) {
          o.put('-');
          u = 0 - u;
        }
        put_unsigned(o, u, 10, false);
        break;
      }
      case 'u': case 'x': case 'X': {
        unsigned long long v = longs == 2 ? va_arg(*ap, unsigned long long)
                               : longs == 1 ? va_arg(*ap, unsigned long)
                                            : va_arg(*ap, unsigned int);
        put_unsigned(o, v, *f == 'u' ? 10 : 16, *f == 'X');
        break;
      }
      default: done = false;
    }
    if (done) continue;
    // flags, width, precision, h, other conversions: the directive's whole
    // spec, up to its conversion letter, to the C library
    const char* e = start + 1;
    while (*e && std::strchr("-+ #0'123456789.*hlzjtLq", *e)) e++;
    if (!*e || !one_directive(o, start, static_cast<size_t>(e - start + 1), null_string, ap))
      return false;
    f = e;
  }
  return true;
}


int vsnprintf_as(const char* null_string, char* buf, size_t n, const char* fmt, va_list ap) {
  va_list mine, again;
  va_copy(mine, ap);
  va_copy(again, ap);
  Out o{buf, n};
  int r;
  // positional arguments (%1$s) take their arguments out of order: the C
  // library's whole
  if (!std::strchr(fmt, '$') && format(o, fmt, null_string, &mine)) {
    if (n) buf[o.len < n ? o.len : n - 1] = '\0';
    r = static_cast<int>(o.len);
  } else {
    r = std::vsnprintf(buf, n, fmt, again);
  }
  va_end(mine);
  va_end(again);
  return r;
}

}  // namespace

int kernel_vsnprintf(char* buf, size_t n, const char* fmt, va_list ap) {
  return vsnprintf_as("(null)", buf, n, fmt, ap);  // as the C library and FreeBSD print it
}

int kernel_snprintf(char* buf, size_t n, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = kernel_vsnprintf(buf, n, fmt, ap);
  va_end(ap);
  return r;
}

int illumos_vsnprintf(char* buf, size_t n, const char* fmt, va_list ap) {
  return vsnprintf_as("<null string>", buf, n, fmt, ap);  // illumos's string.c
}

int illumos_snprintf(char* buf, size_t n, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = illumos_vsnprintf(buf, n, fmt, ap);
  va_end(ap);
  return r;
}

// sprintf: no bound but INT_MAX, as its int result has
int illumos_vsprintf(char* buf, const char* fmt, va_list ap) {
  return illumos_vsnprintf(buf, INT_MAX, fmt, ap);
}

int illumos_sprintf(char* buf, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = illumos_vsprintf(buf, fmt, ap);
  va_end(ap);
  return r;
}

}  // namespace ks::km
