// kernsim._core.FuzzExecutor: the fuzzer's executor (fuzz_exec.h) seen from
// Python. The Python side (python/kernsim/fuzz) generates and mutates
// Programs; a batch runs one Program under several schedule seeds here, so
// the per-execution cost stays in C++.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <stdexcept>

#include "runner/fuzz_exec.h"
#include "runner/fuzz_verdict.h"
#include "python/core/py_convert.h"
#include "runner/program_proto.h"

namespace py = pybind11;
using namespace ks;

namespace {

core::StrategySpec spec_from(const py::dict& d) {
  core::StrategySpec s;
  if (d.contains("name")) s.name = d["name"].cast<std::string>();
  if (d.contains("seed")) s.seed = d["seed"].cast<uint64_t>();
  if (d.contains("pct_depth")) s.pct_depth = d["pct_depth"].cast<uint32_t>();
  if (d.contains("pct_steps")) s.pct_steps = d["pct_steps"].cast<uint64_t>();
  if (s.name != "pct" && s.name != "random" && s.name != "round_robin")
    throw std::invalid_argument("fuzz: schedule strategy must be pct, random or round_robin, not '" +
                                s.name + "'");
  return s;
}



py::dict run_dict(const core::FuzzRun& r, uint64_t seed) {
  py::dict d;
  d["seed"] = seed;
  d["execution"] = r.rec.execution;
  d["kind"] = r.rec.failure ? sim::failure_kind_name(r.rec.failure.kind) : "pass";
  d["signature"] = core::text(r.rec.failure.signature);
  d["message"] = core::text(r.rec.failure.message);
  d["step"] = r.rec.failure.step;
  d["thread"] = r.rec.failure.thread;
  d["hash"] = core::hash_hex(r.rec.hash);
  d["steps"] = r.rec.steps;
  d["preemptions"] = r.rec.preemptions;
  py::list dec;
  for (const auto& x : r.rec.decisions) dec.append(py::make_tuple(int(x.kind), x.value));
  d["decisions"] = dec;
  d["console"] = core::text_lines(r.rec.console);
  d["new_edges"] = r.new_edges;
  d["new_pairs"] = r.new_pairs;
  return d;
}

}  // namespace

void ks_register_fuzz(py::module_& m) {
  py::class_<core::FuzzExecutor>(m, "FuzzExecutor",
                                 "Runs Programs with coverage; keeps the campaign's coverage.")
      .def(py::init<>())
      .def(
          "run",
          [](core::FuzzExecutor& x, const py::bytes& prog, py::dict strategy, uint64_t execution,
             py::dict world) {
            km::Program p = core::program_from_bytes(prog);
            core::StrategySpec s = spec_from(strategy);
            return run_dict(x.run(p, s, core::world_options(world), execution), s.seed);
          },
          py::arg("program"), py::arg("strategy"), py::arg("execution") = 0,
          py::arg("world") = py::dict(), "One execution; its record and the coverage it added.")
      .def(
          "run_batch",
          [](core::FuzzExecutor& x, const py::bytes& prog, py::dict strategy,
             const std::vector<uint64_t>& seeds, py::dict world) {
            km::Program p = core::program_from_bytes(prog);
            core::StrategySpec s = spec_from(strategy);
            km::WorldOptions o = core::world_options(world);
            py::dict out;
            py::list failures;
            uint64_t edges = 0, pairs = 0;
            py::object best = py::none();
            for (uint64_t seed : seeds) {
              s.seed = seed;
              core::FuzzRun r = x.run(p, s, o, 0);
              edges += r.new_edges;
              pairs += r.new_pairs;
              if ((r.new_edges || r.new_pairs) && best.is_none()) best = py::int_(seed);
              if (r.rec.failure) failures.append(run_dict(r, seed));
            }
            out["new_edges"] = edges;
            out["new_pairs"] = pairs;
            out["interesting_seed"] = best;
            out["failures"] = failures;
            return out;
          },
          py::arg("program"), py::arg("strategy"), py::arg("seeds"), py::arg("world") = py::dict(),
          "Runs a Program once per schedule seed (execution index 0 each); failures are listed.")
      .def(
          "coverage",
          [](const core::FuzzExecutor& x) {
            const auto& s = x.seen();
            return py::make_tuple(py::bytes(reinterpret_cast<const char*>(s.data()), s.size()),
                                  x.pair_keys());
          },
          "(edge map bytes, sorted pair keys): merged across --jobs workers by the parent")
      .def_property_readonly("edges", &core::FuzzExecutor::edges)
      .def_property_readonly("pairs", &core::FuzzExecutor::pairs)
      .def_property_readonly("executions", &core::FuzzExecutor::executions);
  m.def(
      "fuzz_verdict",
      [](const std::string& kind, const std::string& signature) {
        return std::string(core::fuzz_verdict_name(core::fuzz_verdict(kind, signature)));
      },
      py::arg("kind"), py::arg("signature"),
      "What an outcome says about the driver: 'pass', 'invalid' (a result used before it "
      "existed), 'ignored' (not the driver's bug) or 'finding'; shared with the libFuzzer "
      "entry points (fuzz/).");
  m.def(
      "fuzz_check_program", [](const py::bytes& b) { core::program_from_bytes(b); },
      "Raises ValueError naming the field or call if a serialized Program is malformed or names "
      "a result no earlier call produced.");
}
