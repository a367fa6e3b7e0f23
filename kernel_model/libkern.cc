// The string functions a kernel provides that the host C library lacks
// (glibc before 2.38 has no strlcpy/strlcat). Personality-neutral: illumos
// and FreeBSD declare them with the same signature and meaning; a host
// libc that has them is interposed by these, which mean the same.
#include <cstring>

extern "C" {

// Copies up to size-1 bytes and NUL-terminates (size > 0); returns
// strlen(src), so a result >= size means it was truncated.
size_t strlcpy(char* dst, const char* src, size_t size) {
  size_t n = std::strlen(src);
  if (size > 0) {
    size_t c = n < size - 1 ? n : size - 1;
    std::memcpy(dst, src, c);
    dst[c] = '\0';
  }
  return n;
}

// Appends src to the string in dst (of buffer size `size`); returns the
// length it tried to make.
size_t strlcat(char* dst, const char* src, size_t size) {
  size_t d = strnlen(dst, size);
  if (d == size) return size + std::strlen(src);
  return d + strlcpy(dst + d, src, size - d);
}

}  // extern "C"
