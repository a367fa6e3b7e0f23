// A module unloaded in the middle of a run (module_unload.h).
#include "kernel_model/module_unload.h"

#include <dlfcn.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "kernel_model/callout.h"
#include "kernel_model/devsw.h"
#include "kernel_model/module_life.h"
#include "kernel_model/page_lock.h"
#include "kernel_model/taskq.h"
#include "kernel_model/world.h"

namespace ks::km {

namespace {

std::vector<std::pair<void (*)(void*), DriverCodeOf>>& trampolines() {
  static std::vector<std::pair<void (*)(void*), DriverCodeOf>> t;
  return t;
}

// The code an entry (fn, arg) will run: fn itself, or what a personality's
// trampoline will call (null: nothing of a driver's any more).
const void* driver_code(void (*fn)(void*), void* arg) {
  for (auto& [tramp, code_of] : trampolines())
    if (tramp == fn) return code_of(arg);
  return reinterpret_cast<const void*>(fn);
}

// The loaded object holding `code`: the module's own if it is the object
// holding the module's registration. dladdr reads the loader's tables, not
// the addresses' values, so the answer is the same in every execution.
bool in_module(const void* code, const void* image) {
  if (!code || !image) return false;
  Dl_info a{}, b{};
  return dladdr(code, &a) && dladdr(image, &b) && a.dli_fbase == b.dli_fbase;
}

// Where code is, for messages: its symbol when the module exports it, else
// the module's file and the offset (a driver's static functions are not in
// the dynamic symbol table).
std::string code_name(const void* code) {
  Dl_info i{};
  if (!dladdr(code, &i)) return "?";
  if (i.dli_sname) return i.dli_sname;
  const char* file = i.dli_fname ? std::strrchr(i.dli_fname, '/') : nullptr;
  char off[32];
  std::snprintf(off, sizeof off, "+0x%llx",
                static_cast<unsigned long long>(reinterpret_cast<uintptr_t>(code) -
                                                reinterpret_cast<uintptr_t>(i.dli_fbase)));
  return std::string(file ? file + 1 : i.dli_fname ? i.dli_fname : "?") + off;
}

// The signature names the leftover by a name stable across builds: the
// taskq, the callout's function as the driver spells it, the thread.
[[noreturn]] void leftover(World& w, const ModuleLife& l, const char* kind,
                           const std::string& what, const std::string& name, const char* hint) {
  std::string msg = std::string("modunload of ") + l.driver + " returned 0, but " + what +
                    ": it would run code of the unloaded module";
  if (hint && *hint) msg += std::string(" (its unload should ") + hint + ")";
  w.fail(sim::FailureKind::kUnload, std::move(msg),
         std::string("unload:") + kind + ":" + l.driver + ":" + name);
}

// After a successful unload: what is left that runs the module's code.
void check_leftovers(World& w, const ModuleLife& l) {
  std::string msg, sig;
  if (devsw_node_left(w, l.driver, &msg, &sig))
    w.fail(sim::FailureKind::kTeardown, msg + " (found at its modunload)", sig);
  const void* bad = nullptr;
  TaskqView task{};
  taskq_each_entry(w, [&](const TaskqView& e) {
    const void* code = driver_code(e.fn, e.arg);
    if (!bad && in_module(code, l.image)) {
      bad = code;
      task = e;
    }
  });
  if (bad)
    leftover(w, l, task.running ? "running_task" : "pending_task",
             std::string("a task (") + code_name(bad) + ") is still " +
                 (task.running ? "running on" : "queued on") + " taskq " + task.taskq,
             task.taskq, l.drain_task_hint);
  CalloutView co{};
  callout_each_live(w, [&](const CalloutView& c) {
    const void* code = driver_code(c.fn, c.arg);
    if (!bad && in_module(code, l.image)) {
      bad = code;
      co = c;
    }
  });
  if (bad)
    leftover(w, l, co.running ? "running_callout" : "pending_callout",
             std::string("callout ") + co.name + " (" + code_name(bad) + ") is still " +
                 (co.running ? "running" : "armed"),
             co.name, l.drain_callout_hint);
  // A long-term lock's cleanup callback: the next munmap, mprotect or
  // exit of the process would call it.
  for (const PageLock* k : page_lock_undos(w))
    if (in_module(k->undo_code, l.image))
      leftover(w, l, "page_lock_callback",
               std::string("the cleanup callback (") + code_name(k->undo_code) +
                   ") of user pages locked by " + k->op + " in thread " +
                   w.thread_name(k->locker) + " is still registered",
               k->op, "unlock them");
  sim::Sim& s = w.sim();
  for (size_t i = 1; i <= s.nthreads(); i++) {
    const sim::Thread* t = s.thread(static_cast<Tid>(i));
    const void* code = w.kt(t->tid).driver_fn;
    if (t->state == sim::ThreadState::kDone || !in_module(code, l.image)) continue;
    leftover(w, l, "live_thread",
             std::string("kernel thread ") + t->name + " (" + code_name(code) + ") is still alive" +
                 (t->wait_obj && t->state == sim::ThreadState::kBlocked
                      ? std::string(", asleep on ") + w.name(t->wait_obj)
                      : std::string()),
             t->name, l.join_thread_hint);
  }
}

// The unload's steps on the calling thread: 0, or the errno that refuses it
// (the module then stays loaded and usable).
int unload_steps(World& w, ModuleLife& l) {
  if (!l.loaded) return l.gone_errno;
  if (l.no_scripted_unload)
    if (const char* why = l.no_scripted_unload(w, l.mod)) {
      w.log(std::string("modunload ") + l.driver + ": not modelled: " + why);
      return ENOTSUP;
    }
  if (l.busy_while_open && l.attached && devsw_driver_open(w, l.driver)) return EBUSY;
  if (l.quiesce)
    if (int e = l.quiesce(w, l.mod)) return e;
  if (l.attached) {
    // illumos holds the instance busy while it detaches: an open meanwhile
    // waits, then finds the node gone (or the instance still attached).
    if (l.busy_while_open) devsw_hold_opens(w, l.driver, true);
    bool ok = l.detach && l.detach(w, l.mod);
    if (l.busy_while_open) devsw_hold_opens(w, l.driver, false);
    if (!ok) {
      w.log(std::string(l.driver) + ": detach of instance 0 failed: the module stays loaded");
      return EBUSY;
    }
    l.attached = false;
  }
  int rc = l.fini ? l.fini(w, l.mod) : 0;
  if (rc != 0) {
    // The module stays: an illumos driver's instance attaches again (its
    // next open would attach it; the model does it at once).
    if (l.attach && !l.attached) l.attached = l.attach(w, l.mod);
    return rc;
  }
  l.loaded = false;
  l.unloaded = true;
  w.log(std::string(l.driver) + ": unloaded");
  check_leftovers(w, l);
  return 0;
}

// One unload at a time per module: two threads' detach at once would
// tear the instance down twice.
int unload_now(World& w, ModuleLife& l) {
  while (l.unloading) {
    if (!l.unload_q)
      l.unload_q = w.new_obj(kObjOther, w.sim().intern(std::string("modunload:") + l.driver));
    w.wq_push(l.unload_q, w.self_tid());
    w.sim().block(kEvSyscall, l.unload_q);
  }
  l.unloading = true;
  int rc = unload_steps(w, l);
  l.unloading = false;
  if (l.unload_q) w.wq_wake_all(l.unload_q);
  return rc;
}

ModuleLife* find_life(World& w, const std::string& name, std::string* loaded) {
  for (auto& r : devsw(w).driver_records) {
    ModuleLife* l = r->module_life();
    if (!l) continue;
    if (name == l->driver) return l;
    *loaded += std::string(loaded->empty() ? "" : ", ") + l->driver;
  }
  return nullptr;
}

}  // namespace

void register_driver_code(void (*trampoline)(void*), DriverCodeOf code_of) {
  trampolines().emplace_back(trampoline, code_of);
}

int module_unload(World& w, const std::string& name) {
  std::string loaded;
  ModuleLife* l = find_life(w, name, &loaded);
  if (!l)
    w.fail(sim::FailureKind::kScenario,
           "modunload: no module named '" + name + "' was loaded (loaded: " +
               (loaded.empty() ? std::string("none") : loaded) + ")",
           "scenario:modunload_unknown:" + name);
  return unload_now(w, *l);
}

}  // namespace ks::km
