// FreeBSD synchronisation and console entry points behind the header
// macros: mtx(9) onto the kernel model's mutex (mtx_init's options become
// the lock's class: recursion, spin, WITNESS's rules; lock_class.h), the
// INVARIANTS assertions (mtx_assert, sx_assert) as lock-misuse reports, the
// condvar waits (ticks, EWOULDBLOCK), panic, printf, hz, ticks.
#include <cerrno>
#include <cstdarg>
#include <cstddef>
#include <cstdio>
#include <string>

#include "kernel_model/freebsd/state.h"
#include "kernel_model/code_site.h"
#include "kernel_model/kobject.h"
#include "kernel_model/lock_class.h"
#include "kernel_model/world.h"

extern "C" {
#include <sys/condvar.h>
#include <sys/mutex.h>
#include <sys/sx.h>
#include <sys/systm.h>
}

#undef printf
#undef panic
#undef ticks
#undef curthread

using ks::km::World;

namespace ks::km::freebsd {
static_assert(sizeof(KernelMtx) == sizeof(struct mtx) &&
                  offsetof(KernelMtx, h) == offsetof(struct mtx, _opaque) &&
                  offsetof(KernelMtx, opts) == offsetof(struct mtx, _ks_opts) &&
                  offsetof(KernelMtx, recurse) == offsetof(struct mtx, _ks_recurse),
              "KernelMtx is a struct mtx");
struct mtx* as_mtx(KernelMtx& m) { return reinterpret_cast<struct mtx*>(&m); }

int cv_wait_rwl(ks_handle_t* cv, ks_handle_t* lock, uint64_t deadline, bool sig, bool relock,
                const char* ce, const char* le, const char* op) {
  World& w = *World::current();
  auto c = w.resolve(reinterpret_cast<KHandle*>(cv), kObjCondvar, ce, op);
  auto l = w.resolve(reinterpret_cast<KHandle*>(lock), kObjRwlock, le, op);
  int r = w.cv_wait_rw(c, l, sig, deadline, relock);
  return r == ETIMEDOUT ? EWOULDBLOCK : r;
}
}  // namespace ks::km::freebsd

namespace {
using ks::km::freebsd::kNsPerTick;

// Named as every other report names a lock: by its init name ("kfb_a"),
// which the expression's last component ("a" of kfb.a) often is not.
[[noreturn]] void assert_failed(ks::km::KObjKind kind, ks_handle_t* h, const char* fn,
                                const char* expr, const char* what, const char* file, int line,
                                const char* why) {
  World& w = *World::current();
  const char* base = ks::km::file_base(file);
  std::string n = w.name(w.resolve(reinterpret_cast<ks::km::KHandle*>(h), kind, expr, fn));
  w.misuse(std::string(fn) + "(" + n + ", " + what + ") failed at " + base + ":" +
               std::to_string(line) + ": " + why + " (thread " +
               w.thread_name(w.self_tid()) + ")",
           std::string(fn) + ":" + what + ":" + n);
}
}  // namespace

