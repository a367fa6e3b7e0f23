#include "sim/watchdog.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>

#include "sim/call_site.h"
#include "sim/fault_guard.h"
#include "sim/sim.h"

extern char** environ;
// The coverage callback's bounds (sim/coverage.cc); absent in the libFuzzer
// build, where libFuzzer's runtime has the callback.
extern "C" char __start_ks_cov_text[] __attribute__((weak));
extern "C" char __stop_ks_cov_text[] __attribute__((weak));

namespace ks::sim {

namespace {

// What the tick handler keeps per host thread. initial-exec, as
// tls_current_sim: the handler must not be the first to touch a dlopen'ed
// module's TLS (that may allocate).
struct Tick {
  bool created = false;  // this thread has its timer
  bool failed = false;   // timer_create failed: no watchdog on this thread
  bool armed = false;
  timer_t timer{};
  int depth = 0;         // executions running on this thread (Scopes held)
  int idle = 0;          // ticks in a row that saw no execution
  const Sim* sim = nullptr;  // what the last tick saw ...
  uint64_t step = 0;
  uint32_t runs = 0;
  int64_t since_ns = 0;  // ... and since when (thread CPU time)
  int deferred = 0;      // ticks past the limit that landed in the runtime
};
thread_local Tick t_tick __attribute__((tls_model("initial-exec")));

constexpr int kIdleTicksToDisarm = 8;
constexpr int kMaxDeferrals = 100;

int tick_signal() { return SIGRTMIN + 6; }

// The C and C++ runtimes' code. A hang is not declared while the PC is in
// there (the loop may hold malloc's lock in a call it makes): the next tick
// tries again, and a loop spends most of its time in its own code. After
// kMaxDeferrals ticks it is declared wherever the PC is, so a loop that
// lives in a runtime call is still caught.
struct Range {
  uintptr_t lo, hi;
};
Range g_runtime[16];
int g_nruntime = 0;

void add_runtime(uintptr_t lo, uintptr_t hi) {
  if (g_nruntime < 16 && lo < hi) g_runtime[g_nruntime++] = Range{lo, hi};
}

int collect_runtime(struct dl_phdr_info* info, size_t, void*) {
  const char* n = info->dlpi_name ? info->dlpi_name : "";
  static const char* const kLibs[] = {"/libc.so", "/libstdc++.so", "/libgcc_s.so",
                                      "/ld-linux", "/libm.so"};
  bool ours = false;
  for (const char* l : kLibs) ours |= std::strstr(n, l) != nullptr;
  if (!ours) return 0;
  for (int i = 0; i < info->dlpi_phnum && g_nruntime < 16; i++) {
    const ElfW(Phdr)& p = info->dlpi_phdr[i];
    if (p.p_type != PT_LOAD || !(p.p_flags & PF_X)) continue;
    uintptr_t lo = info->dlpi_addr + p.p_vaddr;
    add_runtime(lo, lo + p.p_memsz);
  }
  return 0;
}

bool in_runtime(uintptr_t pc) {
  for (int i = 0; i < g_nruntime; i++)
    if (pc >= g_runtime[i].lo && pc < g_runtime[i].hi) return true;
  return false;
}

int64_t thread_cpu_ns() {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// The driver code a tick interrupted. Every block of a driver built with
// coverage calls __sanitizer_cov_trace_pc, and with a map attached (the
// fuzzer) a tight loop spends most of its time in there: a PC in the
// callback stands for its caller. The callback is a leaf that keeps no
// frame, so its return address is at the stack pointer (x86-64) or in the
// link register (AArch64) at every one of its instructions; minus one, it
// is the call's own line.
uintptr_t interrupted_pc(void* uctx) {
  auto* uc = static_cast<ucontext_t*>(uctx);
  uintptr_t pc = 0, ret = 0;
#if defined(__x86_64__)
  pc = static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]);
  if (__start_ks_cov_text && pc >= reinterpret_cast<uintptr_t>(__start_ks_cov_text) &&
      pc < reinterpret_cast<uintptr_t>(__stop_ks_cov_text))
    ret = *reinterpret_cast<const uintptr_t*>(uc->uc_mcontext.gregs[REG_RSP]);
#elif defined(__aarch64__)
  pc = static_cast<uintptr_t>(uc->uc_mcontext.pc);
  if (__start_ks_cov_text && pc >= reinterpret_cast<uintptr_t>(__start_ks_cov_text) &&
      pc < reinterpret_cast<uintptr_t>(__stop_ks_cov_text))
    ret = static_cast<uintptr_t>(uc->uc_mcontext.regs[30]);
#else
  (void)uc;
#endif
  return ret ? ret - 1 : pc;
}

void set_timer(bool on) {
  struct itimerspec its{};
  if (on) {
    its.it_value.tv_nsec = kHangTickMs * 1'000'000L;
    its.it_interval = its.it_value;
  }
  timer_settime(t_tick.timer, 0, &its, nullptr);  // async-signal-safe
  t_tick.armed = on;
}

void on_tick(int signo, siginfo_t*, void* uctx) {
  int saved_errno = errno;
  Tick& t = t_tick;
  Sim* s = Sim::current();
  if (t.depth > 0) t.idle = 0;
  if (!s || !s->on_fiber()) {
    t.sim = nullptr;
    if (t.depth == 0 && ++t.idle >= kIdleTicksToDisarm) set_timer(false);
    errno = saved_errno;
    return;
  }
  int64_t now = thread_cpu_ns();
  if (s != t.sim || s->step() != t.step || s->runs() != t.runs) {
    t.sim = s;
    t.step = s->step();
    t.runs = s->runs();
    t.since_ns = now;
    t.deferred = 0;
    errno = saved_errno;
    return;
  }
  uint32_t limit = s->options().hang_ms;
  uintptr_t pc = interrupted_pc(uctx);
  if (!limit || now - t.since_ns < int64_t(limit) * 1'000'000 ||
      (in_runtime(pc) && ++t.deferred < kMaxDeferrals)) {
    errno = saved_errno;
    return;
  }
  t.sim = nullptr;
  // Outside the driver (in kernsim's checks of its instrumented accesses,
  // or in a kernel function it called), the hang is also named by the
  // innermost driver frame. Not from the C runtime, whose locks a stack
  // walk might want.
  uintptr_t site = 0;
  if (!guest_code(pc) && !in_runtime(pc)) site = guest_call_site();
  s->on_hang(pc, site);
  leave_fiber_from_signal(s, signo);
}

void after_fork_in_child() {
  // Timers are not inherited: the child's thread has none (the Scopes it
  // holds, if any, stay counted).
  int depth = t_tick.depth;
  t_tick = Tick{};
  t_tick.depth = depth;
}

void process_setup() {
  dl_iterate_phdr(collect_runtime, nullptr);
  pthread_atfork(nullptr, nullptr, after_fork_in_child);
}

void install_tick_handler() {
  struct sigaction cur{};
  sigaction(tick_signal(), nullptr, &cur);
  if ((cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == on_tick) return;
  struct sigaction sa{};
  sa.sa_sigaction = on_tick;
  // SA_RESTART: a tick that lands in a host system call must not fail it.
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sigaction(tick_signal(), &sa, nullptr);
}

void arm() {
  static std::once_flag once;
  std::call_once(once, process_setup);
  Tick& t = t_tick;
  if (!t.created) {
    install_tick_handler();
    struct sigevent ev{};
    ev.sigev_notify = SIGEV_THREAD_ID;
    ev.sigev_signo = tick_signal();
    ev._sigev_un._tid = static_cast<pid_t>(syscall(SYS_gettid));
    if (timer_create(CLOCK_THREAD_CPUTIME_ID, &ev, &t.timer) != 0) {
      t.failed = true;  // no watchdog here; do not retry per execution
      return;
    }
    t.created = true;
  }
  t.idle = 0;
  set_timer(true);
}

}  // namespace

HangWatchScope::HangWatchScope() {
  Tick& t = t_tick;
  t.depth++;
  if (!t.armed && !t.failed) arm();
}

HangWatchScope::~HangWatchScope() { t_tick.depth--; }

namespace {

// addr2line's first two lines for `addr` in `obj`: the function, file:line.
bool addr2line(const char* obj, uintptr_t addr, std::string* fn, std::string* where) {
  int fds[2];
  if (pipe(fds) != 0) return false;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  char hex[32];
  std::snprintf(hex, sizeof hex, "0x%zx", static_cast<size_t>(addr));
  const char* argv[] = {"addr2line", "-f", "-C", "-e", obj, hex, nullptr};
  pid_t pid;
  int rc = posix_spawnp(&pid, "addr2line", &fa, nullptr, const_cast<char**>(argv), environ);
  posix_spawn_file_actions_destroy(&fa);
  close(fds[1]);
  std::string out;
  if (rc == 0) {
    char buf[512];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
      if (n > 0) out.append(buf, static_cast<size_t>(n));
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
  }
  close(fds[0]);
  size_t nl = out.find('\n');
  if (nl == std::string::npos) return false;
  *fn = out.substr(0, nl);
  size_t nl2 = out.find('\n', nl + 1);
  *where = out.substr(nl + 1, nl2 == std::string::npos ? std::string::npos : nl2 - nl - 1);
  // "file:line (discriminator 2)": the discriminator says nothing to a reader.
  if (size_t d = where->find(" ("); d != std::string::npos) where->resize(d);
  return *fn != "??";
}

}  // namespace

namespace {
std::string describe_uncached(uintptr_t pc);
}  // namespace

std::string describe_code_address(uintptr_t pc) {
  // A search over a spinning driver hangs again and again at the same few
  // PCs: addr2line once per PC.
  static std::mutex mu;
  static std::map<uintptr_t, std::string> cache;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (auto it = cache.find(pc); it != cache.end()) return it->second;
  }
  std::string d = describe_uncached(pc);
  std::lock_guard<std::mutex> lock(mu);
  if (cache.size() < 4096) cache.emplace(pc, d);
  return d;
}

