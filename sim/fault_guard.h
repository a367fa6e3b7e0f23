// In-process recovery from faults in driver code (DESIGN.md, Failures).
//
// SIGSEGV, SIGBUS, SIGFPE and SIGILL raised while a fiber of a Sim runs are
// caught on an alternate signal stack (a stack overflow leaves none to run
// on), turned into a failure of that thread, and the handler siglongjmp()s
// back into Sim::run() on the host stack; the fiber is abandoned. We chose
// this over a forked worker: it keeps a World's state inspectable for the
// report and costs nothing per execution. A fault outside any fiber is a
// genuine host crash and goes to the handler that was there before us.
#pragma once

namespace ks::sim {

// Idempotent and cheap enough to call before each batch of executions (it
// re-installs our handlers if someone, e.g. Python's faulthandler, replaced
// them, and gives this host thread its alternate stack).
void install_fault_handlers();

class Sim;
// From a signal handler running on one of s's fibers (a fault, the hang
// watchdog), once the failure is recorded: back to Sim::run's recovery
// point, the fiber abandoned. siglongjmp restores no signal mask, so
// `signo` is unblocked first (a handler entered without SA_NODEFER, as
// libFuzzer's chaining one is, would leave it blocked and the next one
// would kill the process).
[[noreturn]] void leave_fiber_from_signal(Sim* s, int signo);

}  // namespace ks::sim
