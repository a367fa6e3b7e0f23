// FreeBSD's struct thread, proc and ucred (sys/proc.h, sys/ucred.h for the
// rules): one record per live thread and per pid in the World's records area
// (kmem_arena.h), whose addresses are fixed as kmem's are. A record is
// written from the kernel model's state each time it is handed out, so it
// always says what the model says and needs no place in the boot image;
// the one thing a driver changes, its credential references, is counted in
// the personality's state (FbState::cred_holds) and copied into cr_ref.
#include <cerrno>
#include <cstring>
#include <string>

#include "kernel_model/freebsd/state.h"
#include "kernel_model/kmem_arena.h"
#include "kernel_model/proc.h"
#include "kernel_model/world.h"

extern "C" {
#include <sys/jail.h>
#include <sys/mutex.h>
#include <sys/priv.h>
#include <sys/proc.h>
#include <sys/systm.h>
#include <sys/ucred.h>
}

#undef curthread
#undef curproc
#undef proc0
#undef crhold
#undef crfree

using ks::km::World;

namespace ks::km::freebsd {
namespace {

constexpr uint32_t kMaxProcs = 1024;   // pids 0 (proc0) .. 1023
// A thread's record is its stack's (sim::Thread::stack_no + 1): as FreeBSD
// takes a struct thread from a UMA zone that recycles exited threads'
// (kern_thread.c threadinit: thread_zone, UMA_ZONE_NOFREE), a new
// thread may get the record an exited one had, and the records number the
// threads alive at once, not every thread an execution started.
constexpr uint32_t kMaxThreads = sim::kMaxLiveThreads + 1;

struct ProcRecord {
  struct proc p;
  struct ucred cr;
};

struct Records {
  ProcRecord procs[kMaxProcs];
  struct thread threads[kMaxThreads];
};
static_assert(sizeof(Records) <= kRecordsHalf, "the records do not fit FreeBSD's half of the records area");

Records& records(World& w) { return *reinterpret_cast<Records*>(w.records_area()); }

// The driver's references to process `pid`'s credential (crhold minus
// crfree), this execution's.
int32_t& holds(World& w, uint32_t pid) {
  auto& v = state(w).cred_holds;
  if (v.size() <= pid) v.resize(pid + 1);
  return v[pid];
}

uint32_t pid_of(const Proc* p) { return p ? p->pid : 0; }

void fill_cred(struct ucred& cr, const Cred& c, long refs) {
  cr.cr_ref = refs;
  cr.cr_users = 1;
  cr.cr_flags = 0;
  cr.cr_ngroups = 0;
  cr.cr_uid = cr.cr_ruid = cr.cr_svuid = c.uid;
  cr.cr_gid = cr.cr_rgid = cr.cr_svgid = c.gid;
  cr.cr_prison = &prison0;
  cr.cr_groups = cr.cr_smallgroups;
  cr.cr_agroups = CRED_SMALLGROUPS_NB;
}

}  // namespace

struct proc* proc_record(World& w, const Proc* p) {
  uint32_t pid = pid_of(p);
  if (pid >= kMaxProcs)
    w.fail(sim::FailureKind::kHostError,
           "process " + std::to_string(pid) + " is past the " + std::to_string(kMaxProcs) +
               " the FreeBSD personality keeps records for",
           "too_many_processes");
  ProcRecord& r = records(w).procs[pid];
  const auto& v = state(w).cred_holds;
  fill_cred(r.cr, p ? p->cred : Cred{}, 1 + (pid < v.size() ? v[pid] : 0));
  r.p.p_ucred = &r.cr;
  r.p.p_flag = p ? 0 : P_KPROC | P_SYSTEM;
  r.p.p_state = PRS_NORMAL;
  r.p.p_pid = static_cast<pid_t>(pid);
  strlcpy(r.p.p_comm, p ? p->name.c_str() : "kernel", sizeof r.p.p_comm);
  // p_mtx: made at the first PROC_LOCK (ks_fb_proc_mtx), so a run that
  // never takes it creates no lock object (object ids, hence traces, of
  // every other run stay as they were)
  const auto& mtxs = state(w).proc_mtx;
  if (pid < mtxs.size() && mtxs[pid].made) {
    r.p.p_mtx._opaque = mtxs[pid].h;
    r.p.p_mtx._ks_opts = MTX_DEF | MTX_DUPOK;
  } else {
    r.p.p_mtx = (struct mtx){};
  }
  return &r.p;
}

namespace {

// Whether `cr` is a credential the driver made (crget, crdup).
bool is_made(World& w, const struct ucred* cr) {
  for (auto* m : state(w).made_creds)
    if (m == cr) return true;
  return false;
}

// The pid whose credential `cr` is; a panic if it is not one.
uint32_t cred_pid(World& w, const struct ucred* cr, const char* fn) {
  Records& r = records(w);
  auto at = reinterpret_cast<uintptr_t>(cr);
  auto first = reinterpret_cast<uintptr_t>(&r.procs[0].cr);
  if (!cr || at < first || (at - first) % sizeof(ProcRecord) ||
      (at - first) / sizeof(ProcRecord) >= kMaxProcs)
    ks_panic("%s: %p is not a credential (td_ucred or p_ucred)", fn,
             static_cast<const void*>(cr));
  return static_cast<uint32_t>((at - first) / sizeof(ProcRecord));
}

// A credential any function may read: a process's or a made one.
void check_cred(World& w, const struct ucred* cr, const char* fn) {
  if (!is_made(w, cr)) cred_pid(w, cr, fn);
}

void arm_leak_check(World& w) {
  auto& st = state(w);
  if (st.cred_check) return;
  // Armed by the first hold: a reference still held after teardown is a
  // leak, as an allocation never freed is.
  st.cred_check = true;
  w.on_final_check([&w] {
    const auto& v = state(w).cred_holds;
    for (uint32_t pid = 0; pid < v.size(); pid++)
      if (v[pid] > 0) {
        w.set_failure(sim::FailureKind::kMemory,
                      "memory leak at teardown: " + std::to_string(v[pid]) +
                          " reference(s) to the credential of process " + std::to_string(pid) +
                          " taken by crhold and never given back by crfree",
                      "leak:ucred");
        return;
      }
  });
}

}  // namespace

struct thread* thread_record(World& w, uint32_t tid) {
  uint32_t slot = tid == 0 ? 0 : w.sim().thread(tid)->stack_no + 1;
  if (tid == 0 || slot >= kMaxThreads)
    w.fail(sim::FailureKind::kHostError,
           "thread " + std::to_string(tid) + " is past the " + std::to_string(kMaxThreads - 1) +
               " live threads the FreeBSD personality keeps records for",
           "too_many_threads");
  struct thread& td = records(w).threads[slot];
  td.td_proc = proc_record(w, w.kt(tid).proc);
  td.td_tid = static_cast<lwpid_t>(PID_MAX + 1 + tid);
  td.td_flags = 0;
  td.td_pflags = 0;
  td.td_ucred = td.td_proc->p_ucred;
  strlcpy(td.td_name, w.thread_name(tid), sizeof td.td_name);
  return &td;
}

}  // namespace ks::km::freebsd

