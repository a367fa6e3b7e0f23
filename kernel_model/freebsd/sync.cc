// FreeBSD synchronisation and console entry points behind the header
// macros: the INVARIANTS assertions (mtx_assert, sx_assert) as lock-misuse
// reports, cv_timedwait's ticks and EWOULDBLOCK, panic, printf, hz, ticks.
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <string>

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

namespace {
constexpr uint64_t kNsPerTick = 1000000;  // hz = 1000

[[noreturn]] void assert_failed(const char* fn, const char* expr, const char* what,
                                const char* file, int line, const char* why) {
  World& w = *World::current();
  const char* base = file;
  for (const char* p = file; *p; p++)
    if (*p == '/') base = p + 1;
  std::string n = ks::km::short_name(expr);
  w.misuse(std::string(fn) + "(" + n + ", " + what + ") failed at " + base + ":" +
               std::to_string(line) + ": " + why + " (thread " +
               w.thread_name(w.self_tid()) + ")",
           std::string(fn) + ":" + what + ":" + n);
}
}  // namespace

extern "C" {

int hz = 1000;

void ks_fb_mtx_assert(ks_handle_t* h, int what, const char* expr, const char* file, int line) {
  int owned = ks_mutex_owned(h, expr);
  if (what & MA_OWNED) {
    if (!owned) assert_failed("mtx_assert", expr, "MA_OWNED", file, line, "the mutex is not owned by this thread");
  } else if (owned) {
    assert_failed("mtx_assert", expr, "MA_NOTOWNED", file, line, "the mutex is owned by this thread");
  }
}

void ks_fb_sx_assert(ks_handle_t* h, int what, const char* expr, const char* file, int line) {
  bool x = ks_rw_write_held(h, expr) != 0;
  bool s = ks_rw_read_held(h, expr) != 0;
  switch (what) {
    case SA_XLOCKED:
      if (!x) assert_failed("sx_assert", expr, "SA_XLOCKED", file, line, "not exclusively locked");
      break;
    case SA_SLOCKED:
      if (!s) assert_failed("sx_assert", expr, "SA_SLOCKED", file, line, "not share locked");
      break;
    case SA_LOCKED:
      if (!x && !s) assert_failed("sx_assert", expr, "SA_LOCKED", file, line, "not locked");
      break;
    case SA_UNLOCKED:
      if (x) assert_failed("sx_assert", expr, "SA_UNLOCKED", file, line, "exclusively locked");
      break;
    default:
      break;
  }
}

int ks_fb_cv_timedwait(ks_handle_t* cv, ks_handle_t* m, int timo, int sig, const char* ce,
                       const char* me) {
  // timo in ticks; 0 sleeps without a deadline (as msleep's timo 0 does).
  uint64_t deadline = timo > 0 ? ks_now_ns() + uint64_t(timo) * kNsPerTick : 0;
  int r = ks_cv_wait(cv, m, sig, deadline, ce, me);
  return r == ETIMEDOUT ? EWOULDBLOCK : r;
}

int ks_fb_ticks(void) { return static_cast<int>(ks_now_ns() / kNsPerTick); }

struct thread* ks_fb_curthread(void) {
  // Opaque: a non-canonical address that names the thread and faults if
  // followed (struct thread is not modelled).
  return reinterpret_cast<struct thread*>(static_cast<uintptr_t>(0xfb00000000000000ull | ks_thread_id()));
}

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
