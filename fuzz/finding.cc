#include "fuzz/finding.h"

#include <cstdio>

#include "fuzz/minimize.h"
#include "fuzz/repro_out.h"
#include "runner/program_proto.h"
#include "runner/run_spec.h"

namespace ks::fuzz {

Written write_finding(const Decoder& dec, runner::FuzzExecutor& ex, const std::string& input,
                      const std::string& kind, const std::string& sig,
                      const kernsim::WorldSpec& world, const std::string& dir, std::string name) {
  km::WorldOptions o = runner::world_options(world);
  Written w;
  w.input = minimize_input(dec, ex, input, kind, sig, o);
  w.rec = run_input(dec, ex, w.input, o);
  if (!w.rec.failure || w.rec.failure.signature != sig) {  // cannot happen: minimize checked it
    w.input = input;
    w.rec = run_input(dec, ex, input, o);
  }
  Decoded d = dec.decode(reinterpret_cast<const uint8_t*>(w.input.data()), w.input.size());
  // Replay the decision log once, as `kernsim replay` will.
  runner::StrategySpec replay;
  replay.name = "replay";
  replay.decisions = w.rec.decisions;
  runner::RunRecord again = ex.run(runner::program_from_proto(d.program()), replay, o, 0).rec;
  w.replayed = again.hash == w.rec.hash && again.failure.signature == w.rec.failure.signature;
  for (const auto& t : d.program().thread()) w.calls += t.call_size();
  if (name.empty()) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "%s-%s-%s-%s", d.program().driver(0).name().c_str(),
                  dec.variant().c_str(), kind.c_str(), runner::hash_hex(w.rec.hash).c_str() + 2);
    name = buf;
  }
  w.path = write_repro(dir, name, make_repro(d.program(), d.schedule, w.rec, world), w.input);
  return w;
}

}  // namespace ks::fuzz
