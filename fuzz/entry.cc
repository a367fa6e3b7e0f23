// The libFuzzer entry points of one driver (its name and description come
// from the generated desc_<driver>.cc, fuzz/CMakeLists.txt). The same two
// functions serve libFuzzer (-fsanitize=fuzzer), AFL++ (afl-clang-fast++
// -fsanitize=fuzzer links its own driver around them) and run_main.cc.
#include <cstddef>
#include <cstdint>

#include "fuzz/harness.h"
#include "sim/asan_fiber.h"  // KS_ASAN

extern "C" {
extern const char ks_fuzz_driver[];
extern const char ks_fuzz_description[];
extern const char ks_fuzz_description_path[];
}

namespace {

ks::fuzz::Harness* g_harness = nullptr;
int g_last = 0;  // the last input was a finding (run_main.cc reports it)

// Interleaving pairs as libFuzzer features: libFuzzer reads every counter
// in this section after each input, beside its own edge counters. Not
// instrumented by ASan (a redzone would be read as counters).
#if defined(__clang__)
__attribute__((no_sanitize("address")))
#endif
__attribute__((section("__libfuzzer_extra_counters"), used)) uint8_t g_pair_counters[4096];

}  // namespace

#if KS_ASAN
// AddressSanitizer's defaults for these binaries (ASAN_OPTIONS still wins):
//  - detect_leaks=0: a run that stops abandons its fibers mid-call by
//    design (DESIGN.md, Fibers), and heap objects their frames own (a
//    kernel-model std::string, say) become unreachable; LeakSanitizer (and
//    libFuzzer's per-input leak check, which asks it) would call every
//    such run a crash. Drivers' own leaks are kmem's: kernsim reports them.
//  - allow_user_segv_handler=1 (the default, stated): kernsim's SIGSEGV
//    handler (sim/fault_guard.cc) is installed after ASan's and recovers
//    faults on fibers as kernsim failures; any other fault goes on to ASan's
//    handler, which reports it. So handle_segv stays on.
extern "C" __attribute__((visibility("default"))) const char* __asan_default_options() {
  return "detect_leaks=0:allow_user_segv_handler=1";
}
#endif

extern "C" __attribute__((visibility("default"))) int LLVMFuzzerInitialize(int*, char***) {
  if (!g_harness) {
    g_harness = new ks::fuzz::Harness(ks_fuzz_driver, ks_fuzz_description, ks_fuzz_description_path);
    g_harness->set_pair_counters(g_pair_counters, sizeof g_pair_counters);
  }
  return 0;
}

extern "C" __attribute__((visibility("default"))) int LLVMFuzzerTestOneInput(const uint8_t* data,
                                                                              size_t size) {
  if (!g_harness) LLVMFuzzerInitialize(nullptr, nullptr);
  g_last = g_harness->run(data, size);
  return 0;
}

namespace ks::fuzz {
int last_verdict() { return g_last; }
}  // namespace ks::fuzz
