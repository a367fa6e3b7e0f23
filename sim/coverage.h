// Edge coverage of instrumented (driver) code, AFL style. The drivers are
// compiled with -fsanitize-coverage=trace-pc: a call to
// __sanitizer_cov_trace_pc at every basic block. The callback hashes the
// previous and the current block into a hit-count map owned by whoever
// attached it to this host thread (the fuzzer, around one World's run); with
// none attached it returns at once, so instrumented code also runs outside
// fuzzing (tests, explore) at the cost of one thread-local load.
//
// Per simulated thread: every scheduling point resets the "previous block"
// to a value derived from the thread that runs next (coverage_context), so
// an edge never joins a block of one thread to a block of another; the map
// itself is per World, as host threads never run two Worlds at once.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ks::sim {

constexpr size_t kCovMapBits = 15;
constexpr size_t kCovMapSize = size_t{1} << kCovMapBits;
static_assert(kCovMapBits <= 16, "CoverageMap::touched holds cells in 16 bits");

// The callback lists each cell the first time an execution hits it, so the
// reader visits exactly those and zeroes them, not the whole map (scanning
// and clearing 32 KiB after every execution was a third of a lofi fuzz
// execution).
struct CoverageMap {
  uint64_t prev = 0;
  // The module the last block was in, looked at first: begin, size, salt.
  uintptr_t mod_begin = 0, mod_size = 0;
  uint64_t mod_salt = 0;
  uint32_t ntouched = 0;
  uint16_t touched[kCovMapSize] = {};
  uint8_t hits[kCovMapSize] = {};
  // Calls f(cell, count) for every cell hit since the last drain and leaves
  // the map empty. A count that wrapped to 0 and counted again lists its cell
  // twice: the second visit finds it zeroed.
  template <class F>
  void drain(F&& f) {
    for (uint32_t k = 0; k < ntouched; k++) {
      uint16_t i = touched[k];
      if (!hits[i]) continue;
      f(i, hits[i]);
      hits[i] = 0;
    }
    ntouched = 0;
  }
};

// Attaches m (nullptr: detaches) to this host thread; returns the previous.
CoverageMap* coverage_attach(CoverageMap* m);
// The next blocks belong to simulated thread `tid`.
void coverage_context(uint32_t tid);
// Code in [begin, end) is numbered relative to begin, mixed with `salt`
// (the module's name): a loaded module's edges stay the same whatever else
// is loaded, and wherever the loader put it. Only modules built with
// coverage need a range. False when the table is full: the module must
// then not run with coverage, as its edges would be numbered by its
// distance from the host's code, which ASLR moves (a table of 32 that
// every module filled made a long process's CTL campaigns take another
// course now and then: DESIGN.md, "Driver modules").
constexpr size_t kCovModules = 1024;
bool coverage_add_module(uintptr_t begin, uintptr_t end, uint64_t salt);

}  // namespace ks::sim

extern "C" void __sanitizer_cov_trace_pc(void);