namespace {

std::string describe_uncached(uintptr_t pc) {
  char buf[64];
  Dl_info info{};
  if (!pc || !dladdr(reinterpret_cast<void*>(pc), &info) || !info.dli_fname) {
    std::snprintf(buf, sizeof buf, "0x%zx", static_cast<size_t>(pc));
    return buf;
  }
  const char* obj = info.dli_fname;
  const char* base = std::strrchr(obj, '/');
  base = base ? base + 1 : obj;
  // A position-independent object's addresses are relative to its base; a
  // non-PIE executable's are absolute (its base is the link address).
  uintptr_t fbase = reinterpret_cast<uintptr_t>(info.dli_fbase);
  uintptr_t rel = pc - fbase;
  std::snprintf(buf, sizeof buf, "%s+0x%zx", base, static_cast<size_t>(rel));
  std::string place = buf;
  std::string fn, where;
  bool exec = reinterpret_cast<const ElfW(Ehdr)*>(fbase)->e_type == ET_EXEC;
  if (addr2line(obj, exec ? pc : rel, &fn, &where)) {
    std::string r = fn;
    if (!where.empty() && where.rfind("??", 0) != 0) r += " at " + where;
    return r + " (" + place + ")";
  }
  if (info.dli_sname) {
    std::snprintf(buf, sizeof buf, "+0x%zx",
                  static_cast<size_t>(pc - reinterpret_cast<uintptr_t>(info.dli_saddr)));
    return info.dli_sname + std::string(buf) + " (" + place + ")";
  }
  return place;
}

}  // namespace

}  // namespace ks::sim
