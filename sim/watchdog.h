// The hang watchdog: a driver loop with no scheduling point (a `for (;;)`, a
// spin on a plain variable) never reaches Sim::point, so neither the
// strategy nor the step budget ever sees it. A per-host-thread timer on the
// thread's CPU clock ticks every kTickMs of CPU time while executions run;
// its handler looks at the Sim running a fiber on this thread, and when the
// Sim's step counter has not moved for longer than SimOptions::hang_ms of
// CPU time it records a `hang` failure of that thread, with the interrupted
// PC, and leaves by the fault path (siglongjmp to Sim::run).
//
// Determinism: the host clock decides only *whether* an execution hangs,
// never what it does. A loop with no scheduling point spins at the same
// step in every run of the same schedule, so the outcome (kind, step,
// thread, trace hash) is the same each time; only where in the loop the
// tick lands varies, and that goes into the message, never the signature.
//
// Cost: no syscall per scheduling point or per execution. A Scope (held by
// run_once) arms the timer when it is not armed; the handler disarms it
// after a run of ticks with no execution on the thread, so a host that
// stopped running executions is not interrupted for nothing.
#pragma once

#include <cstdint>
#include <string>

namespace ks::sim {

constexpr unsigned kHangTickMs = 10;  // the tick, in ms of thread CPU time

class HangWatchScope {
 public:
  HangWatchScope();
  ~HangWatchScope();
  HangWatchScope(const HangWatchScope&) = delete;
  HangWatchScope& operator=(const HangWatchScope&) = delete;
};

// "sample_ioctl at drivers/sample/sample.c:160 (ks_core.so+0x1a2b3)": the
// function and, where the debug info allows, the source line of a code
// address (addr2line on the object dladdr names; dladdr's symbol alone
// when addr2line cannot say). Host context only (it starts a process).
std::string describe_code_address(uintptr_t pc);

}  // namespace ks::sim
