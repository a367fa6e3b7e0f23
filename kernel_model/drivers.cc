// The driver registry (host-wide, read-only once the drivers registered:
// static descriptions, not World state) and per-World module loading.
#include "kernel_model/drivers.h"

#include <cstring>
#include <stdexcept>

#include "kernel_model/devsw.h"
#include "kernel_model/world.h"

namespace ks::km {

namespace {
std::vector<const ks_driver_desc*>& registry() {
  static std::vector<const ks_driver_desc*> r;
  return r;
}
std::vector<std::pair<std::string, PersonalityLoader>>& personalities() {
  static std::vector<std::pair<std::string, PersonalityLoader>> p;
  return p;
}
PersonalityLoader find_loader(const char* personality) {
  for (auto& [n, l] : personalities())
    if (n == personality) return l;
  return nullptr;
}

struct LoadJob {
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

void register_driver(const ks_driver_desc* d) {
  for (auto* x : registry()) {
    if (x == d) return;  // registering twice (two front ends) is harmless
    if (std::strcmp(x->name, d->name) == 0)
      throw std::invalid_argument(std::string("two drivers are named '") + d->name + "'");
  }
  registry().push_back(d);
}

const ks_driver_desc* find_driver(const std::string& name) {
  for (auto* d : registry())
    if (name == d->name) return d;
  return nullptr;
}

const std::vector<const ks_driver_desc*>& all_drivers() { return registry(); }

std::vector<std::pair<std::string, std::string>> driver_variants(const ks_driver_desc* d) {
  std::vector<std::pair<std::string, std::string>> v{{"none", "the correct driver"}};
  if (d->variants)
    for (const char* const* p = d->variants; p[0] && p[1]; p += 2) v.emplace_back(p[0], p[1]);
  return v;
}

void register_personality(const char* personality, PersonalityLoader load) {
  for (auto& [n, l] : personalities())
    if (n == personality) {
      l = load;
      return;
    }
  personalities().emplace_back(personality, load);
}

void load_driver(World& w, const std::string& name, const std::string& variant) {
  const ks_driver_desc* d = find_driver(name);
  if (!d) {
    std::string known;
    for (auto* x : registry()) known += std::string(known.empty() ? "" : ", ") + x->name;
    throw std::invalid_argument("unknown driver '" + name + "' (known drivers: " +
                                (known.empty() ? "none registered" : known) + ")");
  }
  auto vs = driver_variants(d);
  bool ok = false;
  std::string valid;
  for (auto& [v, _] : vs) {
    ok = ok || v == variant;
    valid += std::string(valid.empty() ? "" : ", ") + v;
  }
  if (!ok)
    throw std::invalid_argument("driver '" + name + "' has no variant '" + variant +
                                "' (valid: " + valid + ")");
  PersonalityLoader load = find_loader(d->personality);
  if (!load)
    throw std::invalid_argument("driver '" + name + "' needs personality '" + d->personality +
                                "', which is not linked in (call ks_register_all_drivers)");
  if (variant != "none") w.select_variant(name, variant);

  // Files left open at exit are closed before any driver detaches: that hook
  // must be registered before the loader registers the driver's unload.
  devsw_register_exit_close(w);
  boot_load_started(w);
  auto job = std::make_shared<LoadJob>();
  std::string tname = "modload:" + name;
  *job = LoadJob{&w, d, load, w.new_obj(kObjOther, w.sim().intern(tname))};
  devsw(w).driver_records.push_back(job);
  w.spawn(w.sim().intern(tname), modload_thread, job.get());
}

}  // namespace ks::km
