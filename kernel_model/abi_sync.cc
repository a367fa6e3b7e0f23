// The neutral C boundary (abi/kernsim/abi.h) for reader/writer locks,
// semaphores, taskqs, callouts and delay, in the manner of abi.cc.
#include <cerrno>
#include <cstdio>

#include "kernel_model/callout.h"
#include "kernel_model/rwlock.h"
#include "kernel_model/sema.h"
#include "kernel_model/taskq.h"
#include "kernel_model/code_site.h"
#include "kernel_model/world.h"
#include "kernsim/abi.h"

using ks::km::KHandle;
using ks::km::World;
using ks::sim::ObjId;

namespace {
inline World& W() { return *World::current(); }
inline KHandle* H(ks_handle_t* h) { return reinterpret_cast<KHandle*>(h); }
ObjId RW(World& w, ks_handle_t* h, const char* expr, const char* op) {
  return w.resolve(H(h), ks::km::kObjRwlock, expr, op);
}
ObjId SM(World& w, ks_handle_t* h, const char* expr, const char* op) {
  return w.resolve(H(h), ks::km::kObjSema, expr, op);
}

// A taskq pointer is a handle in disguise; anything else (NULL, a pointer
// from an earlier World, garbage) is the driver's bug, never followed.
ObjId TQ(World& w, ks_taskq_t* p, const char* expr, const char* op) {
  uint64_t v = reinterpret_cast<uintptr_t>(p);
  ObjId id = static_cast<ObjId>(v);
  if (static_cast<uint16_t>(v >> 48) == ks::km::kObjTaskq &&
      static_cast<uint16_t>(v >> 32) == w.epoch() && id >= 1 && id <= w.sim().nobjects() &&
      w.obj(id).kind == ks::km::kObjTaskq && w.obj(id).data)
    return id;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%p", static_cast<void*>(p));
  w.fail(ks::sim::FailureKind::kMemory,
         std::string(op) + " on " + ks::km::short_name(expr) + " (" + buf +
             "), which is not a taskq" + (p ? "" : ": a NULL taskq pointer") + " (thread " +
             w.thread_name(w.self_tid()) + ")",
         std::string("bad_object:") + op + ":" + ks::km::short_name(expr));
}
}  // namespace

