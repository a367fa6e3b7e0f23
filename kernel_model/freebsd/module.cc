// The FreeBSD module loader: on the modload thread the module's event
// handler gets MOD_LOAD; at teardown (after every open file was closed)
// MOD_UNLOAD. The moduledata_t is what KS_FREEBSD_DRIVER named.
#include <string>

#include "kernel_model/devsw.h"
#include "kernel_model/drivers.h"
#include "kernel_model/world.h"

extern "C" {
#include <sys/module.h>
}

namespace ks::km::freebsd {

namespace {

struct FbModule {
  World* w = nullptr;
  const ks_driver_desc* desc = nullptr;
  moduledata_t* md = nullptr;
};

module_t MOD(FbModule& m) { return reinterpret_cast<module_t>(&m); }

void unload(FbModule& m) {
  int rc = m.md->evhand(MOD(m), MOD_UNLOAD, m.md->priv);
  if (rc != 0)
    m.w->fail(sim::FailureKind::kTeardown,
              std::string("MOD_UNLOAD of module ") + m.md->name + " (driver " + m.desc->name +
                  ") returned " + std::to_string(rc) +
                  " with every file closed: the module refused to unload",
              std::string("teardown:unload_failed:") + m.desc->name);
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
  m.w = &w;
  m.desc = desc;
  m.md = md;
  int rc = md->evhand(MOD(m), MOD_LOAD, md->priv);
  if (rc != 0) {
    // A module whose MOD_LOAD fails is not loaded: its devices never appear.
    w.log(std::string(desc->name) + ": MOD_LOAD failed with error " + std::to_string(rc));
    return;
  }
  w.on_teardown([&m] { unload(m); });
}

}  // namespace

// Every host links the whole personality (drivers are loaded later, by
// file), so its loader registers itself when the host starts.
[[maybe_unused]] const bool registered = (km::register_personality("freebsd", load), true);

}  // namespace ks::km::freebsd
