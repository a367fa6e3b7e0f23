// illumos synchronisation and memory entry points: the real functions behind
// the header macros (for drivers that take their address), and the return
// value conventions illumos has and the neutral calls do not.
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

#undef mutex_init
#undef mutex_destroy
#undef mutex_enter
#undef mutex_tryenter
#undef mutex_exit
#undef mutex_owned
#undef cv_init
#undef cv_destroy
#undef cv_wait
#undef cv_wait_sig
#undef cv_timedwait
#undef cv_timedwait_sig
#undef cv_reltimedwait
#undef cv_signal
#undef cv_broadcast
#undef kmem_alloc
#undef kmem_zalloc
#undef kmem_free

extern "C" {

void mutex_init(kmutex_t* m, char* name, kmutex_type_t t, void*) {
  ks_mutex_init(&m->_opaque, name, t == MUTEX_SPIN, "mutex");
}
void mutex_destroy(kmutex_t* m) { ks_mutex_destroy(&m->_opaque, "mutex"); }
void mutex_enter(kmutex_t* m) { ks_mutex_enter(&m->_opaque, "mutex"); }
int mutex_tryenter(kmutex_t* m) { return ks_mutex_tryenter(&m->_opaque, "mutex"); }
void mutex_exit(kmutex_t* m) { ks_mutex_exit(&m->_opaque, "mutex"); }
int mutex_owned(const kmutex_t* m) {
  return ks_mutex_owned(const_cast<ks_handle_t*>(&m->_opaque), "mutex");
}

void cv_init(kcondvar_t* c, char* name, kcv_type_t, void*) { ks_cv_init(&c->_opaque, name, "cv"); }
void cv_destroy(kcondvar_t* c) { ks_cv_destroy(&c->_opaque, "cv"); }
void cv_wait(kcondvar_t* c, kmutex_t* m) { ks_cv_wait(&c->_opaque, &m->_opaque, 0, 0, "cv", "mutex"); }
void cv_signal(kcondvar_t* c) { ks_cv_signal(&c->_opaque, "cv"); }
void cv_broadcast(kcondvar_t* c) { ks_cv_broadcast(&c->_opaque, "cv"); }

int ks_il_cv_wait_sig(kcondvar_t* c, kmutex_t* m, const char* ce, const char* me) {
  // illumos: 0 when a signal interrupted the wait, positive otherwise.
  return ks_cv_wait(&c->_opaque, &m->_opaque, 1, 0, ce, me) == EINTR ? 0 : 1;
}
int cv_wait_sig(kcondvar_t* c, kmutex_t* m) { return ks_il_cv_wait_sig(c, m, "cv", "mutex"); }

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
clock_t cv_timedwait(kcondvar_t* c, kmutex_t* m, clock_t t) {
  return ks_il_cv_timedwait(c, m, t, 0, "cv", "mutex");
}
int cv_timedwait_sig(kcondvar_t* c, kmutex_t* m, clock_t t) {
  return static_cast<int>(ks_il_cv_timedwait(c, m, t, 1, "cv", "mutex"));
}
clock_t cv_reltimedwait(kcondvar_t* c, kmutex_t* m, clock_t d, time_res_t) {
  return ks_il_cv_timedwait(c, m, ddi_get_lbolt() + d, 0, "cv", "mutex");
}

void* kmem_alloc(size_t sz, int fl) {
  return ks_kmem_alloc(sz, (fl & KM_NOSLEEP) ? KS_KM_NOSLEEP : KS_KM_SLEEP, "kmem_alloc");
}
void* kmem_zalloc(size_t sz, int fl) {
  return ks_kmem_alloc(sz, ((fl & KM_NOSLEEP) ? KS_KM_NOSLEEP : KS_KM_SLEEP) | KS_KM_ZERO,
                       "kmem_zalloc");
}
void kmem_free(void* p, size_t sz) { ks_kmem_free(p, sz, "kmem_free"); }

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
