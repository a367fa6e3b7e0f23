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

#include "kernel_model/kernel_printf.h"

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
  // the ticks that were left. A deadline at or before now returns -1 at
  // once without a wait (illumos's cv_timedwait compares with lbolt first):
  // the mutex is never dropped, so nothing can run in between.
  clock_t now = ddi_get_lbolt();
  if (abstime <= now) return -1;
  uint64_t deadline = static_cast<uint64_t>(abstime) * KS_NS_PER_TICK;
  int r = ks_cv_wait(&c->_opaque, &m->_opaque, sig, deadline, ce, me);
  if (r == ETIMEDOUT) return -1;
  if (r == EINTR) return 0;
  clock_t left = abstime - ddi_get_lbolt();
  return left > 0 ? left : 1;
}
clock_t ks_il_cv_timedwait_hires(kcondvar_t* c, kmutex_t* m, hrtime_t tim, hrtime_t res,
                                 int flag, int sig, const char* ce, const char* me) {
  hrtime_t now = gethrtime();
  if (tim <= ((flag & CALLOUT_FLAG_ABSOLUTE) ? now : 0)) return -1;
  hrtime_t deadline = (flag & CALLOUT_FLAG_ABSOLUTE) ? tim : now + tim;
  if (res > 1) {
    if (flag & CALLOUT_FLAG_ROUNDUP) deadline += res - 1;
    deadline = deadline / res * res;
  }
  if (deadline <= 0) deadline = 1;
  int r = ks_cv_wait(&c->_opaque, &m->_opaque, sig, static_cast<uint64_t>(deadline), ce, me);
  if (r == ETIMEDOUT) return -1;
  if (r == EINTR) return 0;
  hrtime_t left = deadline - gethrtime();
  clock_t ticks = static_cast<clock_t>(left / static_cast<hrtime_t>(KS_NS_PER_TICK));
  return ticks > 0 ? ticks : 1;
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
  ks::km::illumos_vsnprintf(buf, sizeof buf, fmt, ap);  // a null %s as illumos prints it
  va_end(ap);
  if (level == CE_PANIC) ks_panic("%s", buf);
  if (level != CE_IGNORE) ks_log(level, "%s", buf);
}

void panic(const char* fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  ks::km::illumos_vsnprintf(buf, sizeof buf, fmt, ap);  // a null %s as illumos prints it
  va_end(ap);
  ks_panic("%s", buf);
}

}  // extern "C"
