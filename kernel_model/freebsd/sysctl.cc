// sysctl(9) and sysctl(2) (sys/sysctl.h for what a driver sees): the MIB
// tree, the dynamic oids a context owns, the handlers' copies between a
// request's buffers, and sysctlbyname(3)'s system call, which runs an
// oid's handler on the calling thread.
//
// FreeBSD facts, read in freebsd-src sys/kern/kern_sysctl.c (two stored
// versions: the rmlock one with oid_running, and a later one with
// __sysctlbyname) and kern_linker.c:
// - sysctl_add_oid: a NULL parent gives NULL; a name already on the
//   parent's list is reused if a node (oid_refcnt + 1, a context entry)
//   and refused if a leaf ("can't re-use a leaf"); the name is copied
//   (M_SYSCTLOID), the oid is CTLFLAG_DYN, registered at once.
// - sysctl_ctx_free: a dry run unregisters every entry (newest first),
//   all are registered again, and only if none refused (a node with
//   children outside the context: ENOTEMPTY) the entries are removed for
//   good (else EBUSY). sysctl_remove_oid_locked with del waits while the
//   oid's handlers run: CTLFLAG_DYING, rm_sleep "oidrm" on oid_running;
//   the handler's caller decrements oid_running after the handler and
//   wakes the remover when it reaches 0 with DYING set
//   (sysctl_root_handler_locked). Only dynamic oids are counted.
// - sysctl_root: a node without a handler is EISDIR; a write to an oid
//   without CTLFLAG_WR is EPERM, and without CTLFLAG_ANYBODY one by an
//   unprivileged process (priv_check PRIV_SYSCTL_WRITE) is EPERM; no
//   handler EINVAL. The sysctl lock is dropped before the handler runs;
//   Giant is held around it unless CTLFLAG_MPSAFE.
// - userland_sysctl: *oldlenp copied in (EFAULT), validlen = oldlen; the
//   request is retried while the handler says EAGAIN (kern_yield between).
//   sysctl_old_user: oldidx always grows by the length; with an old buffer
//   it WITNESS_WARNs (WARN_SLEEPOK) unless wired, copies what fits within
//   validlen (copyout: EFAULT), and ENOMEM if not all of it fit.
//   sysctl_new_user: NULL new is a no-op; fewer bytes left than asked is
//   EINVAL; else WITNESS_WARN and copyin. The answer is validlen when the
//   old buffer overflowed, else oldidx.
// - sys___sysctlbyname: name length 0 or > MAXPATHLEN is EINVAL; name2oid
//   walks the name's components (a component after a leaf or a node with
//   a handler, or a name no list holds, ENOENT); on any error, ENOMEM
//   included, *oldlenp is not written (only sys___sysctl writes it on
//   ENOMEM).
// - kern_linker.c linker_load_file: the file's sysctl set is registered
//   before its SYSINITs run (dormant leaves, enabled after; a scenario's
//   threads wait for the boot, so the dormant window is not modelled), and
//   unregistered when the file is unloaded.
// - sysctl_handle_string: a read-only or arg2 == 0 string is strlen + 1;
//   a write of arg2 bytes or more is EINVAL.
// - The sysctl lock is rm_init_flags(RM_SLEEPABLE); SYSCTL_WLOCK is
//   rm_wlock, whose sleepable form takes an sx (kern_rmlock.c _rm_wlock),
//   so WITNESS orders it after no mutex.
// From memory, not checked: SYSCTL_INT & co. add CTLFLAG_MPSAFE (the
// counter(9) and 64-bit forms were seen doing so, SYSCTL_OPAQUE not).
// Not modelled: MIB numbers (only names reach an oid), CTLFLAG_SECURE,
// jails, capability mode, the '.' escaping of dynamic names, the "sysctl
// mem" lock for large requests, and Giant being dropped across a sleep.
#include <cerrno>
#include <cstring>
#include <string>

extern "C" {
#include <sys/counter.h>
#include <sys/malloc.h>
#include <sys/sysctl.h>
}
#undef log

