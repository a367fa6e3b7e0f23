#include "python/core/scenario_threads.h"

#include <cerrno>

#include "kernel_model/devsw.h"
#include "kernel_model/proc.h"
#include "kernel_model/syscalls.h"
#include "kernel_model/user_mem.h"

namespace ks::bind {

namespace {

constexpr int kReqNextCall = 1;

int64_t execute(km::World& w, ScenarioThread& t) {
  const GenCall& c = t.call;
  t.result_is_bytes = false;
  if (c.op != km::Op::kCheck) return km::program_syscall(w, *t.proc, c.op, c.a, c.path, c.data);
  // A peek: the bytes go back to the generator, which checks them itself.
  t.bytes_result.assign(c.peek_len, '\0');
  int e = km::user_read(w, *t.proc, c.a[0], t.bytes_result.data(), c.peek_len);
  if (e) return -e;
  t.result_is_bytes = true;
  return 0;
}

void thread_body(void* arg) {
  auto* t = static_cast<ScenarioThread*>(arg);
  km::World& w = *km::World::current();
  w.self().proc = t->proc;
  for (;;) {
    // A killed process's thread makes no further call (syscalls.h).
    if (t->proc && t->proc->killed) {
      km::proc_thread_killed(w);
      return;
    }
    w.sim().host_request(kReqNextCall, t);
    if (t->finished) return;
    t->result = execute(w, *t);
  }
}

int64_t int_arg(const py::tuple& tup, size_t i, const std::string& what) {
  try {
    return tup[i].cast<int64_t>();
  } catch (const py::cast_error&) {
    throw py::value_error(what + ": argument " + std::to_string(i) + " must be an integer, got " +
                          std::string(py::str(tup[i])));
  }
}

GenCall parse_call(const std::string& thread, const py::object& y) {
  std::string where = "thread " + thread + " yielded " + std::string(py::repr(y));
  if (!py::isinstance<py::tuple>(y) || py::len(y) == 0 || !py::isinstance<py::str>(y[py::int_(0)]))
    throw py::value_error(where + ", which is not a system call (yield kernsim.sys.open(...), "
                          "kernsim.sys.ioctl(...), ...)");
  py::tuple tup = y.cast<py::tuple>();
  std::string op = tup[0].cast<std::string>();
  struct Shape {
    const char* name;
    km::Op op;
    size_t ints;  // integer arguments after the name
    int str_at;   // index of a string argument, or -1
  };
  static const Shape shapes[] = {
      {"open", km::Op::kOpen, 1, 1},     {"close", km::Op::kClose, 1, -1},
      {"ioctl", km::Op::kIoctl, 3, -1},  {"read", km::Op::kRead, 3, -1},
      {"write", km::Op::kWrite, 3, -1},  {"pread", km::Op::kPread, 4, -1},
      {"pwrite", km::Op::kPwrite, 4, -1}, {"mmap", km::Op::kMmap, 2, -1},
      {"munmap", km::Op::kMunmap, 2, -1}, {"mprotect", km::Op::kMprotect, 3, -1},
      {"kill", km::Op::kKill, 1, 1},     {"poke", km::Op::kPoke, 1, -1},
      {"peek", km::Op::kCheck, 2, -1},   {"gettime", km::Op::kGettime, 0, -1},
      {"putmsg", km::Op::kPutmsg, 4, -1}, {"getmsg", km::Op::kGetmsg, 4, -1},
      {"modunload", km::Op::kModunload, 0, 1},
      {"poll", km::Op::kPoll, 3, -1},
      {"kqueue", km::Op::kKqueue, 0, -1}, {"kevent", km::Op::kKevent, 6, -1},
      {"mmap_dev", km::Op::kMmapDev, 5, -1},
      {"sysctl", km::Op::kSysctl, 4, 1},
  };
  for (const Shape& s : shapes) {
    if (op != s.name) continue;
    GenCall c;
    c.op = s.op;
    size_t want = 1 + s.ints + (s.str_at >= 0 ? 1 : 0) + (s.op == km::Op::kPoke ? 1 : 0);
    if (tup.size() != want)
      throw py::value_error(where + ": " + op + " takes " + std::to_string(want - 1) +
                            " arguments");
    size_t k = 0;
    for (size_t i = 1; i < tup.size(); i++) {
      if (static_cast<int>(i) == s.str_at) {
        if (!py::isinstance<py::str>(tup[i]))
          throw py::value_error(where + ": argument " + std::to_string(i) + " must be a string");
        c.path = tup[i].cast<std::string>();
      } else if (s.op == km::Op::kPoke && i == 2) {
        if (!py::isinstance<py::bytes>(tup[i]))
          throw py::value_error(where + ": poke takes bytes");
        c.data = tup[i].cast<std::string>();
      } else {
        c.a[k++] = int_arg(tup, i, where);
      }
    }
    if (s.op == km::Op::kCheck) {
      c.peek = true;
      c.peek_len = static_cast<uint64_t>(c.a[1]);
    }
    return c;
  }
  throw py::value_error(where + ": unknown system call '" + op + "'");
}

}  // namespace

void spawn_scenario_thread(km::World& w, const std::string& name, py::object gen,
                           km::Proc* proc) {
  if (!py::hasattr(gen, "send"))
    throw py::type_error("thread " + name + ": body must be a generator (a function with yield, "
                         "called), got " + std::string(py::repr(gen)));
  km::boot_now(w);  // the kernel is up before a user thread exists, as for a Program
  auto& slot = w.component(km::World::kSlotScenario);
  if (!slot) slot = std::make_shared<ScenarioThreads>();
  auto& st = *static_cast<ScenarioThreads*>(slot.get());
  ScenarioThread& t = st.threads.emplace_back();
  t.gen = std::move(gen);
  t.name = name;
  t.proc = proc;
  w.spawn(w.sim().intern(name), thread_body, &t);
}

void serve_scenario_thread(km::World& w) {
  auto* t = static_cast<ScenarioThread*>(w.sim().host_request_data());
  py::object y;
  try {
    if (!t->started) {
      t->started = true;
      y = t->gen.attr("__next__")();
    } else if (t->result_is_bytes) {
      y = t->gen.attr("send")(py::bytes(t->bytes_result));
    } else {
      y = t->gen.attr("send")(t->result);
    }
  } catch (py::error_already_set& e) {
    if (e.matches(PyExc_StopIteration)) {
      t->finished = true;
      return;
    }
    py::object check_failed = py::module_::import("kernsim.errors").attr("CheckFailed");
    if (e.matches(PyExc_AssertionError) || e.matches(check_failed)) {
      // The scenario's own check of the driver's behaviour failed: a finding.
      std::string what = py::str(e.value());
      py::object tb = py::module_::import("traceback");
      py::list frames = tb.attr("extract_tb")(e.trace());
      // The message says where (file:line); the signature says which check
      // by its function, so editing the script does not change it.
      std::string at, fn;
      if (py::len(frames) > 0) {
        py::object f = frames[py::len(frames) - 1];
        std::string file = py::str(f.attr("filename"));
        auto slash = file.rfind('/');
        at = file.substr(slash == std::string::npos ? 0 : slash + 1) + ":" +
             std::string(py::str(f.attr("lineno")));
        fn = py::str(f.attr("name"));
      }
      w.set_failure(sim::FailureKind::kScenario,
                    "scenario check failed in thread " + t->name + " at " + at +
                        (what.empty() ? std::string() : ": " + what),
                    "scenario:" + t->name + ":" + fn);
      t->finished = true;
      return;
    }
    throw;
  }
  t->call = parse_call(t->name, y);
}

}  // namespace ks::bind
