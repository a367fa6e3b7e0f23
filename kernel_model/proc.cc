// Processes and signals. A signal is a pending bit on the target thread; a
// thread asleep interruptibly (cv_wait_sig, sema_p_sig) is taken off the
// queue it sleeps on and woken with EINTR, as the real kernels' setrun does.
#include "kernel_model/proc.h"

#include <cerrno>
#include <stdexcept>

#include "kernel_model/component_pool.h"
#include "kernel_model/world.h"

namespace ks::km {

ProcTable& procs(World& w) {
  auto& slot = w.component(World::kSlotUser);
  if (!slot) slot = pooled_component<ProcTable>();
  return *static_cast<ProcTable*>(slot.get());
}

// In the order a destroyed table releases them: each process's files, then
// its pages.
namespace {
std::vector<ProcExitHook>& exit_hooks() {
  static std::vector<ProcExitHook> h;
  return h;
}
}  // namespace

void register_proc_exit_hook(ProcExitHook hook) { exit_hooks().push_back(hook); }

void run_proc_exit_hooks(World& w, Proc& p) {
  for (ProcExitHook h : exit_hooks()) h(w, p);
}

void ProcTable::recycle() {
  for (auto& p : procs) {
    p->fds.clear();
    p->as.clear();
    spare.push_back(std::move(p));
  }
  procs.clear();
  cred_check = false;
}

Proc& proc_create(World& w, const std::string& name, DataModel model, Cred cred) {
  ProcTable& t = procs(w);
  std::unique_ptr<Proc> p;
  if (t.spare.empty()) {
    p = std::make_unique<Proc>();
  } else {
    p = std::move(t.spare.back());  // emptied by recycle()
    t.spare.pop_back();
  }
  p->pid = static_cast<uint32_t>(t.procs.size() + 1);
  p->name = name;
  p->cred = cred;
  p->cred_holds = 0;
  p->killed = false;
  p->exited = false;
  p->dies = false;
  p->model = model;
  p->obj = w.new_obj(kObjProc, w.sim().intern(name));
  t.procs.push_back(std::move(p));
  return *t.procs.back();
}

Proc* proc_find(World& w, const std::string& name) {
  for (auto& p : procs(w).procs)
    if (p->name == name) return p.get();
  return nullptr;
}

Proc* curproc_or_null(World& w) {
  if (!w.sim().on_fiber()) return nullptr;
  return w.self().proc;
}

Proc& user_process(World& w, const char* op) {
  Proc* p = curproc_or_null(w);
  if (!p)
    w.fail(sim::FailureKind::kPanic,
           std::string("panic: ") + op + " in kernel thread " + w.thread_name(w.self_tid()) +
               ", which has no user process (user memory touched outside the system call?)",
           std::string("user_copy_in_kernel_thread:") + op);
  return *p;
}

Proc& curproc(World& w) {
  // The host has no current thread: asking is a bug in our own code.
  if (!w.sim().on_fiber()) throw std::logic_error("curproc called on the host, outside any thread");
  KThread& k = w.self();
  if (!k.proc)
    w.fail(sim::FailureKind::kPanic,
           std::string("panic: curproc in a kernel thread (") + w.thread_name(w.self_tid()) +
               ", which has no user process)",
           "curproc_in_kernel_thread");
  return *k.proc;
}

void proc_attach(World& w, sim::Tid t, Proc& p) { w.kt(t).proc = &p; }

void post_signal(World& w, sim::Tid t, int sig) {
  if (sig < 1 || sig > 63) return;  // callers (kill) validate and report EINVAL
  KThread& k = w.kt(t);
  w.sim().emit(kEvSignalPost, k.proc ? k.proc->obj : 0, t, static_cast<uint64_t>(sig));
  k.sig_pending |= uint64_t(1) << (sig - 1);
  if (k.interruptible && k.queued && k.waiting_on) {
    ObjId on = k.waiting_on;
    if (w.wq_remove(on, t)) w.sim().wake(t, EINTR);
  }
}

bool signal_pending(World& w, sim::Tid t) { return w.kt(t).sig_pending != 0; }

void clear_signals(World& w, sim::Tid t) { w.kt(t).sig_pending = 0; }

}  // namespace ks::km
