// User address spaces, copies across the user boundary, processes and
// signals, backing files: the kernel model directly and through the illumos
// personality (tests/cpp/kdrivers/user_copy.c).
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <functional>
#include <set>

#include "kernel_model/devmap.h"
#include "kernel_model/proc.h"
#include "kernel_model/kmem.h"
#include "kernel_model/page_lock.h"
#include "kernel_model/user_mem.h"
#include "kernel_model/vfs.h"
#include "kernel_model/world.h"
#include "sim/fault_guard.h"
#include "sim/strategies/random.h"
#include "sim/strategies/replay.h"
#include "sim/strategies/round_robin.h"
#include "tests/cpp/kdrivers/user_copy.h"

using namespace ks;
using km::kProtRead;
using km::kProtWrite;
using km::kUserPage;

namespace {

using Body = std::function<void()>;
void run_body(void* a) { (*static_cast<Body*>(a))(); }

// A World with one process "p" (uid 1000 unless told), ready for threads.
struct Fixture {
  sim::StackPool pool;
  sim::RoundRobin rr;
};

struct UserWorld {
  km::World w;
  km::Proc* p;
  std::deque<Body> bodies;
  UserWorld(sim::StackPool& pool, sim::Strategy& s, uint64_t i = 0, km::WorldOptions o = {},
      km::DataModel model = km::DataModel::kLP64, uint32_t uid = 1000)
      : w(pool, s, o, i) {
    p = &km::proc_create(w, "p", model, km::Cred{uid, 100});
  }
  // A user thread of process p, inside system call `call`.
  sim::Tid user(const char* name, Body fn, const char* call = "ioctl", uint64_t arg = 0) {
    bodies.push_back([this, fn = std::move(fn), call, arg] {
      km::KThread& k = w.self();
      k.syscall = call;
      k.syscall_arg = arg;
      fn();
      k.syscall = nullptr;
    });
    sim::Tid t = w.spawn(name, run_body, &bodies.back());
    km::proc_attach(w, t, *p);
    return t;
  }
  sim::Tid kernel(const char* name, Body fn) {
    bodies.push_back(std::move(fn));
    return w.spawn(name, run_body, &bodies.back());
  }
  uint64_t map(uint64_t len, int prot = kProtRead | kProtWrite, uint64_t hint = 0) {
    int err = -1;
    uint64_t a = km::as_map(w, *p, hint, len, prot, &err);
    EXPECT_NE(a, 0u);
    EXPECT_EQ(err, 0);
    return a;
  }
  void poke(uint64_t a, const void* src, size_t n) {
    sim::Sim::HostScope scope(w.sim());
    ASSERT_EQ(km::user_write(w, *p, a, src, n), 0);
  }
};

// ---- address spaces ----

TEST(UserMem, MapPlacesPagesInTheReservedRangeZeroFilled) {
  Fixture f;
  UserWorld r(f.pool, f.rr);
  uint64_t base = km::user_range_base();
  EXPECT_EQ(base, 0xC0000000u);
  EXPECT_LE(base + km::user_range_size(), 1ull << 32);  // ILP32 pointers fit
  uint64_t a = r.map(5000);
  EXPECT_EQ(a % kUserPage, 0u);
  EXPECT_GE(a, base);
  EXPECT_EQ(r.p->as.pages.size(), 2u);  // rounded up to whole pages
  uint64_t b = r.map(1);
  EXPECT_EQ(b, a + 2 * kUserPage);  // the next free place
  unsigned char buf[5000];
  std::memset(buf, 0xff, sizeof buf);
  sim::Sim::HostScope scope(r.w.sim());
  ASSERT_EQ(km::user_read(r.w, *r.p, a, buf, sizeof buf), 0);
  for (unsigned char c : buf) ASSERT_EQ(c, 0);
  // The range itself is reserved with no access: a host read faults, which
  // is how a direct dereference is caught (see DirectDereference below).
  // A hint that is free is honoured; a taken one is not.
  int err = 0;
  uint64_t h = km::as_map(r.w, *r.p, base + 100 * kUserPage, 10, kProtRead, &err);
  EXPECT_EQ(h, base + 100 * kUserPage);
  uint64_t h2 = km::as_map(r.w, *r.p, base + 100 * kUserPage, 10, kProtRead, &err);
  EXPECT_NE(h2, h);
  EXPECT_NE(h2, 0u);
  EXPECT_EQ(km::as_map(r.w, *r.p, 0, 0, kProtRead, &err), 0u);
  EXPECT_EQ(err, EINVAL);
  EXPECT_EQ(km::as_map(r.w, *r.p, 0, 10, 8, &err), 0u);
  EXPECT_EQ(err, EINVAL);
  EXPECT_EQ(km::as_map(r.w, *r.p, 0, 1ull << 40, kProtRead, &err), 0u);
  EXPECT_EQ(err, ENOMEM);
}

TEST(UserMem, UnmapAndProtect) {
  Fixture f;
  UserWorld r(f.pool, f.rr);
  uint64_t a = r.map(4 * kUserPage);
  EXPECT_EQ(km::as_unmap(r.w, *r.p, a + 1, kUserPage), EINVAL);  // unaligned
  EXPECT_EQ(km::as_unmap(r.w, *r.p, a + kUserPage, kUserPage), 0);
  EXPECT_EQ(km::as_unmap(r.w, *r.p, a + kUserPage, kUserPage), 0);  // a hole is fine
  EXPECT_EQ(r.p->as.pages.size(), 3u);
  EXPECT_EQ(km::as_protect(r.w, *r.p, a, 4 * kUserPage, kProtRead), ENOMEM);  // spans the hole
  EXPECT_EQ(km::as_protect(r.w, *r.p, a + 1, kUserPage, kProtRead), EINVAL);
  EXPECT_EQ(km::as_protect(r.w, *r.p, a + 2 * kUserPage, 2 * kUserPage, kProtRead), 0);
  EXPECT_EQ(r.p->as.pages.at(a + 3 * kUserPage).prot, kProtRead);
  EXPECT_EQ(r.p->as.pages.at(a).prot, kProtRead | kProtWrite);
  // A later map without a hint reuses nothing it should not.
  uint64_t b = r.map(kUserPage);
  EXPECT_EQ(r.p->as.pages.count(b), 1u);
  EXPECT_NE(b, a);
}

// ---- copies ----

TEST(UserMem, CopyRoundTripAcrossAPageBoundary) {
  Fixture f;
  UserWorld r(f.pool, f.rr);
  uint64_t a = r.map(2 * kUserPage);
  uint64_t at = a + kUserPage - 10;  // 10 bytes in page 0, 20 in page 1
  int rin = -1, rout = -1;
  char back[30] = {};
  r.user("t", [&] {
    char msg[30];
    for (int i = 0; i < 30; i++) msg[i] = static_cast<char>('a' + i % 26);
    rout = km::copyout(r.w, *r.p, msg, at, 30);
    rin = km::copyin(r.w, *r.p, at, back, 30);
  });
  ASSERT_EQ(r.w.run(), km::RunStatus::kDone) << r.w.sim().failure().message;
  EXPECT_EQ(rout, 0);
  EXPECT_EQ(rin, 0);
  for (int i = 0; i < 30; i++) EXPECT_EQ(back[i], 'a' + i % 26);
  EXPECT_EQ(r.p->as.pages.at(a).mem[kUserPage - 10], 'a');
  EXPECT_EQ(r.p->as.pages.at(a + kUserPage).mem[0], 'a' + 10);
}

// A copy to user memory that reads a freed kmem buffer is a use after
// free (KASAN's report); a live buffer holding the poison's bytes is not,
// nor is the second page of a copy whose first page was live.
TEST(UserMem, CopyoutOfFreedKmemIsAReadAfterFree) {
  Fixture f;
  UserWorld r(f.pool, f.rr);
  uint64_t a = r.map(kUserPage);
  int rc = -1;
  r.user("t", [&] {
    auto* live = static_cast<uint64_t*>(km::kmem_alloc(r.w, 16, km::kKmemSleep, "live_tag"));
    live[0] = live[1] = km::kKmemPoison;  // looks freed, is not
    rc = km::copyout(r.w, *r.p, live, a, 16);
    km::kmem_free(r.w, live, 16, "test");
    void* gone = km::kmem_alloc(r.w, 32, km::kKmemSleep, "gone_tag");
    km::kmem_free(r.w, gone, 32, "test");
    km::copyout(r.w, *r.p, static_cast<char*>(gone) + 8, a, 8);
  });
  r.w.run();
  EXPECT_EQ(rc, 0);
  const sim::Failure& fl = r.w.sim().failure();
  EXPECT_EQ(fl.kind, sim::FailureKind::kMemory) << fl.message;
  EXPECT_EQ(fl.signature, "read_after_free:gone_tag") << fl.message;
  EXPECT_NE(fl.message.find("offset 8 of a 32-byte buffer"), std::string::npos) << fl.message;
}

TEST(UserMem, EachPageOfACopyIsASchedulingPoint) {
  Fixture f;
  sim::SimOptions so;
  so.record_trace = true;
  km::WorldOptions o;
  o.sim = so;
  UserWorld r(f.pool, f.rr, 0, o);
  uint64_t a = r.map(3 * kUserPage);
  char buf[3 * kUserPage];
  r.user("t", [&] { EXPECT_EQ(km::copyin(r.w, *r.p, a + 100, buf, 2 * kUserPage), 0); });
  ASSERT_EQ(r.w.run(), km::RunStatus::kDone);
  std::vector<std::pair<uint64_t, uint64_t>> pages;
  for (const sim::Event& e : r.w.sim().trace())
    if (e.kind == km::kEvCopyin) pages.emplace_back(e.a0, e.a1);
  ASSERT_EQ(pages.size(), 3u);
  EXPECT_EQ(pages[0], std::make_pair(a + 100, kUserPage - 100));
  EXPECT_EQ(pages[1], std::make_pair(a + kUserPage, kUserPage));
  EXPECT_EQ(pages[2], std::make_pair(a + 2 * kUserPage, uint64_t(100)));
}

TEST(UserMem, EfaultOnAHoleAndOnProtection) {
  Fixture f;
  UserWorld r(f.pool, f.rr);
  uint64_t a = r.map(3 * kUserPage);
  ASSERT_EQ(km::as_unmap(r.w, *r.p, a + kUserPage, kUserPage), 0);
  ASSERT_EQ(km::as_protect(r.w, *r.p, a + 2 * kUserPage, kUserPage, kProtRead), 0);
  uint64_t wo = r.map(kUserPage, kProtWrite);
  std::vector<int> rc;
  r.user("t", [&] {
    char buf[64] = {};
    rc.push_back(km::copyin(r.w, *r.p, a + kUserPage - 8, buf, 16));       // runs into the hole
    rc.push_back(km::copyout(r.w, *r.p, buf, a + 2 * kUserPage, 8));       // read-only page
    rc.push_back(km::copyin(r.w, *r.p, a + 2 * kUserPage, buf, 8));        // readable: fine
    rc.push_back(km::copyin(r.w, *r.p, wo, buf, 8));                       // write-only page
    rc.push_back(km::copyout(r.w, *r.p, buf, wo, 8));                      // fine
    rc.push_back(km::copyin(r.w, *r.p, 0x1000, buf, 8));                   // outside the range
    rc.push_back(km::copyin(r.w, *r.p, ~uint64_t(0) - 4, buf, 8));         // wraps
    rc.push_back(km::copyin(r.w, *r.p, a, buf, 0));                        // nothing to copy
  });
  ASSERT_EQ(r.w.run(), km::RunStatus::kDone) << r.w.sim().failure().message;
  EXPECT_EQ(rc, (std::vector<int>{EFAULT, EFAULT, 0, EFAULT, 0, EFAULT, EFAULT, 0}));
}

TEST(UserMem, Copyinstr) {
  Fixture f;
  UserWorld r(f.pool, f.rr);
  uint64_t a = r.map(2 * kUserPage);
  uint64_t s = a + kUserPage - 3;  // "hello" straddles the pages
  r.poke(s, "hello", 6);
  uint64_t hole = r.map(kUserPage);
  r.poke(hole + kUserPage - 4, "abcd", 4);  // no NUL before the end of the mapping
  std::vector<int> rc;
  std::vector<size_t> done;
  char k[64];
  r.user("t", [&] {
    size_t d = 99;
    rc.push_back(km::copyinstr(r.w, *r.p, s, k, sizeof k, &d));
    done.push_back(d);
    rc.push_back(km::copyinstr(r.w, *r.p, s, k, 6, &d));  // exactly fits
    done.push_back(d);
    rc.push_back(km::copyinstr(r.w, *r.p, s, k, 5, &d));  // no room for the NUL
    done.push_back(d);
    rc.push_back(km::copyinstr(r.w, *r.p, hole + kUserPage - 4, k, sizeof k, &d));
    done.push_back(d);
    rc.push_back(km::copyinstr(r.w, *r.p, s, k, 0, &d));
    done.push_back(d);
  });
  ASSERT_EQ(km::as_unmap(r.w, *r.p, hole + kUserPage, kUserPage), 0);
  ASSERT_EQ(r.w.run(), km::RunStatus::kDone) << r.w.sim().failure().message;
  EXPECT_EQ(rc, (std::vector<int>{0, 0, ENAMETOOLONG, EFAULT, ENAMETOOLONG}));
  EXPECT_EQ(done, (std::vector<size_t>{6, 6, 5, 4, 0}));
}

// Another thread unmaps the buffer while a three-page copyin runs: a random
// search sees the copy finish, fail at once, and fail part way (the pages
// before the munmap copied, none after).
TEST(UserMem, ConcurrentMunmapLandsBetweenThePagesOfACopy) {
  sim::StackPool pool;
  sim::RandomStrategy rnd(11, {});
  int ok = 0, efault_at_once = 0, efault_midway = 0;
  for (uint64_t i = 0; i < 300; i++) {
    UserWorld r(pool, rnd, i);
    uint64_t a = r.map(3 * kUserPage);
    std::vector<unsigned char> pattern(3 * kUserPage, 0x5a);
    r.poke(a, pattern.data(), pattern.size());
    std::vector<unsigned char> k(3 * kUserPage, 0);
    int rc = -1;
    r.user("reader", [&] { rc = km::copyin(r.w, *r.p, a, k.data(), k.size()); });
    r.user("unmapper", [&] { EXPECT_EQ(km::as_unmap(r.w, *r.p, a, 3 * kUserPage), 0); },
           "munmap");
    ASSERT_EQ(r.w.run(), km::RunStatus::kDone) << r.w.sim().failure().message;
    if (rc == 0) {
      ok++;
      EXPECT_EQ(k, pattern);
    } else {
      ASSERT_EQ(rc, EFAULT);
      if (k[0] == 0x5a) efault_midway++;
      else efault_at_once++;
      EXPECT_EQ(k[2 * kUserPage], 0);  // nothing of the unmapped page was copied
    }
  }
  EXPECT_GT(ok, 0);
  EXPECT_GT(efault_at_once, 0);
  EXPECT_GT(efault_midway, 0);
}

// A long-term lock takes its pages, then (after a scheduling point, as
// umem_lockmemory allocates its cookie) registers the undo that unlocks
// them. An munmap that comes between finds no undo to run and sleeps; the
// registration wakes it to run the undo, as illumos's as_add_callback
// broadcasts for that very race (vm_as.c). It slept for ever before.
TEST(UserMem, AnUndoRegisteredAfterAnUnmapBeganIsRun) {
  sim::StackPool pool;
  sim::RandomStrategy rnd(5, {});
  int slept = 0;
  for (uint64_t i = 0; i < 300; i++) {
    UserWorld r(pool, rnd, i);
    uint64_t a = r.map(kUserPage);
    struct Undo {
      km::Proc* p;
      uint32_t id;
      bool ran;
    } u{r.p, 0, false};
    int rc = -1;
    r.user("locker", [&] {
      // EFAULT when the unmap came first
      if ((rc = km::page_lock(r.w, *r.p, a, kUserPage, kProtRead, "umem_lockmemory", &u.id)))
        return;
      r.w.preempt();
      km::page_lock_set_undo(
          r.w, *r.p, u.id,
          [](km::World& w, void* arg, const char*) {
            auto* x = static_cast<Undo*>(arg);
            x->ran = true;
            km::page_unlock(w, *x->p, x->id);
          },
          &u, nullptr);
    });
    r.user("unmapper", [&] { EXPECT_EQ(km::as_unmap(r.w, *r.p, a, kUserPage), 0); }, "munmap");
    ASSERT_EQ(r.w.run(), km::RunStatus::kDone) << r.w.sim().failure().message;
    EXPECT_TRUE(rc == EFAULT || (rc == 0 && u.ran)) << rc;
    slept += r.w.sim().nobjects() > 0 && r.p->as.locks && r.p->as.locks->wait != 0;
  }
  EXPECT_GT(slept, 0);  // some unmap did come between and sleep
}

TEST(UserMem, CopyWithASpinLockHeldIsAMisuse) {
  Fixture f;
  UserWorld r(f.pool, f.rr);
  uint64_t a = r.map(kUserPage);
  km::ObjId spin;
  {
    sim::Sim::HostScope scope(r.w.sim());
    spin = r.w.new_obj(km::kObjMutex, "sc_spin");
    r.w.obj(spin).spin = true;
  }
  r.user("t", [&] {
    char b[4];
    r.w.mutex_enter(spin);
    km::copyin(r.w, *r.p, a, b, 4);
    r.w.mutex_exit(spin);
  });
  ASSERT_EQ(r.w.run(), km::RunStatus::kFailed);
  EXPECT_EQ(r.w.sim().failure().kind, sim::FailureKind::kLockMisuse);
  EXPECT_EQ(r.w.sim().failure().signature, "sleep_with_spin:copyin:sc_spin");
}

// ---- through the illumos personality ----

struct IoctlResult {
  int rc = -1;
  uc_req back{};
  uc_req32 back32{};
};

IoctlResult run_uc_ioctl(km::DataModel model) {
  Fixture f;
  UserWorld r(f.pool, f.rr, 0, {}, model);
  uint64_t a = r.map(kUserPage);
  uint64_t name = a + 512;
  r.poke(name, "kernsim", 8);
  if (model == km::DataModel::kLP64) {
    uc_req q{20, 0, reinterpret_cast<char*>(name)};
    r.poke(a, &q, sizeof q);
  } else {
    uc_req32 q{20, 0, static_cast<uint32_t>(name)};
    r.poke(a, &q, sizeof q);
  }
  int mode = 0x3 | (model == km::DataModel::kLP64 ? 0x00200000 : 0x00100000);
  IoctlResult out;
  r.user("t", [&] { out.rc = uc_ioctl(static_cast<intptr_t>(a), mode); });
  EXPECT_EQ(r.w.run(), km::RunStatus::kDone) << r.w.sim().failure().message;
  sim::Sim::HostScope scope(r.w.sim());
  km::user_read(r.w, *r.p, a, &out.back, sizeof out.back);
  km::user_read(r.w, *r.p, a, &out.back32, sizeof out.back32);
  return out;
}

TEST(IllumosUser, IoctlCopiesItsArgumentInBothDataModels) {
  IoctlResult lp = run_uc_ioctl(km::DataModel::kLP64);
  EXPECT_EQ(lp.rc, 0);
  EXPECT_EQ(lp.back.out, 20 * 2 + 7);
  IoctlResult ilp = run_uc_ioctl(km::DataModel::kILP32);
  EXPECT_EQ(ilp.rc, 0);
  EXPECT_EQ(ilp.back32.out, 20 * 2 + 7);
}

TEST(IllumosUser, IoctlArgumentInAHoleIsEfault) {
  Fixture f;
  UserWorld r(f.pool, f.rr);
  uint64_t a = r.map(kUserPage);
  ASSERT_EQ(km::as_unmap(r.w, *r.p, a, kUserPage), 0);
  int rc = -1;
  r.user("t", [&] { rc = uc_ioctl(static_cast<intptr_t>(a), 0x3 | 0x00200000); });
  ASSERT_EQ(r.w.run(), km::RunStatus::kDone);
  EXPECT_EQ(rc, EFAULT);
}

TEST(IllumosUser, FkioctlTakesAKernelBuffer) {
  Fixture f;
  UserWorld r(f.pool, f.rr);
  char name[] = "abc";
  uc_req q{5, 0, name};
  int rc = -1;
  // A layered ioctl from a kernel thread: no process, no user memory.
  r.kernel("layered", [&] {
    rc = uc_ioctl(reinterpret_cast<intptr_t>(&q), 0x3 | 0x00200000 | static_cast<int>(0x80000000));
  });
  ASSERT_EQ(r.w.run(), km::RunStatus::kDone) << r.w.sim().failure().message;
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(q.out, 5 * 2 + 3);
}

TEST(IllumosUser, CredentialsAndPid) {
  Fixture f;
  UserWorld r(f.pool, f.rr);
  km::proc_create(r.w, "root", km::DataModel::kLP64, km::Cred{0, 0});
  int priv_user = -1, priv_kernel = -1, pid_user = -1, pid_kernel = -1;
  uint32_t uid = 0;
  r.user("t", [&] {
    priv_user = uc_priv();
    uid = uc_uid();
    pid_user = uc_pid();
  });
  r.kernel("k", [&] {
    priv_kernel = uc_priv();
    pid_kernel = uc_pid();
  });
  ASSERT_EQ(r.w.run(), km::RunStatus::kDone) << r.w.sim().failure().message;
  EXPECT_EQ(priv_user, EPERM);
  EXPECT_EQ(uid, 1000u);
  EXPECT_EQ(pid_user, 1);
  EXPECT_EQ(priv_kernel, 0);  // kcred
  EXPECT_EQ(pid_kernel, 0);
  EXPECT_EQ(km::proc_find(r.w, "root")->pid, 2u);
  EXPECT_EQ(km::proc_find(r.w, "nobody"), nullptr);
}

TEST(IllumosUser, DirectDereferenceOfAUserAddressIsReported) {
  sim::install_fault_handlers();
  Fixture f;
  UserWorld r(f.pool, f.rr);
  uint64_t a = r.map(kUserPage);
  int64_t v = 0;
  r.user("client", [&] { v = uc_ioctl_nocopy(static_cast<intptr_t>(a)); }, "ioctl", 0x5301);
  ASSERT_EQ(r.w.run(), km::RunStatus::kFailed);
  const sim::Failure& fl = r.w.sim().failure();
  EXPECT_EQ(fl.kind, sim::FailureKind::kFault);
  EXPECT_EQ(fl.signature, "fault:user_address");
  char addr[32];
  std::snprintf(addr, sizeof addr, "0x%llx", static_cast<unsigned long long>(a));
  EXPECT_NE(fl.message.find(std::string("driver dereferenced user address ") + addr +
                            " directly (missing copyin/copyout?) during ioctl (arg 0x5301)"),
            std::string::npos)
      << fl.message;
  EXPECT_NE(fl.message.find("in thread client"), std::string::npos) << fl.message;
  EXPECT_NE(fl.message.find("mapped in process p"), std::string::npos) << fl.message;
  EXPECT_EQ(v, 0);
}

TEST(IllumosUser, CopyinFromAKernelThreadIsAFailure) {
  Fixture f;
  UserWorld r(f.pool, f.rr);
  uint64_t a = r.map(kUserPage);
  r.kernel("tq_worker", [&] { uc_ioctl(static_cast<intptr_t>(a), 0x3 | 0x00200000); });
  ASSERT_EQ(r.w.run(), km::RunStatus::kFailed);
  EXPECT_EQ(r.w.sim().failure().kind, sim::FailureKind::kPanic);
  EXPECT_EQ(r.w.sim().failure().signature, "user_copy_in_kernel_thread:copyin");
  EXPECT_NE(r.w.sim().failure().message.find("tq_worker"), std::string::npos);
}

// ---- processes and signals ----

struct CvPair {
  km::ObjId m, cv;
};
CvPair make_cv(km::World& w) {
  sim::Sim::HostScope scope(w.sim());
  return {w.new_obj(km::kObjMutex, "sc_lock"), w.new_obj(km::kObjCondvar, "sc_cv")};
}

TEST(Signals, InterruptCvWaitSigWithEintr) {
  sim::StackPool pool;
  sim::RandomStrategy rnd(3, {});
  std::set<int> seen;
  for (uint64_t i = 0; i < 100; i++) {
    UserWorld r(pool, rnd, i);
    CvPair c = make_cv(r.w);
    int rc = -1;
    sim::Tid waiter = r.user("waiter", [&] {
      r.w.mutex_enter(c.m);
      rc = r.w.cv_wait(c.cv, c.m, true, 0);  // nobody signals the cv
      r.w.mutex_exit(c.m);
    });
    bool was_asleep = false;
    r.user("killer", [&] {
      r.w.preempt();
      was_asleep = r.w.kt(waiter).queued;
      km::post_signal(r.w, waiter, 2);
    }, "kill");
    ASSERT_EQ(r.w.run(), km::RunStatus::kDone) << r.w.sim().failure().message;
    EXPECT_EQ(rc, EINTR);
    EXPECT_TRUE(km::signal_pending(r.w, waiter));
    seen.insert(was_asleep);
  }
  EXPECT_EQ(seen.size(), 2u);  // the signal came both before and during the sleep
}

TEST(Signals, PendingBeforeTheWaitAndClearing) {
  Fixture f;
  UserWorld r(f.pool, f.rr);
  CvPair c = make_cv(r.w);
  std::vector<int> rc;
  sim::Tid t = 0;
  t = r.user("waiter", [&] {
    r.w.mutex_enter(c.m);
    rc.push_back(r.w.cv_wait(c.cv, c.m, true, 0));  // pending already: at once
    km::clear_signals(r.w, t);
    rc.push_back(r.w.cv_wait(c.cv, c.m, true, 0));  // cleared: sleeps until signalled
    r.w.mutex_exit(c.m);
  });
  r.user("signaller", [&] {
    r.w.mutex_enter(c.m);
    r.w.cv_signal(c.cv);
    r.w.mutex_exit(c.m);
  });
  {
    sim::Sim::HostScope scope(r.w.sim());
    km::post_signal(r.w, t, 15);
  }
  EXPECT_TRUE(km::signal_pending(r.w, t));
  EXPECT_EQ(r.w.kt(t).sig_pending, uint64_t(1) << 14);
  ASSERT_EQ(r.w.run(), km::RunStatus::kDone) << r.w.sim().failure().message;
  EXPECT_EQ(rc, (std::vector<int>{EINTR, 0}));
  EXPECT_FALSE(km::signal_pending(r.w, t));
}

TEST(Signals, UninterruptibleWaitIgnoresSignals) {
  Fixture f;
  UserWorld r(f.pool, f.rr);
  CvPair c = make_cv(r.w);
  std::vector<int> rc;
  bool done = false;
  sim::Tid t = r.user("waiter", [&] {
    r.w.mutex_enter(c.m);
    while (!done) rc.push_back(r.w.cv_wait(c.cv, c.m, false, 0));
    r.w.mutex_exit(c.m);
  });
  r.user("other", [&] {
    km::post_signal(r.w, t, 9);
    r.w.preempt();
    r.w.mutex_enter(c.m);
    done = true;
    r.w.cv_signal(c.cv);
    r.w.mutex_exit(c.m);
  });
  ASSERT_EQ(r.w.run(), km::RunStatus::kDone) << r.w.sim().failure().message;
  EXPECT_EQ(rc, std::vector<int>{0});  // one sleep, ended by the cv_signal only
}

TEST(Procs, CurprocInAKernelThreadIsAPanic) {
  Fixture f;
  UserWorld r(f.pool, f.rr);
  r.kernel("kthr", [&] { km::curproc(r.w); });
  ASSERT_EQ(r.w.run(), km::RunStatus::kFailed);
  EXPECT_EQ(r.w.sim().failure().kind, sim::FailureKind::kPanic);
  EXPECT_EQ(r.w.sim().failure().signature, "curproc_in_kernel_thread");
}

// ---- backing files ----

TEST(Vfs, PreadPwriteGrowAndErrors) {
  Fixture f;
  UserWorld r(f.pool, f.rr);
  km::BackingFile* file;
  km::BackingFile* ro;
  {
    sim::Sim::HostScope scope(r.w.sim());
    file = &km::vfs_create(r.w, "/var/tmp/disk", 10, false);
    ro = &km::vfs_create(r.w, "/ro", 4, true);
  }
  EXPECT_EQ(km::vfs_lookup(r.w, "/var/tmp/disk"), file);
  EXPECT_EQ(km::vfs_lookup(r.w, "/nope"), nullptr);
  std::vector<int64_t> rc;
  char buf[32] = {};
  r.user("io", [&] {
    rc.push_back(km::vfs_pwrite(r.w, *file, "0123456789", 10, 0));
    rc.push_back(km::vfs_pread(r.w, *file, buf, 32, 4));  // short at EOF
    rc.push_back(km::vfs_pwrite(r.w, *file, "xy", 2, 20));  // grows, zero gap
    rc.push_back(km::vfs_pread(r.w, *file, buf, 4, 100));
    rc.push_back(km::vfs_pread(r.w, *file, buf, 4, -1));
    rc.push_back(km::vfs_pwrite(r.w, *ro, "a", 1, 0));
  });
  ASSERT_EQ(r.w.run(), km::RunStatus::kDone) << r.w.sim().failure().message;
  EXPECT_EQ(rc, (std::vector<int64_t>{10, 6, 2, 0, -EINVAL, -EROFS}));
  EXPECT_EQ(std::string(buf, 6), "456789");
  ASSERT_EQ(file->data.size(), 22u);
  EXPECT_EQ(file->data[15], 0);
  EXPECT_EQ(file->data[21], 'y');
}

TEST(Vfs, InjectedEioIsARecordedChoice) {
  sim::StackPool pool;
  sim::RandomStrategy rnd(5, {});
  km::WorldOptions o;
  o.inject_faults = true;
  int eio = 0, fine = 0;
  for (uint64_t i = 0; i < 100; i++) {
    UserWorld r(pool, rnd, i, o);
    km::BackingFile* file;
    {
      sim::Sim::HostScope scope(r.w.sim());
      file = &km::vfs_create(r.w, "/disk", 64, false);
    }
    int64_t rc = 0;
    r.user("io", [&] {
      char b[8];
      rc = km::vfs_pread(r.w, *file, b, 8, 0);
    });
    ASSERT_EQ(r.w.run(), km::RunStatus::kDone);
    if (rc == -EIO) {
      eio++;
      // The replay of its decisions injects the same error.
      sim::ReplayStrategy rep(r.w.sim().decisions());
      UserWorld again(pool, rep, 0, o);
      km::BackingFile* f2;
      {
        sim::Sim::HostScope scope(again.w.sim());
        f2 = &km::vfs_create(again.w, "/disk", 64, false);
      }
      int64_t rc2 = 0;
      again.user("io", [&] {
        char b[8];
        rc2 = km::vfs_pread(again.w, *f2, b, 8, 0);
      });
      ASSERT_EQ(again.w.run(), km::RunStatus::kDone);
      EXPECT_EQ(rc2, -EIO);
      EXPECT_EQ(again.w.sim().trace_hash(), r.w.sim().trace_hash());
    } else {
      EXPECT_EQ(rc, 8);
      fine++;
    }
  }
  EXPECT_GT(eio, 0);
  EXPECT_GT(fine, 0);
  // Without inject_faults nothing fails.
  for (uint64_t i = 0; i < 50; i++) {
    UserWorld r(pool, rnd, i);
    km::BackingFile* file;
    {
      sim::Sim::HostScope scope(r.w.sim());
      file = &km::vfs_create(r.w, "/disk", 64, false);
    }
    int64_t rc = 0;
    r.user("io", [&] {
      char b[8];
      rc = km::vfs_pread(r.w, *file, b, 8, 0);
    });
    ASSERT_EQ(r.w.run(), km::RunStatus::kDone);
    EXPECT_EQ(rc, 8);
  }
}

TEST(Vfs, HoldLeftAtTeardownIsAVnodeLeak) {
  Fixture f;
  UserWorld r(f.pool, f.rr);
  km::BackingFile* a;
  km::BackingFile* b;
  {
    sim::Sim::HostScope scope(r.w.sim());
    a = &km::vfs_create(r.w, "/a", 1, false);
    b = &km::vfs_create(r.w, "/b", 1, false);
  }
  r.user("t", [&] {
    km::vfs_hold(r.w, *a);
    km::vfs_rele(r.w, *a);
    km::vfs_hold(r.w, *b);
    km::vfs_hold(r.w, *b);
  });
  ASSERT_EQ(r.w.run(), km::RunStatus::kFailed);
  EXPECT_EQ(r.w.sim().failure().kind, sim::FailureKind::kTeardown);
  EXPECT_EQ(r.w.sim().failure().signature, "vnode_held:/b");
  EXPECT_NE(r.w.sim().failure().message.find("backing file /b still has 2 holds"),
            std::string::npos)
      << r.w.sim().failure().message;
}

TEST(Vfs, ReleWithoutHoldIsAPanic) {
  Fixture f;
  UserWorld r(f.pool, f.rr);
  km::BackingFile* a;
  {
    sim::Sim::HostScope scope(r.w.sim());
    a = &km::vfs_create(r.w, "/a", 1, false);
  }
  r.user("t", [&] { km::vfs_rele(r.w, *a); });
  ASSERT_EQ(r.w.run(), km::RunStatus::kFailed);
  EXPECT_EQ(r.w.sim().failure().signature, "vnode_rele_unheld:/a");
}

// ---- determinism ----

TEST(UserMem, SameAddressesAndHashesInEveryWorld) {
  sim::StackPool pool;
  auto once = [&](std::vector<uint64_t>* addrs) {
    sim::RandomStrategy rnd(9, {});
    UserWorld r(pool, rnd, 4);
    addrs->push_back(r.map(3 * kUserPage));
    addrs->push_back(r.map(1));
    km::as_unmap(r.w, *r.p, (*addrs)[0], kUserPage);
    addrs->push_back(r.map(kUserPage));
    uint64_t a = (*addrs)[1];
    r.user("t", [&] {
      char b[8] = "abcdefg";
      km::copyout(r.w, *r.p, b, a, 8);
      km::copyin(r.w, *r.p, a, b, 8);
    });
    r.user("u", [&] { km::user_write(r.w, *r.p, a + 4, "zz", 2); });
    EXPECT_EQ(r.w.run(), km::RunStatus::kDone);
    return r.w.sim().trace_hash();
  };
  std::vector<uint64_t> a1, a2;
  uint64_t h1 = once(&a1), h2 = once(&a2);
  EXPECT_EQ(a1, a2);
  EXPECT_EQ(h1, h2);
  EXPECT_EQ(a1[0], km::user_range_base());
}

}  // namespace

