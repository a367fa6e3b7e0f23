// kernsim._core: the C++ simulator as seen from Python. The Python package
// (python/kernsim) builds the user-facing API on these few calls.
#include <dlfcn.h>
#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <stdexcept>

#include "kernel_model/drivers.h"
#include "kernel_model/proc.h"
#include "kernel_model/syscalls.h"
#include "kernel_model/user_mem.h"
#include "kernel_model/vfs.h"
#include "runner/dfs_split.h"
#include "runner/explore.h"
#include "runner/program_proto.h"
#include "python/core/py_convert.h"
#include "python/core/scenario_threads.h"
#include "runner/repro_build.h"
#include "runner/run_spec.h"
#include "runner/search.h"
#include "sim/fault_guard.h"

namespace py = pybind11;
using namespace ks;

void ks_register_fuzz(py::module_& m);  // fuzz_module.cc

namespace {

// A run's record; with the RunSpec it ran under, its repro too (bytes of a
// kernsim.Repro, written by runner/repro_build.cc).
py::dict record_to_dict(const runner::RunRecord& r, const kernsim::RunSpec* spec = nullptr) {
  py::dict d;
  if (spec) d["repro"] = py::bytes(runner::make_repro(*spec, r).SerializeAsString());
  d["execution"] = r.execution;
  d["kind"] = r.failure ? sim::failure_kind_name(r.failure.kind) : "pass";
  d["signature"] = bind::text(r.failure.signature);
  d["message"] = bind::text(r.failure.message);
  d["step"] = r.failure.step;
  d["thread"] = r.failure.thread;
  d["hash"] = runner::hash_hex(r.hash);
  d["steps"] = r.steps;
  d["preemptions"] = r.preemptions;
  py::list dec;
  for (const auto& x : r.decisions) dec.append(py::make_tuple(int(x.kind), x.value));
  d["decisions"] = dec;
  d["console"] = bind::text_lines(r.console);
  return d;
}

py::dict campaign_to_dict(const runner::CampaignResult& c, const kernsim::RunSpec& spec) {
  py::dict d;
  d["runs"] = c.runs;
  d["distinct"] = c.distinct;
  d["max_steps"] = c.max_steps;
  d["seconds"] = c.seconds;
  d["failure"] = c.failure ? py::object(record_to_dict(*c.failure, &spec)) : py::none();
  py::list fl;
  for (const runner::RunRecord& r : c.failures) fl.append(record_to_dict(r, &spec));
  d["failures"] = fl;
  d["failed_runs"] = c.failed_runs;
  d["timed_out"] = c.timed_out;
  d["boot_images"] = c.boot_images;
  return d;
}

// The simplest failure of every signature, each with the bound it was found at.
py::list bound_failures(const runner::SearchResult& r, const kernsim::RunSpec& spec) {
  py::list fl;
  for (const runner::BoundFailure& f : r.distinct_failures) {
    py::dict x = record_to_dict(f.run, &spec);
    x["bound"] = f.bound;
    fl.append(x);
  }
  return fl;
}

// The World as a scenario's set-up function sees it (valid during set-up).
struct SetupWorld {
  km::World* w;
  void check() const {
    if (!w) throw std::logic_error("this World is no longer being set up");
  }
};

runner::SetupFn python_setup(py::object fn) {
  return [fn](km::World& w) {
    SetupWorld sw{&w};
    py::object h = py::cast(&sw, py::return_value_policy::reference);
    fn(h);
    sw.w = nullptr;
  };
}

py::dict module_dict(const km::Module& mod) {
  py::dict x;
  x["name"] = mod.name();
  x["personality"] = mod.desc()->personality;
  x["variants"] = mod.variants();
  x["path"] = mod.path();
  x["hash"] = mod.hash_hex();
  x["data_bytes"] = mod.data_bytes();
  x["coverage"] = mod.coverage_instrumented();
  x["race"] = mod.race_instrumented();
  return x;
}

runner::SetupFn program_setup(std::shared_ptr<km::Program> prog) {
  return [prog](km::World& w) { km::program_load(w, *prog); };
}

std::shared_ptr<km::Program> parse_program(const py::bytes& b) {
  return std::make_shared<km::Program>(bind::program_from_bytes(b));
}

// `setup`: a Python function(SetupWorld), or None for the Program `prog`.
runner::SetupFn setup_of(const py::object& setup, const kernsim::Program& prog) {
  if (!setup.is_none()) return python_setup(setup);
  return program_setup(std::make_shared<km::Program>(runner::program_from_proto(prog)));
}

kernsim::RunSpec spec_of(const py::bytes& b) { return runner::run_spec_from_bytes(b); }

py::dict trace_record(const runner::RunRecord& r) {
  py::list events;
  for (const runner::NamedEvent& n : r.trace) {
    py::dict ev;
    ev["step"] = n.e.step;
    ev["thread"] = n.e.tid;
    ev["thread_name"] = n.thread;
    ev["kind"] = n.kind;
    ev["object"] = n.object;
    ev["a0"] = n.e.a0;
    ev["a1"] = n.e.a1;
    ev["result"] = n.e.result;
    ev["vtime"] = n.e.vtime;
    ev["note"] = n.e.note;
    // The call site, module-relative (a load address means nothing to the
    // next process): show symbolizes it against the module's file.
    Dl_info di{};
    if (n.e.site && dladdr(reinterpret_cast<void*>(n.e.site - 1), &di) && di.dli_fname) {
      ev["site_module"] = std::string(di.dli_fname);
      ev["site_offset"] = n.e.site - 1 - reinterpret_cast<uintptr_t>(di.dli_fbase);
    }
    events.append(ev);
  }
  py::dict d = record_to_dict(r);
  d["trace"] = events;
  return d;
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "kernsim's deterministic kernel simulator (C++ core)";
  ks_register_fuzz(m);

  py::class_<SetupWorld>(m, "SetupWorld")
      .def(
          "load_driver",
          [](SetupWorld& s, const std::string& name, const std::string& variant,
             const std::string& conf, const std::string& conf_file,
             const std::vector<std::string>& minor_perm) {
            s.check();
            km::load_driver(*s.w, name, variant, conf, conf_file, minor_perm);
          },
          py::arg("name"), py::arg("variant"), py::arg("conf") = "", py::arg("conf_file") = "",
          py::arg("minor_perm") = std::vector<std::string>{})
      .def("minor_perm",
           [](SetupWorld& s, const std::string& name, const std::vector<std::string>& entries) {
             s.check();
             km::set_minor_perm(*s.w, km::driver_module(name, "none").desc(), entries);
           })
      .def("proc",
           [](SetupWorld& s, const std::string& name, const std::string& model, uint32_t uid,
              std::optional<uint32_t> gid) {
             s.check();
             if (km::proc_find(*s.w, name))
               throw std::invalid_argument("process '" + name + "' exists already");
             if (model != "lp64" && model != "ilp32")
               throw std::invalid_argument("process '" + name + "': model must be lp64 or ilp32");
             km::Cred cr;
             cr.uid = uid;
             cr.gid = gid ? *gid : uid;  // as a Program's process (kernsim.proto ProgProc)
             km::proc_create(*s.w, name,
                             model == "ilp32" ? km::DataModel::kILP32 : km::DataModel::kLP64, cr);
           })
      .def("has_proc",
           [](SetupWorld& s, const std::string& name) {
             s.check();
             return km::proc_find(*s.w, name) != nullptr;
           })
      .def("file",
           [](SetupWorld& s, const std::string& path, uint64_t size, const py::bytes& data,
              bool readonly) {
             s.check();
             if (path.empty() || path[0] != '/')
               throw std::invalid_argument("file '" + path + "': the path must be absolute");
             km::BackingFile& f = km::vfs_create(*s.w, path, size, readonly);
             std::string d = data;
             if (d.size() > f.data.size()) f.data.resize(d.size());
             std::copy(d.begin(), d.end(), f.data.begin());
           })
      .def("file_bytes",
           [](SetupWorld& s, const std::string& path) {
             s.check();
             km::BackingFile* f = km::vfs_lookup(*s.w, path);
             if (!f) throw std::invalid_argument("no file " + path);
             return py::bytes(reinterpret_cast<const char*>(f->data.data()), f->data.size());
           })
      .def("map",
           [](SetupWorld& s, const std::string& proc, uint64_t length, int prot,
              const py::bytes& data) {
             s.check();
             km::Proc* p = km::proc_find(*s.w, proc);
             if (!p) throw std::invalid_argument("map: no process '" + proc + "'");
             std::string d = data;
             int err = 0;
             uint64_t a = km::as_map(*s.w, *p, 0, std::max<uint64_t>(length, d.size()),
                                     prot, &err);
             if (!a) throw std::invalid_argument("map: cannot map " + std::to_string(length) +
                                                 " bytes in process " + proc + ": " +
                                                 km::errno_name(err));
             if (!d.empty()) {
               auto& pg = p->as.pages;
               for (size_t off = 0; off < d.size(); off += km::kUserPage) {
                 size_t n = std::min<size_t>(km::kUserPage, d.size() - off);
                 pg.find(a + off)->store(0, d.data() + off, n);
               }
             }
             return a;
           })
      .def("spawn",
           [](SetupWorld& s, const std::string& name, py::object gen, const std::string& proc) {
             s.check();
             km::Proc* p = km::proc_find(*s.w, proc);
             if (!p) throw std::invalid_argument("thread " + name + ": no process '" + proc + "'");
             bind::spawn_scenario_thread(*s.w, name, std::move(gen), p);
           });

  m.def(
      "explore",
      [](py::object setup, const py::bytes& spec_bytes, py::object progress,
         uint64_t progress_every) {
        kernsim::RunSpec spec = spec_of(spec_bytes);
        runner::CampaignOptions o = runner::campaign_options(spec);
        o.progress_every = progress_every;
        if (!progress.is_none())
          o.progress = [progress](uint64_t r, uint64_t d) { progress(r, d); };
        runner::SetupFn sf = setup_of(setup, spec.program());
        return campaign_to_dict(runner::run_campaign(o, sf, bind::serve_scenario_thread), spec);
      },
      py::arg("setup"), py::arg("spec"), py::arg("progress") = py::none(),
      py::arg("progress_every") = 10000,
      "Runs the campaign a serialized RunSpec describes; `setup` is a Python "
      "function(SetupWorld), or None to run the spec's Program. A failure comes with its "
      "repro (bytes of a kernsim.Repro).");

  m.def(
      "search",
      [](py::object setup, const py::bytes& spec_bytes, py::object progress,
         uint64_t progress_every, py::object resume, py::object yield_word, int64_t yield_call) {
        kernsim::RunSpec spec = spec_of(spec_bytes);
        runner::SearchOptions o = runner::search_options(spec);
        if (!yield_word.is_none()) {
          // The buffer (forked.py's shared mapping) outlives the search: the
          // worker holds it for its life.
          py::buffer_info w = yield_word.cast<py::buffer>().request(true);
          if (w.size * w.itemsize < 8 || reinterpret_cast<uintptr_t>(w.ptr) % 8 != 0)
            throw std::invalid_argument(
                "search: yield_word is a writable, aligned buffer of 8 bytes");
          o.yield_word = static_cast<int64_t*>(w.ptr);
          o.yield_call = yield_call;
        }
        o.progress_every = progress_every;
        if (!progress.is_none())
          o.progress = [progress](uint64_t e, uint64_t d, uint32_t b, uint64_t f) {
            progress(e, d, b, f);
          };
        if (!resume.is_none()) {
          kernsim::DfsCheckpoint c;
          if (!c.ParseFromString(resume.cast<std::string>()))
            throw std::invalid_argument("search: resume is not a serialized DfsCheckpoint");
          o.resume = runner::dfs_state_from(c);
        }
        runner::SetupFn sf = setup_of(setup, spec.program());
        runner::SearchResult r = runner::run_search(o, sf, bind::serve_scenario_thread);
        py::dict d;
        d["executions"] = r.executions;
        d["distinct"] = r.distinct;
        d["redundant"] = r.redundant;
        d["failures"] = r.failures;
        d["exhausted"] = r.exhausted;
        d["bound"] = r.bound;
        d["per_bound"] = r.per_bound;
        d["seconds"] = r.seconds;
        d["interrupted"] = r.interrupted;
        d["failure"] = r.failure ? py::object(record_to_dict(*r.failure, &spec)) : py::none();
        // A split's part is not resumable: its state (thousands of queued
        // roots) would only cost time; the split keeps its own checkpoint.
        d["distinct_failures"] = bound_failures(r, spec);
        if (spec.has_split()) {
          d["checkpoint"] = py::none();
          d["split"] = py::bytes(runner::split_report(r).SerializeAsString());
        } else {
          d["checkpoint"] =
              py::bytes(runner::make_checkpoint(spec, r.state, r.failures).SerializeAsString());
        }
        return d;
      },
      py::arg("setup"), py::arg("spec"), py::arg("progress") = py::none(),
      py::arg("progress_every") = 10000, py::arg("resume") = py::none(),
      py::arg("yield_word") = py::none(), py::arg("yield_call") = 1,
      "Bounded exhaustive search (DFS, optionally DPOR) as a serialized RunSpec (strategy "
      "dfs) describes it; resumable from a serialized DfsCheckpoint (\"checkpoint\"). A "
      "RunSpec with `split` is a part of a split search: no checkpoint, its SplitReport "
      "(\"split\", bytes) and distinct failures instead; `yield_word` (an 8-byte shared "
      "buffer) asks it to stop and hand its work on once it holds `yield_call`.");

  m.def(
      "run_one",
      [](py::object setup, const py::bytes& spec_bytes, uint64_t execution) {
        kernsim::RunSpec spec = spec_of(spec_bytes);
        sim::install_fault_handlers();
        sim::StackPool& pool = runner::stack_pool();
        auto st = runner::make_strategy(runner::strategy_spec(spec.strategy()));
        runner::RunRecord r = runner::run_once(pool, *st, runner::world_options(spec.world()),
                                           execution, setup_of(setup, spec.program()),
                                           bind::serve_scenario_thread, true);
        return trace_record(r);
      },
      py::arg("setup"), py::arg("spec"), py::arg("execution") = 0,
      "Runs one execution of a serialized RunSpec with its trace recorded.");

  m.def(
      "replay",
      [](py::object setup, const py::bytes& repro_bytes) {
        kernsim::Repro rp;
        if (!rp.ParseFromString(std::string(repro_bytes)))
          throw std::invalid_argument("replay: not a serialized kernsim.Repro");
        runner::StrategySpec s;
        s.name = "replay";
        s.decisions = runner::decisions_from_proto(rp.schedule());
        auto st = runner::make_strategy(s);
        // The hang limit is the repro's (none recorded: the default the
        // recording ran under), never this process's: a thread that ran
        // longer than one limit and less than another with no scheduling
        // point is a hang under one and not the other.
        km::WorldOptions wo = runner::world_options(rp.world());
        sim::install_fault_handlers();
        sim::StackPool& pool = runner::stack_pool();
        runner::RunRecord r = runner::run_once(pool, *st, wo, rp.execution(),
                                           setup_of(setup, rp.program()),
                                           bind::serve_scenario_thread, true);
        return trace_record(r);
      },
      py::arg("setup"), py::arg("repro"),
      "Replays a serialized Repro once, trace recorded (`setup`: the Python scenario's "
      "function, None for its Program), under the repro's own hang limit.");

  m.def(
      "checkpoint_header",
      [](const py::bytes& spec_bytes) {
        return py::bytes(
            runner::make_checkpoint(spec_of(spec_bytes), sim::DfsState{}, 0).SerializeAsString());
      },
      py::arg("spec"),
      "A DfsCheckpoint saying what a search (a serialized RunSpec) searches, with no state: "
      "a split search adds its frontier.");

  m.def(
      "count_distinct",
      [](const std::vector<std::string>& blobs) {
        std::vector<uint64_t> all;
        for (const std::string& b : blobs)
          for (size_t at = 0; at + 8 <= b.size(); at += 8) {
            uint64_t v = 0;
            for (int k = 0; k < 8; k++) v |= uint64_t(static_cast<uint8_t>(b[at + k])) << (8 * k);
            all.push_back(v);
          }
        std::sort(all.begin(), all.end());
        return static_cast<uint64_t>(std::unique(all.begin(), all.end()) - all.begin());
      },
      "How many distinct trace hashes the parts of a split saw (each part's "
      "\"hashes\": little-endian uint64s).");

  m.def("drivers", [] {
    py::list out;
    for (km::Module* mod : km::modules_in_driver_path()) out.append(module_dict(*mod));
    return out;
  }, "The drivers in the driver path, by name.");
  m.def("module_info",
        [](const std::string& spec, const std::string& personality, bool race) {
          return module_dict(
              km::module_open(race ? km::build_module_spec(spec, "race") : spec, personality));
        },
        py::arg("spec"), py::arg("personality") = "", py::arg("race") = false,
        "Loads the module `spec` names (a registered name or a path; ValueError names what is "
        "wrong) and describes it; race: the race-instrumented build of a driver named by name.");
  m.def("add_driver_dir", &km::add_driver_dir, "Searches `dir` for NAME.so too.");
  m.def("errno_name", [](int e) { return std::string(km::errno_name(e)); });
  m.def("event_name", [](int k) { return std::string(km::event_kind_name(static_cast<uint16_t>(k))); },
        "Name of an event kind number (a block event's a0 says what the thread sleeps in).");
  m.def("sys_name", [](int nr) { return std::string(km::sys_name(nr)); },
        "Name of a system call number (a syscall event's a0).");
  m.def("check_program", [](const py::bytes& b) { parse_program(b); },
        "Raises ValueError naming the field if a serialized Program is malformed.");
}
