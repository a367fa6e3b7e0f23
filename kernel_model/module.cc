// Opening driver modules: the checks a file must pass (each refusal one
// line naming the file), dlopen, the registration, and the writable
// segments' as-loaded copy.
#include "kernel_model/module.h"

#include <dirent.h>
#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>

#include "kernel_model/module_bind.h"
#include "sim/call_site.h"
#include "sim/coverage.h"

#ifndef KS_DRIVER_DIR
#define KS_DRIVER_DIR ""
#endif

namespace ks::km {

namespace {

// Process-wide, as dlopen is: keyed by absolute path (a string, so the
// table's order never depends on an address).
std::map<std::string, std::unique_ptr<Module>>& opened() {
  static std::map<std::string, std::unique_ptr<Module>> m;
  return m;
}
std::vector<std::string>& added_dirs() {
  static std::vector<std::string> d;
  return d;
}

[[noreturn]] void refuse(const std::string& path, const std::string& why) {
  throw ModuleError("driver module " + path + ": " + why);
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) refuse(path, std::string("cannot read it (") + std::strerror(errno) + ")");
  return std::string(std::istreambuf_iterator<char>(f), {});
}

uint64_t fnv(uint64_t h, const void* p, size_t n) {
  auto* b = static_cast<const uint8_t*>(p);
  for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 0x100000001b3ull;
  return h;
}

// A shared object for this host, or a refusal saying what it is instead;
// returns the hash of what its PT_LOAD segments map.
uint64_t check_elf(const std::string& path, const std::string& img) {
  const char* not_so = "not a shared object (build it with kernsim build-driver)";
  if (img.size() < sizeof(Elf64_Ehdr) || std::memcmp(img.data(), ELFMAG, SELFMAG) != 0)
    refuse(path, not_so);
  Elf64_Ehdr eh;
  std::memcpy(&eh, img.data(), sizeof eh);
  if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_machine != EM_X86_64)
    refuse(path, "an ELF file for another machine (kernsim runs x86-64 modules)");
  if (eh.e_type != ET_DYN) refuse(path, std::string("an ELF ") +
                                        (eh.e_type == ET_REL ? "object file" : "executable") +
                                        ", " + not_so);
  if (eh.e_phentsize != sizeof(Elf64_Phdr) ||
      eh.e_phoff + uint64_t{eh.e_phnum} * sizeof(Elf64_Phdr) > img.size())
    refuse(path, "a damaged ELF file (its program headers lie outside it)");
  // The first segment maps the ELF header, whose section-table fields say
  // where the unmapped sections (debug information, symbols) lie: they
  // move when only a comment in a header the driver includes does, which
  // is not another build of the driver's code. Hashed as zero.
  Elf64_Ehdr hashed = eh;
  hashed.e_shoff = 0;
  hashed.e_shnum = 0;
  hashed.e_shstrndx = 0;
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned i = 0; i < eh.e_phnum; i++) {
    Elf64_Phdr ph;
    std::memcpy(&ph, img.data() + eh.e_phoff + i * sizeof ph, sizeof ph);
    if (ph.p_type != PT_LOAD) continue;
    if (ph.p_offset + ph.p_filesz > img.size())
      refuse(path, "a damaged ELF file (a segment lies outside it)");
    h = fnv(h, &ph.p_vaddr, sizeof ph.p_vaddr);
    h = fnv(h, &ph.p_memsz, sizeof ph.p_memsz);
    uint64_t from = 0;
    if (ph.p_offset == 0 && ph.p_filesz >= sizeof hashed) {
      h = fnv(h, &hashed, sizeof hashed);
      from = sizeof hashed;
    }
    h = fnv(h, img.data() + ph.p_offset + from, ph.p_filesz - from);
  }
  return h;
}

