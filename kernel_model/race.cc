#include "kernel_model/race.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "kernel_model/boot_image.h"
#include "kernel_model/code_site.h"
#include "kernel_model/kmem.h"
#include "sim/hb.h"

namespace ks::km {

// One detector per host thread, reset for each World that detects races:
// Worlds of a process run one after another, and its shadow table then
// allocates only while it grows.
static sim::HbDetector& detector() {
  static thread_local sim::HbDetector hb;
  return hb;
}

struct RaceState {
  sim::HbDetector& hb = detector();
  // preempt_at_access: a kernel object per 8-byte granule touched, in the
  // order first touched (its id, not its address, goes into the trace).
  std::unordered_map<uint64_t, ObjId> granules;
  // The modload thread whose accesses need no shadow (race_boot_load), 0
  // when none; once ended, for good.
  Tid solo = 0;
  uint32_t loads = 0;
  void end_solo() { solo = 0; loads = ~0u; }
};

// The detector is the host thread's: an image keeps what it knew.
struct RaceImage {
  sim::HbDetector::Image hb;
  std::unordered_map<uint64_t, ObjId> granules;
  Tid solo;
  uint32_t loads;
};

[[maybe_unused]] const bool image_hook = (World::set_component_image(World::kSlotRace, {
  [](const void* live) -> std::shared_ptr<void> {
    auto& r = *static_cast<const RaceState*>(live);
    auto im = std::make_shared<RaceImage>();
    r.hb.save(im->hb);
    im->granules = r.granules;
    im->solo = r.solo;
    im->loads = r.loads;
    return im;
  },
  [](void* live, const void* saved) {
    auto& r = *static_cast<RaceState*>(live);
    auto& im = *static_cast<const RaceImage*>(saved);
    r.hb.restore(im.hb);
    r.granules = im.granules;
    r.solo = im.solo;
    r.loads = im.loads;
    return true;
  }}), true);

RaceState* race_state(World& w) {
  if (__builtin_expect(!race_on(w), 1)) return nullptr;
  auto& slot = w.component(World::kSlotRace);
  if (!slot) {
    slot = std::make_shared<RaceState>();
    detector().reset();
  }
  return static_cast<RaceState*>(slot.get());
}

namespace {

Tid current_tid(World& w) { return w.sim().on_fiber() ? w.self_tid() : 0; }

std::string hex(uint64_t v) {
  char b[24];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}

// ---- symbolization (code_site.h for code; nm for data) ----

struct Where {
  std::string func, short_line;
};

Where code_at(uintptr_t pc) {
  if (pc == kRacePcUserMapping) return {"user code", "through its device mapping"};
  if (pc == kRacePcCopyMapping) return {"copyin/copyout", "at a device-mapped user address"};
  CodeSite s = code_site(pc);
  return {s.func, s.line};
}

struct Sym {
  uint64_t addr, size;
  std::string name;
};

// A module's data symbols (static ones too: nm reads .symtab), by address.
const std::vector<Sym>& data_symbols(const std::string& path) {
  static std::map<std::string, std::vector<Sym>> cache;
  auto it = cache.find(path);
  if (it != cache.end()) return it->second;
  std::vector<Sym> syms;
  std::string out = run_tool("nm -S --defined-only " + shell_quoted(path) + " 2>/dev/null");
  size_t at = 0;
  while (at < out.size()) {
    size_t nl = out.find('\n', at);
    std::string line = out.substr(at, nl == std::string::npos ? std::string::npos : nl - at);
    at = nl == std::string::npos ? out.size() : nl + 1;
    unsigned long long a = 0, sz = 0;
    char type = 0;
    char name[256];
    if (std::sscanf(line.c_str(), "%llx %llx %c %255s", &a, &sz, &type, name) == 4 &&
        std::strchr("bBdDgGsS", type))
      syms.push_back({a, sz, name});
  }
  std::sort(syms.begin(), syms.end(), [](const Sym& x, const Sym& y) { return x.addr < y.addr; });
  return cache[path] = std::move(syms);
}

// What the racy bytes are: a field of a kmem buffer, a module global.
std::string memory_at(World& w, uintptr_t addr) {
  uint64_t off = 0;
  if (const KmemHdr* h = kmem_containing(w, reinterpret_cast<void*>(addr), &off))
    return "offset " + std::to_string(off) + " of a " + std::to_string(h->size) +
           "-byte kmem buffer from " + (h->tag ? h->tag : "?");
  Dl_info di{};
  if (dladdr(reinterpret_cast<void*>(addr), &di) && di.dli_fname) {
    uint64_t rel = addr - reinterpret_cast<uintptr_t>(di.dli_fbase);
    std::string base = std::string(di.dli_fname).substr(std::string(di.dli_fname).rfind('/') + 1);
    for (const Sym& s : data_symbols(di.dli_fname))
      if (rel >= s.addr && rel < s.addr + std::max<uint64_t>(s.size, 1))
        return base + "'s " + s.name + (rel == s.addr ? "" : "+" + std::to_string(rel - s.addr));
    return base + "+" + hex(rel);
  }
  return hex(addr);
}

std::string who(World& w, Tid t) {
  return t ? std::string("thread ") + w.thread_name(t) : std::string("the set-up");
}

[[noreturn]] void report(World& w, const sim::HbDetector::Race& r) {
  Where a = code_at(r.older.pc), b = code_at(r.newer.pc);
  auto verb = [](bool write) { return write ? "write" : "read"; };
  std::string msg = "data race on " + std::to_string(r.size) + " bytes at " +
                    memory_at(w, r.addr) + ":\n  " + verb(r.newer.write) + " by " +
                    who(w, r.newer.tid) + " in " + b.func + " (" + b.short_line + ")\n  " +
                    verb(r.older.write) + " before it by " + who(w, r.older.tid) + " in " +
                    a.func + " (" + a.short_line + "), with nothing ordering the two";
  std::string x = a.short_line + ":" + verb(r.older.write);
  std::string y = b.short_line + ":" + verb(r.newer.write);
  if (y < x) std::swap(x, y);  // one race, one signature, whichever came first
  w.fail(sim::FailureKind::kDataRace, std::move(msg), "data_race:" + x + "/" + y);
}

}  // namespace

void race_release(World& w, uint64_t key) {
  if (RaceState* r = race_state(w)) r->hb.release(key, current_tid(w));
}

void race_acquire(World& w, uint64_t key) {
  if (RaceState* r = race_state(w)) r->hb.acquire(key, current_tid(w));
}

void race_fork(World& w, Tid child) {
  if (RaceState* r = race_state(w)) {
    if (w.sim().on_fiber()) r->end_solo();  // the set-up's own threads keep it
    r->hb.fork(current_tid(w), child);
  }
}

void race_restart(World& w, Tid child, uint64_t key) {
  if (RaceState* r = race_state(w)) {
    r->end_solo();
    r->hb.restart(child);
    r->hb.acquire(key, child);
  }
}

void race_join_all(World& w) {
  if (RaceState* r = race_state(w)) r->hb.join_all(current_tid(w));
}

void race_exit(World& w, Tid t) {
  if (RaceState* r = race_state(w)) r->hb.exit(t);
}

void race_forget(World& w, uint64_t key) {
  if (RaceState* r = race_state(w)) r->hb.forget(key);
}

size_t race_clock_width(World& w) {
  RaceState* r = race_state(w);
  return r ? r->hb.width() : 0;
}

void race_boot_load(World& w, Tid modload) {
  if (RaceState* r = race_state(w)) {
    if (r->loads == ~0u) return;
    if (++r->loads == 1) r->solo = modload; else r->end_solo();
  }
}

void race_boot_finished(World& w) {
  if (RaceState* r = race_state(w)) r->end_solo();
}

void race_access(World& w, const void* addr, uint32_t size, bool write, const void* pc) {
  RaceState* r = race_state(w);
  if (!r) return;
  if (__builtin_expect(r->solo != 0, 0)) {
    // An armed timer (a callout) may fire into the load at any point.
    if (w.sim().timers_pending()) r->end_solo();
    else if (w.sim().on_fiber() && w.self_tid() == r->solo) return;
  }
  auto a = reinterpret_cast<uintptr_t>(addr);
  if (w.options().preempt_at_access && w.sim().on_fiber() &&
      r->hb.shared(current_tid(w), a, size)) {
    auto [it, fresh] = r->granules.try_emplace(a >> 3, 0);
    if (fresh) it->second = w.new_obj(kObjOther, "driver memory");
    w.sim().point(kEvAccess, it->second, size, write);
  }
  sim::HbDetector::Race race;
  if (r->hb.access(current_tid(w), a, size, write, reinterpret_cast<uintptr_t>(pc), &race) &&
      w.options().detect_races && w.sim().on_fiber())
    report(w, race);
}

}  // namespace ks::km
