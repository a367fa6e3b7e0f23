// The entry points' state and work (fuzz/entry.cc wraps it in
// LLVMFuzzerInitialize/LLVMFuzzerTestOneInput): the driver's description,
// the decoder, one executor for the process, and what to do with a finding.
//
// Environment:
//   KERNSIM_VARIANT     the driver's bug variant to fuzz (default none)
//   KERNSIM_REPRO_DIR   where findings' repros go (default .)
//   KERNSIM_FUZZ_DESC   a description file instead of the built-in one
//   KERNSIM_FUZZ_CONTINUE=1  report a finding and go on instead of abort()
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "fuzz/decode.h"
#include "runner/fuzz_exec.h"

namespace ks::fuzz {

class Harness {
 public:
  // Bad settings (an unknown variant, a malformed description): a message
  // on stderr and exit status 2, before any input runs.
  Harness(const char* driver, const char* builtin_desc, const char* builtin_path);
  // Runs one input. A finding is minimized, written as a repro, replayed to
  // confirm, reported on stderr; then abort() (so libFuzzer and AFL++ record
  // a crash) unless KERNSIM_FUZZ_CONTINUE is set. Returns 1 for a finding.
  int run(const uint8_t* data, size_t size);
  // libFuzzer's extra counters (interleaving pairs), or none.
  void set_pair_counters(uint8_t* c, size_t n) { ex_->set_pair_counters(c, n); }

 private:
  void found(const std::string& input, const runner::RunRecord& rec);

  std::string driver_;
  kernsim::DriverDescription desc_;
  std::unique_ptr<Decoder> dec_;
  std::unique_ptr<runner::FuzzExecutor> ex_;
  std::string repro_dir_;
  bool keep_going_ = false;
  uint64_t findings_ = 0;
};

}  // namespace ks::fuzz
