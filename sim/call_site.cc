#include "sim/call_site.h"

#include <unwind.h>

#include <atomic>
#include <mutex>

namespace ks::sim {

namespace {

struct Range {
  uintptr_t begin, end;
};
// Appended under a lock, read without one: a slot is written before the
// count that publishes it (modules are never unloaded).
Range g_ranges[kGuestRanges];
std::atomic<int> g_nranges{0};
std::mutex g_add;

}  // namespace

bool guest_code(uintptr_t pc) {
  int n = g_nranges.load(std::memory_order_acquire);
  for (int i = 0; i < n; i++)
    if (pc >= g_ranges[i].begin && pc < g_ranges[i].end) return true;
  return false;
}

namespace {

struct Walk {
  uintptr_t found = 0;
  int frames = 0;
};

// Bounded: the kernel's own frames between an event and the driver's call
// are a handful; a stack with no guest frame ends at the fiber's entry.
constexpr int kMaxFrames = 48;

_Unwind_Reason_Code step(_Unwind_Context* ctx, void* arg) {
  auto* w = static_cast<Walk*>(arg);
  uintptr_t pc = _Unwind_GetIP(ctx);
  if (pc && guest_code(pc - 1)) {
    w->found = pc;
    return _URC_END_OF_STACK;
  }
  return ++w->frames >= kMaxFrames ? _URC_END_OF_STACK : _URC_NO_REASON;
}

}  // namespace

void guest_code_add(uintptr_t begin, uintptr_t end) {
  std::lock_guard<std::mutex> g(g_add);
  int n = g_nranges.load(std::memory_order_relaxed);
  if (n >= kGuestRanges || begin >= end) return;  // a site is a nicety: past the table, none
  g_ranges[n] = {begin, end};
  g_nranges.store(n + 1, std::memory_order_release);
}

uintptr_t guest_call_site() {
  if (g_nranges.load(std::memory_order_acquire) == 0) return 0;
  Walk w;
  _Unwind_Backtrace(step, &w);
  return w.found;
}

}  // namespace ks::sim
