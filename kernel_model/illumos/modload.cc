// The illumos module loader onto the kernel model's module life
// (module_life.h): _init (which calls mod_install, recording its dev_ops),
// attach of each instance (instance 0, or driver.conf's node entries); at
// teardown detach of each, then _fini.
#include <cerrno>
#include <string>

#include "kernel_model/drivers.h"
#include "kernel_model/module_life.h"
#include "kernel_model/illumos/dev_impl.h"

namespace ks::km::illumos {

namespace {

// The driver whose _init or _fini runs on this thread, for mod_install and
// mod_remove (module loads run concurrently, each on its own thread).
IlDriver* loading(World& w) { return static_cast<IlDriver*>(w.self().personality); }

IlDriver& D(void* mod) { return *static_cast<IlDriver*>(mod); }

// _init and _fini run with the driver as the thread's loading record.
// (w.self() afresh after the call: they may start or end threads, and the
// World's thread records may move.)
int with_loading(World& w, IlDriver& d, int (*fn)()) {
  void* prev = w.self().personality;
  w.self().personality = &d;
  int rc = fn();
  w.self().personality = prev;
  return rc;
}

int init(World& w, void* mod) { return with_loading(w, D(mod), D(mod).desc->mod_init); }
int fini(World& w, void* mod) { return with_loading(w, D(mod), D(mod).desc->mod_fini); }

void installed(World& w, void* mod) {
  IlDriver& d = D(mod);
  const char* name = d.desc->name;
  if (d.installed && d.fmod) return;  // a STREAMS module: nothing to attach
  if (!d.installed || !d.ops)
    w.fail(sim::FailureKind::kPanic,
           std::string("driver ") + name +
               ": _init returned 0 without mod_install of a modldrv with dev_ops",
           std::string("modload:no_dev_ops:") + name);
  if (!d.ops->devo_attach)
    w.fail(sim::FailureKind::kPanic, std::string("driver ") + name + " has no devo_attach",
           std::string("modload:no_attach:") + name);
}

// Each node not attached yet, in driver.conf's order; the module counts as
// attached while any node is. One failing does not stop the others (each
// node's attach is its own on illumos).
bool attach(World& w, void* mod) {
  IlDriver& d = D(mod);
  if (!d.ops) return true;  // a STREAMS module
  auto one = [&](dev_info& n) {
    if (!n.attached) n.attached = d.ops->devo_attach(&n, DDI_ATTACH) == DDI_SUCCESS;
    if (!n.attached && !d.more.empty())
      w.log(std::string(d.desc->name) + ": attach of instance " + std::to_string(n.instance) +
            " failed");
    return n.attached;
  };
  bool any = one(d.dip);
  for (dev_info& n : d.more) any = one(n) || any;
  return any;
}

// The attached nodes, last made first; a failed detach keeps the module.
bool detach(World&, void* mod) {
  IlDriver& d = D(mod);
  if (!d.ops) return true;  // a STREAMS module
  auto one = [&](dev_info& n) {
    if (n.attached)
      n.attached = !(d.ops->devo_detach && d.ops->devo_detach(&n, DDI_DETACH) == DDI_SUCCESS);
    return !n.attached;
  };
  for (auto it = d.more.rbegin(); it != d.more.rend(); ++it)
    if (!one(*it)) return false;
  return one(d.dip);
}

// modunload(1M) of a STREAMS module: its unload (the streams it may still
// be pushed on) is not in the model. A STREAMS driver unloads as any
// driver: refused (EBUSY) while a stream of its major is open, clone
// streams included; a closed stream holds nothing of it.
const char* no_scripted_unload(World&, void* mod) {
  IlDriver& d = D(mod);
  return d.fmod ? "a STREAMS module: unloading one is not modelled" : nullptr;
}

void load(World& w, const ks_driver_desc* desc, const void* config) {
  auto rec = std::make_shared<IlDriver>();
  devsw(w).driver_records.push_back(rec);
  IlDriver& d = *rec;
  d.w = &w;
  d.desc = desc;
  d.major = devsw_new_major(w);
  make_nodes(d, config);
  ModuleLife& l = d.life;
  l.driver = desc->name;
  l.mod = &d;
  l.init = init;
  l.installed = installed;
  l.attach = attach;
  l.detach = detach;
  l.fini = fini;
  l.init_name = "_init";
  l.fini_name = "_fini";
  l.fini_signature = "fini_failed";
  // modunload(1M) in the middle of a run (module_unload.h): the framework
  // does not detach an instance whose device is open (EBUSY), a failed
  // detach is EBUSY, _fini's error keeps the module; unloading a module
  // already unloaded is done (EALREADY, returned as 0).
  l.image = desc;
  l.no_scripted_unload = no_scripted_unload;
  l.busy_while_open = true;
  l.gone_errno = 0;
  l.drain_task_hint = "wait for it in detach: ddi_taskq_wait, or ddi_taskq_destroy";
  l.drain_callout_hint = "untimeout it in detach";
  l.join_thread_hint = "thread_join it in detach";
  module_life_load(w, l);
}

}  // namespace

// Every host links the whole personality (drivers are loaded later, by
// file), so its loader registers itself when the host starts.
[[maybe_unused]] const bool registered = (km::register_personality("illumos", load, conf_parser()), true);

}  // namespace ks::km::illumos

using ks::km::World;
using ks::km::illumos::IlDriver;

extern "C" {

struct mod_ops mod_driverops = {nullptr, nullptr, nullptr};
struct mod_ops mod_miscops = {nullptr, nullptr, nullptr};
struct mod_ops mod_strmodops = {nullptr, nullptr, nullptr};

int mod_install(struct modlinkage* ml) {
  World& w = *World::current();
  IlDriver* d = ks::km::illumos::loading(w);
  if (!d || !ml || ml->ml_rev != MODREV_1) return EINVAL;
  for (int i = 0; i < MODMAXLINK && ml->ml_linkage[i]; i++) {
    auto* md = static_cast<struct modldrv*>(ml->ml_linkage[i]);
    if (md->drv_modops == &mod_driverops) d->ops = md->drv_dev_ops;
    if (md->drv_modops == &mod_strmodops) {
      // A STREAMS module: I_PUSH finds it by its fmodsw name.
      d->fmod = static_cast<struct modlstrmod*>(ml->ml_linkage[i])->strmod_fmodsw;
      if (!d->fmod || !d->fmod->f_str) return EINVAL;
      ks::km::illumos::set_streams_module(d->str, d->fmod->f_flag);
      d->str.name = d->fmod->f_name;
      d->str.tab = reinterpret_cast<const ks_streamtab_t*>(d->fmod->f_str);
      ks::km::str::str_register_module(w, &d->str);
    }
  }
  d->installed = true;
  return 0;
}

int mod_remove(struct modlinkage* ml) {
  World& w = *World::current();
  IlDriver* d = ks::km::illumos::loading(w);
  if (!d || !ml) return EINVAL;
  if (d->life.attached && d->ops) return EBUSY;  // an attached instance keeps the module
  if (d->fmod) ks::km::str::str_unregister_module(w, &d->str);
  d->installed = false;
  return 0;
}

int mod_info(struct modlinkage* ml, struct modinfo* mi) {
  if (!ml || ml->ml_rev != MODREV_1) return 0;
  return 1;
}

}  // extern "C"
