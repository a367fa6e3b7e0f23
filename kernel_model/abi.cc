// The neutral C boundary (abi/kernsim/abi.h) for mutexes, condvars, kmem,
// failures and the current thread. Each call resolves the driver's handle in
// the current World and calls the World's operation.
#include "kernsim/abi.h"

#include <cerrno>
#include <cstdarg>
#include <cstdio>

#include "kernel_model/kmem.h"
#include "kernel_model/lock_class.h"
#include "kernel_model/code_site.h"
#include "kernel_model/world.h"

using ks::km::KHandle;
using ks::km::World;

namespace {
inline World& W() { return *World::current(); }
inline KHandle* H(ks_handle_t* h) { return reinterpret_cast<KHandle*>(h); }
std::string vformat(const char* fmt, va_list ap) {
  char buf[1024];
  vsnprintf(buf, sizeof buf, fmt, ap);
  return buf;
}
}  // namespace

extern "C" {

void ks_mutex_init(ks_handle_t* h, const char* name, int flags, const char* expr) {
  World& w = W();
  w.init_handle(H(h), ks::km::kObjMutex, name, expr);
  ks::km::KObject& o = w.obj(static_cast<ks::sim::ObjId>(h->v));
  o.spin = (flags & KS_MTX_SPIN) != 0;
  o.no_sleep_held = (flags & KS_MTX_NOSLEEP) != 0;
  o.recursable = (flags & KS_MTX_RECURSE) != 0;
  o.class_checked = (flags & KS_MTX_CLASS_CHECKED) != 0;
  o.destroy_unlocks = (flags & KS_MTX_DESTROY_UNLOCKS) != 0;
}
void ks_mutex_enter(ks_handle_t* h, const char* expr) {
  World& w = W();
  w.mutex_enter(w.resolve(H(h), ks::km::kObjMutex, expr, "mutex_enter"), KS_CALLER);
}
int ks_mutex_tryenter(ks_handle_t* h, const char* expr) {
  World& w = W();
  return w.mutex_tryenter(w.resolve(H(h), ks::km::kObjMutex, expr, "mutex_tryenter"),
                          KS_CALLER);
}
void ks_mutex_exit(ks_handle_t* h, const char* expr) {
  World& w = W();
  w.mutex_exit(w.resolve(H(h), ks::km::kObjMutex, expr, "mutex_exit"));
}
int ks_mutex_owned(ks_handle_t* h, const char* expr) {
  World& w = W();
  return w.mutex_owned(w.resolve(H(h), ks::km::kObjMutex, expr, "mutex_owned"));
}
int ks_mutex_held_by_anyone(ks_handle_t* h, const char* expr) {
  World& w = W();
  return w.obj(w.resolve(H(h), ks::km::kObjMutex, expr, "mutex_held")).owner != 0;
}
int ks_mutex_recursed(ks_handle_t* h, const char* expr) {
  World& w = W();
  return ks::km::mutex_recursed(w, w.resolve(H(h), ks::km::kObjMutex, expr, "mutex_recursed"));
}
void ks_mutex_enter_class(ks_handle_t* h, int spin, const char* op, const char* right_op,
                          const char* expr) {
  World& w = W();
  ks::km::mutex_enter_class(w, w.resolve(H(h), ks::km::kObjMutex, expr, op), spin != 0, op,
                            right_op, KS_CALLER);
}
void ks_mutex_exit_class(ks_handle_t* h, int spin, const char* op, const char* right_op,
                         const char* expr) {
  World& w = W();
  ks::km::mutex_exit_class(w, w.resolve(H(h), ks::km::kObjMutex, expr, op), spin != 0, op,
                           right_op);
}
void ks_mutex_destroy(ks_handle_t* h, const char* expr) {
  World& w = W();
  w.mutex_destroy(w.resolve(H(h), ks::km::kObjMutex, expr, "mutex_destroy"));
}

void ks_cv_init(ks_handle_t* h, const char* name, const char* expr) {
  W().init_handle(H(h), ks::km::kObjCondvar, name, expr);
}
int ks_cv_wait(ks_handle_t* cv, ks_handle_t* m, int interruptible, uint64_t deadline_ns,
               const char* cv_expr, const char* m_expr) {
  World& w = W();
  auto c = w.resolve(H(cv), ks::km::kObjCondvar, cv_expr, "cv_wait");
  auto x = w.resolve(H(m), ks::km::kObjMutex, m_expr, "cv_wait");
  return w.cv_wait(c, x, interruptible != 0, deadline_ns);
}
void ks_cv_signal(ks_handle_t* h, const char* expr) {
  World& w = W();
  w.cv_signal(w.resolve(H(h), ks::km::kObjCondvar, expr, "cv_signal"));
}
void ks_cv_broadcast(ks_handle_t* h, const char* expr) {
  World& w = W();
  w.cv_broadcast(w.resolve(H(h), ks::km::kObjCondvar, expr, "cv_broadcast"));
}
void ks_cv_destroy(ks_handle_t* h, const char* expr) {
  World& w = W();
  w.cv_destroy(w.resolve(H(h), ks::km::kObjCondvar, expr, "cv_destroy"));
}

void* ks_kmem_alloc(size_t size, int flags, const char* tag) {
  return ks::km::kmem_alloc(W(), size, flags, tag);
}
void ks_kmem_free(void* p, size_t size, const char* op) { ks::km::kmem_free(W(), p, size, op); }

uint64_t ks_now_ns(void) { return W().sim().now(); }
void ks_preempt(void) { W().preempt(); }

void ks_panic(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  std::string m = vformat(fmt, ap);
  va_end(ap);
  W().panic(m);
}

void ks_assert_failed(const char* expr, const char* file, int line, const char* func) {
  World& w = W();
  const char* base = ks::km::file_base(file);
  w.fail(ks::sim::FailureKind::kPanic,
         std::string("assertion failed: ") + expr + ", file: " + base + ", line: " +
             std::to_string(line) + " (in " + func + ", thread " +
             w.thread_name(w.self_tid()) + ")",
         std::string("assert:") + func + ":" + expr);
}

void ks_log(int level, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  std::string m = vformat(fmt, ap);
  va_end(ap);
  static const char* const lv[] = {"", "NOTICE: ", "WARNING: ", ""};
  W().log(std::string(level >= 0 && level < 4 ? lv[level] : "") + m);
}

int ks_variant(const char* driver, const char* variant) {
  return W().variant(driver, variant) ? 1 : 0;
}

uint32_t ks_thread_id(void) { return W().self_tid(); }
const char* ks_thread_name(void) { return W().thread_name(W().self_tid()); }
int ks_in_interrupt(void) { return W().sim().cur()->ctx != ks::km::kCtxThread ? 1 : 0; }

}  // extern "C"
