#include "sim/coverage.h"

#include <atomic>
#include <mutex>

namespace ks::sim {

// initial-exec: one %fs-relative load in the callback, not a __tls_get_addr
// call (the module is dlopen'ed by Python; a pointer fits the static TLS
// surplus glibc keeps for that).
static thread_local CoverageMap* tls_map __attribute__((tls_model("initial-exec"))) = nullptr;

// How many host threads of the process have a map attached. The callback
// reads this first: a plain load and a branch that is always taken the same
// way while nobody fuzzes (tests, explore, replay), instead of the two
// dependent loads of a TLS variable reached from a shared object (its
// offset from the GOT, then the slot). What is left when nobody fuzzes is
// the call itself, two per byte of ctl_init's 32 KiB fill: see DESIGN.md.
static std::atomic<uint32_t> g_attached{0};

CoverageMap* coverage_attach(CoverageMap* m) {
  CoverageMap* old = tls_map;
  if (!old && m) g_attached.fetch_add(1, std::memory_order_relaxed);
  if (old && !m) g_attached.fetch_sub(1, std::memory_order_relaxed);
  tls_map = m;
  return old;
}

namespace {
struct CovModule {
  uintptr_t begin, size;
  uint64_t salt;
};
// Appended under a lock, read without one: a slot is written before the
// count that publishes it (modules are never unloaded).
CovModule cov_modules[kCovModules];
std::atomic<uint32_t> cov_nmodules{0};
std::mutex cov_add;
}  // namespace

bool coverage_add_module(uintptr_t begin, uintptr_t end, uint64_t salt) {
  std::lock_guard<std::mutex> g(cov_add);
  uint32_t n = cov_nmodules.load(std::memory_order_relaxed);
  if (n >= kCovModules) return false;
  cov_modules[n] = {begin, end - begin, salt};
  cov_nmodules.store(n + 1, std::memory_order_release);
  return true;
}

#ifndef KS_LIBFUZZER_BUILD  // the callback is libFuzzer's there
// A block's identity: its offset in its module, or in the host binary for
// code linked into it (edge numbers then do not move with ASLR either).
// The module of the map's last block first: a campaign's blocks are
// nearly all in the one driver it fuzzes.
__attribute__((no_sanitize_coverage, always_inline)) static inline uint64_t block_id(
    CoverageMap* m, uintptr_t ra) {
  if (ra - m->mod_begin < m->mod_size) return (ra - m->mod_begin) ^ m->mod_salt;
  uint32_t n = cov_nmodules.load(std::memory_order_acquire);
  for (uint32_t i = 0; i < n; i++)
    if (ra - cov_modules[i].begin < cov_modules[i].size) {
      m->mod_begin = cov_modules[i].begin;
      m->mod_size = cov_modules[i].size;
      m->mod_salt = cov_modules[i].salt;
      return (ra - m->mod_begin) ^ m->mod_salt;
    }
  return ra - reinterpret_cast<uintptr_t>(&__sanitizer_cov_trace_pc);
}
#endif

void coverage_context(uint32_t tid) {
  if (CoverageMap* m = tls_map) m->prev = (uint64_t{tid} + 1) * 0x9E3779B97F4A7C15ull >> 49;
}

}  // namespace ks::sim

// In the libFuzzer build (KS_LIBFUZZER) drivers carry libFuzzer's own
// coverage, not trace-pc, and libFuzzer's runtime defines this callback.
#ifndef KS_LIBFUZZER_BUILD
// Not instrumented itself (it is not driver code). Edge numbers agree across
// --jobs processes (block_id); AFL's shift keeps A->B distinct from B->A.
// In a section of its own, whose bounds the linker names
// (__start_/__stop_ks_cov_text): a hang interrupted in here is reported at
// its caller, the driver's code (sim/watchdog.cc relies on this function
// keeping no frame, and on block_id being inlined into it).
extern "C" __attribute__((no_sanitize_coverage, section("ks_cov_text"))) void
__sanitizer_cov_trace_pc(void) {
  if (__builtin_expect(ks::sim::g_attached.load(std::memory_order_relaxed) == 0, 1)) return;
  ks::sim::CoverageMap* m = ks::sim::tls_map;
  if (!m) return;
  uint64_t pc = ks::sim::block_id(m, reinterpret_cast<uintptr_t>(__builtin_return_address(0)));
  uint64_t cur = (pc ^ (pc >> 15)) * 0x2545F4914F6CDD1Dull >> (64 - ks::sim::kCovMapBits);
  uint64_t cell = (cur ^ m->prev) & (ks::sim::kCovMapSize - 1);
  if (m->hits[cell]++ == 0 && m->ntouched < ks::sim::kCovMapSize)
    m->touched[m->ntouched++] = static_cast<uint16_t>(cell);
  m->prev = cur >> 1;
}
#endif  // KS_LIBFUZZER_BUILD