// ---- device mappings' physical addresses (devmap.h) ----

TEST(DevMap, KmemPhysicalAddressesRoundTripAndRepeat) {
  Fixture f;
  uint64_t pas[2] = {0, 0};
  for (uint64_t i = 0; i < 2; i++) {
    UserWorld r(f.pool, f.rr, i);
    r.kernel("k", [&] {
      void* a = km::kmem_alloc(r.w, 100, km::kKmemSleep, "a");
      void* b = km::kmem_alloc(r.w, 4096, km::kKmemSleep, "b");
      uint64_t pa = km::kmem_vtophys(r.w, b);
      EXPECT_NE(pa, 0u);
      EXPECT_EQ(km::kmem_phystov(r.w, pa), b);
      EXPECT_EQ(km::kmem_phystov(r.w, pa + 17), static_cast<char*>(b) + 17);
      EXPECT_EQ(km::kmem_vtophys(r.w, static_cast<char*>(b) + 4095), pa + 4095);
      EXPECT_LT(km::kmem_vtophys(r.w, a), pa);
      int local = 0;
      EXPECT_EQ(km::kmem_vtophys(r.w, &local), 0u);  // no stack address has one
      EXPECT_EQ(km::kmem_phystov(r.w, 0), nullptr);
      EXPECT_EQ(km::kmem_phystov(r.w, pa + (1ull << 40)), nullptr);
      pas[i] = pa;
      km::kmem_free(r.w, a, 100, "test");
      km::kmem_free(r.w, b, 4096, "test");
    });
    ASSERT_EQ(r.w.run(), km::RunStatus::kDone) << r.w.sim().failure().message;
  }
  EXPECT_EQ(pas[0], pas[1]);  // another World (another arena slot), the same address
}
