// The illumos module loader: on the modload thread, the driver's _init
// (which calls mod_install, recording its dev_ops), then attach of instance 0;
// at teardown (after every open file was closed) detach, then _fini.
#include <cerrno>
#include <string>

#include "kernel_model/drivers.h"
#include "kernel_model/illumos/dev_impl.h"

namespace ks::km::illumos {

namespace {

// The driver whose _init or _fini runs on this thread, for mod_install and
// mod_remove (module loads run concurrently, each on its own thread).
IlDriver* loading(World& w) { return static_cast<IlDriver*>(w.self().personality); }

void unload(IlDriver& d) {
  World& w = *d.w;
  const char* name = d.desc->name;
  if (d.attached) {
    int rc = d.ops->devo_detach ? d.ops->devo_detach(&d.dip, DDI_DETACH) : DDI_FAILURE;
    if (rc != DDI_SUCCESS)
      w.fail(sim::FailureKind::kTeardown,
             std::string("detach of driver ") + name +
                 " instance 0 failed at unload, with every file closed: the driver "
                 "cannot be unloaded",
             std::string("teardown:detach_failed:") + name);
    d.attached = false;
  }
  // (w.self() afresh after the call: _fini may end threads or start them,
  // and the World's thread records may move.)
  void* prev = w.self().personality;
  w.self().personality = &d;
  int rc = d.desc->mod_fini();
  w.self().personality = prev;
  if (rc != 0)
    w.fail(sim::FailureKind::kTeardown,
           std::string("_fini of driver ") + name + " returned " + std::to_string(rc) +
               " after detach: the module refused to unload",
           std::string("teardown:fini_failed:") + name);
}

void load(World& w, const ks_driver_desc* desc) {
  auto rec = std::make_shared<IlDriver>();
  devsw(w).driver_records.push_back(rec);
  IlDriver& d = *rec;
  d.w = &w;
  d.desc = desc;
  d.major = devsw_new_major(w);
  d.dip.drv = &d;
  d.dip.instance = 0;

  void* prev = w.self().personality;
  w.self().personality = &d;
  int rc = desc->mod_init();  // may start threads: no KThread& across it
  w.self().personality = prev;
  if (rc != 0) {
    // A module whose _init fails is not loaded (an injected allocation
    // failure can do that): its nodes never appear, opens get ENOENT.
    w.log(std::string(desc->name) + ": _init failed with error " + std::to_string(rc));
    return;
  }
  if (!d.installed || !d.ops)
    w.fail(sim::FailureKind::kPanic,
           std::string("driver ") + desc->name +
               ": _init returned 0 without mod_install of a modldrv with dev_ops",
           std::string("modload:no_dev_ops:") + desc->name);
  w.on_teardown([&d] { unload(d); });
  if (!d.ops->devo_attach)
    w.fail(sim::FailureKind::kPanic, std::string("driver ") + desc->name + " has no devo_attach",
           std::string("modload:no_attach:") + desc->name);
  rc = d.ops->devo_attach(&d.dip, DDI_ATTACH);
  d.attached = rc == DDI_SUCCESS;
  if (!d.attached) w.log(std::string(desc->name) + ": attach of instance 0 failed");
}

}  // namespace

// Every host links the whole personality (drivers are loaded later, by
// file), so its loader registers itself when the host starts.
[[maybe_unused]] const bool registered = (km::register_personality("illumos", load), true);

}  // namespace ks::km::illumos

using ks::km::World;
using ks::km::illumos::IlDriver;

extern "C" {

struct mod_ops mod_driverops = {nullptr, nullptr, nullptr};
struct mod_ops mod_miscops = {nullptr, nullptr, nullptr};

int mod_install(struct modlinkage* ml) {
  World& w = *World::current();
  IlDriver* d = ks::km::illumos::loading(w);
  if (!d || !ml || ml->ml_rev != MODREV_1) return EINVAL;
  for (int i = 0; i < MODMAXLINK && ml->ml_linkage[i]; i++) {
    auto* md = static_cast<struct modldrv*>(ml->ml_linkage[i]);
    if (md->drv_modops == &mod_driverops) d->ops = md->drv_dev_ops;
  }
  d->installed = true;
  return 0;
}

int mod_remove(struct modlinkage* ml) {
  World& w = *World::current();
  IlDriver* d = ks::km::illumos::loading(w);
  if (!d || !ml) return EINVAL;
  if (d->attached) return EBUSY;  // an attached instance keeps the module
  d->installed = false;
  return 0;
}

int mod_info(struct modlinkage* ml, struct modinfo* mi) {
  if (!ml || ml->ml_rev != MODREV_1) return 0;
  return 1;
}

}  // extern "C"