// The module's linker sets (FreeBSD's SET_DECLARE/DATA_SET: arrays of
// pointers in sections named set_<name>), found by the section table, as
// the kernel's linker finds them (LINKER_LOOKUP_SET): a set nothing in the
// module names has no __start_ symbol to look up.
std::vector<std::pair<std::string, std::pair<uint64_t, uint64_t>>> linker_sets(
    const std::string& img) {
  std::vector<std::pair<std::string, std::pair<uint64_t, uint64_t>>> out;
  Elf64_Ehdr eh;
  std::memcpy(&eh, img.data(), sizeof eh);
  if (eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shstrndx >= eh.e_shnum ||
      eh.e_shoff + uint64_t{eh.e_shnum} * sizeof(Elf64_Shdr) > img.size())
    return out;
  auto shdr = [&](unsigned i) {
    Elf64_Shdr sh;
    std::memcpy(&sh, img.data() + eh.e_shoff + i * sizeof sh, sizeof sh);
    return sh;
  };
  Elf64_Shdr names = shdr(eh.e_shstrndx);
  if (names.sh_offset + names.sh_size > img.size()) return out;
  for (unsigned i = 0; i < eh.e_shnum; i++) {
    Elf64_Shdr sh = shdr(i);
    if (!(sh.sh_flags & SHF_ALLOC) || sh.sh_name >= names.sh_size) continue;
    const char* n = img.data() + names.sh_offset + sh.sh_name;
    size_t len = strnlen(n, names.sh_size - sh.sh_name);
    std::string name(n, len);
    if (name.rfind("set_", 0) == 0) out.push_back({name.substr(4), {sh.sh_addr, sh.sh_size}});
  }
  return out;
}

struct PhdrQuery {
  uintptr_t base;
  std::vector<Elf64_Phdr> phdrs;
};

int find_phdrs(struct dl_phdr_info* info, size_t, void* arg) {
  auto* q = static_cast<PhdrQuery*>(arg);
  if (info->dlpi_addr != q->base || !info->dlpi_name || !info->dlpi_name[0]) return 0;
  q->phdrs.assign(info->dlpi_phdr, info->dlpi_phdr + info->dlpi_phnum);
  return 1;
}

std::string absolute(const std::string& path) {
  char* r = realpath(path.c_str(), nullptr);
  if (!r) refuse(path, std::string("cannot open it (") + std::strerror(errno) + ")");
  std::string s(r);
  std::free(r);
  return s;
}

// The first <dir><sub>/<name>.so of the driver path that exists; empty if
// none, with the folders looked in listed in `tried`.
std::string find_in_driver_path(const std::string& sub, const std::string& name,
                                std::string* tried) {
  for (auto& d : driver_path()) {
    std::string p = d + sub + "/" + name + ".so";
    if (access(p.c_str(), F_OK) == 0) return p;
    *tried += (tried->empty() ? "" : ", ") + d + sub;
  }
  return {};
}

std::string resolve_name(const std::string& name) {
  if (name.empty()) throw ModuleError("a driver needs a name or a module path");
  std::string tried;
  std::string p = find_in_driver_path("", name, &tried);
  if (!p.empty()) return p;
  std::string known;
  for (Module* m : modules_in_driver_path()) known += (known.empty() ? "" : ", ") + m->name();
  throw ModuleError("unknown driver '" + name + "': no " + name + ".so in the driver path (" +
                    (tried.empty() ? "empty" : tried) + "; known drivers: " +
                    (known.empty() ? "none" : known) + ")");
}

}  // namespace

std::string build_module_spec(const std::string& spec, const std::string& build) {
  if (module_spec_is_path(spec)) {
    size_t slash = spec.rfind('/');
    std::string dir = slash == std::string::npos ? "." : spec.substr(0, slash);
    std::string other = dir + "/" + build + "/" + spec.substr(slash + 1);
    return access(other.c_str(), F_OK) == 0 ? other : spec;
  }
  std::string tried;
  std::string p = find_in_driver_path("/" + build, spec, &tried);
  // None: the plain build, which load_driver refuses if it lacks what the
  // World asked for, saying how to build it.
  return p.empty() ? spec : p;
}

bool module_spec_is_path(const std::string& spec) {
  return spec.find('/') != std::string::npos ||
         (spec.size() > 3 && spec.compare(spec.size() - 3, 3, ".so") == 0);
}

std::vector<std::string> driver_path() {
  std::vector<std::string> out;
  if (const char* env = std::getenv("KERNSIM_DRIVER_PATH")) {
    std::stringstream s(env);
    for (std::string d; std::getline(s, d, ':');)
      if (!d.empty()) out.push_back(d);
  }
  for (auto& d : added_dirs()) out.push_back(d);
  if (KS_DRIVER_DIR[0]) out.push_back(KS_DRIVER_DIR);
  return out;
}

