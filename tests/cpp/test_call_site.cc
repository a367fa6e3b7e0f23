// An event's call site and note are for the reader of a recorded trace:
// never in the trace hash (a code address depends on the link, an ioctl's
// name on a text file), and the site is the innermost return address into
// registered guest code.
#include <gtest/gtest.h>

#include "sim/call_site.h"
#include "sim/event.h"

using namespace ks;

namespace {

// Stands for a driver function calling into the kernel: the call's return
// address lies in its code.
__attribute__((noinline)) uintptr_t guest_calls_kernel() {
  uintptr_t at = sim::guest_call_site();
  asm volatile("" ::: "memory");  // not a tail call: the return address stays in here
  return at;
}

}  // namespace

TEST(CallSite, NotInTheTraceHash) {
  sim::Event a{7, 2, 40, 3, 11, 12, -4, 1000};
  sim::Event b = a;
  b.site = 0x7f0012345678;
  b.note = 0xc0184c01;
  EXPECT_EQ(sim::hash_event(1, a), sim::hash_event(1, b));
  b.a1 = 13;  // what the execution did still counts
  EXPECT_NE(sim::hash_event(1, a), sim::hash_event(1, b));
}

TEST(CallSite, TheInnermostReturnAddressIntoGuestCode) {
  auto begin = reinterpret_cast<uintptr_t>(&guest_calls_kernel);
  // Nothing registered that this stack passes through: no site.
  EXPECT_EQ(guest_calls_kernel(), 0u);
  sim::guest_code_add(begin, begin + 64);
  uintptr_t at = guest_calls_kernel();
  EXPECT_GT(at, begin);
  EXPECT_LE(at, begin + 64);
}
