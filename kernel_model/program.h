// A Program: a declarative scenario (threads of system calls whose arguments
// may name earlier results), executed entirely in C++ for speed. It is what
// the fuzzer generates and mutates; sim/proto/kernsim.proto's Program is its
// stored form (python/ converts).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "kernel_model/proc.h"

namespace ks::km {

class World;

// An argument: a constant, or the result of an earlier call (by its `out`
// name) plus an offset.
struct Arg {
  int64_t value = 0;
  std::string ref;  // empty: constant
  // The result slot `ref` names, numbered by program_load's first check
  // (a running Program keeps its results in a flat array, not by name).
  mutable uint32_t slot = UINT32_MAX;
};

enum class Op : uint8_t {
  kOpen,      // path, a0 = oflags                    -> fd
  kClose,     // a0 = fd
  kIoctl,     // a0 = fd, a1 = cmd, a2 = arg           -> rval
  kRead,      // a0 = fd, a1 = uaddr, a2 = len          -> bytes
  kWrite,     // a0 = fd, a1 = uaddr, a2 = len          -> bytes
  kPread,     // a0 = fd, a1 = uaddr, a2 = len, a3 = off
  kPwrite,    // a0 = fd, a1 = uaddr, a2 = len, a3 = off
  kMmap,      // a0 = len, a1 = prot                    -> uaddr
  kMunmap,    // a0 = uaddr, a1 = len
  kMprotect,  // a0 = uaddr, a1 = len, a2 = prot
  kPoke,      // a0 = uaddr; data = bytes the process stores there
  kCheck,     // a0 = uaddr; data = bytes expected there (else scenario failure)
  kKill,      // path = thread name, a0 = signal
  // Program-only ops (additive, for the fuzzer): structs that hold pointers
  // and resources. The process's own stores and loads, not system calls.
  kPokeInt,     // a0 = uaddr, a1 = value, a2 = size (1, 2, 4, 8): stores a
                // (possibly ref'd) integer, e.g. a buffer's address into an
                // S/G entry, a minor number into li_id    -> 0 or -EFAULT
  kPeekInt,     // a0 = uaddr, a1 = size                -> the unsigned value
                // stored there (a resource returned inside a struct), or -EFAULT
  // An op defined above the kernel model (the fuzzer's oracles,
  // runner/fuzz_oracles.h): the Call's `ext` says what it needs and runs
  // it. Never a system call: the process's own work.
  kExtension,
  // The process reads the virtual clock (clock_gettime(CLOCK_MONOTONIC)):
  // -> nanoseconds since boot. No system call state changes; a scenario
  // asserts on time with it (a wait that took its full timeout or not).
  kGettime,
  // STREAMS (a0 = fd): putmsg a1 = ctl strbuf, a2 = data strbuf, a3 = flags
  // -> 0; getmsg a1 = ctl, a2 = data, a3 = flags word -> MORECTL|MOREDATA.
  kPutmsg,
  kGetmsg,
  // modunload(1M)/kldunload(8) of the module named by `path` (a driver of
  // the Program, by its registered name) -> 0 or -errno (module_unload.h).
  kModunload,
  // poll(2): a0 = user address of a0's struct pollfd array, a1 = nfds,
  // a2 = timeout in ms (-1 forever, 0 never sleeps) -> the count ready.
  kPoll,
  // kqueue(2) -> a kqueue descriptor; kevent(2): a0 = kq, a1 = changelist
  // (user address of struct kevent), a2 = nchanges, a3 = eventlist,
  // a4 = nevents, a5 = timeout in ms (-1 forever, 0 never sleeps)
  // -> events returned, or EV_ERROR entries written (syscalls.h).
  kKqueue,
  kKevent,
  // mmap(2) of a device: a0 = fd, a1 = len, a2 = prot, a3 = flags
  // (MAP_SHARED), a4 = device offset -> the user address (devmap.h).
  kMmapDev,
  // sysctlbyname(3): path = the name ("hw.fbknob.limit"), a0 = old (user
  // address, 0 none), a1 = oldlenp (user address of a size_t, 0 none),
  // a2 = new (0 none), a3 = newlen -> 0 or -errno (syscalls.h).
  kSysctl,
};
// The most arguments an op takes (kevent's six).
constexpr size_t kMaxOpArgs = 6;

struct OpExtension;

struct Call {
  Op op;
  const OpExtension* ext = nullptr;  // kExtension: its definition
  std::vector<Arg> args;
  std::string path;  // open: device path; kill: thread name; modunload: module name
  std::string data;  // poke/check bytes
  std::string out;   // name under which the result is kept ("" = not kept)
  mutable uint32_t out_slot = UINT32_MAX;  // its result slot (Arg::slot)
  bool check = false;  // compare the result with `expect`
  int64_t expect = 0;  // >= 0 value or -errno
};

struct ProgThread {
  std::string name;
  std::string proc;  // process name
  std::vector<Call> calls;
};

struct ProgProc {
  std::string name;
  DataModel model = DataModel::kLP64;
  uint32_t uid = 0;
  uint32_t gid = 0;
};

struct ProgFile {
  std::string path;
  uint64_t size = 0;
  bool readonly = false;
};

struct ProgDriver {
  // (A constructor, so that {name, variant} still says all of one.)
  ProgDriver(std::string n = {}, std::string v = "none", std::string c = {}, std::string f = {})
      : name(std::move(n)), variant(std::move(v)), conf(std::move(c)), conf_file(std::move(f)) {}
  std::string name;
  std::string variant;
  std::string conf, conf_file;  // its driver.conf(5) text, and its name for messages
  // illumos /etc/minor_perm entries for its nodes ("minor mode owner group")
  std::vector<std::string> minor_perm{};
};

struct Program {
  std::vector<ProgDriver> drivers;
  std::vector<ProgFile> files;
  std::vector<ProgProc> procs;
  std::vector<ProgThread> threads;
  // program_load checks a Program once, not at each of its executions
  // (that was a tenth of a lofi execution); a Program is not changed once
  // it has run.
  mutable bool checked = false;
  // The distinct `out` names, by result slot (numbered at that check).
  mutable std::vector<std::string> result_names;
};

// What a running Program shows an extension op: its arguments resolved,
// the results made so far (which thread's call made each), and the system
// calls the threads entered.
class OpContext {
 public:
  struct Result {
    int64_t value;
    uint32_t thread;  // index of the thread whose call made it, and the call
    size_t call;
  };
  virtual ~OpContext() = default;
  virtual World& world() = 0;
  virtual const ProgThread& thread() = 0;
  virtual uint32_t thread_index() = 0;
  virtual size_t call_index() = 0;
  virtual const Call& call() = 0;
  // Argument i, resolved; a ref no call made yet fails the run as
  // scenario:no_result, as for any op.
  virtual int64_t arg(size_t i) = 0;
  // The result a ref names (null: a constant, or not made yet).
  virtual const Result* result(const Arg& a) = 0;
  virtual uint64_t entries() = 0;         // system calls entered by every thread so far
  virtual uint64_t thread_entries() = 0;  // ... by this thread
  virtual uint32_t in_kernel() = 0;       // threads inside one now
  // "thread T call I (op)", for messages.
  virtual std::string where() = 0;
};

struct OpExtension {
  const char* name;
  size_t nargs;
  bool labelled;  // needs a label in `path` (program_check says so when missing)
  int64_t (*run)(OpContext& c);
};

// The op's name: op_name, or an extension's own.
const char* call_name(const Call& c);
// A system call (the kernel may change state), not the process's own work.
bool enters_kernel(const Call& c);

// Checks names and references before anything runs: an unknown driver,
// variant, process, or a ref that no earlier call in that thread (or an
// earlier thread's call) defines. Returns "" or the error.
std::string program_check(const Program& p);

// Sets the Program up in w (drivers, files, processes) and spawns its
// threads; w.run() then executes it. The Program must outlive the run.
void program_load(World& w, const Program& p);

const char* op_name(Op op);

// Runs one call of process p's thread with its arguments resolved (a[i] is
// argument i): the system call, or the process's own store for kPoke. kCheck
// is the caller's. Returns the result (>= 0, or -errno).
int64_t program_syscall(World& w, Proc& p, Op op, const int64_t a[kMaxOpArgs], const std::string& path,
                        const std::string& data);

}  // namespace ks::km