void add_driver_dir(const std::string& dir) {
  if (std::find(added_dirs().begin(), added_dirs().end(), dir) == added_dirs().end())
    added_dirs().push_back(dir);
}

Module& module_open(const std::string& spec, const std::string& personality) {
  // Every execution of a Program names its drivers: the spec's answer is
  // kept, so only the first costs file system calls.
  static std::map<std::string, Module*> by_spec;
  auto hit = by_spec.find(spec);
  Module& m = hit != by_spec.end() ? *hit->second : *(by_spec[spec] = &Module::open(spec));
  if (!personality.empty() && personality != m.desc()->personality)
    refuse(m.path(), std::string("was built for the ") + m.desc()->personality +
                         " personality, not " + personality);
  return m;
}

Module& Module::open(const std::string& spec) {
  std::string path = absolute(module_spec_is_path(spec) ? spec : resolve_name(spec));
  auto& table = opened();
  auto it = table.find(path);
  if (it == table.end()) {
    std::string img = read_file(path);
    uint64_t hash = check_elf(path, img);
    void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!h) {
      const char* e = dlerror();
      std::string why = e ? e : "dlopen failed";
      if (why.rfind(path + ": ", 0) == 0) why = why.substr(path.size() + 2);
      refuse(path, "cannot be loaded: " + why +
                       (why.find("undefined symbol") != std::string::npos
                            ? " (a kernel function this kernsim does not provide)"
                            : ""));
    }
    auto m = std::unique_ptr<Module>(new Module);
    m->path_ = path;
    m->handle_ = h;
    m->hash_ = hash;
    // Its dynamic string table names the entry points it calls.
    m->race_instrumented_ = img.find("__tsan_func_entry") != std::string::npos;
    m->coverage_instrumented_ = img.find("__sanitizer_cov_") != std::string::npos;
    auto* d = static_cast<const ks_driver_desc*>(dlsym(h, KS_MODULE_SYMBOL));
    if (!d) d = static_cast<const ks_driver_desc*>(dlsym(h, KS_MODULE_AUTO_SYMBOL));
    if (!d)
      refuse(path, "has no kernsim registration (" KS_MODULE_SYMBOL
                   "): build it with kernsim build-driver, from sources that declare the "
                   "module as its kernel wants (illumos _init/_fini, FreeBSD "
                   "DECLARE_MODULE or DEV_MODULE), or add its personality's registration "
                   "macro (KS_<PERSONALITY>_DRIVER from <sys/kernsim.h>)");
    if (d->abi_version != KS_ABI_VERSION)
      refuse(path, "was built against kernsim ABI " + std::to_string(d->abi_version) +
                       ", this kernsim has " + std::to_string(KS_ABI_VERSION) +
                       ": rebuild it with this kernsim's build-driver");
    if (!d->name || !d->name[0] || !d->personality)
      refuse(path, "its registration names no driver or personality");
    // ks_module_auto.c names _init and _fini weakly: a source may lack one.
    if (!std::strcmp(d->personality, "illumos") && (!d->mod_init || !d->mod_fini))
      refuse(path, "defines no _init or no _fini, which an illumos module must");
    m->desc_ = d;
    m->name_ = d->name;

    link_map* lm = nullptr;
    dlinfo(h, RTLD_DI_LINKMAP, &lm);
    PhdrQuery q{lm ? lm->l_addr : 0, {}};
    dl_iterate_phdr(find_phdrs, &q);
    uintptr_t relro_lo = 0, relro_hi = 0;
    for (auto& ph : q.phdrs)
      if (ph.p_type == PT_GNU_RELRO) {
        relro_lo = q.base + ph.p_vaddr;
        relro_hi = relro_lo + ph.p_memsz;
      }
    // Before the data's as-loaded copy, which holds the slots when they
    // are not read-only.
    std::vector<std::string> hazards =
        bind_kernel_functions(img, q.base, relro_lo, relro_hi, d->personality);
    // Only a name the module binds to the host's C library: kernsim's own
    // functions may share a prefix with it (FreeBSD's mtx_pool_find).
    std::erase_if(hazards, [h](const std::string& name) {
      Dl_info di{};
      void* fn = dlsym(h, name.c_str());
      return !fn || !dladdr(fn, &di) || !di.dli_fname ||
             (!std::strstr(di.dli_fname, "/libc.so") && !std::strstr(di.dli_fname, "/libpthread") &&
              !std::strstr(di.dli_fname, "/librt.so"));
    });
    if (!hazards.empty()) {
      std::string list;
      for (const std::string& h : hazards)
        list += (list.empty() ? "" : "; ") + h + "(), which " + host_hazard(h.c_str());
      refuse(path, "calls the host's " + list +
                       ": no run of it would replay, or one would stall them all. kernsim's " +
                       d->personality +
                       " personality does not model it (a missing interface is a kernsim "
                       "issue to report)");
    }
    for (auto& [name, at] : linker_sets(img))
      m->sets_.push_back({name, reinterpret_cast<void* const*>(q.base + at.first),
                          reinterpret_cast<void* const*>(q.base + at.first + at.second)});
    for (auto& ph : q.phdrs) {
      if (ph.p_type != PT_LOAD) continue;
      uintptr_t lo = q.base + ph.p_vaddr, hi = lo + ph.p_memsz;
      if (ph.p_flags & PF_X) {
        if (m->coverage_instrumented_ &&
            !sim::coverage_add_module(lo, hi,
                                      fnv(0xcbf29ce484222325ull, d->name, std::strlen(d->name))))
          refuse(path, "is one module built with coverage too many for this process (" +
                           std::to_string(sim::kCovModules) +
                           "): its edges could not be numbered as every other process "
                           "numbers them; run it in a new process");
        sim::guest_code_add(lo, hi);  // events' call sites in a recorded trace
      }
      if (!(ph.p_flags & PF_W)) continue;
      if (relro_lo <= lo && relro_hi > lo) lo = std::min(relro_hi, hi);  // RELRO starts it
      if (hi <= lo) continue;
      Module::Segment s{reinterpret_cast<uint8_t*>(lo), hi - lo,
                        std::make_unique<uint8_t[]>(hi - lo)};
      copy_data(s.as_loaded.get(), s.at, s.size);
      m->segs_.push_back(std::move(s));
    }
    it = table.emplace(path, std::move(m)).first;
  }
  return *it->second;
}

