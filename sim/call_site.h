// Where guest code (a driver module) called the kernel: the innermost return
// address on the running fiber's stack that lies in a registered range of
// guest text. A recorded trace keeps it with each event, so `kernsim show`
// can name the driver's file:line and function of the primitive call that
// made the event. It is never hashed: a code address depends on link layout
// and load address, an execution does not.
#pragma once

#include <cstdint>

namespace ks::sim {

// Code in [begin, end) is guest code (a loaded driver module's text).
// Process-wide, as loaded modules are; up to kGuestRanges ranges (a long
// test process loads some 80 modules: past the table a report names no
// driver line, so the same report read differently after other tests).
constexpr int kGuestRanges = 1024;
void guest_code_add(uintptr_t begin, uintptr_t end);

// Whether pc is in guest code.
bool guest_code(uintptr_t pc);

// The innermost return address into guest code on this stack, 0 when no
// guest code called (an event of the kernel's own threads, or of a
// scenario's system call before it reaches a driver). Costs a stack unwind:
// call it only for recorded traces and reports. From a signal handler it
// walks on through the signal frame into the interrupted code.
uintptr_t guest_call_site();

}  // namespace ks::sim
