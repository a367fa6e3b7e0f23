// The neutral C boundary (abi/kernsim/abi.h) for user memory, the current
// process and credentials. A `struct ks_cred` is a km::Cred.
#include <cerrno>
#include <cstring>

#include "kernel_model/devsw.h"
#include "kernel_model/proc.h"
#include "kernel_model/world.h"
#include "kernsim/abi.h"

using ks::km::Cred;
using ks::km::Proc;
using ks::km::World;

namespace {

inline World& W() { return *World::current(); }

// The kernel's own credential (illumos kcred): root, immutable.
constexpr Cred kKernelCred{};

// Copying user memory needs a user context: a taskq, callout or interrupt
// touching user addresses has none (the pointer belongs to some process
// that may be gone), which is a driver bug worth naming as such.
Proc& user_context(World& w, const char* op) { return ks::km::user_process(w, op); }

const Cred& C(World& w, const ks_cred* c, const char* op) {
  if (!c)
    w.fail(ks::sim::FailureKind::kFault, std::string(op) + " on a NULL credential",
           std::string("null_cred:") + op);
  return *reinterpret_cast<const Cred*>(c);
}

// The process whose credential c is, null for the kernel's; a panic for
// anything else (a driver's own pointer, a freed process's).
Proc* cred_owner(World& w, const ks_cred* c, const char* fn) {
  const Cred& cr = C(w, c, fn);
  if (&cr == &kKernelCred) return nullptr;
  for (auto& p : ks::km::procs(w).procs)
    if (&p->cred == &cr) return p.get();
  ks_panic("%s: %p is not a credential", fn, static_cast<const void*>(c));
}

void arm_cred_leak_check(World& w) {
  ks::km::ProcTable& t = ks::km::procs(w);
  if (t.cred_check) return;
  // Armed by the first hold: a reference still held after teardown is a
  // leak, as an allocation never freed is.
  t.cred_check = true;
  w.on_final_check([&w] {
    for (auto& p : ks::km::procs(w).procs)  // in pid order
      if (p->cred_holds > 0) {
        w.set_failure(ks::sim::FailureKind::kMemory,
                      "memory leak at teardown: " + std::to_string(p->cred_holds) +
                          " reference(s) to the credential of process " +
                          std::to_string(p->pid) + " (" + p->name +
                          ") taken by crhold and never given back by crfree",
                      "leak:cred");
        return;
      }
  });
}

}  // namespace

extern "C" {

void ks_cred_hold(const ks_cred* c, const char* fn) {
  World& w = W();
  Proc* p = cred_owner(w, c, fn);
  if (!p) return;
  arm_cred_leak_check(w);
  p->cred_holds++;
}

void ks_cred_rele(const ks_cred* c, const char* fn) {
  World& w = W();
  Proc* p = cred_owner(w, c, fn);
  if (!p) return;
  if (p->cred_holds == 0)
    ks_panic("%s: the credential of process %u (%s) has no reference from crhold to give back "
             "(its last one is the process's: a real kernel would free it under the process)",
             fn, p->pid, p->name.c_str());
  p->cred_holds--;
}

int ks_copyin(uint64_t uaddr, void* kaddr, size_t n) {
  World& w = W();
  return ks::km::copyin(w, user_context(w, "copyin"), uaddr, kaddr, n);
}

int ks_copyout(const void* kaddr, uint64_t uaddr, size_t n) {
  World& w = W();
  return ks::km::copyout(w, user_context(w, "copyout"), kaddr, uaddr, n);
}

int ks_copyinstr(uint64_t uaddr, char* kaddr, size_t max, size_t* done) {
  World& w = W();
  return ks::km::copyinstr(w, user_context(w, "copyinstr"), uaddr, kaddr, max, done);
}

int ks_copyoutstr(const char* kaddr, uint64_t uaddr, size_t max, size_t* done) {
  World& w = W();
  Proc& p = user_context(w, "copyoutstr");
  size_t len = strnlen(kaddr, max);
  bool fits = len < max;
  size_t n = fits ? len + 1 : max;
  int rc = ks::km::copyout(w, p, kaddr, uaddr, n);
  if (done) *done = rc ? 0 : n;
  return rc ? rc : fits ? 0 : ENAMETOOLONG;
}

int ks_curproc_model(void) {
  Proc* p = ks::km::curproc_or_null(W());
  return p && p->model == ks::km::DataModel::kILP32 ? KS_MODEL_ILP32 : KS_MODEL_LP64;
}

uint32_t ks_curproc_pid(void) {
  Proc* p = ks::km::curproc_or_null(W());
  return p ? p->pid : 0;
}

const ks_cred* ks_curcred(void) {
  Proc* p = ks::km::curproc_or_null(W());
  return reinterpret_cast<const ks_cred*>(p ? &p->cred : &kKernelCred);
}

const ks_cred* ks_kcred(void) { return reinterpret_cast<const ks_cred*>(&kKernelCred); }

uint32_t ks_cred_uid(const ks_cred* c) { return C(W(), c, "crgetuid").uid; }
uint32_t ks_cred_gid(const ks_cred* c) { return C(W(), c, "crgetgid").gid; }
int ks_cred_priv(const ks_cred* c) { return C(W(), c, "drv_priv").privileged() ? 0 : EPERM; }

int ks_file_priv_set(void* data, void (*dtor)(void*)) { return ks::km::devsw_priv_set(W(), data, dtor); }
int ks_file_priv_get(void** datap) { return ks::km::devsw_priv_get(W(), datap); }
void ks_file_priv_clear(void) {
  if (ks::km::OpenFile* f = W().self().cur_file) ks::km::devsw_priv_destroy(*f);
}

}  // extern "C"