Module::~Module() = default;  // never dlclose'd: a process keeps what it loaded

Module::LinkerSet Module::linker_set(const std::string& name) const {
  for (auto& s : sets_)
    if (s.name == name) return s;
  return {};
}

std::string Module::hash_hex() const {
  char b[19];
  std::snprintf(b, sizeof b, "0x%016llx", static_cast<unsigned long long>(hash_));
  return b;
}

size_t Module::data_bytes() const {
  size_t n = 0;
  for (auto& s : segs_) n += s.size;
  return n;
}

std::vector<std::pair<std::string, std::string>> Module::variants() const {
  std::vector<std::pair<std::string, std::string>> v{{"none", "the correct driver"}};
  if (desc_->variants)
    for (const char* const* p = desc_->variants; p[0] && p[1]; p += 2) v.emplace_back(p[0], p[1]);
  return v;
}

// Asked at every load_driver: walks the registration, copying nothing
// (variants() made 14 allocations per execution of a lofi Program).
bool Module::has_variant(const std::string& v) const {
  if (v == "none") return true;
  if (desc_->variants)
    for (const char* const* p = desc_->variants; p[0] && p[1]; p += 2)
      if (v == p[0]) return true;
  return false;
}

std::vector<Module*> modules_in_driver_path() {
  std::map<std::string, Module*> byname;
  for (auto& d : driver_path()) {
    std::vector<std::string> files;
    if (DIR* dir = opendir(d.c_str())) {
      while (dirent* e = readdir(dir)) {
        std::string f = e->d_name;
        if (f.size() > 3 && f.compare(f.size() - 3, 3, ".so") == 0) files.push_back(f);
      }
      closedir(dir);
    }
    std::sort(files.begin(), files.end());
    for (auto& f : files) {
      try {
        Module& m = module_open(d + "/" + f);
        byname.emplace(m.name(), &m);
      } catch (const ModuleError&) {
        // not a driver module: not listed
      }
    }
  }
  std::vector<Module*> out;
  for (auto& [_, m] : byname) out.push_back(m);
  return out;
}

}  // namespace ks::km
