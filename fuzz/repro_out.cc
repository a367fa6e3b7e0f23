#include "fuzz/repro_out.h"

#include <google/protobuf/text_format.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace ks::fuzz {

namespace {

// A proto3 string must be UTF-8, and a failure message may quote freed
// memory (kmem poison): anything outside printable ASCII becomes '?'. The
// message is for people; replay compares kind, signature and hash.
std::string printable(const std::string& s) {
  std::string out = s;
  for (char& c : out) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x80 || (u < 0x20 && c != '\n' && c != '\t')) c = '?';
  }
  return out;
}

}  // namespace

kernsim::Repro make_repro(const kernsim::Program& p, const core::StrategySpec& found_by,
                          const core::RunRecord& rec, const kernsim::WorldSpec& world) {
  kernsim::Repro r;
  r.set_version(1);
  *r.mutable_program() = p;
  if (p.driver_size() > 0) {
    r.set_driver(p.driver(0).name());
    r.set_variant(p.driver(0).variant());
  }
  // No module hashes (Repro.module): a repro found by the ASan/libFuzzer
  // build is meant to replay on the gcc build, whose modules are other
  // binaries of the same source.
  r.mutable_found_by()->set_name(found_by.name);
  r.mutable_found_by()->set_seed(found_by.seed);
  r.mutable_found_by()->set_pct_depth(found_by.pct_depth);
  r.set_execution(rec.execution);
  *r.mutable_world() = world;
  for (const sim::Decision& d : rec.decisions) {
    auto* x = r.mutable_schedule()->add_decision();
    switch (d.kind) {
      case 0: x->set_thread(d.value); break;
      case static_cast<uint8_t>(sim::ChoiceKind::kFault): x->set_fault(d.value); break;
      case static_cast<uint8_t>(sim::ChoiceKind::kSpurious): x->set_spurious(d.value); break;
      default: x->set_signal(d.value); break;
    }
  }
  auto* e = r.mutable_expected();
  e->set_kind(rec.failure ? sim::failure_kind_name(rec.failure.kind) : "pass");
  e->set_signature(printable(rec.failure.signature));
  e->set_message(printable(rec.failure.message));
  e->set_trace_hash(core::hash_hex(rec.hash));
  e->set_steps(rec.steps);
  return r;
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
