// A Program: a declarative scenario (threads of system calls whose arguments
// may name earlier results), executed entirely in C++ for speed. It is what
// the fuzzer generates and mutates; sim/proto/kernsim.proto's Program is its
// stored form (python/ converts).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernel_model/proc.h"

namespace ks::km {

class World;

// An argument: a constant, or the result of an earlier call (by its `out`
// name) plus an offset.
struct Arg {
  int64_t value = 0;
  std::string ref;  // empty: constant
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
  kAssertRange, // a0 = value, a1 = min, a2 = max; path = oracle label: an
                // error result (value or min < 0: the value was not there to
                // check) passes, any other outside [min, max] is a
                // scenario failure "scenario:oracle:<label>" (no thread or call
                // in the signature, so one bug is one finding)
  // A stateful oracle's window (the fuzzer's exhaustion checks): a claim
  // such as "no minor is free" (EAGAIN) checked against probes made after
  // it, valid only while no other thread could have changed the state.
  kSoloMark,    // (no args) -> a token for kAssertClaim, or -1 when another
                // Program thread is inside a system call right now
  kAssertClaim, // a0 = token, a1 = claim, a2 = claimed, a3 = free,
                // a4 = the probe's ioctl command, a5... = probes; path =
                // oracle label: fails as "scenario:oracle:<label>" when
                // claim == claimed and some probe == free, provided the token
                // is this thread's, the claim and the probes are results of
                // this thread's calls made after the token in that order,
                // every system call this thread made between the claim and
                // here is one of the probes (an ioctl of that command), and
                // no other Program thread entered a system call since the
                // token; else passes
  // The process reads the virtual clock (clock_gettime(CLOCK_MONOTONIC)):
  // -> nanoseconds since boot. No system call state changes; a scenario
  // asserts on time with it (a wait that took its full timeout or not).
  kGettime,
};

struct Call {
  Op op;
  std::vector<Arg> args;
  std::string path;  // open: device path; kill: thread name
  std::string data;  // poke/check bytes
  std::string out;   // name under which the result is kept ("" = not kept)
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
};

struct ProgFile {
  std::string path;
  uint64_t size = 0;
  bool readonly = false;
};

struct ProgDriver {
  std::string name;
  std::string variant = "none";
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
};

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
int64_t program_syscall(World& w, Proc& p, Op op, const int64_t a[4], const std::string& path,
                        const std::string& data);

}  // namespace ks::km
