// kernsim._core's fuzzing: the campaign loop (fuzz/campaign.h), its
// generator and mutator (fuzz/mutate.h), the description checks
// (fuzz/desc.h) and the finding writer (fuzz/finding.h), all in C++; and
// FuzzExecutor, which runs one Program under several schedule seeds (the
// hand-written Programs of the oracle tests). python/kernsim/fuzz_*.py keep
// the clock, the corpus directory and the command line.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <stdexcept>

#include "fuzz/campaign.h"
#include "fuzz/desc.h"
#include "fuzz/finding.h"
#include "fuzz/mutate.h"

#include "runner/fuzz_exec.h"
#include "runner/fuzz_verdict.h"
#include "runner/run_spec.h"
#include "python/core/py_convert.h"
#include "runner/program_proto.h"
#include "runner/run_spec.h"

namespace py = pybind11;
using namespace ks;

namespace {

// A serialized WorldSpec (empty: the defaults).
km::WorldOptions world_from(const py::bytes& b) {
  kernsim::WorldSpec w;
  if (!w.ParseFromString(std::string(b)))
    throw std::invalid_argument("fuzz: not a serialized kernsim.WorldSpec");
  return runner::world_options(w);
}

// A serialized StrategySpec of a fuzz schedule.
runner::StrategySpec spec_from(const py::bytes& b) {
  kernsim::StrategySpec pb;
  if (!pb.ParseFromString(std::string(b)))
    throw std::invalid_argument("fuzz: not a serialized kernsim.StrategySpec");
  runner::StrategySpec s = runner::strategy_spec(pb);
  if (s.name != "pct" && s.name != "random" && s.name != "round_robin")
    throw std::invalid_argument("fuzz: schedule strategy must be pct, random or round_robin, not '" +
                                s.name + "'");
  return s;
}



py::dict run_dict(const runner::FuzzRun& r, uint64_t seed) {
  py::dict d;
  d["seed"] = seed;
  d["execution"] = r.rec.execution;
  d["kind"] = r.rec.failure ? sim::failure_kind_name(r.rec.failure.kind) : "pass";
  d["signature"] = bind::text(r.rec.failure.signature);
  d["message"] = bind::text(r.rec.failure.message);
  d["step"] = r.rec.failure.step;
  d["thread"] = r.rec.failure.thread;
  d["hash"] = runner::hash_hex(r.rec.hash);
  d["steps"] = r.rec.steps;
  d["preemptions"] = r.rec.preemptions;
  py::list dec;
  for (const auto& x : r.rec.decisions) dec.append(py::make_tuple(int(x.kind), x.value));
  d["decisions"] = dec;
  d["console"] = bind::text_lines(r.rec.console);
  d["new_edges"] = r.new_edges;
  d["new_pairs"] = r.new_pairs;
  return d;
}

kernsim::DriverDescription checked_description(const py::bytes& b) {
  kernsim::DriverDescription d;
  if (!d.ParseFromString(std::string(b)))
    throw std::invalid_argument("fuzz: not a serialized kernsim.DriverDescription");
  fuzz::check_description(d, "description");
  return d;
}

kernsim::WorldSpec world_spec(const py::bytes& b) {
  kernsim::WorldSpec w;
  if (!w.ParseFromString(std::string(b)))
    throw std::invalid_argument("fuzz: not a serialized kernsim.WorldSpec");
  return w;
}

py::bytes bytes_of(const std::string& s) { return py::bytes(s.data(), s.size()); }

py::dict slice_dict(const fuzz::Slice& s) {
  py::list kept, found;
  for (const auto& k : s.kept) kept.append(bytes_of(k));
  for (const auto& f : s.found) {
    py::dict d;
    d["input"] = bytes_of(f.input);
    d["kind"] = f.kind;
    d["signature"] = bind::text(f.signature);
    d["message"] = bind::text(f.message);
    d["executions"] = f.executions;
    found.append(d);
  }
  py::dict out;
  out["kept"] = kept;
  out["found"] = found;
  return out;
}

// A campaign and what its findings are written with (a separate executor:
// minimizing does not count as the campaign's executions or coverage).
struct PyCampaign {
  PyCampaign(const py::bytes& desc, const std::string& variant, uint64_t seed,
             const py::bytes& world, uint32_t batch)
      : world(world_spec(world)),
        c(checked_description(desc), variant, seed, runner::world_options(this->world), batch) {}
  kernsim::WorldSpec world;
  fuzz::Campaign c;
  std::unique_ptr<runner::FuzzExecutor> report_ex;
};

// The generator and mutator alone, for tests and benchmarks.
struct PyGenerator {
  PyGenerator(const py::bytes& desc, const std::string& variant, uint64_t seed)
      : d(checked_description(desc)), dec(d, variant), mut(dec), rng(seed) {}
  kernsim::DriverDescription d;
  fuzz::Decoder dec;
  fuzz::Mutator mut;
  fuzz::Rng rng;
};

py::tuple decoded(const fuzz::Decoder& dec, const py::bytes& input) {
  std::string in(input);
  fuzz::Decoded d = dec.decode(reinterpret_cast<const uint8_t*>(in.data()), in.size());
  py::dict sched;
  sched["name"] = d.schedule.name;
  sched["seed"] = d.schedule.seed;
  sched["pct_depth"] = d.schedule.pct_depth;
  return py::make_tuple(bytes_of(d.program().SerializeAsString()), sched, d.records.size());
}

}  // namespace

