// The FreeBSD module loader onto the kernel model's module life
// (module_life.h): the module's event handler gets MOD_LOAD, and at
// teardown MOD_UNLOAD. The moduledata_t is what KS_FREEBSD_DRIVER named.
#include <cerrno>
#include <string>

#include "kernel_model/devsw.h"
#include "kernel_model/drivers.h"
#include "kernel_model/module_life.h"
#include "kernel_model/world.h"

extern "C" {
#include <sys/module.h>
}

namespace ks::km::freebsd {

namespace {

struct FbModule : DriverRecordOf<FbModule> {
  const ks_driver_desc* desc = nullptr;
  moduledata_t* md = nullptr;
  ModuleLife life;
  ModuleLife* module_life() override { return &life; }
};

FbModule& M(void* mod) { return *static_cast<FbModule*>(mod); }
module_t MOD(FbModule& m) { return reinterpret_cast<module_t>(&m); }

int mod_load(World&, void* mod) {
  FbModule& m = M(mod);
  return m.md->evhand(MOD(m), MOD_LOAD, m.md->priv);
}
int mod_unload(World&, void* mod) {
  FbModule& m = M(mod);
  return m.md->evhand(MOD(m), MOD_UNLOAD, m.md->priv);
}
// kldunload asks first (module_quiesce): a handler that does not know the
// event (EOPNOTSUPP, EINVAL) agrees; any other error refuses the unload
// (kldunload -f, which skips the question, is not modelled).
int mod_quiesce(World&, void* mod) {
  FbModule& m = M(mod);
  int e = m.md->evhand(MOD(m), MOD_QUIESCE, m.md->priv);
  return e == EOPNOTSUPP || e == EINVAL ? 0 : e;
}

void load(World& w, const ks_driver_desc* desc) {
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