#include "kernel_model/code_site.h"
#include "kernel_model/freebsd/state.h"
#include "kernel_model/freebsd/sysctl_tree.h"
#include "kernel_model/kmem.h"
#include "kernel_model/proc.h"
#include "kernel_model/syscalls.h"
#include "kernel_model/user_mem.h"
#include "kernel_model/world.h"

using ks::km::World;

extern "C" {
// Keys the modules link against; the lists are the World's (tree()).
struct sysctl_oid_list sysctl__children, sysctl__kern_children, sysctl__vm_children,
    sysctl__vfs_children, sysctl__net_children, sysctl__debug_children, sysctl__hw_children,
    sysctl__machdep_children, sysctl__user_children, sysctl__dev_children,
    sysctl__security_children, sysctl__compat_children;
}

namespace ks::km::freebsd {

namespace {

struct Top {
  const char* name;
  struct ::sysctl_oid_list* key;
};
const Top kTop[kSysctlTop] = {
    {"kern", &sysctl__kern_children},       {"vm", &sysctl__vm_children},
    {"vfs", &sysctl__vfs_children},         {"net", &sysctl__net_children},
    {"debug", &sysctl__debug_children},     {"hw", &sysctl__hw_children},
    {"machdep", &sysctl__machdep_children}, {"user", &sysctl__user_children},
    {"dev", &sysctl__dev_children},         {"security", &sysctl__security_children},
    {"compat", &sysctl__compat_children},
};

SysctlTree& tree(World& w) {
  auto& d = state(w).sysctl;
  if (!d.empty()) return d.front();
  SysctlTree& t = d.emplace_back();
  struct ::sysctl_oid** tail = &t.root.ks_first;
  for (int i = 0; i < kSysctlTop; i++) {
    struct ::sysctl_oid& o = t.top[i];
    o.oid_parent = &t.root;
    o.oid_number = i + 1;  // CTL_KERN ... in kern_mib.c's order, dev & co. after
    o.oid_kind = CTLTYPE_NODE | CTLFLAG_RW;
    o.oid_name = kTop[i].name;
    o.oid_refcnt = 1;
    o.ks_kids = &o.oid_children;
    o.ks_registered = 1;
    *tail = &o;
    tail = &o.oid_link;
  }
  return t;
}

// The list a driver's pointer names: the World's for the kernel's keys.
struct ::sysctl_oid_list* world_list_for(World& w, struct ::sysctl_oid_list* l) {
  if (l == &sysctl__children) return &tree(w).root;
  for (int i = 0; i < kSysctlTop; i++)
    if (l == kTop[i].key) return &tree(w).top[i].oid_children;
  return l;
}

struct ::sysctl_oid* sysctl_find_name(struct ::sysctl_oid_list* l, const char* name) {
  for (struct ::sysctl_oid* o = l->ks_first; o; o = o->oid_link)
    if (!std::strcmp(o->oid_name, name)) return o;
  return nullptr;
}

bool is_node(const struct ::sysctl_oid* o) { return (o->oid_kind & CTLTYPE) == CTLTYPE_NODE; }

void sysctl_ctx_add(struct ::sysctl_ctx_list* c, struct ::sysctl_oid* o) {
  if (!c || !o) return;
  auto* e = static_cast<ks_fb_sysctl_ctx_entry*>(
      ks_kmem_alloc(sizeof(ks_fb_sysctl_ctx_entry), KS_KM_SLEEP | KS_KM_ZERO, "sysctl_oid"));
  e->entry = o;
  e->ks_next = c->ks_first;
  if (e->ks_next) e->ks_next->ks_prev = e;
  c->ks_first = e;
}

// SYSCTL_WLOCK in sysctl_ctx_free and sysctl_remove_oid (sysctl_add_oid's
// malloc(M_WAITOK) of the name comes first there, and kmem's sleep check
// reports it): rm_wlock of the sysctl lock, an RM_SLEEPABLE rmlock
// (its writers take an sx): WITNESS's "sleepable after non-sleepable"
// when the caller holds a mutex, contended or not (sleepable.cc has the
// facts). Only the order is checked: the lock itself is taken where a
// thread may wait on it (wait_handlers), so no execution of a driver
// that never runs a handler gains a scheduling point.
void check_wlock_order(World& w, const char* op, uintptr_t at) {
  const KThread& k = w.self();
  for (int i = k.nheld - 1; i >= 0; i--) {
    sim::ObjId held = k.held[i];
    if (!w.obj(held).no_sleep_held) continue;
    std::string a = w.name(held);
    w.fail(sim::FailureKind::kLockOrder,
           std::string("lock order reversal: (sleepable after non-sleepable): thread ") +
               w.thread_name(w.self_tid()) + " takes the sleepable lock sysctl lock (" + op +
               ") while holding the non-sleepable lock " + a + "\n 1st " + a +
               (k.site(i) == kSiteNotKept ? std::string(" (site not kept)")
                : k.site(i)              ? at_site(k.site(i))
                                         : std::string(" (taken by the kernel)")) +
               "\n 2nd sysctl lock" + at_site(at),
           "lock_order_sleepable:" + a + ":sysctl lock");
  }
}

// rm_sleep on oid_running until the oid's handlers have returned. Asked
// only while one runs: a World that never ran a handler sleeps nowhere
// here, and no execution of a driver without sysctl(2) changes.
void wait_handlers(World& w, struct ::sysctl_oid* o) {
  SysctlTree& t = tree(w);
  if (!t.wait_made) {
    t.wait_made = true;
    ks_mutex_init(&t.lock, "sysctl lock", 0, "sysctllock");
    ks_cv_init(&t.oidrm, "oidrm", "oid_running");
  }
  ks_mutex_enter(&t.lock, "sysctllock");
  while (o->oid_running > 0) {
    o->oid_kind |= CTLFLAG_DYING;
    ks_cv_wait(&t.oidrm, &t.lock, 0, 0, "oidrm", "sysctllock");
  }
  ks_mutex_exit(&t.lock, "sysctllock");
}

int remove_oid(World& w, struct ::sysctl_oid* o, int del, int recurse) {
  if (!o) return EINVAL;
  if (!(o->oid_kind & CTLFLAG_DYN)) {
    w.log(std::string("Warning: can't remove non-dynamic nodes (") + o->oid_name + ")!");
    return EINVAL;
  }
  if (is_node(o) && o->oid_refcnt == 1) {
    for (struct ::sysctl_oid *p = o->oid_children.ks_first, *next; p; p = next) {
      next = p->oid_link;
      if (!recurse) {
        w.log(std::string("Warning: failed attempt to remove oid ") + o->oid_name +
              " with child " + p->oid_name);
        return ENOTEMPTY;
      }
      if (int e = remove_oid(w, p, del, recurse)) return e;
    }
  }
  if (o->oid_refcnt > 1) {
    o->oid_refcnt--;
    return 0;
  }
  if (o->oid_refcnt == 0) {
    w.log("Warning: bad oid_refcnt=0 (" + std::string(o->oid_name) + ")!");
    return EINVAL;
  }
  sysctl_unregister_oid(o);
  if (del) {
    if (o->oid_running > 0) wait_handlers(w, o);
    ks_kmem_free(const_cast<char*>(o->oid_name), std::strlen(o->oid_name) + 1,
                 "sysctl_remove_oid");
    ks_kmem_free(o, sizeof *o, "sysctl_remove_oid");
  }
  return 0;
}

// The old value out to a user buffer (sysctl_old_user).
int sysctl_old_user(World& w, struct ::sysctl_req* req, const void* p, size_t l) {
  size_t origidx = req->oldidx;
  req->oldidx += l;
  if (!req->oldptr) return 0;
  Proc& proc = curproc(w);
  if (req->lock != REQ_WIRED) w.assert_may_sleep("sysctl_old_user", proc.obj);
  size_t i = l, len = req->validlen;
  if (len <= origidx) {
    i = 0;
  } else {
    if (i > len - origidx) i = len - origidx;
    uint64_t to = reinterpret_cast<uintptr_t>(req->oldptr) + origidx;
    // A wired buffer is copyout_nofault's: no sleep, a hole still EFAULT.
    int e = req->lock == REQ_WIRED ? copyout_nofault(w, proc, p, to, i)
                                   : copyout(w, proc, p, to, i);
    if (e) return e;
  }
  return i < l ? ENOMEM : 0;
}

int sysctl_new_user(World& w, struct ::sysctl_req* req, void* p, size_t l) {
  if (!req->newptr) return 0;
  if (req->newlen - req->newidx < l) return EINVAL;
  Proc& proc = curproc(w);
  int e = copyin(w, proc, reinterpret_cast<uintptr_t>(req->newptr) + req->newidx, p, l);
  req->newidx += l;
  return e;
}

// The handler, as sysctl_root_handler_locked runs it.
int run_handler(World& w, struct ::sysctl_oid* o, void* arg1, intmax_t arg2,
                struct ::sysctl_req* req) {
  bool dyn = o->oid_kind & CTLFLAG_DYN;
  if (dyn) o->oid_running++;
  SysctlTree& t = tree(w);
  bool giant = !(o->oid_kind & CTLFLAG_MPSAFE);
  if (giant) {
    if (!t.giant_made) {
      t.giant_made = true;
      ks_mutex_init(&t.giant, "Giant", KS_MTX_RECURSE, "Giant");
    }
    ks_mutex_enter(&t.giant, "Giant");
  }
  int e = o->oid_handler(o, arg1, arg2, req);
  if (giant) ks_mutex_exit(&t.giant, "Giant");
  if (dyn && --o->oid_running == 0 && (o->oid_kind & CTLFLAG_DYING)) {
    ks_mutex_enter(&t.lock, "sysctllock");
    ks_cv_broadcast(&t.oidrm, "oid_running");
    ks_mutex_exit(&t.lock, "sysctllock");
  }
  return e;
}

// name2oid: the oid a dotted name names, or null (ENOENT).
struct ::sysctl_oid* name2oid(World& w, const std::string& name) {
  struct ::sysctl_oid_list* l = &tree(w).root;
  size_t at = 0;
  for (int depth = 0; depth < CTL_MAXNAME; depth++) {
    size_t dot = name.find('.', at);
    std::string part = name.substr(at, dot == std::string::npos ? std::string::npos : dot - at);
    struct ::sysctl_oid* o = sysctl_find_name(l, part.c_str());
    if (!o) return nullptr;
    if (dot == std::string::npos || dot + 1 == name.size()) return o;
    if (!is_node(o) || o->oid_handler) return nullptr;
    l = o->ks_kids;
    at = dot + 1;
  }
  return nullptr;
}

// The node whose children list holds o: a top node's or a registered
// node's (a walk: SYSCTL_PARENT is rare).
struct ::sysctl_oid* sysctl_parent_of(World& w, struct ::sysctl_oid* o) {
  SysctlTree& t = tree(w);
  struct ::sysctl_oid_list* l = o->oid_parent;
  for (int i = 0; i < kSysctlTop; i++)
    if (l == kTop[i].key || l == &t.top[i].oid_children) return &t.top[i];
  struct ::sysctl_oid* stack[CTL_MAXNAME * 4];
  int n = 0;
  for (int i = 0; i < kSysctlTop; i++) stack[n++] = &t.top[i];
  while (n > 0) {
    struct ::sysctl_oid* p = stack[--n];
    if (!is_node(p) || !p->ks_kids) continue;
    if (p->ks_kids == l) return p;
    for (struct ::sysctl_oid* c = p->ks_kids->ks_first; c && n < CTL_MAXNAME * 4; c = c->oid_link)
      stack[n++] = c;
  }
  return nullptr;
}

}  // namespace

void sysctl_register_set(World& w, void* const* begin, void* const* end) {
  (void)w;
  for (void* const* p = begin; p < end; p++) sysctl_register_oid(static_cast<struct ::sysctl_oid*>(*p));
}

void sysctl_unregister_set(World& w, void* const* begin, void* const* end) {
  (void)w;
  for (void* const* p = begin; p < end; p++) {
    auto* o = static_cast<struct ::sysctl_oid*>(*p);
    if (o->ks_registered) sysctl_unregister_oid(o);
  }
}

int64_t sysctl_byname(World& w, Proc& p, const std::string& name, uint64_t old,
                      uint64_t oldlenp, uint64_t newp, uint64_t newlen) {
  constexpr size_t kMaxPathLen = 1024;
  if (name.empty() || name.size() > kMaxPathLen) return -EINVAL;
  struct ::sysctl_req req{};
  req.td = thread_record(w, w.self_tid());
  req.ks_user = 1;
  req.lock = REQ_UNWIRED;
  size_t lensz = p.model == DataModel::kILP32 ? 4 : 8;
  if (oldlenp) {
    uint64_t v = 0;
    if (copyin(w, p, oldlenp, &v, lensz)) return -EFAULT;
    req.oldlen = static_cast<size_t>(v);
  }
  req.validlen = req.oldlen;
  req.oldptr = reinterpret_cast<void*>(static_cast<uintptr_t>(old));
  if (newp) {
    req.newptr = reinterpret_cast<const void*>(static_cast<uintptr_t>(newp));
    req.newlen = static_cast<size_t>(newlen);
  }
  int e;
  for (;;) {
    req.oldidx = 0;
    req.newidx = 0;
    // sysctl_root, under the sysctl lock but for the handler.
    struct ::sysctl_oid* o = name2oid(w, name);
    if (!o) {
      e = ENOENT;
    } else if (is_node(o) && !o->oid_handler) {
      e = EISDIR;
    } else if (req.newptr && !(o->oid_kind & CTLFLAG_WR)) {
      e = EPERM;
    } else if (req.newptr && !(o->oid_kind & CTLFLAG_ANYBODY) && !p.cred.privileged()) {
      e = EPERM;
    } else if (!o->oid_handler) {
      e = EINVAL;
    } else if (is_node(o)) {
      // A node's handler gets the rest of the MIB name: none, by name.
      static int no_name[1];
      e = run_handler(w, o, no_name, 0, &req);
    } else {
      e = run_handler(w, o, o->oid_arg1, o->oid_arg2, &req);
    }
    if (e != EAGAIN) break;
    ks_preempt();  // kern_yield
  }
  if (e) return -e;
  size_t rv = req.oldptr && req.oldidx > req.validlen ? req.validlen : req.oldidx;
  if (oldlenp) {
    uint64_t v = rv;
    if (copyout(w, p, &v, oldlenp, lensz)) return -EFAULT;
  }
  return 0;
}

namespace {
int64_t sysctl_hook(World& w, Proc& p, const std::string& name, uint64_t old, uint64_t oldlenp,
                    uint64_t newp, uint64_t newlen) {
  if (!has_state(w))
    w.fail(sim::FailureKind::kScenario,
           "sysctl(\"" + name +
               "\"): sysctl(2) is FreeBSD's, and this World loaded no FreeBSD module (illumos "
               "and QNX have no sysctl MIB to walk)",
           "scenario:sysctl_personality");
  return sysctl_byname(w, p, name, old, oldlenp, newp, newlen);
}
[[maybe_unused]] const bool hook = (register_sysctl_hook(sysctl_hook), true);
}  // namespace

}  // namespace ks::km::freebsd

