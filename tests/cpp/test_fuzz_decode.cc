// The libFuzzer entry points' decoder (fuzz/decode.h) is total and
// deterministic: any bytes give a Program that program_check accepts, the
// same one every time, within the documented bounds; a correct driver runs
// the decoded programs without a finding; a malformed description is an
// error naming the field.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "fuzz/decode.h"
#include "fuzz/desc.h"
#include "fuzz/minimize.h"
#include "runner/fuzz_verdict.h"
#include "runner/program_proto.h"

namespace {

using namespace ks;

std::string read(const std::string& rel) {
  std::ifstream f(std::string(KS_SOURCE_DIR) + "/" + rel);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

kernsim::DriverDescription desc(const std::string& drv, const std::string& dir) {
  std::string path = "drivers/" + dir + "/" + drv + ".ioctl.txtpb";
  return fuzz::parse_description(read(path), path);
}

// Inputs of every length up to 900 bytes from a fixed LCG, and the edges.
std::vector<std::string> inputs(int n) {
  std::vector<std::string> v = {"", std::string(1, '\0'), std::string(5, '\xff'),
                                std::string(3000, '\0'), std::string(3000, '\xff')};
  uint64_t x = 0x9E3779B97F4A7C15ull;
  for (int i = 0; i < n; i++) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    std::string s(static_cast<size_t>(x >> 33) % 900, '\0');
    for (char& c : s) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      c = static_cast<char>(x >> 56);
    }
    v.push_back(s);
  }
  return v;
}

struct Case {
  const char* driver;
  const char* dir;
};
const Case kCases[] = {{"sample", "sample"}, {"lofi", "lofi"}, {"ctl_ioctl", "ctl_ioctl"}};

TEST(FuzzDecode, AnyBytesDecodeIntoACheckedProgramDeterministically) {
  for (const Case& c : kCases) {
    auto d = desc(c.driver, c.dir);
    fuzz::Decoder dec(d, "none");
    int calls = 0;
    for (const std::string& in : inputs(1500)) {
      auto* p = reinterpret_cast<const uint8_t*>(in.data());
      fuzz::Decoded a = dec.decode(p, in.size());
      fuzz::Decoded b = dec.decode(p, in.size());
      ASSERT_EQ(a.program.SerializeAsString(), b.program.SerializeAsString()) << c.driver;
      ASSERT_EQ(a.schedule.seed, b.schedule.seed);
      ASSERT_NO_THROW(core::program_from_proto(a.program)) << c.driver << " input of " << in.size();
      ASSERT_LE(a.program.thread_size(), fuzz::kMaxThreads);
      ASSERT_LE(a.records.size(), fuzz::kMaxRecords);
      ASSERT_TRUE(a.schedule.name == "pct" || a.schedule.name == "random");
      ASSERT_TRUE(a.schedule.pct_depth >= 1 && a.schedule.pct_depth <= 3);
      size_t at = in.size() >= fuzz::kHeaderBytes ? fuzz::kHeaderBytes : in.size();
      for (auto [lo, hi] : a.records) {  // records tile the input after the header
        ASSERT_EQ(lo, at);
        ASSERT_GE(hi, lo + 1);
        at = hi;
      }
      for (const auto& t : a.program.thread()) calls += t.call_size();
    }
    EXPECT_GT(calls, 10000) << c.driver << ": inputs should decode into real programs";
  }
}

TEST(FuzzDecode, CorrectDriversGiveNoFinding) {
  for (const Case& c : {kCases[1], kCases[2]}) {
    auto d = desc(c.driver, c.dir);
    fuzz::Decoder dec(d, "none");
    core::FuzzExecutor ex;
    for (const std::string& in : inputs(400)) {
      core::RunRecord r = fuzz::run_input(dec, ex, in);
      std::string kind = r.failure ? sim::failure_kind_name(r.failure.kind) : "pass";
      EXPECT_NE(core::fuzz_verdict(kind, r.failure.signature), core::FuzzVerdict::kFinding)
          << c.driver << ": " << r.failure.message;
    }
#ifndef KS_LIBFUZZER_BUILD  // there drivers carry libFuzzer's coverage, not kernsim's
    EXPECT_GT(ex.edges(), 50u) << c.driver;
#endif
  }
}

TEST(FuzzDecode, MalformedDescriptionNamesTheField) {
  auto err = [](const std::string& text) {
    try {
      fuzz::parse_description(text, "x.ioctl.txtpb");
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(err("driver: \"d\" node { path: \"/tmp/x\" }"),
            "x.ioctl.txtpb: node[0].path: '/tmp/x' is not a device path under /dev/");
  EXPECT_NE(err("driver: \"d\" node { path: \"/dev/x\" } ioctl { name: \"A\" cmd: 1 node: \"/dev/x\" "
                "dir: \"in\" field { name: \"f\" type: \"int\" size: 3 } }")
                .find("ioctl[0] (A).field[0] (f).size: 3: an integer field is 1, 2, 4 or 8 bytes"),
            std::string::npos);
  EXPECT_NE(err("driver: \"d\" node { path: \"/dev/x\" } resource { name: \"r\" exhausted_errno: 11 "
                "probe: \"P\" probe_free_errno: 6 valid_min: 1 valid_max: 2 }")
                .find("resource[0] (r).probe: 'P' is not one of the ioctls"),
            std::string::npos);
  EXPECT_NE(err("driver: \"d\" nod { }").find("x.ioctl.txtpb: not a DriverDescription: 1:"),
            std::string::npos);
}

TEST(FuzzDecode, LayoutIsNaturallyAligned) {
  auto d = desc("ctl_ioctl", "ctl_ioctl");
  for (const auto& io : d.ioctl()) {
    fuzz::Layout l = fuzz::field_layout(io);
    if (io.name() == "CTL_IO") {
      EXPECT_EQ(l.size, 64u);
    }
    if (io.name() == "CTL_PORT_REQ") {
      EXPECT_EQ(l.size, 168u);
    }
  }
}

}  // namespace