extern "C" {

struct prison prison0 = {0, "0"};

struct thread* ks_fb_curthread(void) {
  World& w = *World::current();
  return ks::km::freebsd::thread_record(w, w.self_tid());
}

// PROC_LOCK's mutex: FreeBSD's proc_init makes p_mtx an MTX_DEF mutex
// named "process lock" (from memory); here at its first use.
struct mtx* ks_fb_proc_mtx(struct proc* p) {
  World& w = *World::current();
  auto& mtxs = ks::km::freebsd::state(w).proc_mtx;
  auto pid = static_cast<uint32_t>(p->p_pid);
  if (mtxs.size() <= pid) mtxs.resize(pid + 1);
  if (!mtxs[pid].made) {
    ks_fb_mtx_init(&p->p_mtx, "process lock", MTX_DEF | MTX_DUPOK, "p_mtx");
    mtxs[pid] = {true, p->p_mtx._opaque};
  }
  p->p_mtx._opaque = mtxs[pid].h;
  p->p_mtx._ks_opts = MTX_DEF | MTX_DUPOK;
  return &p->p_mtx;
}

struct proc* ks_fb_proc0(void) { return ks::km::freebsd::proc_record(*World::current(), nullptr); }

struct ucred* ks_fb_crhold(struct ucred* cr) {
  World& w = *World::current();
  if (ks::km::freebsd::is_made(w, cr)) {
    cr->cr_ref++;
    return cr;
  }
  uint32_t pid = ks::km::freebsd::cred_pid(w, cr, "crhold");
  ks::km::freebsd::arm_leak_check(w);
  cr->cr_ref = 1 + ++ks::km::freebsd::holds(w, pid);
  return cr;
}

void ks_fb_crfree(struct ucred* cr) {
  World& w = *World::current();
  if (ks::km::freebsd::is_made(w, cr)) {
    if (--cr->cr_ref > 0) return;
    auto& made = ks::km::freebsd::state(w).made_creds;
    for (size_t i = 0; i < made.size(); i++)
      if (made[i] == cr) {
        made.erase(made.begin() + static_cast<std::ptrdiff_t>(i));
        break;
      }
    ks_kmem_free(cr, sizeof *cr, "crfree");
    return;
  }
  uint32_t pid = ks::km::freebsd::cred_pid(w, cr, "crfree");
  int32_t& h = ks::km::freebsd::holds(w, pid);
  if (h == 0)
    ks_panic("crfree: the credential of process %u has no reference from crhold to give back "
             "(its last one is the process's: a real kernel would free it under the process)",
             pid);
  cr->cr_ref = 1 + --h;
}

// crget(9): a new credential, one reference, no identity until crcopy
// (FreeBSD's allocates with M_WAITOK | M_ZERO: it may sleep).
struct ucred* ks_fb_crget(void) {
  World& w = *World::current();
  auto* cr = static_cast<struct ucred*>(ks_kmem_alloc(sizeof(struct ucred), KS_KM_SLEEP, "ucred"));
  memset(cr, 0, sizeof *cr);
  cr->cr_ref = 1;
  cr->cr_users = 1;
  cr->cr_groups = cr->cr_smallgroups;
  cr->cr_agroups = CRED_SMALLGROUPS_NB;
  ks::km::freebsd::state(w).made_creds.push_back(cr);
  return cr;
}

// crcopy(9): the identity of `src` into `dest`, which must not be shared
// (FreeBSD's KASSERT(dest->cr_ref == 1), kern_prot.c).
void ks_fb_crcopy(struct ucred* dest, struct ucred* src) {
  World& w = *World::current();
  if (!ks::km::freebsd::is_made(w, dest))
    ks_panic("crcopy: %p is not a credential from crget", static_cast<void*>(dest));
  if (!ks::km::freebsd::is_made(w, src)) ks::km::freebsd::cred_pid(w, src, "crcopy");
  if (dest->cr_ref != 1) ks_panic("crcopy of shared ucred");
  dest->cr_uid = src->cr_uid;
  dest->cr_ruid = src->cr_ruid;
  dest->cr_svuid = src->cr_svuid;
  dest->cr_gid = src->cr_gid;
  dest->cr_rgid = src->cr_rgid;
  dest->cr_svgid = src->cr_svgid;
  dest->cr_flags = src->cr_flags;
  dest->cr_prison = src->cr_prison;
  int n = src->cr_ngroups < CRED_SMALLGROUPS_NB ? src->cr_ngroups : CRED_SMALLGROUPS_NB;
  dest->cr_ngroups = n;
  for (int i = 0; i < n; i++) dest->cr_smallgroups[i] = src->cr_groups[i];
  dest->cr_groups = dest->cr_smallgroups;
}

struct ucred* ks_fb_crdup(struct ucred* cr) {
  struct ucred* n = ks_fb_crget();
  ks_fb_crcopy(n, cr);
  return n;
}

bool groupmember(gid_t gid, const struct ucred* cr) {
  World& w = *World::current();
  ks::km::freebsd::check_cred(w, cr, "groupmember");
  if (gid == cr->cr_gid) return true;
  for (int i = 0; i < cr->cr_ngroups; i++)
    if (cr->cr_groups[i] == gid) return true;
  return false;
}

int jailed(struct ucred* cr) {
  ks::km::freebsd::check_cred(*World::current(), cr, "jailed");
  return 0;
}

int priv_check_cred(struct ucred* cr, int) {
  ks::km::freebsd::check_cred(*World::current(), cr, "priv_check_cred");
  // The kernel model's rule (Cred::privileged), read from the record the
  // kernel wrote.
  return cr->cr_uid == 0 ? 0 : EPERM;
}

int priv_check(struct thread* td, int priv) { return priv_check_cred(td->td_ucred, priv); }

int securelevel_gt(struct ucred* cr, int level) {
  ks::km::freebsd::check_cred(*World::current(), cr, "securelevel_gt");
  return -1 > level ? EPERM : 0;
}

int securelevel_ge(struct ucred* cr, int level) {
  ks::km::freebsd::check_cred(*World::current(), cr, "securelevel_ge");
  return -1 >= level ? EPERM : 0;
}

}  // extern "C"
