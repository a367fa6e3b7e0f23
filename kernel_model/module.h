// Loadable driver modules. A driver is a shared object built against one
// personality's headers (kernsim build-driver, or kernsim_add_driver in
// CMake) and loaded with dlopen(RTLD_NOW | RTLD_LOCAL), so two builds of one
// driver (variants, -DFIXED twins) live side by side and no driver's C
// symbols meet another's. The kernel API it calls resolves against the host,
// which exports it.
//
// What a real modload gives, every World gets: the module's writable data
// (.data, .bss) as it was when the file was read. The bytes of every
// writable segment are copied once, right after dlopen (relocations applied,
// RTLD_NOW: the GOT is final), and copied back by restore() before the
// module's _init/MOD_LOAD runs in a World. The RELRO part is left alone:
// it is read-only once loaded and cannot have changed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernsim/abi.h"

namespace ks::km {

// Bad input naming the module (not a shared object, no registration, an
// unresolved symbol, an unknown name): always one line.
struct ModuleError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// A copy of a module's data segment. Under AddressSanitizer the segment
// holds the redzones ASan put between the module's globals, which an
// instrumented memcpy would report: there it copies word by word, unseen.
#if defined(__SANITIZE_ADDRESS__)
#define KS_MODULE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KS_MODULE_ASAN 1
#endif
#endif
#ifdef KS_MODULE_ASAN
__attribute__((no_sanitize("address"))) inline void copy_data(void* to, const void* from,
                                                                size_t n) {
  auto* d = static_cast<volatile uint8_t*>(to);
  auto* s = static_cast<const volatile uint8_t*>(from);
  for (size_t i = 0; i < n; i++) d[i] = s[i];
}
#else
inline void copy_data(void* to, const void* from, size_t n) { __builtin_memcpy(to, from, n); }
#endif

class Module {
 public:
  ~Module();
  const std::string& path() const { return path_; }  // absolute
  const std::string& name() const { return name_; }  // the driver's registered name
  const ks_driver_desc* desc() const { return desc_; }
  // 64-bit FNV-1a of what the loader maps: every PT_LOAD segment's bytes in
  // the file and its address and size. Debug information and the file's
  // path do not count, so two checkouts building the same source agree.
  uint64_t hash() const { return hash_; }
  std::string hash_hex() const;
  size_t data_bytes() const;  // bytes restore() copies
  // The driver's data as loaded (.data, .bss): before every World's load.
  void restore() {
    for (auto& s : segs_) copy_data(s.at, s.as_loaded.get(), s.size);
  }
  // The driver's data now (a boot image keeps it), and put back.
  std::string data_image() const {
    std::string out;
    for (auto& s : segs_) {
      size_t at = out.size();
      out.resize(at + s.size);
      copy_data(out.data() + at, s.at, s.size);
    }
    return out;
  }
  void restore_data(const std::string& image) {
    size_t at = 0;
    for (auto& s : segs_) {
      copy_data(s.at, image.data() + at, s.size);
      at += s.size;
    }
  }
  // A linker set of the module (FreeBSD's DATA_SET(name, ...): the
  // pointers in its section set_<name>), empty when it has none.
  struct LinkerSet {
    std::string name;
    void* const* begin = nullptr;
    void* const* end = nullptr;
  };
  LinkerSet linker_set(const std::string& name) const;
  // The variant names ("none" first: the correct driver) and descriptions.
  std::vector<std::pair<std::string, std::string>> variants() const;
  bool has_variant(const std::string& v) const;
  // Built with the race instrumentation (it calls the __tsan_* entry points).
  bool race_instrumented() const { return race_instrumented_; }
  // Built with edge coverage for the fuzzer (it calls __sanitizer_cov_*).
  bool coverage_instrumented() const { return coverage_instrumented_; }

 private:
  friend Module& module_open(const std::string& spec, const std::string& personality);
  static Module& open(const std::string& spec);  // module_open, less the cache
  struct Segment {
    uint8_t* at;
    size_t size;
    std::unique_ptr<uint8_t[]> as_loaded;
  };
  std::string path_, name_;
  void* handle_ = nullptr;
  const ks_driver_desc* desc_ = nullptr;
  uint64_t hash_ = 0;
  bool race_instrumented_ = false;
  bool coverage_instrumented_ = false;
  std::vector<Segment> segs_;
  std::vector<LinkerSet> sets_;
};

// The module `spec` names: a path (it contains '/' or ends in ".so";
// relative to the working directory) or a registered driver name, looked up
// as NAME.so in the driver path. Opened once per process and kept. With
// `personality` non-empty, a module registered for another personality is
// refused. Throws ModuleError.
Module& module_open(const std::string& spec, const std::string& personality = "");
// What a World that asks for another build of a driver (`build`: "race",
// the race-instrumented one; "cov", the fuzzer's edge coverage) loads for
// `spec`: a driver named by name is <dir>/<build>/NAME.so in the driver
// path; a path DIR/F.so is DIR/<build>/F.so. Either, when it does not
// exist, is `spec` itself (its plain build).
std::string build_module_spec(const std::string& spec, const std::string& build);

// True when `spec` names a file rather than a registered name.
bool module_spec_is_path(const std::string& spec);

// The directories searched for NAME.so: $KERNSIM_DRIVER_PATH (colon
// separated), then the ones added, then the build's own drivers.
std::vector<std::string> driver_path();
void add_driver_dir(const std::string& dir);

// Every module in the driver path's directories (by name, first found wins),
// in name order; unloadable files are skipped.
std::vector<Module*> modules_in_driver_path();

}  // namespace ks::km
