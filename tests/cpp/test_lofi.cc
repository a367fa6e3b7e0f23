// lofi (drivers/lofi) driven through a km::Program, in C++: map a file,
// write and read through /dev/rlofi/1 (the bytes land in the file and read
// back), the control node's rules, and a forced unmap of an open device
// (EIO on the open device, ENXIO for a new open, torn down at last close),
// alone and racing readers and writers under PCT.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "drivers/lofi/lofi_io.h"
#include "kernel_model/devsw.h"
#include "kernel_model/program.h"
#include "tests/cpp/prog_builders.h"
#include "kernel_model/world.h"
#include "sim/strategies/pct.h"
#include "sim/strategies/round_robin.h"

using namespace ks;
using km::Arg;
using km::Call;
using km::Op;
using progtest::call;
using progtest::expect;
using progtest::R;
using progtest::V;

namespace {

constexpr int64_t kBs = 512, kPage = 4096;
constexpr int64_t kDkiocggeom = (0x04 << 8) | 1;  // <sys/dkio.h>
const char* const kFile = "/var/tmp/disk";

Call poke(const std::string& buf, std::string data, int64_t off = 0) {
  Call c = call(Op::kPoke, {R(buf, off)});
  c.data = std::move(data);
  return c;
}
Call check(const std::string& buf, std::string data, int64_t off = 0) {
  Call c = call(Op::kCheck, {R(buf, off)});
  c.data = std::move(data);
  return c;
}

std::string li(const char* file, int force = 0) {
  lofi_ioctl l{};
  l.li_force = force;
  std::strncpy(l.li_filename, file, sizeof l.li_filename - 1);
  return std::string(reinterpret_cast<const char*>(&l), sizeof l);
}
std::string block(int seed) {
  std::string s(kBs, '\0');
  for (int i = 0; i < kBs; i++) s[i] = static_cast<char>(i * 7 + seed);
  return s;
}

km::Program program(std::vector<km::ProgThread> threads) {
  km::Program p;
  p.drivers.push_back({"lofi", "none"});
  p.files.push_back({kFile, 4 * kBs, false});
  p.procs.push_back({"user", km::DataModel::kLP64, 0});
  p.threads = std::move(threads);
  return p;
}

// The admin's opening: control node, a buffer, LOFI_MAP_FILE -> minor 1.
std::vector<Call> map_calls() {
  return {expect(call(Op::kOpen, {V(km::kORdwr)}, "ctl", "/dev/lofictl"), 0),
          call(Op::kMmap, {V(2 * kPage), V(3)}, "buf"), poke("buf", li(kFile)),
          expect(call(Op::kIoctl, {R("ctl"), V(LOFI_MAP_FILE), R("buf")}), 1)};
}

struct Outcome {
  sim::Failure failure;
  size_t opens_left = 0, nodes_live = 0;
};

Outcome run(sim::StackPool& pool, sim::Strategy& s, uint64_t i, const km::Program& p) {
  km::WorldOptions o;
  km::World w(pool, s, o, i);
  {
    sim::Sim::HostScope scope(w.sim());
    km::program_load(w, p);
  }
  w.run();
  Outcome r{w.sim().failure()};
  r.opens_left = km::devsw(w).opens.size();
  for (auto& n : km::devsw(w).nodes) r.nodes_live += n->removed ? 0 : 1;
  return r;
}

Outcome run_rr(const km::Program& p) {
  sim::StackPool pool;
  sim::RoundRobin rr;
  return run(pool, rr, 0, p);
}

TEST(Lofi, MapWriteReadUnmap) {
  std::vector<Call> c = map_calls();
  c.push_back(expect(call(Op::kOpen, {V(km::kORdwr)}, "fd", "/dev/rlofi/1"), 1));
  c.push_back(call(Op::kMmap, {V(kPage), V(3)}, "io"));
  // the file starts zeroed: a block reads as zeros
  c.push_back(expect(call(Op::kPread, {R("fd"), R("io"), V(kBs), V(0)}), kBs));
  c.push_back(check("io", std::string(kBs, '\0')));
  c.push_back(poke("io", block(1) + block(2)));
  c.push_back(expect(call(Op::kPwrite, {R("fd"), R("io"), V(2 * kBs), V(kBs)}), 2 * kBs));
  c.push_back(expect(call(Op::kPread, {R("fd"), R("io", 2048), V(2 * kBs), V(kBs)}), 2 * kBs));
  c.push_back(check("io", block(1) + block(2), 2048));
  // the end of the device: EOF, then ENXIO beyond it; a partial block EINVAL
  c.push_back(expect(call(Op::kPread, {R("fd"), R("io"), V(kBs), V(4 * kBs)}), 0));
  c.push_back(expect(call(Op::kPread, {R("fd"), R("io"), V(kBs), V(5 * kBs)}), -ENXIO));
  c.push_back(expect(call(Op::kPread, {R("fd"), R("io"), V(100), V(0)}), -EINVAL));
  c.push_back(expect(call(Op::kClose, {R("fd")}), 0));
  // unmapped and mapped again: the bytes are the file's
  c.push_back(expect(call(Op::kIoctl, {R("ctl"), V(LOFI_UNMAP_FILE), R("buf")}), 0));
  c.push_back(poke("buf", li(kFile)));
  c.push_back(expect(call(Op::kIoctl, {R("ctl"), V(LOFI_MAP_FILE), R("buf")}), 1));
  c.push_back(expect(call(Op::kOpen, {V(km::kORdonly)}, "fd2", "/dev/lofi/1"), 1));
  c.push_back(expect(call(Op::kPread, {R("fd2"), R("io"), V(kBs), V(2 * kBs)}), kBs));
  c.push_back(check("io", block(2)));
  c.push_back(expect(call(Op::kClose, {R("fd2")}), 0));
  c.push_back(expect(call(Op::kIoctl, {R("ctl"), V(LOFI_UNMAP_FILE), R("buf")}), 0));
  c.push_back(expect(call(Op::kClose, {R("ctl")}), 0));
  Outcome r = run_rr(program({{"admin", "user", c}}));
  ASSERT_FALSE(r.failure) << r.failure.message;
  EXPECT_EQ(r.opens_left, 0u);
  EXPECT_EQ(r.nodes_live, 0u);
}

TEST(Lofi, ForcedUnmapOfAnOpenDevice) {
  std::vector<Call> c = map_calls();
  c.push_back(expect(call(Op::kOpen, {V(km::kORdwr)}, "fd", "/dev/rlofi/1"), 1));
  c.push_back(call(Op::kMmap, {V(kPage), V(3)}, "io"));
  c.push_back(poke("io", block(3)));
  c.push_back(expect(call(Op::kPwrite, {R("fd"), R("io"), V(kBs), V(0)}), kBs));
  c.push_back(expect(call(Op::kIoctl, {R("ctl"), V(LOFI_UNMAP_FILE), R("buf")}), -EBUSY));
  c.push_back(poke("buf", li(kFile, 1)));
  c.push_back(expect(call(Op::kIoctl, {R("ctl"), V(LOFI_UNMAP_FILE), R("buf")}), 0));
  // the open device: transfers and disk ioctls fail with EIO, a new open ENXIO
  c.push_back(expect(call(Op::kPread, {R("fd"), R("io"), V(kBs), V(0)}), -EIO));
  c.push_back(expect(call(Op::kPwrite, {R("fd"), R("io"), V(kBs), V(0)}), -EIO));
  c.push_back(expect(call(Op::kIoctl, {R("fd"), V(kDkiocggeom), R("io")}), -EIO));
  c.push_back(expect(call(Op::kOpen, {V(km::kORdwr)}, "", "/dev/rlofi/1"), -ENXIO));
  // the last close tears it down; the file kept the write made before
  c.push_back(expect(call(Op::kClose, {R("fd")}), 0));
  c.push_back(expect(call(Op::kOpen, {V(km::kORdwr)}, "", "/dev/rlofi/1"), -ENXIO));
  c.push_back(poke("buf", li(kFile)));
  c.push_back(expect(call(Op::kIoctl, {R("ctl"), V(LOFI_MAP_FILE), R("buf")}), 1));
  c.push_back(expect(call(Op::kOpen, {V(km::kORdonly)}, "fd2", "/dev/rlofi/1"), 1));
  c.push_back(expect(call(Op::kPread, {R("fd2"), R("io", 1024), V(kBs), V(0)}), kBs));
  c.push_back(check("io", block(3), 1024));
  c.push_back(expect(call(Op::kClose, {R("fd2")}), 0));
  c.push_back(expect(call(Op::kIoctl, {R("ctl"), V(LOFI_UNMAP_FILE), R("buf")}), 0));
  c.push_back(expect(call(Op::kClose, {R("ctl")}), 0));
  Outcome r = run_rr(program({{"admin", "user", c}}));
  ASSERT_FALSE(r.failure) << r.failure.message;
  EXPECT_EQ(r.nodes_live, 0u);
}

TEST(Lofi, ControlNodeExclusiveOpen) {
  // An FEXCL open holds the control node alone: any other open is EBUSY
  // until it is closed; a shared open makes an FEXCL open EBUSY.
  constexpr int kExcl = km::kORdwr | km::kOExcl;
  std::vector<Call> c = {
      expect(call(Op::kOpen, {V(kExcl)}, "x", "/dev/lofictl"), 0),
      expect(call(Op::kOpen, {V(km::kORdwr)}, "", "/dev/lofictl"), -EBUSY),
      expect(call(Op::kOpen, {V(kExcl)}, "", "/dev/lofictl"), -EBUSY),
      expect(call(Op::kClose, {R("x")}), 0),
      expect(call(Op::kOpen, {V(km::kORdonly)}, "s", "/dev/lofictl"), 0),
      expect(call(Op::kOpen, {V(kExcl)}, "", "/dev/lofictl"), -EBUSY),
      // read-only: no mapping (EPERM)
      call(Op::kMmap, {V(2 * kPage), V(3)}, "buf"), poke("buf", li(kFile)),
      expect(call(Op::kIoctl, {R("s"), V(LOFI_MAP_FILE), R("buf")}), -EPERM),
      expect(call(Op::kClose, {R("s")}), 0),
      expect(call(Op::kOpen, {V(kExcl)}, "x2", "/dev/lofictl"), 0),
      expect(call(Op::kClose, {R("x2")}), 0)};
  Outcome r = run_rr(program({{"admin", "user", c}}));
  ASSERT_FALSE(r.failure) << r.failure.message;
}

TEST(Lofi, ForcedUnmapRacingIoPassesPct) {
  // The forced-unmap race: the admin maps and force-unmaps while three
  // threads transfer a block each; their results are not pinned (they race)
  // but no run may fail: no use after close, no stuck thread, no leak.
  std::vector<km::ProgThread> t = {{"admin", "user", map_calls()}};
  t[0].calls.push_back(poke("buf", li(kFile, 1)));
  t[0].calls.push_back(expect(call(Op::kIoctl, {R("ctl"), V(LOFI_UNMAP_FILE), R("buf")}), 0));
  t[0].calls.push_back(expect(call(Op::kClose, {R("ctl")}), 0));
  for (int i = 0; i < 3; i++) {
    std::string n = "io" + std::to_string(i);
    t.push_back({n, "user",
                 {call(Op::kOpen, {V(km::kORdwr)}, n + ".fd", "/dev/rlofi/1"),
                  call(Op::kMmap, {V(kPage), V(3)}, n + ".b"),
                  call(i == 2 ? Op::kPwrite : Op::kPread,
                       {R(n + ".fd"), R(n + ".b"), V(kBs), V(i * kBs)}),
                  call(Op::kClose, {R(n + ".fd")})}});
  }
  km::Program p = program(t);
  sim::StackPool pool;
  sim::PctStrategy pct(3, 3, 0, {});
  for (uint64_t i = 0; i < 3000; i++) {
    Outcome r = run(pool, pct, i, p);
    ASSERT_FALSE(r.failure) << "run " << i << ": " << r.failure.message;
    EXPECT_EQ(r.nodes_live, 0u);
  }
}

}  // namespace
