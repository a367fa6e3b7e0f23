// illumos synchronisation and memory entry points: the return-value
// conventions illumos has and the neutral calls do not, and cmn_err/panic.
// mutex_*, cv_*, kmem_* are header macros only: an out-of-line twin could
// not know the driver's spelling of the object, and it is what a call with
// no prototype in scope used to link to (every lock named "mutex").
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <string>

extern "C" {
#include <sys/cmn_err.h>
#include <sys/condvar.h>
#include <sys/kmem.h>
#include <sys/mutex.h>
}

extern "C" {

int ks_il_cv_wait_sig(kcondvar_t* c, kmutex_t* m, const char* ce, const char* me) {
  // illumos: 0 when a signal interrupted the wait, positive otherwise.
  return ks_cv_wait(&c->_opaque, &m->_opaque, 1, 0, ce, me) == EINTR ? 0 : 1;
}

clock_t ks_il_cv_timedwait(kcondvar_t* c, kmutex_t* m, clock_t abstime, int sig,
                           const char* ce, const char* me) {
  // illumos: -1 when the time passed, 0 on a signal (the _sig form), else
  // the ticks that were left.
  clock_t now = ddi_get_lbolt();
  if (abstime <= now) abstime = now;  // expires at once, but still a wait
  uint64_t deadline = static_cast<uint64_t>(abstime) * KS_NS_PER_TICK;
  if (deadline == 0) deadline = 1;
  int r = ks_cv_wait(&c->_opaque, &m->_opaque, sig, deadline, ce, me);
  if (r == ETIMEDOUT) return -1;
  if (r == EINTR) return 0;
  clock_t left = abstime - ddi_get_lbolt();
  return left > 0 ? left : 1;
}
char* ks_il_strdup(const char* s, const char* tag) {
  size_t n = std::strlen(s) + 1;
  char* p = static_cast<char*>(ks_kmem_alloc(n, KS_KM_SLEEP, tag));
  std::memcpy(p, s, n);
  return p;
}
void ks_il_strfree(char* s) { ks_kmem_free(s, std::strlen(s) + 1, "strfree"); }

void cmn_err(int level, const char* fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (level == CE_PANIC) ks_panic("%s", buf);
  if (level != CE_IGNORE) ks_log(level, "%s", buf);
}

void panic(const char* fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  ks_panic("%s", buf);
}

}  // extern "C"
