// The FreeBSD kernel linker onto the kernel model's module life
// (module_life.h). Loading a file runs its SYSINITs in order, the module's
// MOD_LOAD among them (DECLARE_MODULE's own SYSINIT, module_register_init);
// unloading it sends MOD_UNLOAD and, if the module agreed, runs the
// SYSUNINITs in the reverse order. The moduledata_t is what
// KS_FREEBSD_DRIVER or DECLARE_MODULE named. Read in kern_linker.c
// (linker_load_file, linker_file_sysinit/sysuninit, linker_file_unload)
// and kern_module.c (module_register_init).
#include <cerrno>
#include <string>
#include <vector>

#include "kernel_model/devsw.h"
#include "kernel_model/freebsd/sysctl_tree.h"
#include "kernel_model/drivers.h"
#include "kernel_model/module.h"
#include "kernel_model/module_life.h"
#include "kernel_model/world.h"

extern "C" {
#include <sys/kernel.h>
#include <sys/module.h>
}
#undef log  // <sys/systm.h>'s log(9); World::log is meant here

namespace ks::km::freebsd {

namespace {

struct FbModule : DriverRecordOf<FbModule> {
  const ks_driver_desc* desc = nullptr;
  const Module* file = nullptr;  // its linker sets
  moduledata_t* md = nullptr;
  ModuleLife life;
  ModuleLife* module_life() override { return &life; }
};

FbModule& M(void* mod) { return *static_cast<FbModule*>(mod); }
module_t MOD(FbModule& m) { return reinterpret_cast<module_t>(&m); }

// A linker set of SYSINITs in the order kern_linker.c runs them: the same
// exchange sort over the set as the module has it, ascending by
// (subsystem, order) for SYSINITs, descending for SYSUNINITs; equal keys
// keep the order this sort leaves them in.
std::vector<const sysinit*> sysinits(const FbModule& m, const char* set, bool descending) {
  Module::LinkerSet s = m.file ? m.file->linker_set(set) : Module::LinkerSet{};
  std::vector<const sysinit*> v;
  for (void* const* p = s.begin; p < s.end; p++) v.push_back(static_cast<const sysinit*>(*p));
  auto before = [descending](const sysinit* a, const sysinit* b) {
    if (a->subsystem != b->subsystem)
      return descending ? a->subsystem > b->subsystem : a->subsystem < b->subsystem;
    return descending ? a->order >= b->order : a->order <= b->order;
  };
  for (size_t i = 0; i < v.size(); i++)
    for (size_t j = i + 1; j < v.size(); j++)
      if (!before(v[i], v[j])) std::swap(v[i], v[j]);
  return v;
}

// module_register_init: MOD_LOAD, and after a failed one MOD_UNLOAD (its
// answer ignored), so a handler that cleans up in MOD_UNLOAD is called to
// do it, and one that cannot face a half-made state meets it here as on
// FreeBSD. The module is then gone.
int register_init(World& w, FbModule& m) {
  int e = m.md->evhand(MOD(m), MOD_LOAD, m.md->priv);
  if (e == 0) return 0;
  m.md->evhand(MOD(m), MOD_UNLOAD, m.md->priv);
  w.log(std::string("module_register_init: MOD_LOAD (") + m.md->name + ") error " +
        std::to_string(e));
  return e;
}

void run_sysuninits(FbModule& m) {
  for (const sysinit* si : sysinits(m, "sysuninit_set", true))
    if (si->subsystem != SI_SUB_DUMMY) si->func(si->udata);
}

// The file's static oids: on the MIB from before its SYSINITs until its
// unload (linker_file_register_sysctls, linker_file_unregister_sysctls).
void sysctls(World& w, const FbModule& m, bool reg) {
  Module::LinkerSet s = m.file ? m.file->linker_set("sysctl_set") : Module::LinkerSet{};
  if (s.begin == s.end) return;
  if (reg) sysctl_register_set(w, s.begin, s.end);
  else sysctl_unregister_set(w, s.begin, s.end);
}

// linker_load_file: every SYSINIT runs, whatever MOD_LOAD answered; a file
// whose module failed is then unloaded (its SYSUNINITs run) and the load
// fails. A file built without the set (before kernsim had SYSINITs, or
// registered by KS_FREEBSD_DRIVER with no DECLARE_MODULE) has MOD_LOAD
// alone.
int mod_load(World& w, void* mod) {
  FbModule& m = M(mod);
  int e = 0;
  bool loaded = false;
  sysctls(w, m, true);
  for (const sysinit* si : sysinits(m, "sysinit_set", false)) {
    if (si->subsystem == SI_SUB_DUMMY) continue;
    if (si->func != module_register_init) {
      si->func(si->udata);
      continue;
    }
    if (si->udata != m.md)
      w.fail(sim::FailureKind::kHostError,
             std::string("driver ") + m.desc->name + " declares a second module, " +
                 static_cast<const moduledata_t*>(si->udata)->name +
                 ", in its file: kernsim loads one module per file",
             "not_modelled:second_module");
    e = register_init(w, m);
    loaded = true;
  }
  if (!loaded) e = register_init(w, m);
  if (e != 0) {
    run_sysuninits(m);
    sysctls(w, m, false);
  }
  return e;
}
int mod_unload(World& w, void* mod) {
  FbModule& m = M(mod);
  int e = m.md->evhand(MOD(m), MOD_UNLOAD, m.md->priv);
  if (e == 0) {
    run_sysuninits(m);
    sysctls(w, m, false);
  }
  return e;
}
// kldunload asks first (module_quiesce): a handler that does not know the
// event (EOPNOTSUPP, EINVAL) agrees; any other error refuses the unload
// (kldunload -f, which skips the question, is not modelled).
int mod_quiesce(World&, void* mod) {
  FbModule& m = M(mod);
  int e = m.md->evhand(MOD(m), MOD_QUIESCE, m.md->priv);
  return e == EOPNOTSUPP || e == EINVAL ? 0 : e;
}

void load(World& w, const ks_driver_desc* desc, const void*) {
  auto* md = static_cast<moduledata_t*>(desc->module);
  if (!md || !md->evhand)
    w.fail(sim::FailureKind::kPanic,
           std::string("driver ") + desc->name + " names no moduledata_t with an event handler",
           std::string("modload:no_moduledata:") + desc->name);
  auto rec = std::make_shared<FbModule>();
  devsw(w).driver_records.push_back(rec);
  FbModule& m = *rec;
  m.desc = desc;
  m.md = md;
  for (const Module* f : w.modules())
    if (f->desc() == desc) m.file = f;
  // No attach or detach: a module's MOD_LOAD makes its devices itself.
  ModuleLife& l = m.life;
  l.driver = desc->name;
  l.mod = &m;
  l.init = mod_load;
  l.fini = mod_unload;
  l.init_name = "MOD_LOAD";
  l.fini_name = "MOD_UNLOAD";
  l.fini_signature = "unload_failed";
  // kldunload(8) in the middle of a run (module_unload.h): MOD_QUIESCE,
  // then MOD_UNLOAD; once the file is gone its id names nothing (ENOENT).
  l.image = desc;
  l.quiesce = mod_quiesce;
  l.gone_errno = ENOENT;
  l.drain_task_hint = "taskqueue_drain it at MOD_UNLOAD";
  l.drain_callout_hint = "callout_drain it at MOD_UNLOAD";
  l.join_thread_hint = "wait for its kthread_exit at MOD_UNLOAD";
  module_life_load(w, l);
}

}  // namespace

// Every host links the whole personality (drivers are loaded later, by
// file), so its loader registers itself when the host starts.
[[maybe_unused]] const bool registered = (km::register_personality("freebsd", load), true);

}  // namespace ks::km::freebsd

// Called only through a DECLARE_MODULE's SYSINIT, which the loader above
// recognises and runs itself; a driver calling it is outside what kernsim
// models.
extern "C" void module_register_init(const void*) { ks_not_modelled("module_register_init"); }
