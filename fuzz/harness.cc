#include "fuzz/harness.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "fuzz/finding.h"
#include "fuzz/minimize.h"
#include "kernel_model/drivers.h"
#include "runner/fuzz_verdict.h"
#include "runner/program_proto.h"

namespace ks::fuzz {

namespace {

[[noreturn]] void bad_setting(const std::string& why) {
  std::fprintf(stderr, "kernsim fuzz: %s\n", why.c_str());
  std::exit(2);
}

std::string env(const char* name, const char* dflt) {
  const char* v = std::getenv(name);
  return v && *v ? v : dflt;
}

std::string file_text(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) bad_setting(path + ": cannot read the description (KERNSIM_FUZZ_DESC)");
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

}  // namespace

Harness::Harness(const char* driver, const char* builtin_desc, const char* builtin_path)
    : driver_(driver) {
  std::string path = env("KERNSIM_FUZZ_DESC", "");
  std::string text = path.empty() ? builtin_desc : file_text(path);
  if (path.empty()) path = builtin_path;
  try {
    desc_ = parse_description(text, path);
  } catch (const std::invalid_argument& e) {
    bad_setting(e.what());
  }
  if (desc_.driver() != driver_)
    bad_setting(path + ": driver: describes '" + desc_.driver() + "', this entry point fuzzes '" +
                driver_ + "'");
  std::string variant = env("KERNSIM_VARIANT", "none");
  try {
    km::driver_module(driver_, variant);
  } catch (const km::ModuleError& e) {
    bad_setting(e.what());
  }
  repro_dir_ = env("KERNSIM_REPRO_DIR", ".");
  keep_going_ = !env("KERNSIM_FUZZ_CONTINUE", "").empty();
  dec_ = std::make_unique<Decoder>(desc_, variant);
  ex_ = std::make_unique<runner::FuzzExecutor>();
  std::fprintf(stderr, "kernsim fuzz: driver=%s variant=%s description=%s repros=%s\n",
               driver_.c_str(), variant.c_str(), path.c_str(), repro_dir_.c_str());
}

int Harness::run(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  runner::RunRecord rec = run_input(*dec_, *ex_, input);
  std::string kind = rec.failure ? sim::failure_kind_name(rec.failure.kind) : "pass";
  if (rec.failure.kind == sim::FailureKind::kHostError &&
      rec.failure.message.rfind("decoded program rejected", 0) == 0) {
    // The decoder's promise broken: a bug of the harness, not the driver's.
    std::fprintf(stderr, "kernsim fuzz: harness bug: %s\n", rec.failure.message.c_str());
    std::abort();
  }
  if (runner::fuzz_verdict(kind, rec.failure.signature) != runner::FuzzVerdict::kFinding) return 0;
  found(input, rec);
  return 1;
}

void Harness::found(const std::string& input, const runner::RunRecord& first) {
  std::string kind = sim::failure_kind_name(first.failure.kind);
  const std::string& sig = first.failure.signature;
  std::fprintf(stderr, "kernsim fuzz: found %s (%s): %s\n", kind.c_str(), sig.c_str(),
               first.failure.message.c_str());
  // The campaign's executor (its coverage no longer matters): a new one
  // would install kernsim's fault handlers again, in front of libFuzzer's.
  try {
    Written w = write_finding(*dec_, *ex_, input, kind, sig, kernsim::WorldSpec{}, repro_dir_);
    std::fprintf(stderr,
                 "kernsim fuzz: minimized to %d calls (%zu of %zu input bytes), replay %s\n"
                 "kernsim fuzz: repro: %s\n"
                 "kernsim fuzz: replay: python3 -m kernsim replay %s\n",
                 w.calls, w.input.size(), input.size(), w.replayed ? "matches" : "DOES NOT match",
                 w.path.c_str(), w.path.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kernsim fuzz: %s\n", e.what());
  }
  findings_++;
  if (!keep_going_) std::abort();
}

}  // namespace ks::fuzz
