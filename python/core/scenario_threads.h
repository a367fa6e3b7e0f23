// Python scenario threads: a simulated user thread whose body is a Python
// generator. Python never runs on a fiber stack: the thread's fiber asks the
// host for its next system call (Sim::host_request), the host advances the
// generator with the previous result, and the fiber runs the call inside the
// simulated kernel.
#pragma once

#include <pybind11/pybind11.h>

#include <deque>
#include <string>

#include "kernel_model/program.h"
#include "kernel_model/world.h"

namespace ks::bind {

namespace py = pybind11;

// One system call as a generator yields it: kernsim.sys builds these tuples.
struct GenCall {
  km::Op op = km::Op::kClose;
  int64_t a[km::kMaxOpArgs] = {0, 0, 0, 0, 0, 0};
  std::string path;  // open: device path; kill: thread name
  std::string data;  // poke bytes
  uint64_t peek_len = 0;
  bool peek = false;
};

struct ScenarioThread {
  py::object gen;
  std::string name;
  km::Proc* proc = nullptr;
  bool started = false;
  bool finished = false;
  GenCall call;
  int64_t result = 0;
  std::string bytes_result;  // peek
  bool result_is_bytes = false;
};

// Per-World storage of the scenario's threads (World component slot).
struct ScenarioThreads {
  std::deque<ScenarioThread> threads;
};

// Spawns a generator-bodied thread in w.
void spawn_scenario_thread(km::World& w, const std::string& name, py::object gen,
                           km::Proc* proc);
// Serves the pending host request of w: advances that thread's generator.
// A generator's AssertionError (or kernsim.CheckFailed) becomes a kScenario
// failure of the World; any other exception propagates: a broken scenario.
void serve_scenario_thread(km::World& w);

}  // namespace ks::bind
