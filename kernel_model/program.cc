// The Program executor: a declarative scenario run entirely in C++. Each
// ProgThread is a user thread of its process, made once the kernel is up,
// that runs its calls in order through the system calls; results are kept
// by name in an ordered map, so later calls (of any thread) can use them.
#include "kernel_model/program.h"

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>

#include "kernel_model/component_pool.h"
#include "kernel_model/devsw.h"
#include "kernel_model/drivers.h"
#include "kernel_model/syscalls.h"
#include "kernel_model/user_mem.h"
#include "kernel_model/vfs.h"
#include "kernel_model/world.h"

namespace ks::km {

const char* op_name(Op op) {
  switch (op) {
    case Op::kOpen: return "open";
    case Op::kClose: return "close";
    case Op::kIoctl: return "ioctl";
    case Op::kRead: return "read";
    case Op::kWrite: return "write";
    case Op::kPread: return "pread";
    case Op::kPwrite: return "pwrite";
    case Op::kMmap: return "mmap";
    case Op::kMunmap: return "munmap";
    case Op::kMprotect: return "mprotect";
    case Op::kPoke: return "poke";
    case Op::kCheck: return "check";
    case Op::kKill: return "kill";
    case Op::kPokeInt: return "poke_int";
    case Op::kPeekInt: return "peek_int";
    case Op::kExtension: return "extension";
    case Op::kGettime: return "gettime";
    case Op::kPutmsg: return "putmsg";
    case Op::kGetmsg: return "getmsg";
    case Op::kModunload: return "modunload";
    case Op::kPoll: return "poll";
    case Op::kKqueue: return "kqueue";
    case Op::kKevent: return "kevent";
    case Op::kMmapDev: return "mmap_dev";
    case Op::kSysctl: return "sysctl";
  }
  return "?";
}

const char* call_name(const Call& c) {
  return c.op == Op::kExtension && c.ext ? c.ext->name : op_name(c.op);
}

bool enters_kernel(const Call& c) {
  switch (c.op) {
    case Op::kPoke: case Op::kCheck: case Op::kPokeInt: case Op::kPeekInt:
    case Op::kExtension: case Op::kGettime:
      return false;
    default:
      return true;
  }
}

namespace {

size_t nargs(const Call& c) {
  switch (c.op) {
    case Op::kExtension: return c.ext ? c.ext->nargs : 0;
    case Op::kGettime: case Op::kModunload: case Op::kKqueue: return 0;
    case Op::kKevent: return 6;
    case Op::kMmapDev: return 5;
    case Op::kSysctl: return 4;
    case Op::kOpen: case Op::kClose: case Op::kPoke: case Op::kCheck: case Op::kKill: return 1;
    case Op::kMmap: case Op::kMunmap: case Op::kPeekInt: return 2;
    case Op::kIoctl: case Op::kRead: case Op::kWrite: case Op::kMprotect: case Op::kPokeInt:
    case Op::kPoll:
      return 3;
    case Op::kPread: case Op::kPwrite: case Op::kPutmsg: case Op::kGetmsg: return 4;
  }
  return 0;
}

std::string where(const ProgThread& t, size_t i, const Call& c) {
  return "thread " + t.name + " call " + std::to_string(i) + " (" + call_name(c) + ")";
}

std::string result_str(int64_t r) {
  if (r < 0 && r >= -4095) return std::string("-") + errno_name(static_cast<int>(-r));
  return std::to_string(r);
}

struct ProgRun;
struct RunThread {
  ProgRun* run;
  const ProgThread* t;
  Proc* proc;
  uint32_t index = 0;    // in the Program
  uint64_t entries = 0;  // system calls it entered
};
using Result = OpContext::Result;
// One execution's run of a Program. Results are kept by slot (the `out`
// names numbered once, number_results): a lookup by name was most of a
// lofi execution's string compares, and its map a node per result.
struct ProgRun {
  World* w;
  const Program* p;
  std::vector<Result> results;  // by slot
  std::vector<uint8_t> made;    // results[i] was produced
  std::vector<RunThread> threads;  // reserved up front: threads point into it
  uint64_t entries = 0;    // system calls entered, every thread
  uint32_t in_kernel = 0;  // threads inside one now
  // By thread index: what a check call reads back (kept across executions).
  std::vector<std::string> check_bufs;
  // Recycled (component_pool.h): program_load sets every member again.
  void recycle() {}
};

// The slot an argument names: its number, or (an Arg an extension made up)
// its name among the Program's results.
const Result* result_of(const ProgRun& run, const Arg& a) {
  uint32_t s = a.slot;
  if (s == UINT32_MAX) {
    auto& names = run.p->result_names;
    for (s = 0; s < names.size() && names[s] != a.ref; s++) {}
  }
  return s < run.made.size() && run.made[s] ? &run.results[s] : nullptr;
}

int64_t arg(RunThread& rt, size_t ci, const Call& c, size_t i) {
  const Arg& a = c.args[i];
  if (a.ref.empty()) return a.value;
  // The common case inline: a numbered result already produced.
  const ProgRun& run = *rt.run;
  if (a.slot < run.made.size() && run.made[a.slot]) return run.results[a.slot].value + a.value;
  const Result* r = result_of(run, a);
  if (!r)
    rt.run->w->fail(sim::FailureKind::kScenario,
                    where(*rt.t, ci, c) + " uses the result '" + a.ref +
                        "', which no call has produced yet",
                    "scenario:no_result:" + rt.t->name + ":" + std::to_string(ci));
  return r->value + a.value;
}

// An extension op's view of the run.
class Context final : public OpContext {
 public:
  Context(RunThread& rt, size_t ci, const Call& c) : rt_(rt), ci_(ci), c_(c) {}
  World& world() override { return *rt_.run->w; }
  const ProgThread& thread() override { return *rt_.t; }
  uint32_t thread_index() override { return rt_.index; }
  size_t call_index() override { return ci_; }
  const Call& call() override { return c_; }
  int64_t arg(size_t i) override { return ::ks::km::arg(rt_, ci_, c_, i); }
  const Result* result(const Arg& a) override {
    if (a.ref.empty()) return nullptr;
    return result_of(*rt_.run, a);
  }
  uint64_t entries() override { return rt_.run->entries; }
  uint64_t thread_entries() override { return rt_.entries; }
  uint32_t in_kernel() override { return rt_.run->in_kernel; }
  std::string where() override { return ::ks::km::where(*rt_.t, ci_, c_); }

