// A driver module's life in a World (module_life.h).
#include "kernel_model/module_life.h"

#include <string>

namespace ks::km {

namespace {
void unload(World& w, ModuleLife& l) {
  if (l.unloaded) return;  // a scripted unload did it (module_unload.cc)
  if (l.attached) {
    bool ok = l.detach && l.detach(w, l.mod);
    if (!ok)
      w.fail(sim::FailureKind::kTeardown,
             std::string("detach of driver ") + l.driver +
                 " instance 0 failed at unload, with every file closed: the driver "
                 "cannot be unloaded",
             std::string("teardown:detach_failed:") + l.driver);
    l.attached = false;
  }
  int rc = l.fini ? l.fini(w, l.mod) : 0;
  if (rc != 0)
    w.fail(sim::FailureKind::kTeardown,
           std::string(l.fini_name) + " of driver " + l.driver + " returned " +
               std::to_string(rc) + " with every file closed: the module refused to unload",
           std::string("teardown:") + l.fini_signature + ":" + l.driver);
}
}  // namespace

void module_life_load(World& w, ModuleLife& l) {
  int rc = l.init ? l.init(w, l.mod) : 0;
  if (rc != 0) {
    // A module whose init fails is not loaded (an injected allocation
    // failure can do that): its nodes never appear, opens get ENOENT.
    w.log(std::string(l.driver) + ": " + l.init_name + " failed with error " + std::to_string(rc));
    return;
  }
  l.loaded = true;
  if (l.installed) l.installed(w, l.mod);
  w.on_teardown([&w, &l] { unload(w, l); });
  if (!l.attach) return;
  l.attached = l.attach(w, l.mod);
  if (!l.attached) w.log(std::string(l.driver) + ": attach of instance 0 failed");
}

}  // namespace ks::km
