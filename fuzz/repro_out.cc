#include "fuzz/repro_out.h"

#include <google/protobuf/text_format.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "runner/repro_build.h"

namespace ks::fuzz {

kernsim::Repro make_repro(const kernsim::Program& p, const runner::StrategySpec& found_by,
                          const runner::RunRecord& rec, const kernsim::WorldSpec& world) {
  // The run as a RunSpec, made into a repro by the runner's one builder.
  // No module hashes (Repro.module): a repro found by the ASan/libFuzzer
  // build is meant to replay on the gcc build, whose modules are other
  // binaries of the same source.
  kernsim::RunSpec spec;
  *spec.mutable_program() = p;
  if (p.driver_size() > 0) {
    spec.set_driver(p.driver(0).name());
    spec.set_variant(p.driver(0).variant());
  }
  spec.mutable_strategy()->set_name(found_by.name);
  spec.mutable_strategy()->set_seed(found_by.seed);
  spec.mutable_strategy()->set_pct_depth(found_by.pct_depth);
  *spec.mutable_world() = world;
  return runner::make_repro(spec, rec);
}

namespace {

void write_file(const std::string& path, const std::string& data) {
  std::string tmp = path + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) throw std::runtime_error(tmp + ": cannot create: " + std::strerror(errno));
  bool ok = std::fwrite(data.data(), 1, data.size(), f) == data.size();
  ok = std::fclose(f) == 0 && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0)
    throw std::runtime_error(path + ": cannot write: " + std::strerror(errno));
}

}  // namespace

std::string write_repro(const std::string& dir, const std::string& name, const kernsim::Repro& r,
                        const std::string& input) {
  if (mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST)
    throw std::runtime_error(dir + ": cannot create the repro directory: " + std::strerror(errno));
  std::string base = dir + "/" + name;
  std::string text;
  google::protobuf::TextFormat::PrintToString(r, &text);
  std::string path = base + ".repro.txtpb";
  write_file(path, "# kernsim repro: replay with  python3 -m kernsim replay " + path + "\n" + text);
  write_file(base + ".input", input);
  return path;
}

}  // namespace ks::fuzz
