// sbuf(9) on kmem (sys/sbuf.h for the rules).
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>

extern "C" {
#include <sys/sbuf.h>
#include <sys/sysctl.h>
}

#include "kernsim/abi.h"

namespace {

constexpr size_t kMinSize = 64;

// Room for `more` bytes and the NUL; false (the error kept) when there is none.
bool room(struct sbuf* s, size_t more) {
  if (s->s_error) return false;
  if (s->s_len + more + 1 <= s->s_size) return true;
  if (!(s->s_flags & SBUF_AUTOEXTEND)) {
    s->s_error = ENOMEM;
    return false;
  }
  size_t n = s->s_size ? s->s_size : kMinSize;
  while (n < s->s_len + more + 1) n *= 2;
  auto* b = static_cast<char*>(ks_kmem_alloc(n, KS_KM_SLEEP, "sbuf"));
  std::memcpy(b, s->s_buf, s->s_len);
  if (s->s_ks_own & 2) ks_kmem_free(s->s_buf, s->s_size, "sbuf");  // a caller's stays theirs
  s->s_buf = b;
  s->s_size = n;
  s->s_ks_own |= 2;
  return true;
}

}  // namespace

extern "C" {

struct sbuf* sbuf_new(struct sbuf* s, char* buf, int length, int flags) {
  int own = 0;
  if (!s) {
    s = static_cast<struct sbuf*>(ks_kmem_alloc(sizeof(struct sbuf), KS_KM_SLEEP, "sbuf"));
    own = 1;
  }
  std::memset(s, 0, sizeof *s);
  s->s_flags = flags;
  s->s_ks_own = own;
  if (buf) {
    s->s_buf = buf;
    s->s_size = static_cast<size_t>(length);
  } else {
    s->s_size = length > 0 ? static_cast<size_t>(length) : kMinSize;
    s->s_buf = static_cast<char*>(ks_kmem_alloc(s->s_size, KS_KM_SLEEP, "sbuf"));
    s->s_ks_own = 2 | own;
  }
  if (s->s_size) s->s_buf[0] = '\0';
  return s;
}

struct sbuf* sbuf_new_for_sysctl(struct sbuf* s, char* buf, int length, struct sysctl_req* req) {
  s = sbuf_new(s, buf, length, SBUF_AUTOEXTEND);
  s->s_ks_req = req;
  return s;
}

void sbuf_clear(struct sbuf* s) {
  s->s_len = 0;
  s->s_error = 0;
  s->s_finished = 0;
  if (s->s_size) s->s_buf[0] = '\0';
}

int sbuf_bcat(struct sbuf* s, const void* p, size_t n) {
  if (!room(s, n)) return -1;
  std::memcpy(s->s_buf + s->s_len, p, n);
  s->s_len += n;
  s->s_buf[s->s_len] = '\0';
  return 0;
}

int sbuf_cat(struct sbuf* s, const char* str) { return sbuf_bcat(s, str, std::strlen(str)); }

int sbuf_cpy(struct sbuf* s, const char* str) {
  sbuf_clear(s);
  return sbuf_cat(s, str);
}

int sbuf_vprintf(struct sbuf* s, const char* fmt, va_list ap) {
  va_list again;
  va_copy(again, ap);
  int n = std::vsnprintf(nullptr, 0, fmt, ap);
  int r = -1;
  if (n >= 0 && room(s, static_cast<size_t>(n))) {
    std::vsnprintf(s->s_buf + s->s_len, static_cast<size_t>(n) + 1, fmt, again);
    s->s_len += static_cast<size_t>(n);
    r = 0;
  }
  va_end(again);
  return r;
}

int sbuf_printf(struct sbuf* s, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = sbuf_vprintf(s, fmt, ap);
  va_end(ap);
  return r;
}

int sbuf_putc(struct sbuf* s, int c) {
  char ch = static_cast<char>(c);
  return sbuf_bcat(s, &ch, 1);
}

int sbuf_trim(struct sbuf* s) {
  if (s->s_error) return -1;
  while (s->s_len && (s->s_buf[s->s_len - 1] == ' ' || s->s_buf[s->s_len - 1] == '\t' ||
                      s->s_buf[s->s_len - 1] == '\n'))
    s->s_buf[--s->s_len] = '\0';
  return 0;
}

int sbuf_error(struct sbuf* s) { return s->s_error; }

int sbuf_finish(struct sbuf* s) {
  s->s_finished = 1;
  if (!s->s_error && s->s_ks_req)
    s->s_error = SYSCTL_OUT(s->s_ks_req, s->s_buf, s->s_len + 1);  // with its NUL, as sysctl strings
  return s->s_error;
}

char* sbuf_data(struct sbuf* s) { return s->s_buf; }
ssize_t sbuf_len(struct sbuf* s) { return s->s_error ? -1 : static_cast<ssize_t>(s->s_len); }
int sbuf_done(struct sbuf* s) { return s->s_finished; }

void sbuf_delete(struct sbuf* s) {
  int own = s->s_ks_own;
  if (own & 2) ks_kmem_free(s->s_buf, s->s_size, "sbuf_delete");
  if (own & 1)
    ks_kmem_free(s, sizeof(struct sbuf), "sbuf_delete");
  else
    std::memset(s, 0, sizeof *s);
}

}  // extern "C"
