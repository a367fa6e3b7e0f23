// Per-World driver loading over modules (module.h), and the personalities'
// loaders (registered by each personality when the host starts).
#include "kernel_model/drivers.h"

#include <string_view>
#include <vector>

#include "kernel_model/devsw.h"
#include "kernel_model/race.h"
#include "kernel_model/world.h"

namespace ks::km {

namespace {
struct Personality {
  std::string name;
  PersonalityLoader load;
  ConfigParser parse;
};
std::vector<Personality>& personalities() {
  static std::vector<Personality> p;
  return p;
}
const Personality* find_personality(const char* personality) {
  for (auto& p : personalities())
    if (p.name == personality) return &p;
  return nullptr;
}
PersonalityLoader find_loader(const char* personality) {
  const Personality* p = find_personality(personality);
  return p ? p->load : nullptr;
}

// A driver's configuration as its personality read it, by (driver, file,
// text): a Python scenario loads its driver in every execution, and the
// text is the same each time. A few entries: one process runs few
// configurations.
std::shared_ptr<const void> parsed_config(const Personality& p, const ks_driver_desc* d,
                                          const std::string& text, const std::string& file) {
  struct Cached {
    std::string key;
    std::shared_ptr<const void> conf;
  };
  static std::vector<Cached> cache;
  std::string key = std::string(d->name) + '\0' + file + '\0' + text;
  for (auto& c : cache)
    if (c.key == key) return c.conf;
  std::shared_ptr<const void> conf = p.parse(text, file, d);
  if (cache.size() >= 8) cache.erase(cache.begin());
  cache.push_back({std::move(key), conf});
  return conf;
}

struct LoadJob : DriverRecordOf<LoadJob> {
  World* w;
  const ks_driver_desc* d;
  PersonalityLoader load;
  std::shared_ptr<const void> config;  // the personality's reading of the driver's conf
  sim::ObjId obj;
};

void modload_thread(void* arg) {
  auto* j = static_cast<LoadJob*>(arg);
  World& w = *j->w;
  w.sim().point(kEvModload, j->obj, 1);
  j->load(w, j->d, j->config.get());
  w.sim().emit(kEvModload, j->obj, 0);
  boot_load_finished(w);
}
}  // namespace

void register_personality(const char* personality, PersonalityLoader load,
                          ConfigParser parse) {
  for (auto& p : personalities())
    if (p.name == personality) {
      p.load = load;
      p.parse = parse;
      return;
    }
  personalities().push_back({personality, load, parse});
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

void set_minor_perm(World& w, const ks_driver_desc* d, const std::vector<std::string>& entries) {
  if (std::string_view(d->personality) != "illumos")
    throw ModuleError(std::string("driver '") + d->name + "' is a " + d->personality +
                      " driver: minor_perm is illumos's /etc/minor_perm (a FreeBSD driver "
                      "gives its nodes' owner, group and mode to make_dev)");
  devsw(w).minor_perms[d->name] = parse_minor_perm(d->name, entries);
}

void load_driver(World& w, const std::string& spec, const std::string& variant,
                 const std::string& conf, const std::string& conf_file,
                 const std::vector<std::string>& minor_perm) {
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
  const Personality* pers = find_personality(d->personality);
  PersonalityLoader load = pers->load;
  const std::string& name = m.name();
  std::shared_ptr<const void> config;
  if (!conf.empty()) {
    if (!pers->parse)
      throw ModuleError("driver '" + name + "' is a " + d->personality +
                        " driver, which takes no driver configuration file (a driver.conf(5) "
                        "is illumos's)");
    config = parsed_config(*pers, d, conf, conf_file.empty() ? name + ".conf" : conf_file);
  }
  if (!minor_perm.empty()) set_minor_perm(w, d, minor_perm);
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
  job->config = std::move(config);
  job->obj = w.new_obj(kObjOther, w.sim().intern(tname));
  devsw(w).driver_records.push_back(job);
  race_boot_load(w, w.spawn(w.sim().intern(tname), modload_thread, job.get()));
}

}  // namespace ks::km