void ks_register_fuzz(py::module_& m) {
  m.def(
      "fuzz_parse_description",
      [](const std::string& text, const std::string& path) {
        return bytes_of(fuzz::parse_description(text, path).SerializeAsString());
      },
      py::arg("text"), py::arg("path"),
      "Parses and checks a DriverDescription in text format; returns it serialized. Raises "
      "ValueError '<path>: <field>: <why>'.");
  m.def(
      "fuzz_layout",
      [](const py::bytes& desc_bytes, const std::string& ioctl) {
        kernsim::DriverDescription d;
        if (!d.ParseFromString(std::string(desc_bytes)))
          throw std::invalid_argument("not a serialized kernsim.DriverDescription");
        for (const kernsim::FuzzIoctl& io : d.ioctl()) {
          if (io.name() != ioctl) continue;
          fuzz::Layout l = fuzz::field_layout(io);
          py::list fields;
          for (auto& [f, off] : l.fields)
            fields.append(py::make_tuple(f->name(), f->type(), off, f->size(), f->min() < 0));
          return py::make_tuple(l.size, fields);
        }
        throw std::invalid_argument("no ioctl named '" + ioctl + "' in the description of " +
                                    d.driver());
      },
      py::arg("description"), py::arg("ioctl"),
      "(size, [(name, type, offset, size, signed)]) of an ioctl's argument struct as the "
      "fuzzer lays it out (natural alignment, LP64).");
  py::class_<PyGenerator>(m, "FuzzGenerator",
                          "kernsim fuzz's generator and mutator (fuzz/mutate.h) on decoder inputs.")
      .def(py::init<const py::bytes&, const std::string&, uint64_t>(), py::arg("description"),
           py::arg("variant") = "none", py::arg("seed") = 0)
      .def("generate", [](PyGenerator& g) { return bytes_of(g.mut.generate(g.rng)); })
      .def(
          "mutate",
          [](PyGenerator& g, const py::bytes& in, const py::bytes& other) {
            return bytes_of(g.mut.mutate(std::string(in), std::string(other), g.rng));
          },
          py::arg("input"), py::arg("other") = py::bytes())
      .def(
          "decode", [](PyGenerator& g, const py::bytes& in) { return decoded(g.dec, in); },
          py::arg("input"), "(serialized Program, schedule dict, records) of an input");
  py::class_<PyCampaign>(m, "FuzzCampaign",
                         "kernsim fuzz's loop (fuzz/campaign.h): mutate, run a batch, keep, find.")
      .def(py::init<const py::bytes&, const std::string&, uint64_t, const py::bytes&, uint32_t>(),
           py::arg("description"), py::arg("variant") = "none", py::arg("seed") = 0,
           py::arg("world") = py::bytes(), py::arg("batch") = fuzz::Campaign::kBatch,
           "world: a serialized WorldSpec (api.world_spec), recorded in every repro")
      .def(
          "run", [](PyCampaign& p, uint64_t n) { return slice_dict(p.c.run(n)); },
          py::arg("executions"),
          "Steps until `executions` more ran or a new finding: {kept: [input], found: [dict]}")
      .def(
          "adopt", [](PyCampaign& p, const py::bytes& in) { return slice_dict(p.c.adopt(in)); },
          py::arg("input"), "Runs a corpus input once (its coverage) and makes it a parent.")
      .def(
          "decode", [](PyCampaign& p, const py::bytes& in) { return decoded(p.c.decoder(), in); },
          py::arg("input"))
      .def(
          "write_finding",
          [](PyCampaign& p, const py::bytes& in, const std::string& kind, const std::string& sig,
             const std::string& dir, const std::string& name) {
            if (!p.report_ex) p.report_ex = std::make_unique<runner::FuzzExecutor>();
            fuzz::Written w =
                fuzz::write_finding(p.c.decoder(), *p.report_ex, in, kind, sig, p.world, dir, name);
            py::dict d;
            d["path"] = w.path;
            d["input"] = bytes_of(w.input);
            d["calls"] = w.calls;
            d["replayed"] = w.replayed;
            d["kind"] = w.rec.failure ? sim::failure_kind_name(w.rec.failure.kind) : "pass";
            d["signature"] = bind::text(w.rec.failure.signature);
            return d;
          },
          py::arg("input"), py::arg("kind"), py::arg("signature"), py::arg("dir"),
          py::arg("name") = "",
          "Minimizes a finding's input, records and replays it, writes <dir>/<name>.repro.txtpb "
          "and .input; {path, input, calls, replayed, kind, signature}")
      .def(
          "coverage",
          [](PyCampaign& p) {
            const auto& s = p.c.executor().seen();
            return py::make_tuple(py::bytes(reinterpret_cast<const char*>(s.data()), s.size()),
                                  p.c.executor().pair_keys());
          },
          "(edge map bytes, sorted pair keys): merged across --jobs workers by the parent")
      .def_property_readonly("executions", [](PyCampaign& p) { return p.c.executions(); })
      .def_property_readonly("invalid", [](PyCampaign& p) { return p.c.invalid(); })
      .def_property_readonly("corpus", [](PyCampaign& p) { return p.c.corpus_size(); })
      .def_property_readonly("edges", [](PyCampaign& p) { return p.c.executor().edges(); })
      .def_property_readonly("pairs", [](PyCampaign& p) { return p.c.executor().pairs(); });
  py::class_<runner::FuzzExecutor>(m, "FuzzExecutor",
                                 "Runs Programs with coverage; keeps the campaign's coverage.")
      .def(py::init<>())
      .def(
          "run",
          [](runner::FuzzExecutor& x, const py::bytes& prog, const py::bytes& strategy,
             uint64_t execution, const py::bytes& world) {
            km::Program p = bind::program_from_bytes(prog);
            runner::StrategySpec s = spec_from(strategy);
            return run_dict(x.run(p, s, world_from(world), execution), s.seed);
          },
          py::arg("program"), py::arg("strategy"), py::arg("execution") = 0,
          py::arg("world") = py::bytes(),
          "One execution (strategy, world: serialized StrategySpec, WorldSpec); its record and "
          "the coverage it added.")
      .def(
          "run_batch",
          [](runner::FuzzExecutor& x, const py::bytes& prog, const py::bytes& strategy,
             const std::vector<uint64_t>& seeds, const py::bytes& world) {
            km::Program p = bind::program_from_bytes(prog);
            runner::StrategySpec s = spec_from(strategy);
            km::WorldOptions o = world_from(world);
            py::dict out;
            py::list failures;
            uint64_t edges = 0, pairs = 0;
            py::object best = py::none();
            for (uint64_t seed : seeds) {
              s.seed = seed;
              const runner::FuzzRun& r = x.run(p, s, o, 0);
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
          py::arg("program"), py::arg("strategy"), py::arg("seeds"), py::arg("world") = py::bytes(),
          "Runs a Program once per schedule seed (execution index 0 each); failures are listed.")
      .def(
          "coverage",
          [](const runner::FuzzExecutor& x) {
            const auto& s = x.seen();
            return py::make_tuple(py::bytes(reinterpret_cast<const char*>(s.data()), s.size()),
                                  x.pair_keys());
          },
          "(edge map bytes, sorted pair keys): merged across --jobs workers by the parent")
      .def_property_readonly("edges", &runner::FuzzExecutor::edges)
      .def_property_readonly("pairs", &runner::FuzzExecutor::pairs)
      .def_property_readonly("executions", &runner::FuzzExecutor::executions);
  m.def(
      "fuzz_verdict",
      [](const std::string& kind, const std::string& signature) {
        return std::string(runner::fuzz_verdict_name(runner::fuzz_verdict(kind, signature)));
      },
      py::arg("kind"), py::arg("signature"),
      "What an outcome says about the driver: 'pass', 'invalid' (a result used before it "
      "existed), 'ignored' (not the driver's bug) or 'finding'; shared with the libFuzzer "
      "entry points (fuzz/).");
  m.def(
      "fuzz_check_program", [](const py::bytes& b) { bind::program_from_bytes(b); },
      "Raises ValueError naming the field or call if a serialized Program is malformed or names "
      "a result no earlier call produced.");
}
