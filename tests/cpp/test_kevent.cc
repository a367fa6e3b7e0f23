// kqueue(2)/kevent(2) at the system-call level (kernel_model/kqueue.h,
// kernel_model/freebsd/kern_event.cc) on /dev/kfbq
// (tests/cpp/kdrivers_freebsd/kfb_kq.c): level triggering, EV_CLEAR,
// EV_ONESHOT, EV_DELETE, the timeout, f_detach before the device's close,
// EV_EOF after knlist_clear, and the reader/poster race.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "kernel_model/devsw.h"
#include "kernel_model/proc.h"
#include "kernel_model/syscalls.h"
#include "kernel_model/user_mem.h"
#include "kernel_model/world.h"
#include "sim/fault_guard.h"
#include "sim/strategies/random.h"
#include "sim/strategies/round_robin.h"
#include "tests/cpp/kdrivers_freebsd/kfb.h"

using namespace ks;

namespace {

// FreeBSD's values (sys/event.h), and struct kevent of an LP64 process.
constexpr int16_t kRead = -1;
constexpr uint16_t kAdd = 0x1, kDelete = 0x2, kOneshot = 0x10, kClear = 0x20, kEof = 0x8000;
struct Kev {
  uint64_t ident;
  int16_t filter;
  uint16_t flags;
  uint32_t fflags;
  int64_t data;
  uint64_t udata;
  uint64_t ext[4];
};
static_assert(sizeof(Kev) == 64);
constexpr uint64_t kEvents = 2048;  // the event list's offset in the scratch page

using Body = std::function<void(km::World&)>;
struct Thread {
  const char* name;
  Body body;
};
struct Ctx {
  km::World* w;
  Body* body;
};
void run_body(void* a) {
  auto* c = static_cast<Ctx*>(a);
  (*c->body)(*c->w);
}
sim::StackPool& pool() {
  static sim::StackPool p;
  return p;
}

struct Outcome {
  sim::Failure failure;
  std::vector<long> log;
};

// User threads of process "p" on a World with /dev/kfbq made.
Outcome run(sim::Strategy& s, std::vector<Thread> threads, uint64_t index = 0,
            km::DataModel model = km::DataModel::kLP64) {
  sim::install_fault_handlers();
  km::WorldOptions o;
  km::World w(pool(), s, o, index);
  km::Proc& p = km::proc_create(w, "p", model, km::Cred{0, 0});
  {
    sim::Sim::HostScope scope(w.sim());
    kfb_init();
    kfb_kq_make_dev(nullptr);
    km::devsw_register_exit_close(w);
    w.on_teardown([] { kfb_kq_destroy(nullptr); });
  }
  std::deque<Ctx> ctx;
  for (auto& t : threads) {
    ctx.push_back({&w, &t.body});
    sim::Tid tid = w.spawn(t.name, run_body, &ctx.back());
    km::proc_attach(w, tid, p);
  }
  w.run();
  return {w.sim().failure(), std::vector<long>(kfb_log.v, kfb_log.v + kfb_log.n)};
}
Outcome run_rr(std::vector<Thread> threads) {
  sim::RoundRobin rr;
  return run(rr, std::move(threads));
}

// One kevent call with these changes at buf, room for `nevents` at
// buf + kEvents; the events read back into *out.
int64_t kev(km::World& w, int64_t kq, uint64_t buf, std::vector<Kev> changes, int64_t nevents,
            int64_t timeout, std::vector<Kev>* out = nullptr) {
  km::Proc& p = km::curproc(w);
  if (!changes.empty()) km::user_write(w, p, buf, changes.data(), changes.size() * sizeof(Kev));
  int64_t n = km::sys_kevent(w, kq, buf, static_cast<int64_t>(changes.size()), buf + kEvents,
                             nevents, timeout);
  if (out && n > 0) {
    out->resize(static_cast<size_t>(n));
    km::user_read(w, p, buf + kEvents, out->data(), out->size() * sizeof(Kev));
  }
  return n;
}
Kev change(int64_t fd, uint16_t flags) { return Kev{static_cast<uint64_t>(fd), kRead, flags, 0, 0, 0, {}}; }

uint64_t scratch(km::World& w) {
  return static_cast<uint64_t>(km::sys_mmap(w, 0, 4096, km::kProtRead | km::kProtWrite));
}

#define EXPECT_PASS(o) ASSERT_FALSE((o).failure) << (o).failure.message

TEST(Kevent, LevelClearOneshotDeleteAndTheTimeout) {
  Body user = [](km::World& w) {
    int64_t fd = km::sys_open(w, "/dev/kfbq", km::kORdwr);
    int64_t kq = km::sys_kqueue(w);
    uint64_t buf = scratch(w);
    std::vector<Kev> ev;
    kfb_note(kev(w, kq, buf, {change(fd, kAdd)}, 4, 0));                 // 0: not ready
    km::sys_ioctl(w, fd, KFBQ_POST, 0);
    kfb_note(kev(w, kq, buf, {}, 4, 0, &ev));                            // 1: level
    kfb_note(ev[0].data * 10 + (ev[0].ident == uint64_t(fd)));           // 11
    kfb_note(kev(w, kq, buf, {}, 4, 0));                                 // 1: still
    kfb_note(kev(w, kq, buf, {change(fd, kDelete)}, 4, 0));              // 900, 0
    kfb_note(kev(w, kq, buf, {change(fd, kAdd | kClear)}, 4, 0));        // 1
    kfb_note(kev(w, kq, buf, {}, 4, 0));                                 // 0: cleared
    km::sys_ioctl(w, fd, KFBQ_POST, 0);
    kfb_note(kev(w, kq, buf, {}, 4, 0, &ev));                            // 1, data 2
    kfb_note(ev[0].data);
    kfb_note(kev(w, kq, buf, {change(fd, kDelete)}, 4, 0));              // 900, 0
    kfb_note(kev(w, kq, buf, {change(fd, kAdd | kOneshot)}, 4, 0));      // 900 (dropped), 1
    kfb_note(kev(w, kq, buf, {change(fd, kDelete)}, 0, 0));              // -ENOENT
    km::sys_ioctl(w, fd, KFBQ_TAKE, 0);
    kev(w, kq, buf, {change(fd, kAdd)}, 0, 0);
    uint64_t t0 = w.sim().now();
    kfb_note(kev(w, kq, buf, {}, 4, 7));                                 // 0 after 7 ms
    kfb_note(w.sim().now() - t0 >= 7000000);                             // 1
    km::sys_close(w, fd);                                                // 900 then 800
    km::sys_close(w, kq);
  };
  Outcome o = run_rr({{"u", user}});
  EXPECT_PASS(o);
  EXPECT_EQ(o.log, (std::vector<long>{0, 1, 11, 1, 900, 0, 1, 0, 1, 2, 900, 0, 900, 1, -ENOENT,
                                      0, 1, 900, 800}));
}

TEST(Kevent, ClosingTheKqueueDetachesBeforeTheDevicesClose) {
  for (bool kq_first : {true, false}) {
    Body user = [kq_first](km::World& w) {
      int64_t kq = kq_first ? km::sys_kqueue(w) : -1;
      int64_t fd = km::sys_open(w, "/dev/kfbq", km::kORdwr);
      if (!kq_first) kq = km::sys_kqueue(w);
      uint64_t buf = scratch(w);
      kev(w, kq, buf, {change(fd, kAdd)}, 0, 0);
      km::sys_close(w, kq);  // f_detach: 900
      kfb_note(1);
      km::sys_close(w, fd);  // d_close: 800
    };
    Outcome o = run_rr({{"u", user}});
    EXPECT_PASS(o);
    EXPECT_EQ(o.log, (std::vector<long>{900, 1, 800}));
    // Exit with both open, in either descriptor order: f_detach first.
    Body exiting = [kq_first](km::World& w) {
      int64_t kq = kq_first ? km::sys_kqueue(w) : -1;
      int64_t fd = km::sys_open(w, "/dev/kfbq", km::kORdwr);
      if (!kq_first) kq = km::sys_kqueue(w);
      kev(w, kq, scratch(w), {change(fd, kAdd)}, 0, 0);
    };
    o = run_rr({{"u", exiting}});
    EXPECT_PASS(o);
    EXPECT_EQ(o.log, (std::vector<long>{900, 800})) << "kqueue first: " << kq_first;
  }
}

TEST(Kevent, KnlistClearReportsEofOnceAndSkipsTheDetach) {
  Body user = [](km::World& w) {
    int64_t fd = km::sys_open(w, "/dev/kfbq", km::kORdwr);
    int64_t kq = km::sys_kqueue(w);
    uint64_t buf = scratch(w);
    std::vector<Kev> ev;
    km::sys_ioctl(w, fd, KFBQ_POST, 0);
    kfb_note(kev(w, kq, buf, {change(fd, kAdd)}, 0, 0));  // 0 (no room asked)
    kfb_kq_destroy(nullptr);  // destroy_dev; knlist_clear: EV_EOF | EV_ONESHOT
    kfb_note(kev(w, kq, buf, {}, 4, 0, &ev));             // 1
    kfb_note((ev[0].flags & kEof) && (ev[0].flags & kOneshot));
    kfb_note(kev(w, kq, buf, {}, 4, 0));                  // 0: dropped, no f_detach
    kfb_note(kev(w, kq, buf, {change(fd, kAdd)}, 4, 0, &ev));  // ENXIO: the cdev is gone
    kfb_note(ev[0].data);
    km::sys_close(w, kq);
    km::sys_close(w, fd);
    kfb_kq_make_dev(nullptr);  // for the teardown's destroy
  };
  Outcome o = run_rr({{"u", user}});
  EXPECT_PASS(o);
  EXPECT_EQ(o.log, (std::vector<long>{0, 1, 1, 0, 1, ENXIO}));
}

// A reader asleep in kevent and a poster: whatever the schedule, the
// event reaches the reader (FreeBSD's lock protocol: the readiness test at
// EV_ADD under the knlist's lock, the activation under the kqueue's).
TEST(Kevent, APostNeverGetsLostBetweenTheTestAndTheSleep) {
  Body reader = [](km::World& w) {
    int64_t fd = km::sys_open(w, "/dev/kfbq", km::kORdwr);
    int64_t kq = km::sys_kqueue(w);
    kfb_note(kev(w, kq, scratch(w), {change(fd, kAdd)}, 1, -1));
  };
  Body poster = [](km::World& w) {
    int64_t fd = km::sys_open(w, "/dev/kfbq", km::kORdwr);
    km::sys_ioctl(w, fd, KFBQ_POST, 0);
  };
  for (uint64_t i = 0; i < 300; i++) {
    sim::RandomStrategy rnd(5, {});
    Outcome o = run(rnd, {{"reader", reader}, {"poster", poster}}, i);
    EXPECT_PASS(o) << "execution " << i;
    EXPECT_EQ(o.log.front(), 1) << "execution " << i;
  }
}

TEST(Kevent, AMissingKnoteIsAStuckReaderWithItsStory) {
  Body reader = [](km::World& w) {
    int64_t fd = km::sys_open(w, "/dev/kfbq", km::kORdwr);
    int64_t kq = km::sys_kqueue(w);
    kev(w, kq, scratch(w), {change(fd, kAdd)}, 1, -1);
  };
  Body poster = [](km::World& w) {
    int64_t fd = km::sys_open(w, "/dev/kfbq", km::kORdwr);
    km::sys_ioctl(w, fd, KFBQ_POST_NOKNOTE, 0);
  };
  Outcome o = run_rr({{"reader", reader}, {"poster", poster}});
  ASSERT_TRUE(o.failure);
  EXPECT_EQ(o.failure.kind, sim::FailureKind::kStuck) << o.failure.message;
  EXPECT_EQ(o.failure.signature.rfind("stuck:kevent:", 0), 0u) << o.failure.signature;
  EXPECT_NE(o.failure.message.find("sleeps in kevent(2) on kqueue fd 1"), std::string::npos)
      << o.failure.message;
  EXPECT_NE(o.failure.message.find("(/dev/kfbq, EVFILT_READ)"), std::string::npos)
      << o.failure.message;
  EXPECT_NE(o.failure.message.find("no KNOTE on its knlist reached it"), std::string::npos)
      << o.failure.message;
}

TEST(Kevent, BadArguments) {
  Body user = [](km::World& w) {
    int64_t fd = km::sys_open(w, "/dev/kfbq", km::kORdwr);
    int64_t kq = km::sys_kqueue(w);
    uint64_t buf = scratch(w);
    kfb_note(km::sys_kevent(w, fd, 0, 0, buf, 1, 0));         // EBADF: not a kqueue
    kfb_note(km::sys_kevent(w, 42, 0, 0, buf, 1, 0));         // EBADF: no descriptor
    kfb_note(km::sys_kevent(w, kq, 0, 0, buf, -1, 0));        // EINVAL
    kfb_note(km::sys_kevent(w, kq, buf, 1, buf, 0, 0));       // a zeroed change: skipped
    kfb_note(km::sys_kevent(w, kq, buf + 8192, 1, buf, 1, 0));  // EFAULT
    Kev c = change(fd, kAdd);
    c.filter = -2;  // EVFILT_WRITE: the driver's EINVAL, an EV_ERROR entry
    std::vector<Kev> ev;
    kfb_note(kev(w, kq, buf, {c}, 4, 0, &ev));
    kfb_note(ev[0].flags == 0x4000 && ev[0].data == EINVAL);
  };
  Outcome o = run_rr({{"u", user}});
  EXPECT_PASS(o);
  EXPECT_EQ(o.log, (std::vector<long>{-EBADF, -EBADF, -EINVAL, 0, -EFAULT, 1, 1, 800}));  // 800: exit
}

// close(2) of the device while a reader sleeps in kevent on it: the
// knote is detached (then the device closed), and the reader, whom
// knote_fdclose does not wake, sleeps until its timeout.
TEST(Kevent, ACloseWhileAReaderSleepsDetachesAndLeavesItToItsTimeout) {
  Body reader = [](km::World& w) {
    int64_t fd = km::sys_open(w, "/dev/kfbq", km::kORdwr);
    int64_t kq = km::sys_kqueue(w);
    kfb_note(fd * 10 + kq);  // 1: fd 0, kq 1
    kfb_note(kev(w, kq, scratch(w), {change(fd, kAdd)}, 1, 10));
  };
  Body closer = [](km::World& w) {
    km::sys_poll(w, 0, 0, 1);  // 1 ms: the reader is asleep by then
    kfb_note(km::sys_close(w, 0));
  };
  Outcome o = run_rr({{"reader", reader}, {"closer", closer}});
  EXPECT_PASS(o);
  EXPECT_EQ(o.log, (std::vector<long>{1, 900, 800, 0, 0}));
}

// A signal ends the sleep with EINTR (kqueue_scan does not restart it).
TEST(Kevent, ASignalInterruptsTheSleep) {
  Body reader = [](km::World& w) {
    int64_t fd = km::sys_open(w, "/dev/kfbq", km::kORdwr);
    int64_t kq = km::sys_kqueue(w);
    kfb_note(kev(w, kq, scratch(w), {change(fd, kAdd)}, 1, -1));
  };
  Body killer = [](km::World& w) {
    km::sys_poll(w, 0, 0, 1);
    kfb_note(km::sys_kill(w, "reader", 2));
  };
  Outcome o = run_rr({{"reader", reader}, {"killer", killer}});
  EXPECT_PASS(o);
  EXPECT_EQ(o.log, (std::vector<long>{0, -EINTR, 900, 800}));
}

TEST(Kevent, AKnoteLeftOnTheKnlistAfterItsDetachIsAUseAfterFree) {
  Body user = [](km::World& w) {
    kfbq_detach_forgets = 1;
    int64_t fd = km::sys_open(w, "/dev/kfbq", km::kORdwr);
    int64_t kq = km::sys_kqueue(w);
    uint64_t buf = scratch(w);
    kev(w, kq, buf, {change(fd, kAdd)}, 0, 0);
    kev(w, kq, buf, {change(fd, kDelete)}, 0, 0);  // freed, still on the list
    km::sys_ioctl(w, fd, KFBQ_POST, 0);            // KNOTE walks it
  };
  Outcome o = run_rr({{"u", user}});
  kfbq_detach_forgets = 0;
  ASSERT_TRUE(o.failure);
  EXPECT_EQ(o.failure.kind, sim::FailureKind::kMemory) << o.failure.message;
  EXPECT_EQ(o.failure.signature, "knote_after_detach");
  EXPECT_NE(o.failure.message.find("kfb_kq.c:"), std::string::npos) << o.failure.message;
  EXPECT_NE(o.failure.message.find("knlist_remove"), std::string::npos) << o.failure.message;
}

// An ILP32 process's struct kevent is freebsd32's kevent32 on amd64:
// ident, filter, flags, fflags, data as two 32-bit halves, udata,
// ext64[8]: 56 bytes.
TEST(Kevent, AnIlp32ProcessUsesKevent32) {
  struct Kev32 {
    uint32_t ident;
    int16_t filter;
    uint16_t flags;
    uint32_t fflags;
    uint32_t data1, data2;
    uint32_t udata;
    uint32_t ext64[8];
  };
  static_assert(sizeof(Kev32) == 56);
  Body user = [](km::World& w) {
    km::Proc& p = km::curproc(w);
    int64_t fd = km::sys_open(w, "/dev/kfbq", km::kORdwr);
    int64_t kq = km::sys_kqueue(w);
    uint64_t buf = scratch(w);
    Kev32 c[2] = {};
    c[0] = Kev32{static_cast<uint32_t>(fd), kRead, kAdd, 0, 0, 0, 0xabcd, {}};
    c[1] = Kev32{static_cast<uint32_t>(fd), -2, kAdd, 0, 0, 0, 0, {}};  // EINVAL entry
    km::user_write(w, p, buf, c, sizeof c);
    kfb_note(km::sys_kevent(w, kq, buf, 2, buf + kEvents, 4, 0));  // 1 error entry
    Kev32 e[2] = {};
    km::user_read(w, p, buf + kEvents, e, sizeof e);
    kfb_note(e[0].data1 == EINVAL && e[0].flags == 0x4000 && e[0].filter == -2);
    km::sys_ioctl(w, fd, KFBQ_POST, 0);
    km::sys_ioctl(w, fd, KFBQ_POST, 0);
    kfb_note(km::sys_kevent(w, kq, 0, 0, buf + kEvents, 4, 0));  // 1
    km::user_read(w, p, buf + kEvents, e, sizeof e);
    kfb_note(e[0].ident == uint32_t(fd) && e[0].data1 == 2 && e[0].data2 == 0 &&
             e[0].udata == 0xabcd && e[1].ident == 0);
  };
  sim::RoundRobin rr;
  Outcome o = run(rr, {{"u", user}}, 0, km::DataModel::kILP32);
  EXPECT_PASS(o);
  EXPECT_EQ(o.log, (std::vector<long>{1, 1, 1, 1, 900, 800}));
}

}  // namespace