extern "C" {

void ks_rw_init(ks_handle_t* h, const char* name, const char* expr) {
  W().init_handle(H(h), ks::km::kObjRwlock, name, expr);
}
void ks_rw_init_flags(ks_handle_t* h, const char* name, int flags, const char* expr) {
  World& w = W();
  w.init_handle(H(h), ks::km::kObjRwlock, name, expr);
  ks::km::KObject& o = w.obj(static_cast<ObjId>(h->v));
  o.recursable = (flags & KS_RW_RECURSE) != 0;
  o.no_sleep_held = (flags & KS_RW_NOSLEEP) != 0;
  o.wait_sleeps = (flags & KS_RW_SLEEPS) != 0;
}
int ks_rw_recursed(ks_handle_t* h, const char* expr) {
  World& w = W();
  return ks::km::rw_recursed(w, RW(w, h, expr, "rw_recursed"));
}
void ks_rw_enter(ks_handle_t* h, int write, const char* expr) {
  World& w = W();
  ks::km::rw_enter(w, RW(w, h, expr, "rw_enter"), write != 0, KS_CALLER);
}
int ks_rw_tryenter(ks_handle_t* h, int write, const char* expr) {
  World& w = W();
  return ks::km::rw_tryenter(w, RW(w, h, expr, "rw_tryenter"), write != 0, KS_CALLER);
}
void ks_rw_exit(ks_handle_t* h, const char* expr) {
  World& w = W();
  ks::km::rw_exit(w, RW(w, h, expr, "rw_exit"));
}
int ks_rw_write_held(ks_handle_t* h, const char* expr) {
  World& w = W();
  return ks::km::rw_write_held(w, RW(w, h, expr, "rw_write_held"));
}
int ks_rw_read_held(ks_handle_t* h, const char* expr) {
  World& w = W();
  return ks::km::rw_read_held(w, RW(w, h, expr, "rw_read_held"));
}
int ks_rw_tryupgrade(ks_handle_t* h, const char* expr) {
  World& w = W();
  return ks::km::rw_tryupgrade(w, RW(w, h, expr, "rw_tryupgrade"));
}
void ks_rw_downgrade(ks_handle_t* h, const char* expr) {
  World& w = W();
  ks::km::rw_downgrade(w, RW(w, h, expr, "rw_downgrade"));
}
void ks_rw_destroy(ks_handle_t* h, const char* expr) {
  World& w = W();
  ks::km::rw_destroy(w, RW(w, h, expr, "rw_destroy"));
}

void ks_sema_init(ks_handle_t* h, unsigned count, const char* name, const char* expr) {
  World& w = W();
  w.init_handle(H(h), ks::km::kObjSema, name, expr);
  ks::km::sema_init(w, static_cast<ObjId>(h->v), count);
}
void ks_sema_p(ks_handle_t* h, const char* expr) {
  World& w = W();
  ks::km::sema_p(w, SM(w, h, expr, "sema_p"));
}
int ks_sema_p_sig(ks_handle_t* h, const char* expr) {
  World& w = W();
  return ks::km::sema_p_sig(w, SM(w, h, expr, "sema_p_sig"));
}
int ks_sema_tryp(ks_handle_t* h, const char* expr) {
  World& w = W();
  return ks::km::sema_tryp(w, SM(w, h, expr, "sema_tryp"));
}
void ks_sema_v(ks_handle_t* h, const char* expr) {
  World& w = W();
  ks::km::sema_v(w, SM(w, h, expr, "sema_v"));
}
void ks_sema_destroy(ks_handle_t* h, const char* expr) {
  World& w = W();
  ks::km::sema_destroy(w, SM(w, h, expr, "sema_destroy"));
}

ks_taskq_t* ks_taskq_create(const char* name, int nthreads, int maxalloc, const char* expr) {
  World& w = W();
  ObjId id = ks::km::taskq_create(w, name && *name ? name : ks::km::short_name(expr),
                                  nthreads, maxalloc);
  uint64_t v = uint64_t(id) | (uint64_t(w.epoch()) << 32) | (uint64_t(ks::km::kObjTaskq) << 48);
  return reinterpret_cast<ks_taskq_t*>(static_cast<uintptr_t>(v));
}
uint64_t ks_taskq_dispatch(ks_taskq_t* tq, void (*fn)(void*), void* arg, int flags,
                           const char* expr) {
  World& w = W();
  return ks::km::taskq_dispatch(w, TQ(w, tq, expr, "taskq_dispatch"), fn, arg, flags);
}
void ks_taskq_wait(ks_taskq_t* tq, const char* expr) {
  World& w = W();
  ks::km::taskq_wait(w, TQ(w, tq, expr, "taskq_wait"));
}
void ks_taskq_destroy(ks_taskq_t* tq, const char* expr) {
  World& w = W();
  ks::km::taskq_destroy(w, TQ(w, tq, expr, "taskq_destroy"));
}
void ks_taskq_suspend(ks_taskq_t* tq, const char* expr) {
  World& w = W();
  ks::km::taskq_suspend(w, TQ(w, tq, expr, "taskq_suspend"));
}
void ks_taskq_resume(ks_taskq_t* tq, const char* expr) {
  World& w = W();
  ks::km::taskq_resume(w, TQ(w, tq, expr, "taskq_resume"));
}
int ks_taskq_suspended(ks_taskq_t* tq, const char* expr) {
  World& w = W();
  return ks::km::taskq_suspended(w, TQ(w, tq, expr, "taskq_suspended"));
}

uint64_t ks_timeout(void (*fn)(void*), void* arg, uint64_t deadline_ns, const char* name) {
  return ks::km::callout_timeout(W(), fn, arg, deadline_ns, name);
}
int ks_untimeout(uint64_t id) { return ks::km::callout_untimeout(W(), id); }
int64_t ks_untimeout_ns(uint64_t id) { return ks::km::callout_untimeout_ns(W(), id); }
void ks_delay_ns(uint64_t ns) { ks::km::delay_ns(W(), ns); }

}  // extern "C"

// For a personality's own code (FreeBSD's taskqueue_drain), not a driver's:
// outside the C ABI a module links against.
void ks::km::taskq_wait_for(ks_taskq_t* tq, bool (*busy)(void*), void* arg, const char* op,
                            const char* expr) {
  World& w = W();
  ks::km::taskq_wait_for(w, TQ(w, tq, expr, op), busy, arg, op);
}
