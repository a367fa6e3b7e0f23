// A driver module's references to functions the kernel has its own of
// (module_bind.h), bound to the kernel's after dlopen: the slots of its
// relocations (x86-64 JUMP_SLOT and GLOB_DAT) that name them, read from
// the module's file.
#include "kernel_model/module_bind.h"

#include <elf.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <iterator>

#include "kernel_model/kernel_printf.h"

namespace ks::km {

namespace {

// The kernel's functions a module's calls are bound to, by name: the
// illumos personality's print a null %s as illumos does.
struct KernelFunction {
  const char* name;
  void* fn;
};
const KernelFunction kKernelFunctions[] = {
    {"snprintf", reinterpret_cast<void*>(&kernel_snprintf)},
    {"vsnprintf", reinterpret_cast<void*>(&kernel_vsnprintf)},
};
const KernelFunction kIllumosFunctions[] = {
    {"snprintf", reinterpret_cast<void*>(&illumos_snprintf)},
    {"vsnprintf", reinterpret_cast<void*>(&illumos_vsnprintf)},
    {"sprintf", reinterpret_cast<void*>(&illumos_sprintf)},
    {"vsprintf", reinterpret_cast<void*>(&illumos_vsprintf)},
};

template <class T>
bool read_at(const std::string& img, uint64_t off, T* out) {
  if (off > img.size() || img.size() - off < sizeof(T)) return false;
  std::memcpy(out, img.data() + off, sizeof(T));
  return true;
}

}  // namespace

const char* host_hazard(const char* name) {
  static constexpr const char* kClock[] = {
      "time", "clock", "times", "clock_gettime", "clock_getres", "gettimeofday", "ftime",
      "timespec_get", "localtime", "localtime_r", "gmtime", "ctime", "ctime_r"};
  static constexpr const char* kEntropy[] = {
      "rand", "rand_r", "srand", "random", "srandom", "random_r", "srandom_r", "drand48",
      "erand48", "lrand48", "nrand48", "mrand48", "jrand48", "srand48", "getrandom",
      "getentropy", "arc4random", "arc4random_buf", "arc4random_uniform"};
  static constexpr const char* kIdentity[] = {"getpid", "getppid", "gettid", "getuid",
                                              "geteuid", "getgid", "getegid"};
  static constexpr const char* kBlock[] = {
      "sleep", "usleep", "nanosleep", "clock_nanosleep", "pause", "alarm", "setitimer",
      "timer_create", "select", "pselect", "poll", "ppoll", "epoll_wait", "sched_yield",
      "sigwait", "sigsuspend", "fork", "vfork", "system", "popen", "wait", "waitpid"};
  auto in = [name](const auto& list) {
    for (const char* n : list)
      if (std::strcmp(n, name) == 0) return true;
    return false;
  };
  if (in(kClock)) return "reads the host's clock";
  if (in(kEntropy)) return "draws from the host's generator (its entropy, or one state per process)";
  if (in(kIdentity)) return "answers for the host process";
  if (in(kBlock)) return "blocks or sleeps the host thread, which carries every simulated thread";
  if (!std::strncmp(name, "pthread_", 8) || !std::strncmp(name, "sem_", 4) ||
      !std::strncmp(name, "thrd_", 5) || !std::strncmp(name, "mtx_", 4) ||
      !std::strncmp(name, "cnd_", 4))
    return "is the host's threads library: its locks and waits block the host thread";
  return nullptr;
}

std::vector<std::string> bind_kernel_functions(const std::string& img, uintptr_t base,
                                               uintptr_t relro_lo, uintptr_t relro_hi,
                                               const char* personality) {
  std::vector<std::string> hazards;
  const bool illumos = personality && std::strcmp(personality, "illumos") == 0;
  const KernelFunction* functions = illumos ? kIllumosFunctions : kKernelFunctions;
  const size_t nfunctions = illumos ? std::size(kIllumosFunctions) : std::size(kKernelFunctions);
  Elf64_Ehdr eh;
  if (!read_at(img, 0, &eh)) return hazards;
  // Virtual addresses of the file's tables to file offsets, through its
  // loaded segments.
  auto offset_of = [&](uint64_t vaddr, uint64_t* off) {
    for (unsigned i = 0; i < eh.e_phnum; i++) {
      Elf64_Phdr ph;
      if (!read_at(img, eh.e_phoff + i * sizeof ph, &ph)) return false;
      if (ph.p_type == PT_LOAD && vaddr >= ph.p_vaddr && vaddr - ph.p_vaddr < ph.p_filesz) {
        *off = ph.p_offset + (vaddr - ph.p_vaddr);
        return true;
      }
    }
    return false;
  };
  uint64_t dyn_off = 0, dyn_size = 0;
  for (unsigned i = 0; i < eh.e_phnum; i++) {
    Elf64_Phdr ph;
    if (!read_at(img, eh.e_phoff + i * sizeof ph, &ph)) return hazards;
    if (ph.p_type == PT_DYNAMIC) dyn_off = ph.p_offset, dyn_size = ph.p_filesz;
  }
  uint64_t symtab = 0, strtab = 0, strsz = 0, tables[2][2] = {};  // {vaddr, size}
  for (uint64_t o = dyn_off; dyn_size && o + sizeof(Elf64_Dyn) <= dyn_off + dyn_size;
       o += sizeof(Elf64_Dyn)) {
    Elf64_Dyn d;
    if (!read_at(img, o, &d) || d.d_tag == DT_NULL) break;
    switch (d.d_tag) {
      case DT_SYMTAB: symtab = d.d_un.d_ptr; break;
      case DT_STRTAB: strtab = d.d_un.d_ptr; break;
      case DT_STRSZ: strsz = d.d_un.d_val; break;
      case DT_JMPREL: tables[0][0] = d.d_un.d_ptr; break;
      case DT_PLTRELSZ: tables[0][1] = d.d_un.d_val; break;
      case DT_RELA: tables[1][0] = d.d_un.d_ptr; break;
      case DT_RELASZ: tables[1][1] = d.d_un.d_val; break;
    }
  }
  uint64_t sym_off = 0, str_off = 0;
  if (!offset_of(symtab, &sym_off) || !offset_of(strtab, &str_off) ||
      img.size() - str_off < strsz)
    return hazards;
  long page = sysconf(_SC_PAGESIZE);
  for (auto& [vaddr, size] : tables) {
    uint64_t rel_off = 0;
    if (!size || !offset_of(vaddr, &rel_off)) continue;
    for (uint64_t o = rel_off; o + sizeof(Elf64_Rela) <= rel_off + size; o += sizeof(Elf64_Rela)) {
      Elf64_Rela r;
      Elf64_Sym s;
      if (!read_at(img, o, &r)) break;
      uint32_t type = ELF64_R_TYPE(r.r_info);
      if (type != R_X86_64_JUMP_SLOT && type != R_X86_64_GLOB_DAT) continue;
      if (!read_at(img, sym_off + ELF64_R_SYM(r.r_info) * sizeof s, &s) || s.st_name >= strsz ||
          s.st_shndx != SHN_UNDEF)
        continue;
      const char* name = img.data() + str_off + s.st_name;
      size_t max = strsz - s.st_name;
      if (strnlen(name, max) < max && host_hazard(name) &&
          std::find(hazards.begin(), hazards.end(), name) == hazards.end())
        hazards.emplace_back(name);
      for (size_t i = 0; i < nfunctions; i++) {
        const KernelFunction& k = functions[i];
        if (strnlen(name, max) != std::strlen(k.name) || std::strcmp(name, k.name) != 0) continue;
        uintptr_t slot = base + r.r_offset;
        bool ro = slot >= relro_lo && slot < relro_hi;
        void* pg = reinterpret_cast<void*>(slot & ~uintptr_t(page - 1));
        if (ro && mprotect(pg, page, PROT_READ | PROT_WRITE) != 0) break;
        std::memcpy(reinterpret_cast<void*>(slot), &k.fn, sizeof k.fn);
        if (ro) mprotect(pg, page, PROT_READ);
      }
    }
  }
  return hazards;
}

}  // namespace ks::km
