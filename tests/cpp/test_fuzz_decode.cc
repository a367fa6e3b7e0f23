// The libFuzzer entry points' decoder (fuzz/decode.h) is total and
// deterministic: any bytes give a Program that program_check accepts, the
// same one every time, within the documented bounds; a correct driver runs
// the decoded programs without a finding; a malformed description is an
// error naming the field. kernsim fuzz's mutator (fuzz/mutate.h) over it:
// generated records decode as drawn, mutants are deterministic per seed and
// every S/G gap oracle checks its own bundle's mapping.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "fuzz/decode.h"
#include "fuzz/desc.h"
#include "fuzz/minimize.h"
#include "fuzz/mutate.h"
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
      ASSERT_EQ(a.program().SerializeAsString(), b.program().SerializeAsString()) << c.driver;
      ASSERT_EQ(a.schedule.seed, b.schedule.seed);
      ASSERT_NO_THROW(runner::program_from_proto(a.program())) << c.driver << " input of " << in.size();
      ASSERT_LE(a.program().thread_size(), fuzz::kMaxThreads);
      ASSERT_LE(a.records.size(), fuzz::kMaxRecords);
      ASSERT_TRUE(a.schedule.name == "pct" || a.schedule.name == "random");
      ASSERT_TRUE(a.schedule.pct_depth >= 1 && a.schedule.pct_depth <= 3);
      size_t at = in.size() >= fuzz::kHeaderBytes ? fuzz::kHeaderBytes : in.size();
      for (auto [lo, hi] : a.records) {  // records tile the input after the header
        ASSERT_EQ(lo, at);
        ASSERT_GE(hi, lo + 1);
        at = hi;
      }
      for (const auto& t : a.program().thread()) calls += t.call_size();
    }
    EXPECT_GT(calls, 10000) << c.driver << ": inputs should decode into real programs";
  }
}

TEST(FuzzDecode, CorrectDriversGiveNoFinding) {
  for (const Case& c : {kCases[1], kCases[2]}) {
    auto d = desc(c.driver, c.dir);
    fuzz::Decoder dec(d, "none");
    runner::FuzzExecutor ex;
    for (const std::string& in : inputs(400)) {
      runner::RunRecord r = fuzz::run_input(dec, ex, in);
      std::string kind = r.failure ? sim::failure_kind_name(r.failure.kind) : "pass";
      EXPECT_NE(runner::fuzz_verdict(kind, r.failure.signature), runner::FuzzVerdict::kFinding)
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

TEST(FuzzMutate, ExtendDrawsRecordsThatDecodeAsDrawn) {
  for (const Case& c : kCases) {
    auto d = desc(c.driver, c.dir);
    fuzz::Decoder dec(d, "none");
    fuzz::Rng rng(3);
    std::string in = dec.extend("", 5, rng);
    fuzz::Decoded a = dec.decode(reinterpret_cast<const uint8_t*>(in.data()), in.size());
    EXPECT_EQ(a.records.size(), 5u) << c.driver;
    EXPECT_EQ(a.records.back().second, in.size()) << c.driver << ": every byte drawn is read";
    // Drawing more after a prefix keeps the prefix's records.
    std::string more = dec.extend(in.substr(0, a.records[2].first), 4, rng);
    fuzz::Decoded b = dec.decode(reinterpret_cast<const uint8_t*>(more.data()), more.size());
    ASSERT_EQ(b.records.size(), 6u) << c.driver;
    EXPECT_EQ(more.substr(0, a.records[2].first), in.substr(0, a.records[2].first));
  }
}

// The gap oracle of an S/G bundle compares loads of its own data mapping:
// another bundle's data in "its" gaps would be a false finding on the
// correct CTL driver. Records are decoded whole, so no mutation can lend a
// bundle another's mapping; this checks it over many mutants.
TEST(FuzzMutate, MutantsAreDeterministicValidAndKeepBundlesApart) {
  auto d = desc("ctl_ioctl", "ctl_ioctl");
  fuzz::Decoder dec(d, "none");
  fuzz::Mutator mut(dec);
  fuzz::Rng r1(11), r2(11);
  std::vector<std::string> pool;
  for (int i = 0; i < 16; i++) pool.push_back(mut.generate(r1));
  for (int i = 0; i < 16; i++) ASSERT_EQ(mut.generate(r2), pool[i]);
  int gaps = 0;
  for (int i = 0; i < 3000; i++) {
    std::string& x = pool[i % pool.size()];
    const std::string& other = pool[(i * 7 + 3) % pool.size()];
    std::string m = mut.mutate(x, other, r1);
    // The campaign's way: the parents' decodings given, the mutant's taken.
    auto parsed = [&](const std::string& in) {
      return fuzz::Mutator::parsed(dec.decode(reinterpret_cast<const uint8_t*>(in.data()), in.size()));
    };
    fuzz::Mutator::Parsed px = parsed(x), po = parsed(other);
    fuzz::Decoded taken;
    ASSERT_EQ(mut.mutate(x, other, r2, &taken, &px, &po), m) << "mutant " << i;
    x = m;
    fuzz::Decoded dd = dec.decode(reinterpret_cast<const uint8_t*>(m.data()), m.size());
    ASSERT_EQ(taken.program().SerializeAsString(), dd.program().SerializeAsString());
    ASSERT_EQ(taken.records, dd.records);
    ASSERT_NO_THROW(runner::program_from_proto(dd.program())) << "mutant " << i;
    for (const auto& t : dd.program().thread()) {
      std::map<std::string, std::string> loaded_from;  // peek out -> the mapping it reads
      for (const auto& c : t.call()) {
        if (c.op() == "peek_int" && c.arg(0).v_case() == kernsim::Arg::kRef)
          loaded_from[c.out()] = c.arg(0).ref();
        if (c.op() != "assert_range" || c.path().find(".gap_written") == std::string::npos) continue;
        const std::string& post = loaded_from[c.arg(0).ref()];
        const std::string& pre = loaded_from[c.arg(1).ref()];
        ASSERT_EQ(post.rfind("sgd", 0), 0u) << c.ShortDebugString();
        ASSERT_EQ(post, pre) << c.ShortDebugString();
        gaps++;
      }
    }
  }
  EXPECT_GT(gaps, 100) << "mutants should carry S/G gap oracles";
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