 private:
  RunThread& rt_;
  size_t ci_;
  const Call& c_;
};

int64_t run_call(RunThread& rt, size_t ci, const Call& c) {
  World& w = *rt.run->w;
  auto U = [&](size_t i) { return static_cast<uint64_t>(arg(rt, ci, c, i)); };
  switch (c.op) {
    default: {
      // arg()'s two common cases inline (a constant, a result already
      // made), the call only for the rest: about 60 arguments an execution.
      int64_t a[kMaxOpArgs] = {0, 0, 0, 0, 0, 0};
      const size_t na = c.args.size() < kMaxOpArgs ? c.args.size() : kMaxOpArgs;
      const ProgRun& run = *rt.run;
      for (size_t i = 0; i < na; i++) {
        const Arg& x = c.args[i];
        if (x.ref.empty())
          a[i] = x.value;
        else if (x.slot < run.made.size() && run.made[x.slot])
          a[i] = run.results[x.slot].value + x.value;
        else
          a[i] = arg(rt, ci, c, i);
      }
      return program_syscall(w, *rt.proc, c.op, a, c.path, c.data);
    }
    case Op::kPokeInt: case Op::kPeekInt: {
      uint64_t ua = U(0), v = U(1);
      size_t n = static_cast<size_t>(c.op == Op::kPokeInt ? U(2) : U(1));
      unsigned char b[8] = {};
      if (c.op == Op::kPokeInt) {
        for (size_t i = 0; i < n; i++) b[i] = static_cast<unsigned char>(v >> (8 * i));
        int e = user_write(w, *rt.proc, ua, b, n);
        return e ? -e : 0;
      }
      int e = user_read(w, *rt.proc, ua, b, n);
      if (e) return -e;
      uint64_t x = 0;
      for (size_t i = 0; i < n; i++) x |= static_cast<uint64_t>(b[i]) << (8 * i);
      return static_cast<int64_t>(x);
    }
    case Op::kExtension: {
      Context ctx(rt, ci, c);
      return c.ext->run(ctx);
    }
    case Op::kCheck: {
      uint64_t ua = U(0);
      // Read into the thread's buffer, kept with the recycled run, not a
      // string made per check (a heap allocation past 15 bytes). Not one
      // per host thread: user_read has scheduling points, and another
      // thread's check may run inside it. It fills all of it or fails.
      std::string& got = rt.run->check_bufs[rt.index];
      got.resize(c.data.size());
      int e = user_read(w, *rt.proc, ua, got.data(), got.size());
      if (e)
        w.fail(sim::FailureKind::kScenario,
               where(*rt.t, ci, c) + " could not read " + std::to_string(got.size()) +
                   " bytes of its memory: " + errno_name(e),
               "scenario:check_fault:" + rt.t->name + ":" + std::to_string(ci));
      // One wide compare; the bytes one by one only to name the first that
      // differs (CTL checks a block per execution: its byte loop was 4% of
      // the execution).
      if (std::memcmp(got.data(), c.data.data(), got.size()) == 0) return 0;
      for (size_t i = 0; i < got.size(); i++) {
        if (got[i] == c.data[i]) continue;
        char buf[160];
        std::snprintf(buf, sizeof buf,
                      ": data mismatch at offset %zu of %zu (user address 0x%llx): "
                      "got 0x%02x, expected 0x%02x",
                      i, got.size(), static_cast<unsigned long long>(ua + i),
                      static_cast<unsigned char>(got[i]), static_cast<unsigned char>(c.data[i]));
        w.fail(sim::FailureKind::kScenario, where(*rt.t, ci, c) + buf,
               "scenario:data_mismatch:" + rt.t->name + ":" + std::to_string(ci));
      }
      return 0;
    }
  }
}

void thread_body(void* arg) {
  auto& rt = *static_cast<RunThread*>(arg);
  World& w = *rt.run->w;
  wait_for_boot(w);  // before even touching its memory: the kernel is up first
  for (size_t ci = 0; ci < rt.t->calls.size(); ci++) {
    if (rt.proc && __builtin_expect(rt.proc->killed, 0)) break;
    const Call& c = rt.t->calls[ci];
    bool sys = enters_kernel(c);
    if (sys) {
      rt.run->entries++;
      rt.entries++;
      rt.run->in_kernel++;
    }
    int64_t r = run_call(rt, ci, c);
    if (sys) rt.run->in_kernel--;
    // Killed meanwhile: a dead process keeps and checks nothing.
    if (rt.proc && __builtin_expect(rt.proc->killed, 0)) break;
    if (!c.out.empty()) {
      // A Program is numbered once (number_results); one changed after
      // its first run is refused here rather than written out of bounds.
      if (c.out_slot >= rt.run->results.size())
        w.fail(sim::FailureKind::kHostError,
               where(*rt.t, ci, c) + " keeps its result as '" + c.out +
                   "', a name the Program did not have when it first ran (a Program must "
                   "not change once it has run)",
               "scenario:program_changed:" + rt.t->name + ":" + std::to_string(ci));
      rt.run->results[c.out_slot] = Result{r, rt.index, ci};
      rt.run->made[c.out_slot] = 1;
    }
    if (c.check && r != c.expect)
      w.fail(sim::FailureKind::kScenario,
             where(*rt.t, ci, c) + " returned " + result_str(r) + ", expected " +
                 result_str(c.expect),
             "scenario:result:" + rt.t->name + ":" + std::to_string(ci) + ":" + op_name(c.op));
  }
  if (rt.proc && rt.proc->killed) proc_thread_killed(w);
}

// A modunload naming no driver of the Program: which ones it could name.
std::string modunload_error(const ProgThread& t, size_t ci, const Call& c,
                            const std::set<std::string>& modules) {
  std::string names;
  for (auto& m : modules) names += (names.empty() ? "" : ", ") + m;
  return where(t, ci, c) + ": " +
         (c.path.empty() ? std::string("no module named")
                         : "no driver of this Program is named '" + c.path + "'") +
         " (its drivers: " + (names.empty() ? std::string("none") : names) + ")";
}

}  // namespace

std::string program_check(const Program& p) {
  std::set<std::string> modules;  // registered names, for modunload
  for (size_t i = 0; i < p.drivers.size(); i++) {
    const ProgDriver& d = p.drivers[i];
    try {
      modules.insert(driver_module(d.name, d.variant).name());
    } catch (const ModuleError& e) {
      return "driver[" + std::to_string(i) + "]: " + e.what();
    }
  }
  std::set<std::string> procs, files, threads;
  for (auto& f : p.files) {
    if (f.path.empty() || f.path[0] != '/') return "file '" + f.path + "': path must be absolute";
    if (!files.insert(f.path).second) return "file '" + f.path + "' is defined twice";
  }
  for (auto& pr : p.procs) {
    if (pr.name.empty()) return "a process has no name";
    if (!procs.insert(pr.name).second) return "process '" + pr.name + "' is defined twice";
  }
  std::set<std::string> defined;  // results of earlier threads and calls
  for (auto& t : p.threads) {
    if (t.name.empty()) return "a thread has no name";
    if (!threads.insert(t.name).second) return "thread '" + t.name + "' is defined twice";
    if (!procs.count(t.proc))
      return "thread " + t.name + ": unknown process '" + t.proc + "'";
    for (size_t ci = 0; ci < t.calls.size(); ci++) {
      const Call& c = t.calls[ci];
      if (c.op == Op::kExtension && !c.ext) return where(t, ci, c) + ": no definition";
      if (c.args.size() < nargs(c))
        return where(t, ci, c) + ": needs " + std::to_string(nargs(c)) + " arguments, has " +
               std::to_string(c.args.size());
      if (c.op == Op::kSysctl && c.path.empty()) return where(t, ci, c) + ": no sysctl name (path)";
      if ((c.op == Op::kOpen || c.op == Op::kKill) && c.path.empty())
        return where(t, ci, c) + (c.op == Op::kOpen ? ": no path" : ": no thread to signal");
      if (c.op == Op::kModunload && !modules.count(c.path))
        return modunload_error(t, ci, c, modules);
      if ((c.op == Op::kPoke || c.op == Op::kCheck) && c.data.empty())
        return where(t, ci, c) + ": no data";
      if (c.op == Op::kExtension && c.ext->labelled && c.path.empty())
        return where(t, ci, c) + ": no oracle label (path)";
      if (c.op == Op::kPokeInt || c.op == Op::kPeekInt) {
        const Arg& sz = c.args[c.op == Op::kPokeInt ? 2 : 1];
        if (!sz.ref.empty() || (sz.value != 1 && sz.value != 2 && sz.value != 4 && sz.value != 8))
          return where(t, ci, c) + ": size must be the constant 1, 2, 4 or 8, not " +
                 (sz.ref.empty() ? std::to_string(sz.value) : "the result '" + sz.ref + "'");
      }
      for (auto& a : c.args)
        if (!a.ref.empty() && !defined.count(a.ref))
          return where(t, ci, c) + ": the result '" + a.ref +
                 "' is not defined by an earlier call";
      if (!c.out.empty()) defined.insert(c.out);
    }
  }
  return "";
}

namespace {

// Numbers the `out` names (Program::result_names) and points every call's
// out and every ref at its slot. Once, after program_check passed.
void number_results(const Program& p) {
  std::map<std::string, uint32_t> slot;
  p.result_names.clear();
  for (auto& t : p.threads)
    for (auto& c : t.calls) {
      for (auto& a : c.args) {
        if (a.ref.empty()) continue;
        auto it = slot.find(a.ref);
        a.slot = it == slot.end() ? UINT32_MAX : it->second;  // checked: always found
      }
      if (c.out.empty()) continue;
      auto [it, fresh] = slot.try_emplace(c.out, static_cast<uint32_t>(p.result_names.size()));
      if (fresh) p.result_names.push_back(c.out);
      c.out_slot = it->second;
    }
}

// What a Program's boot depends on: its drivers and their variants, and the
// options the boot reads. Reused, so a warm loop allocates nothing for it.
// Reached through a call: inlined, each use of the thread-local was a TLS
// lookup of its own (two dozen per execution).
[[gnu::noinline]] std::string& boot_key_buffer() {
  static thread_local std::string key __attribute__((tls_model("initial-exec")));
  return key;
}
std::string& boot_key(const World& w, const Program& p) {
  std::string& key = boot_key_buffer();
  const WorldOptions& o = w.options();
  key.clear();
  for (bool b : {o.coverage, o.detect_races, o.preempt_at_access, o.witness, o.inject_faults,
                 o.spurious_wakeups, o.sim.clock_choices})
    key += b ? '1' : '0';
  // The numbers' bytes, not their digits: the key is only ever compared
  // whole (restore_boot), and the digits' conversion was most of its cost.
  const uint64_t nums[3] = {static_cast<uint64_t>(o.sim.max_steps),
                            static_cast<uint64_t>(o.sim.sched_latency_ns), o.hung_task_ns};
  key.append(reinterpret_cast<const char*>(nums), sizeof nums);
  key += '|';
  for (auto& d : p.drivers) {
    key += d.name;
    key += '=';
    key += d.variant;
    // driver.conf's properties change the boot: its text, length first so
    // that no text can pass for another driver's entry.
    key += '#';
    key += std::to_string(d.conf.size());
    key += ':';
    key += d.conf;
    for (const std::string& e : d.minor_perm) {
      key += '#';
      key += std::to_string(e.size());
      key += ':';
      key += e;
    }
    key += '|';
  }
  return key;
}

}  // namespace

void program_load(World& w, const Program& p) {
  if (!p.checked) {
    std::string err = program_check(p);
    if (!err.empty()) throw std::invalid_argument("program: " + err);
    number_results(p);
    p.checked = true;
  }
  if (!p.drivers.empty()) {
    // The boot, or the image of an earlier execution's (world.h, "boot
    // once"): the kernel is up before the Program's files, processes and
    // threads are made.
    std::string& key = boot_key(w, p);
    if (!w.options().boot_image || !w.restore_boot(key)) {
      for (auto& d : p.drivers)
        load_driver(w, d.name, d.variant, d.conf, d.conf_file, d.minor_perm);
      if (!boot_now(w)) return;  // it failed: the run reports why
      if (w.options().boot_image) w.save_boot(key);
    }
  }
  for (auto& f : p.files) vfs_create(w, f.path, f.size, f.readonly);
  // A run no World holds any more, its vectors' storage kept: a reset
  // World's set-up makes the same run in every execution.
  std::shared_ptr<ProgRun> keep = pooled_component<ProgRun>();
  ProgRun* run = keep.get();
  run->w = &w;
  run->p = &p;
  run->results.assign(p.result_names.size(), Result{});
  run->made.assign(p.result_names.size(), 0);
  run->threads.clear();
  run->threads.reserve(p.threads.size());
  if (run->check_bufs.size() < p.threads.size()) run->check_bufs.resize(p.threads.size());
  run->entries = 0;
  run->in_kernel = 0;
  for (auto& pr : p.procs) {
    Cred cr;
    cr.uid = pr.uid;
    cr.gid = pr.gid;
    proc_create(w, pr.name, pr.model, cr);
  }
  for (auto& t : p.threads) {
    RunThread& rt = run->threads.emplace_back(RunThread{run, &t, proc_find(w, t.proc)});
    rt.index = static_cast<uint32_t>(run->threads.size() - 1);
    Tid tid = w.spawn(w.sim().intern(t.name), thread_body, &rt);
    w.kt(tid).proc = rt.proc;
  }
  w.keep(std::move(keep));
}

int64_t program_syscall(World& w, Proc& p, Op op, const int64_t a[kMaxOpArgs], const std::string& path,
                        const std::string& data) {
  auto U = [&](int i) { return static_cast<uint64_t>(a[i]); };
  switch (op) {
    case Op::kOpen: return sys_open(w, path, static_cast<int>(a[0]));
    case Op::kClose: return sys_close(w, a[0]);
    case Op::kIoctl: return sys_ioctl(w, a[0], a[1], U(2));
    case Op::kRead: return sys_read(w, a[0], U(1), U(2));
    case Op::kWrite: return sys_write(w, a[0], U(1), U(2));
    case Op::kPread: return sys_pread(w, a[0], U(1), U(2), a[3]);
    case Op::kPwrite: return sys_pwrite(w, a[0], U(1), U(2), a[3]);
    case Op::kMmap: return sys_mmap(w, 0, U(0), static_cast<int>(a[1]));
    case Op::kMunmap: return sys_munmap(w, U(0), U(1));
    case Op::kMprotect: return sys_mprotect(w, U(0), U(1), static_cast<int>(a[2]));
    case Op::kKill: return sys_kill(w, path, static_cast<int>(a[0]));
    case Op::kPutmsg: return sys_putmsg(w, a[0], U(1), U(2), a[3]);
    case Op::kGetmsg: return sys_getmsg(w, a[0], U(1), U(2), U(3));
    case Op::kModunload: return sys_modunload(w, path);
    case Op::kPoll: return sys_poll(w, U(0), U(1), a[2]);
    case Op::kKqueue: return sys_kqueue(w);
    case Op::kKevent: return sys_kevent(w, a[0], U(1), a[2], U(3), a[4], a[5]);
    case Op::kMmapDev:
      return sys_mmap_dev(w, a[0], U(1), static_cast<int>(a[2]), static_cast<int>(a[3]), a[4]);
    case Op::kSysctl: return sys_sysctl(w, path, U(0), U(1), U(2), U(3));
    case Op::kPoke: {
      int e = user_write(w, p, U(0), data.data(), data.size());
      return e ? -e : 0;
    }
    case Op::kGettime:
      return static_cast<int64_t>(w.sim().now());
    case Op::kCheck: case Op::kPokeInt: case Op::kPeekInt: case Op::kExtension:
      break;  // the caller's: a Program compares, a generator peeks
  }
  return -ENOSYS;
}

}  // namespace ks::km
