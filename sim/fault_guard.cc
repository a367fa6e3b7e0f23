#include "sim/fault_guard.h"

#include <signal.h>

#include <cstdint>
#include <cstdlib>

#include "sim/sim.h"

namespace ks::sim {

namespace {

constexpr int kSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL};
struct sigaction g_previous[4];  // the process's handlers before ours
constexpr size_t kAltStackSize = 64 * 1024;

thread_local bool t_chaining = false;  // handing a fault to the previous handler

void handler(int signo, siginfo_t* info, void* uctx) {
  Sim* s = Sim::current();
  if (s && s->on_fiber()) {
    // SI_KERNEL: a general protection fault (x86-64 reports no address).
    s->on_fault(signo, reinterpret_cast<uintptr_t>(info->si_addr), info->si_code == SI_KERNEL);
    leave_fiber_from_signal(s, signo);
  }
  // Not ours: hand it to whoever was there before, or die as the host would.
  // Entered again while doing so (a handler that chains back to us): die.
  if (!t_chaining) {
    t_chaining = true;
    for (int i = 0; i < 4; i++) {
      if (kSignals[i] != signo) continue;
      const struct sigaction& p = g_previous[i];
      if ((p.sa_flags & SA_SIGINFO) && p.sa_sigaction) {
        p.sa_sigaction(signo, info, uctx);
        t_chaining = false;
        return;
      }
      if (p.sa_handler != SIG_DFL && p.sa_handler != SIG_IGN && p.sa_handler) {
        p.sa_handler(signo);
        t_chaining = false;
        return;
      }
    }
  }
  signal(signo, SIG_DFL);
  raise(signo);
}

}  // namespace

void leave_fiber_from_signal(Sim* s, int signo) {
  sigset_t set;  // one syscall: faults and hangs are rare
  sigemptyset(&set);
  sigaddset(&set, signo);
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  // ASan builds: back to the host stack, the fiber abandoned (Sim::run
  // announces the arrival); nothing otherwise.
  asan::leave_for_host(nullptr);
  siglongjmp(s->recover_point(), 1);
}

void install_fault_handlers() {
  // The pointer is kept (not only the kernel knows it), so LeakSanitizer
  // sees the alternate stack as reachable for the thread's life.
  thread_local void* altstack = nullptr;
  if (!altstack) {
    stack_t ss{};
    ss.ss_sp = std::malloc(kAltStackSize);
    ss.ss_size = kAltStackSize;
    if (ss.ss_sp && sigaltstack(&ss, nullptr) == 0) altstack = ss.ss_sp;
    else std::free(ss.ss_sp);
  }
  for (int i = 0; i < 4; i++) {
    struct sigaction cur{};
    sigaction(kSignals[i], nullptr, &cur);
    if ((cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == handler) continue;
    g_previous[i] = cur;
    struct sigaction sa{};
    sa.sa_sigaction = handler;
    // SA_NODEFER: the handler leaves by siglongjmp without restoring a
    // signal mask, so the signal must not be blocked while it runs.
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(kSignals[i], &sa, nullptr);
  }
}

}  // namespace ks::sim
