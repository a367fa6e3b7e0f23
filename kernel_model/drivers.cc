// Per-World driver loading over modules (module.h), and the personalities'
// loaders (registered by each personality when the host starts).
#include "kernel_model/drivers.h"

#include <vector>

#include "kernel_model/devsw.h"
#include "kernel_model/race.h"
#include "kernel_model/world.h"

namespace ks::km {

namespace {
std::vector<std::pair<std::string, PersonalityLoader>>& personalities() {
  static std::vector<std::pair<std::string, PersonalityLoader>> p;
  return p;
}
PersonalityLoader find_loader(const char* personality) {
  for (auto& [n, l] : personalities())
    if (n == personality) return l;
  return nullptr;
}

struct LoadJob : DriverRecordOf<LoadJob> {
  World* w;
  const ks_driver_desc* d;
  PersonalityLoader load;
  sim::ObjId obj;
};

void modload_thread(void* arg) {
  auto* j = static_cast<LoadJob*>(arg);
  World& w = *j->w;
  w.sim().point(kEvModload, j->obj, 1);
  j->load(w, j->d);
  w.sim().emit(kEvModload, j->obj, 0);
  boot_load_finished(w);
}
}  // namespace

void register_personality(const char* personality, PersonalityLoader load) {
  for (auto& [n, l] : personalities())
    if (n == personality) {
      l = load;
      return;
    }
  personalities().emplace_back(personality, load);
}

bool personality_known(const std::string& personality) {
  return find_loader(personality.c_str()) != nullptr;
}

Module& driver_module(const std::string& spec, const std::string& variant) {
  Module& m = module_open(spec);
  if (!personality_known(m.desc()->personality))
    throw ModuleError("driver module " + m.path() + " is built for personality '" +
                      m.desc()->personality + "', which this kernsim does not have");
  if (!m.has_variant(variant)) {
    std::string valid;
    for (auto& [v, _] : m.variants()) valid += std::string(valid.empty() ? "" : ", ") + v;
    throw ModuleError("driver '" + m.name() + "' has no variant '" + variant + "' (valid: " +
                      valid + ")");
  }
  return m;
}

void load_driver(World& w, const std::string& spec, const std::string& variant) {
  // A race-tracking World loads the race build (no edge coverage: a fuzzer
  // that also tracks races goes without it), a fuzzer's the coverage one.
  bool race = race_on(w), cov = !race && w.options().coverage;
  Module& m = driver_module(race ? build_module_spec(spec, "race")
                            : cov ? build_module_spec(spec, "cov") : spec,
                            variant);
  if (race && !m.race_instrumented())
    throw ModuleError("driver module " + m.path() +
                      " is not race-instrumented, so races in it cannot be seen: build it "
                      "with kernsim build-driver --race (into a race/ folder beside it) or "
                      "kernsim_add_driver(... RACE)");
  if (cov && !m.coverage_instrumented())
    throw ModuleError("driver module " + m.path() +
                      " has no edge coverage, so the fuzzer cannot see its code: build it "
                      "with kernsim build-driver (which also writes cov/" + m.name() +
                      ".so beside it) or kernsim_add_driver without NO_COVERAGE");
  const ks_driver_desc* d = m.desc();
  PersonalityLoader load = find_loader(d->personality);
  const std::string& name = m.name();
  // The driver's globals as a fresh modload leaves them, whatever earlier
  // Worlds in this process did to them.
  m.restore();
  w.note_module(&m);
  if (variant != "none") w.select_variant(name, variant);

  // Files left open at exit are closed before any driver detaches: that hook
  // must be registered before the loader registers the driver's unload.
  devsw_register_exit_close(w);
  boot_load_started(w);
  auto job = std::make_shared<LoadJob>();
  std::string tname = "modload:" + name;
  job->w = &w;
  job->d = d;
  job->load = load;
  job->obj = w.new_obj(kObjOther, w.sim().intern(tname));
  devsw(w).driver_records.push_back(job);
  race_boot_load(w, w.spawn(w.sim().intern(tname), modload_thread, job.get()));
}

}  // namespace ks::km
