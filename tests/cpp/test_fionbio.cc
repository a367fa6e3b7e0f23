// FIONBIO: the kernel sets or clears the file's non-blocking flag around
// the driver's ioctl, by each system's rule (devsw.h FionbioRule): illumos
// after a driver that returned 0 (an error leaves the flag), FreeBSD before
// the driver, kept whatever it returns, QNX never. A device written here on
// DevOps reports, for a probe ioctl, whether the mode it is given carries a
// non-blocking flag; the Program checks the answers.
#include <gtest/gtest.h>

#include <cerrno>

#include "kernel_model/devsw.h"
#include "kernel_model/program.h"
#include "kernel_model/world.h"
#include "sim/strategies/round_robin.h"
#include "tests/cpp/prog_builders.h"

using namespace ks;
using km::Op;
using progtest::call;
using progtest::expect;
using progtest::R;
using progtest::V;

namespace {

constexpr int64_t kProbe = 0x7701;  // rval: 1 if the mode says non-blocking
int g_fionbio_result = 0;           // what the driver answers FIONBIO

int n_open(void*, uint64_t*, int, bool, const km::Cred&) { return 0; }
int n_close(void*, uint64_t, int, bool, const km::Cred&) { return 0; }
int n_ioctl(void*, uint64_t, int64_t cmd, uint64_t, int mode, const km::Cred&, int* rval) {
  *rval = 0;
  if (static_cast<uint32_t>(cmd) == km::kFionbio) return g_fionbio_result;
  if (cmd != kProbe) return ENOTTY;
  *rval = (mode & (km::kFNdelay | km::kFNonblock)) ? 1 : 0;
  return 0;
}

// open; FIONBIO(1) -> `on_result`; probe -> `after_on`; FIONBIO(0); probe -> 0.
sim::Failure run(km::FionbioRule rule, int driver_result, int64_t on_result, int64_t after_on) {
  g_fionbio_result = driver_result;
  sim::StackPool pool;
  sim::RoundRobin s;
  km::WorldOptions o;
  km::World w(pool, s, o, 0);
  km::Program p;  // outlives the run
  {
    sim::Sim::HostScope scope(w.sim());
    km::DevOps ops{nullptr, n_open, n_close, nullptr, nullptr, n_ioctl};
    ops.fionbio = rule;
    km::devsw_add_node(w, "/dev/nb", km::devsw_new_major(w), 0, false, ops);
    km::devsw_register_exit_close(w);
    w.on_teardown([&w] { km::devsw_remove_node(w, "/dev/nb"); });
    p.procs.push_back({"user", km::DataModel::kLP64, 0});
    auto on = [](int64_t v) { return call(Op::kPokeInt, {R("buf"), V(v), V(4)}); };
    p.threads.push_back(km::ProgThread{
        "t", "user",
        {call(Op::kOpen, {V(km::kORdwr)}, "fd", "/dev/nb"),
         call(Op::kMmap, {V(4096), V(3)}, "buf"),
         on(1),
         expect(call(Op::kIoctl, {R("fd"), V(km::kFionbio), R("buf")}), on_result),
         expect(call(Op::kIoctl, {R("fd"), V(kProbe), V(0)}), after_on),
         on(0),
         call(Op::kIoctl, {R("fd"), V(km::kFionbio), R("buf")}),
         expect(call(Op::kIoctl, {R("fd"), V(kProbe), V(0)}), 0),
         expect(call(Op::kClose, {R("fd")}), 0)}});
    km::program_load(w, p);
  }
  w.run();
  return w.sim().failure();
}

TEST(Fionbio, IllumosSetsTheFlagAfterTheDriverSucceeded) {
  sim::Failure f = run(km::FionbioRule::kAfterDriver, 0, 0, 1);
  EXPECT_FALSE(f) << f.message;
}

TEST(Fionbio, IllumosLeavesTheFlagWhenTheDriverRefuses) {
  sim::Failure f = run(km::FionbioRule::kAfterDriver, ENOTTY, -ENOTTY, 0);
  EXPECT_FALSE(f) << f.message;
}

TEST(Fionbio, FreebsdSetsTheFlagBeforeTheDriverAndKeepsIt) {
  sim::Failure f = run(km::FionbioRule::kBeforeDriver, ENOTTY, -ENOTTY, 1);
  EXPECT_FALSE(f) << f.message;
}

TEST(Fionbio, AQnxServerKeepsItsOwnState) {
  sim::Failure f = run(km::FionbioRule::kDriverOnly, 0, 0, 0);
  EXPECT_FALSE(f) << f.message;
}

}  // namespace