extern "C" {

// mtx_init's options onto the kernel model's lock class. Every mtx(9) is a
// non-sleepable lock in WITNESS's sense (sleeping with one held, other than
// a cv wait's interlock, is a WITNESS error), is class-checked, and may be
// destroyed by its owner held.
void ks_fb_mtx_init(struct mtx* m, const char* name, int opts, const char* expr) {
  m->_ks_opts = opts;
  m->_ks_recurse = 0;
  int flags = KS_MTX_NOSLEEP | KS_MTX_CLASS_CHECKED | KS_MTX_DESTROY_UNLOCKS;
  if (opts & MTX_SPIN) flags |= KS_MTX_SPIN;
  if (opts & MTX_RECURSE) flags |= KS_MTX_RECURSE;
  ks_mutex_init(&m->_opaque, name, flags, expr);
}

// mtx_lock serves sleep mutexes, mtx_lock_spin spin ones (FreeBSD's
// KASSERTs make the other class misuse).
void ks_fb_mtx_lock(struct mtx* m, int spin, const char* expr) {
  World& w = *World::current();
  const char* op = spin ? "mtx_lock_spin" : "mtx_lock";
  ks::km::mutex_enter_class(
      w, w.resolve(reinterpret_cast<ks::km::KHandle*>(&m->_opaque), ks::km::kObjMutex, expr, op),
      spin != 0, op, spin ? "mtx_lock" : "mtx_lock_spin", KS_CALLER);
}

void ks_fb_mtx_unlock(struct mtx* m, int spin, const char* expr) {
  ks_mutex_exit_class(&m->_opaque, spin, spin ? "mtx_unlock_spin" : "mtx_unlock",
                      spin ? "mtx_unlock" : "mtx_unlock_spin", expr);
}

int ks_fb_mtx_trylock(struct mtx* m, const char* expr) {
  World& w = *World::current();
  return w.mutex_tryenter(w.resolve(reinterpret_cast<ks::km::KHandle*>(&m->_opaque),
                                    ks::km::kObjMutex, expr, "mutex_tryenter"),
                          KS_CALLER);
}

int ks_fb_mtx_recursed(struct mtx* m, const char* expr) {
  return ks_mutex_recursed(&m->_opaque, expr);
}

void ks_fb_mtx_destroy(struct mtx* m, const char* expr) {
  ks_mutex_destroy(&m->_opaque, expr);  // by the owner: unlocked first
}

void ks_fb_mtx_assert(struct mtx* m, int what, const char* expr, const char* file, int line) {
  bool owned = ks_mutex_owned(&m->_opaque, expr) != 0;
  if (what & MA_OWNED) {
    if (!owned) assert_failed(ks::km::kObjMutex, &m->_opaque, "mtx_assert", expr, "MA_OWNED", file, line, "the mutex is not owned by this thread");
    bool recursed = ks_mutex_recursed(&m->_opaque, expr) != 0;
    if ((what & MA_RECURSED) && !recursed)
      assert_failed(ks::km::kObjMutex, &m->_opaque, "mtx_assert", expr, "MA_RECURSED", file, line, "the mutex is not recursed");
    if ((what & MA_NOTRECURSED) && recursed)
      assert_failed(ks::km::kObjMutex, &m->_opaque, "mtx_assert", expr, "MA_NOTRECURSED", file, line, "the mutex is recursed");
  } else if (owned) {
    assert_failed(ks::km::kObjMutex, &m->_opaque, "mtx_assert", expr, "MA_NOTOWNED", file, line, "the mutex is owned by this thread");
  }
}

int hz = static_cast<int>(1'000'000'000 / kNsPerTick);

void ks_fb_sx_assert(ks_handle_t* h, int what, const char* expr, const char* file, int line) {
  bool x = ks_rw_write_held(h, expr) != 0;
  bool s = ks_rw_read_held(h, expr) != 0;
  switch (what & ~(SA_RECURSED | SA_NOTRECURSED)) {
    case SA_XLOCKED:
      if (!x) assert_failed(ks::km::kObjRwlock, h, "sx_assert", expr, "SA_XLOCKED", file, line, "not exclusively locked");
      break;
    case SA_SLOCKED:
      if (!s) assert_failed(ks::km::kObjRwlock, h, "sx_assert", expr, "SA_SLOCKED", file, line, "not share locked");
      break;
    case SA_LOCKED:
      if (!x && !s) assert_failed(ks::km::kObjRwlock, h, "sx_assert", expr, "SA_LOCKED", file, line, "not locked");
      break;
    case SA_UNLOCKED:
      if (x) assert_failed(ks::km::kObjRwlock, h, "sx_assert", expr, "SA_UNLOCKED", file, line, "exclusively locked");
      break;
    default:
      break;
  }
  // Only the exclusive holder's enters are counted (shared ones are not).
  bool rec = x && ks_rw_recursed(h, expr) != 0;
  if ((what & SA_RECURSED) && (x || s) && !rec)
    assert_failed(ks::km::kObjRwlock, h, "sx_assert", expr, "SA_RECURSED", file, line, "not recursed");
  if ((what & SA_NOTRECURSED) && rec)
    assert_failed(ks::km::kObjRwlock, h, "sx_assert", expr, "SA_NOTRECURSED", file, line, "recursed");
}

// A cv wait's deadline: none for cv_wait (timo 0, no KS_FB_CV_TIMED);
// cv_timedwait's timo ticks from now, at least one (sys/condvar.h: FreeBSD
// arms the timeout whatever timo is, and callout_when makes less than a
// tick one tick; it was a wait for ever here before 2026-12-07).
static uint64_t cv_deadline(int timo, int flags) {
  if (!(flags & KS_FB_CV_TIMED)) return 0;
  return ks_now_ns() + uint64_t(timo > 0 ? timo : 1) * kNsPerTick;
}

int ks_fb_cv_wait(ks_handle_t* cv, struct mtx* m, int timo, int flags, const char* ce,
                  const char* me) {
  // (A recursed interlock is misuse: the kernel model's cv wait says so.)
  int r = ks_cv_wait(cv, &m->_opaque, flags & KS_FB_CV_SIG, cv_deadline(timo, flags), ce, me);
  return r == ETIMEDOUT ? EWOULDBLOCK : r;
}

// cv_wait_unlock with an mtx: _cv_wait_unlock releases it and never takes
// it again (kern_condvar.c, read by fbsleeplk); re-taking it made a waker
// that keeps holding the mtx block the waiter, which FreeBSD does not.
int ks_fb_cv_wait_unlock(ks_handle_t* cv, struct mtx* m, const char* ce, const char* me) {
  World& w = *World::current();
  auto c = w.resolve(reinterpret_cast<ks::km::KHandle*>(cv), ks::km::kObjCondvar, ce,
                     "cv_wait_unlock");
  auto x = w.resolve(reinterpret_cast<ks::km::KHandle*>(&m->_opaque), ks::km::kObjMutex, me,
                     "cv_wait_unlock");
  return (w.cv_wait)(c, x, false, 0, false);  // parenthesized: cv_wait is a macro here
}

// An sx or rwlock interlock (sys/condvar.h): released in the mode it is
// held in, taken again in it unless KS_FB_CV_UNLOCK (cv_wait_unlock).
int ks_fb_cv_wait_rwl(ks_handle_t* cv, ks_handle_t* lock, int timo, int flags, const char* ce,
                      const char* le) {
  return ks::km::freebsd::cv_wait_rwl(cv, lock, cv_deadline(timo, flags),
                                      (flags & KS_FB_CV_SIG) != 0,
                                      !(flags & KS_FB_CV_UNLOCK), ce, le, "cv_wait");
}

int ks_fb_ticks(void) { return static_cast<int>(ks_now_ns() / kNsPerTick); }

void ks_fb_panic(const char* fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  ks_panic("%s", buf);
}

int ks_fb_printf(const char* fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  int n = std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  ks_log(0, "%s", buf);
  return n;
}

}  // extern "C"