namespace {
using ks::km::freebsd::world_list_for;

// The value's old contents out, then the new in (FreeBSD's handlers:
// arg1 names the variable, or arg2 is a read-only constant).
template <class T>
int handle(void* arg1, intmax_t arg2, struct sysctl_req* req) {
  T v = arg1 ? *static_cast<T*>(arg1) : static_cast<T>(arg2);
  int e = ks_fb_sysctl_out(req, &v, sizeof v);
  if (e || !req->newptr) return e;
  if (!arg1) return EPERM;
  return ks_fb_sysctl_in(req, arg1, sizeof(T));
}
}  // namespace

extern "C" {

int sysctl_ctx_init(struct sysctl_ctx_list* ctx) {
  if (!ctx) return EINVAL;
  ctx->ks_first = nullptr;
  return 0;
}

void sysctl_register_oid(struct sysctl_oid* o) {
  World& w = *World::current();
  struct sysctl_oid_list* l = world_list_for(w, o->oid_parent);
  if (struct sysctl_oid* p = ks::km::freebsd::sysctl_find_name(l, o->oid_name)) {
    if ((p->oid_kind & CTLTYPE) == CTLTYPE_NODE)
      p->oid_refcnt++;
    else
      w.log(std::string("can't re-use a leaf (") + p->oid_name + ")!");
    return;
  }
  struct sysctl_oid** tail = &l->ks_first;
  while (*tail) tail = &(*tail)->oid_link;
  o->oid_link = nullptr;
  *tail = o;
  o->ks_registered = 1;
  if (!o->oid_refcnt) o->oid_refcnt = 1;
  if ((o->oid_kind & CTLTYPE) == CTLTYPE_NODE && !o->ks_kids) o->ks_kids = &o->oid_children;
}

void sysctl_unregister_oid(struct sysctl_oid* o) {
  World& w = *World::current();
  struct sysctl_oid_list* l = world_list_for(w, o->oid_parent);
  for (struct sysctl_oid** p = &l->ks_first; *p; p = &(*p)->oid_link)
    if (*p == o) {
      *p = o->oid_link;
      o->oid_link = nullptr;
      o->ks_registered = 0;
      return;
    }
  w.log(std::string("sysctl_unregister_oid: failed(2) to unregister sysctl(") + o->oid_name +
        ")");
}

int sysctl_ctx_free(struct sysctl_ctx_list* ctx) {
  if (!ctx) return EINVAL;
  World& w = *World::current();
  ks::km::freebsd::check_wlock_order(w, "sysctl_ctx_free", KS_CALLER);
  ks_fb_sysctl_ctx_entry *e = ctx->ks_first, *last = nullptr;
  int error = 0;
  for (; e; e = e->ks_next) {
    last = e;
    if ((error = ks::km::freebsd::remove_oid(w, e->entry, 0, 0))) break;
  }
  // Registered again from the one before the refusal (or the last) back.
  for (ks_fb_sysctl_ctx_entry* r = error ? e->ks_prev : last; r; r = r->ks_prev)
    sysctl_register_oid(r->entry);
  if (error) return EBUSY;
  for (e = ctx->ks_first; e;) {
    ks_fb_sysctl_ctx_entry* next = e->ks_next;
    if (ks::km::freebsd::remove_oid(w, e->entry, 1, 0))
      ks_panic("sysctl_remove_oid: corrupt tree, entry: %s", e->entry->oid_name);
    ks_kmem_free(e, sizeof *e, "sysctl_ctx_free");
    e = next;
  }
  ctx->ks_first = nullptr;
  return 0;
}

int sysctl_ctx_entry_del(struct sysctl_ctx_list* ctx, struct sysctl_oid* o) {
  if (!ctx || !o) return EINVAL;
  for (ks_fb_sysctl_ctx_entry* e = ctx->ks_first; e; e = e->ks_next)
    if (e->entry == o) {
      if (e->ks_prev) e->ks_prev->ks_next = e->ks_next;
      else ctx->ks_first = e->ks_next;
      if (e->ks_next) e->ks_next->ks_prev = e->ks_prev;
      ks_kmem_free(e, sizeof *e, "sysctl_ctx_entry_del");
      return 0;
    }
  return ENOENT;
}

int sysctl_remove_oid(struct sysctl_oid* o, int del, int recurse) {
  World& w = *World::current();
  ks::km::freebsd::check_wlock_order(w, "sysctl_remove_oid", KS_CALLER);
  return ks::km::freebsd::remove_oid(w, o, del, recurse);
}

int sysctl_remove_name(struct sysctl_oid* parent, const char* name, int del, int recurse) {
  struct sysctl_oid* p = ks::km::freebsd::sysctl_find_name(parent->ks_kids, name);
  return p ? ks::km::freebsd::remove_oid(*World::current(), p, del, recurse) : ENOENT;
}

struct sysctl_oid* sysctl_add_oid(struct sysctl_ctx_list* ctx, struct sysctl_oid_list* parent,
                                  int number, const char* name, int kind, void* arg1,
                                  intmax_t arg2, sysctl_handler_t* handler, const char* fmt,
                                  const char* descr, const char* label) {
  (void)label;
  if (!parent || !name) return nullptr;
  World& w = *World::current();
  struct sysctl_oid_list* l = world_list_for(w, parent);
  if (struct sysctl_oid* o = ks::km::freebsd::sysctl_find_name(l, name)) {
    if ((o->oid_kind & CTLTYPE) == CTLTYPE_NODE) {
      o->oid_refcnt++;
      ks::km::freebsd::sysctl_ctx_add(ctx, o);
      return o;
    }
    w.log(std::string("can't re-use a leaf (") + name + ")!");
    return nullptr;
  }
  auto* o = static_cast<struct sysctl_oid*>(
      ks_kmem_alloc(sizeof(struct sysctl_oid), KS_KM_SLEEP | KS_KM_ZERO, "sysctl_oid"));
  size_t n = std::strlen(name) + 1;
  char* copy = static_cast<char*>(ks_kmem_alloc(n, KS_KM_SLEEP, "sysctl_oid"));
  std::memcpy(copy, name, n);
  o->oid_parent = l;
  o->oid_number = number;
  o->oid_refcnt = 1;
  o->oid_name = copy;
  o->oid_handler = handler;
  o->oid_kind = kind | CTLFLAG_DYN;
  o->oid_arg1 = arg1;
  o->oid_arg2 = arg2;
  o->oid_fmt = fmt;
  o->oid_descr = descr;
  o->ks_kids = &o->oid_children;
  ks::km::freebsd::sysctl_ctx_add(ctx, o);
  sysctl_register_oid(o);
  return o;
}

struct sysctl_oid* ks_fb_sysctl_parent(struct sysctl_oid* o) {
  // The node whose children list holds o (SYSCTL_PARENT); null at the top.
  return ks::km::freebsd::sysctl_parent_of(*World::current(), o);
}

int sysctl_wire_old_buffer(struct sysctl_req* req, size_t len) {
  size_t wired = len > 0 && len < req->oldlen ? len : req->oldlen;
  if (req->lock != REQ_WIRED && req->oldptr && req->ks_user) {
    // vslock of a mapped range succeeds; pages that go away later are
    // copyout_nofault's EFAULT.
    req->lock = REQ_WIRED;
    req->validlen = wired;
  }
  return 0;
}

int ks_fb_sysctl_out(struct sysctl_req* req, const void* p, size_t len) {
  if (req->ks_user) return ks::km::freebsd::sysctl_old_user(*World::current(), req, p, len);
  // sysctl_old_kernel: what fits is copied, ENOMEM if not all of it did.
  size_t i = 0;
  if (req->oldptr) {
    i = len;
    if (req->oldlen <= req->oldidx) i = 0;
    else if (i > req->oldlen - req->oldidx) i = req->oldlen - req->oldidx;
    if (i > 0) std::memcpy(static_cast<char*>(req->oldptr) + req->oldidx, p, i);
  }
  req->oldidx += len;
  return req->oldptr && i != len ? ENOMEM : 0;
}

int ks_fb_sysctl_in(struct sysctl_req* req, void* p, size_t len) {
  if (req->ks_user) return ks::km::freebsd::sysctl_new_user(*World::current(), req, p, len);
  if (!req->newptr) return 0;
  if (req->newlen - req->newidx < len) return EINVAL;
  std::memcpy(p, static_cast<const char*>(req->newptr) + req->newidx, len);
  req->newidx += len;
  return 0;
}

int sysctl_handle_bool(struct sysctl_oid*, void* arg1, intmax_t arg2, struct sysctl_req* req) {
  // A bool goes out as a byte, and any nonzero byte in is true.
  uint8_t v = arg1 ? (*static_cast<bool*>(arg1) ? 1 : 0) : (arg2 ? 1 : 0);
  int e = ks_fb_sysctl_out(req, &v, 1);
  if (e || !req->newptr) return e;
  if (!arg1) return EPERM;
  if ((e = ks_fb_sysctl_in(req, &v, 1)) == 0) *static_cast<bool*>(arg1) = v != 0;
  return e;
}
int sysctl_handle_8(struct sysctl_oid*, void* arg1, intmax_t arg2, struct sysctl_req* req) {
  return handle<uint8_t>(arg1, arg2, req);
}
int sysctl_handle_16(struct sysctl_oid*, void* arg1, intmax_t arg2, struct sysctl_req* req) {
  return handle<uint16_t>(arg1, arg2, req);
}
int sysctl_handle_32(struct sysctl_oid*, void* arg1, intmax_t arg2, struct sysctl_req* req) {
  return handle<uint32_t>(arg1, arg2, req);
}
int sysctl_handle_int(struct sysctl_oid*, void* arg1, intmax_t arg2, struct sysctl_req* req) {
  return handle<int>(arg1, arg2, req);
}
int sysctl_handle_long(struct sysctl_oid*, void* arg1, intmax_t arg2, struct sysctl_req* req) {
  return handle<long>(arg1, arg2, req);
}
int sysctl_handle_64(struct sysctl_oid*, void* arg1, intmax_t arg2, struct sysctl_req* req) {
  return handle<int64_t>(arg1, arg2, req);
}

int sysctl_handle_string(struct sysctl_oid* oidp, void* arg1, intmax_t arg2,
                         struct sysctl_req* req) {
  char* s = static_cast<char*>(arg1);
  bool ro = (oidp && !(oidp->oid_kind & (CTLFLAG_WR | CTLFLAG_TUN))) || arg2 == 0;
  size_t outlen = ro ? std::strlen(s) + 1 : strnlen(s, static_cast<size_t>(arg2) - 1) + 1;
  if (ro) arg2 = static_cast<intmax_t>(outlen);
  int e = ks_fb_sysctl_out(req, req->oldptr ? s : nullptr, outlen);
  if (e || !req->newptr) return e;
  size_t n = req->newlen - req->newidx;
  if (n >= static_cast<size_t>(arg2)) return EINVAL;
  if ((e = ks_fb_sysctl_in(req, s, n)) == 0) s[n] = '\0';
  return e;
}

int sysctl_handle_opaque(struct sysctl_oid*, void* arg1, intmax_t arg2, struct sysctl_req* req) {
  size_t n = static_cast<size_t>(arg2);
  if (int e = ks_fb_sysctl_out(req, arg1, n)) return e;
  return ks_fb_sysctl_in(req, arg1, n);
}

// counter(9)'s handlers (FreeBSD's subr_counter.c, checked): arg1 points
// at the counter_u64_t (an array of arg2 of them); the sums go out, and a
// request carrying a new value zeroes the counters, whatever the value.
int sysctl_handle_counter_u64(SYSCTL_HANDLER_ARGS) {
  (void)oidp;
  (void)arg2;
  uint64_t out = counter_u64_fetch(*static_cast<counter_u64_t*>(arg1));
  if (int e = ks_fb_sysctl_out(req, &out, sizeof out)) return e;
  if (!req->newptr) return 0;
  counter_u64_zero(*static_cast<counter_u64_t*>(arg1));
  return 0;
}

int sysctl_handle_counter_u64_array(SYSCTL_HANDLER_ARGS) {
  (void)oidp;
  counter_u64_t* c = static_cast<counter_u64_t*>(arg1);
  for (intmax_t i = 0; i < arg2; i++) {
    uint64_t out = counter_u64_fetch(c[i]);
    if (int e = ks_fb_sysctl_out(req, &out, sizeof out)) return e;
  }
  if (!req->newptr) return 0;
  for (intmax_t i = 0; i < arg2; i++) counter_u64_zero(c[i]);
  return 0;
}

}  // extern "C"
