// Issue 13: every report is one a real kernel could produce. Each test is
// written from the real system's documented behaviour (the source or man
// page is named beside it) and runs a correct driver written from those
// documents (tests/cpp/kdrivers/kf_fid.c on illumos, tests/cpp/
// kdrivers_freebsd/kfb_fid.c on FreeBSD): a report on it is kernsim's bug.
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "kernel_model/devsw.h"
#include "kernel_model/illumos/dev_impl.h"
#include "kernel_model/proc.h"
#include "kernel_model/program.h"
#include "kernel_model/syscalls.h"
#include "kernel_model/user_mem.h"
#include "kernel_model/world.h"
#include "sim/fault_guard.h"
#include "sim/strategies/pct.h"
#include "sim/strategies/random.h"
#include "sim/strategies/round_robin.h"
#include "tests/cpp/kdrivers/kf_fid.h"
#include "tests/cpp/kdrivers_freebsd/kfb_fid.h"

using namespace ks;

namespace {

using Body = std::function<void(km::World&)>;
struct Thread {
  const char* name;
  Body body;
  bool user = false;  // a thread of process "p", inside a system call
};
using Log = std::vector<long>;

struct Outcome {
  sim::Failure failure;
  Log log;
  std::vector<std::string> console;
};

sim::StackPool& pool() {
  static sim::StackPool p;
  return p;
}

struct Ctx {
  km::World* w;
  Thread* t;
};
void run_body(void* a) {
  auto* c = static_cast<Ctx*>(a);
  // A user thread is in a system call: its user code before it may have
  // taken any time (the time model's unbound thread).
  if (c->t->user) c->w->sim().unpin();
  c->t->body(*c->w);
}

enum class Pers { kIllumos, kFreebsd };

ks_driver_desc kfid_desc{"kfid", "illumos", nullptr, nullptr, nullptr, nullptr, KS_ABI_VERSION};

// One World: the driver's nodes made by a kernel thread (illumos: attach;
// FreeBSD: make_dev_s), then the threads.
Outcome run(sim::Strategy& s, Pers pers, std::vector<Thread> threads, km::WorldOptions o = {},
            uint64_t index = 0) {
  sim::install_fault_handlers();
  km::World w(pool(), s, o, index);
  km::Proc& p = km::proc_create(w, "p", km::DataModel::kLP64, km::Cred{0, 0});
  km::illumos::IlDriver drv;
  drv.w = &w;
  drv.desc = &kfid_desc;
  drv.ops = &kfid_ops;
  drv.dip.drv = &drv;
  std::deque<Thread> extra;
  {
    sim::Sim::HostScope scope(w.sim());
    kfid_init();
    kfbfid_init();
    km::devsw_register_exit_close(w);
    // The driver loads on a kernel thread, as a module does; system calls
    // wait at the boot gate until it has.
    km::boot_load_started(w);
    if (pers == Pers::kIllumos) {
      drv.major = km::devsw_new_major(w);
      extra.push_back({"attach", [&drv](km::World& w) {
                         kfid_attach(&drv.dip);
                         km::boot_load_finished(w);
                       }});
      w.on_teardown([&drv] { kfid_detach(&drv.dip); });
    } else {
      extra.push_back({"attach", [](km::World& w) {
                         kfbfid_make_devs(nullptr);
                         km::boot_load_finished(w);
                       }});
      w.on_teardown([] { kfbfid_destroy_devs(nullptr); });
    }
  }
  for (auto& t : threads) extra.push_back(std::move(t));
  std::deque<Ctx> ctx;
  for (auto& t : extra) {
    ctx.push_back({&w, &t});
    sim::Tid tid = w.spawn(t.name, run_body, &ctx.back());
    if (t.user) km::proc_attach(w, tid, p);
  }
  w.run();
  Outcome r{w.sim().failure(), {}, w.console()};
  if (pers == Pers::kIllumos) r.log.assign(kfid_log, kfid_log + kfid_nlog);
  else r.log.assign(kfbfid_log, kfbfid_log + kfbfid_nlog);
  return r;
}

Outcome run_rr(Pers pers, std::vector<Thread> threads, km::WorldOptions o = {}) {
  sim::RoundRobin rr;
  return run(rr, pers, std::move(threads), o);
}

bool has(const std::string& s, const char* what) { return s.find(what) != std::string::npos; }

#define EXPECT_PASS(o) ASSERT_FALSE((o).failure) << (o).failure.message

// Logged by kfid_attach: two minor nodes and a soft state, all DDI_SUCCESS.
const Log kAttached{0, 0, 0};
Log attached(Log rest) {
  Log l = kAttached;
  l.insert(l.end(), rest.begin(), rest.end());
  return l;
}

uint64_t map_page(km::World& w) {
  return static_cast<uint64_t>(km::sys_mmap(w, 0, 4096, km::kProtRead | km::kProtWrite));
}

// ---- 1. system-call results ----

// illumos uts/common/syscall/rw.c read(): the count moved survives an
// error only when the error is EINTR ("if (error == EINTR && cnt != 0)
// error = 0"); uts/common/os/physio.c default_physio takes b_bcount -
// b_resid as moved even when biowait returns an error. So a strategy
// routine that fails a buf (bioerror(9F)) without touching b_resid makes
// read(2) fail with that error, not return a count.
TEST(FidelitySyscalls, IllumosPhysioErrorIsTheResultNotACount) {
  Outcome o = run_rr(Pers::kIllumos, {{"u", [](km::World& w) {
                                          int64_t fd = km::sys_open(w, "/dev/rkfid/0", km::kORdwr);
                                          kfid_log[kfid_nlog++] = fd >= 0;
                                          kfid_log[kfid_nlog++] = km::sys_read(w, fd, map_page(w), 512);
                                          km::sys_close(w, fd);
                                        }, true}});
  EXPECT_PASS(o);
  EXPECT_EQ(o.log, attached({102, 1, -EIO, 202}));
}

// rw.c read(): EINTR after part of the transfer returns the part moved;
// EINTR before anything moved is the error.
TEST(FidelitySyscalls, IllumosEintrKeepsAPartialCount) {
  for (int mode : {1, 2}) {
    Outcome o = run_rr(Pers::kIllumos,
                       {{"u", [mode](km::World& w) {
                           kfid_read_mode = mode;
                           int64_t fd = km::sys_open(w, "/dev/rkfid/0", km::kORdwr);
                           kfid_log[kfid_nlog++] = km::sys_read(w, fd, map_page(w), 100);
                           km::sys_close(w, fd);
                         }, true},
                        {"k", [](km::World& w) { km::sys_kill(w, "u", 2); }, true}});
    EXPECT_PASS(o);
    EXPECT_EQ(o.log, attached({102, mode == 1 ? 10 : -EINTR, 202})) << "mode " << mode;
  }
}

// ioctl(9E): arg is "the argument passed by the caller": the user's value
// or address, unchanged (illumos does no generic copy).
TEST(FidelitySyscalls, IllumosIoctlGetsTheUserArgumentUnchanged) {
  Outcome o = run_rr(Pers::kIllumos, {{"u", [](km::World& w) {
                                          int64_t fd = km::sys_open(w, "/dev/rkfid/0", km::kORdwr);
                                          km::sys_ioctl(w, fd, KFID_IOC_ARG, 0xC0001234);
                                          km::sys_close(w, fd);
                                        }, true}});
  EXPECT_PASS(o);
  EXPECT_EQ(o.log, attached({102, 0xC0001234, 202}));
}

// FreeBSD sys/kern/sys_generic.c dofileread(): a partial count survives
// ERESTART, EINTR and EWOULDBLOCK; any other error is the result.
TEST(FidelitySyscalls, FreebsdReadKeepsAPartialCountOnlyAfterAnInterruption) {
  for (int err : {EWOULDBLOCK, EIO}) {
    Outcome o = run_rr(Pers::kFreebsd, {{"u", [err](km::World& w) {
                                           kfbfid_read_error = err;
                                           int64_t fd = km::sys_open(w, "/dev/kfbfid", km::kORdwr);
                                           kfbfid_log[kfbfid_nlog++] = km::sys_read(w, fd, map_page(w), 100);
                                           km::sys_close(w, fd);
                                         }, true}});
    EXPECT_PASS(o);
    EXPECT_EQ(o.log, (Log{0, 0, 100, err == EIO ? -EIO : 10, 200})) << "error " << err;
  }
}

// FreeBSD sys/kern/sys_generic.c kern_preadv: a negative offset is EINVAL
// "offset < 0 && (fp->f_vnode == NULL || fp->f_vnode->v_type != VCHR)":
// a character device's driver gets it (illumos rw.c pread checks the
// offset of regular files only).
TEST(FidelitySyscalls, NegativePreadOffsetReachesACharacterDriver) {
  Outcome o = run_rr(Pers::kFreebsd, {{"u", [](km::World& w) {
                                         int64_t fd = km::sys_open(w, "/dev/kfbfid", km::kORdwr);
                                         kfbfid_log[kfbfid_nlog++] = km::sys_pread(w, fd, map_page(w), 100, -4096);
                                         km::sys_close(w, fd);
                                       }, true}});
  EXPECT_PASS(o);
  EXPECT_EQ(o.log, (Log{0, 0, 100, 10, 200}));
}

// FreeBSD sys/kern/sys_generic.c sys_ioctl(): before the file is used, a
// command that has no direction, that has IOC_IN/IOC_OUT with no size, or
// IOC_VOID with a size other than an int's is ENOTTY (so is a size over
// IOCPARM_MAX, which the 13-bit IOCPARM_LEN cannot encode); an IOC_OUT buffer is zeroed ("so the user always gets back
// something deterministic"); a command with no size gets a pointer to the
// argument word itself.
TEST(FidelitySyscalls, FreebsdIoctlDecodesTheCommandWordAsSysIoctlDoes) {
  Outcome o = run_rr(Pers::kFreebsd, {{"u", [](km::World& w) {
    int64_t fd = km::sys_open(w, "/dev/kfbfid", km::kORdwr);
    uint64_t buf = map_page(w);
    auto note = [](long v) { kfbfid_log[kfbfid_nlog++] = v; };
    note(km::sys_ioctl(w, fd, KFBFID_IOC_NODIR, buf));
    note(km::sys_ioctl(w, fd, KFBFID_IOC_IN0, buf));
    note(km::sys_ioctl(w, fd, KFBFID_IOC_VOID8, buf));
    note(km::sys_ioctl(w, fd, KFBFID_IOC_OUT0, buf));
    unsigned char junk[16];
    for (auto& c : junk) c = 0xa5;
    km::user_write(w, km::curproc(w), buf, junk, sizeof junk);
    note(km::sys_ioctl(w, fd, KFBFID_IOC_OUT, buf));
    km::user_read(w, km::curproc(w), buf, junk, 1);
    note(junk[0]);
    note(km::sys_ioctl(w, fd, KFBFID_IOC_VOID, 0x1234));
    km::sys_close(w, fd);
  }, true}});
  EXPECT_PASS(o);
  EXPECT_EQ(o.log, (Log{0, 0, 100, -ENOTTY, -ENOTTY, -ENOTTY, -ENOTTY, 1, 0, 7, 0x1234, 0, 200}));
}

// ---- 2. open and close ----

// close(9E): "close() is called on the last close of the device for each
// open type"; uts/common/fs/specfs/spec_vnops.c keeps one common snode per
// (dev, block or character), so each type has its own last close. The
// block node "N" and its raw twin "N,raw" are linked by devfsadm as
// /dev/<drv>/N and /dev/r<drv>/N.
TEST(FidelityOpenClose, IllumosClosesOnTheLastCloseOfEachOpenType) {
  Outcome o = run_rr(Pers::kIllumos, {{"u", [](km::World& w) {
    int64_t b1 = km::sys_open(w, "/dev/kfid/0", km::kORdwr);
    int64_t b2 = km::sys_open(w, "/dev/kfid/0", km::kORdwr);
    int64_t c1 = km::sys_open(w, "/dev/rkfid/0", km::kORdwr);
    km::sys_close(w, b1);  // block still open through b2: no close(9E)
    km::sys_close(w, c1);  // the last character close
    km::sys_close(w, b2);  // the last block close
  }, true}});
  EXPECT_PASS(o);
  EXPECT_EQ(o.log, attached({100, 100, 102, 202, 200}));
}

// open(9E): flag FEXCL is the caller's O_EXCL, passed to the driver; the
// system enforces nothing, the driver's own open decides (here it lets
// both opens in).
TEST(FidelityOpenClose, ExclusiveOpenIsTheDriversToDecide) {
  Outcome o = run_rr(Pers::kIllumos, {{"u", [](km::World& w) {
    int64_t a = km::sys_open(w, "/dev/rkfid/0", km::kORdwr | km::kOExcl);
    int64_t b = km::sys_open(w, "/dev/rkfid/0", km::kORdwr | km::kOExcl);
    kfid_log[kfid_nlog++] = a >= 0 && b >= 0;
    km::sys_ioctl(w, a, KFID_IOC_FLAGS, 0);
    km::sys_close(w, a);
    km::sys_close(w, b);
  }, true}});
  EXPECT_PASS(o);
  EXPECT_EQ(o.log, attached({102, 102, 1, 0x01 | 0x02 | 0x400, 202}));
  // FreeBSD: d_open gets the file's flags with O_EXCL (open(2), devfs_open).
  o = run_rr(Pers::kFreebsd, {{"u", [](km::World& w) {
    int64_t a = km::sys_open(w, "/dev/kfbfid", km::kORdwr | km::kOExcl);
    km::sys_ioctl(w, a, KFBFID_IOC_OFLAGS, 0);
    km::sys_close(w, a);
  }, true}});
  EXPECT_PASS(o);
  EXPECT_EQ(o.log, (Log{0, 0, 100, 3, 200}));
}

// FreeBSD sys/fs/devfs/devfs_vnops.c devfs_close: d_close runs only on the
// last close of the cdev unless the cdevsw sets D_TRACKCLOSE, "track all
// closes" (sys/sys/conf.h), when it runs on every close.
TEST(FidelityOpenClose, FreebsdTrackcloseClosesOnEveryClose) {
  for (const char* path : {"/dev/kfbfid", "/dev/kfbfidt"}) {
    std::string p = path;
    Outcome o = run_rr(Pers::kFreebsd, {{"u", [p](km::World& w) {
      int64_t a = km::sys_open(w, p, km::kORdwr);
      int64_t b = km::sys_open(w, p, km::kORdwr);
      km::sys_close(w, a);
      km::sys_close(w, b);
    }, true}});
    EXPECT_PASS(o);
    bool track = p == "/dev/kfbfidt";
    EXPECT_EQ(o.log, track ? (Log{0, 0, 100, 100, 200, 200}) : (Log{0, 0, 100, 100, 200})) << p;
  }
}

// ---- 3. contexts ----

// timeout(9F): the handler runs with a soft interrupt's restrictions;
// mutex(9F): an adaptive mutex may be entered from interrupt context below
// LOCK_LEVEL, and a contended one blocks the (interrupt) thread until it is
// free. So a callout that finds its adaptive mutex held waits for it.
TEST(FidelityContexts, CalloutMayBlockOnAContendedAdaptiveMutex) {
  Outcome o = run_rr(Pers::kIllumos, {{"t", [](km::World&) { kfid_hold_across_callout(nullptr); }}});
  EXPECT_PASS(o);
  EXPECT_EQ(o.log, attached({2, 1}));
}

// kmem_alloc(9F): KM_SLEEP may not be used from interrupt context; a
// callout's handler is one (timeout(9F)).
TEST(FidelityContexts, CalloutMayNotSleep) {
  Outcome o = run_rr(Pers::kIllumos, {{"t", [](km::World&) { kfid_callout_allocates(nullptr); }}});
  EXPECT_EQ(o.failure.kind, sim::FailureKind::kLockMisuse) << o.failure.message;
  EXPECT_EQ(o.failure.signature, "sleep_in_interrupt:kmem_alloc(KM_SLEEP)");
  EXPECT_TRUE(has(o.failure.message, "would sleep in callout (soft interrupt) context"))
      << o.failure.message;
}

// FreeBSD subr_eventhandler.c: EVENTHANDLER_DEREGISTER of a handler while
// its event is being called marks it dead and sleeps until the calls end,
// so what the handler uses may be freed once it returns;
// EVENTHANDLER_DEREGISTER_NOWAIT returns at once.
TEST(FidelityContexts, FreebsdEventhandlerDeregisterWaitsForRunningCalls) {
  for (bool nowait : {false, true}) {
    static int token;
    Outcome o = run_rr(Pers::kFreebsd,
                       {{"invoker", [](km::World&) { kfbfid_evt_invoker(nullptr); }},
                        {"deregister", [nowait](km::World&) {
                           kfbfid_evt_deregister(nowait ? &token : nullptr);
                         }}});
    EXPECT_PASS(o);
    Log tail(o.log.end() - std::min<size_t>(3, o.log.size()), o.log.end());
    EXPECT_EQ(tail, nowait ? (Log{1, 3, 2}) : (Log{1, 2, 3})) << "nowait " << nowait;
  }
}

// FreeBSD kern_time.c ratecheck/eventratecheck (ppsratecheck).
TEST(FidelityContexts, FreebsdRatecheckAdmitsByTheSecond) {
  Outcome o = run_rr(Pers::kFreebsd, {{"t", [](km::World&) { kfbfid_ratecheck(nullptr); }}});
  EXPECT_PASS(o);
  Log tail(o.log.end() - std::min<size_t>(7, o.log.size()), o.log.end());
  EXPECT_EQ(tail, (Log{1, 0, 1, 1, 0, 1, 1}));
}

// FreeBSD kern_conf.c destroy_dev_sched_cb: scheduled once (1, then 0),
// destroyed by a task that then calls the callback; destroy_dev_drain
// waits for it.
TEST(FidelityContexts, FreebsdDestroyDevSchedIsDrained) {
  Outcome o = run_rr(Pers::kFreebsd, {{"t", [](km::World&) { kfbfid_destroy_sched(nullptr); }}});
  EXPECT_PASS(o);
  Log tail(o.log.end() - std::min<size_t>(4, o.log.size()), o.log.end());
  EXPECT_EQ(tail, (Log{1, 0, 7, 8}));
}

// taskq_dispatch_ent: the caller's entry, used again once its function
// has run; dispatched again while still queued, the taskq would link it
// twice, which kernsim reports.
TEST(FidelityMemory, TaskqEntryReusedOnlyOnceRun) {
  Outcome o = run_rr(Pers::kIllumos, {{"t", [](km::World&) { kfid_taskq_ent(nullptr); }}});
  EXPECT_PASS(o);
  EXPECT_EQ(std::count(o.log.begin(), o.log.end(), 5), 2);
  static int requeue;
  o = run_rr(Pers::kIllumos, {{"t", [](km::World&) { kfid_taskq_ent(&requeue); }}});
  EXPECT_EQ(o.failure.kind, sim::FailureKind::kLockMisuse) << o.failure.message;
  EXPECT_EQ(o.failure.signature, "taskq_ent_requeued:tq") << o.failure.message;
}

// kmem_cache_destroy (illumos kmem.c): a cache with buffers still
// allocated is destroyed anyway, with a CE_WARN; those buffers are leaks.
TEST(FidelityMemory, CacheDestroyedWithAnObjectOutWarnsAndLeaks) {
  Outcome o = run_rr(Pers::kIllumos, {{"t", [](km::World&) { kfid_cache_destroy_busy(nullptr); }}});
  EXPECT_EQ(o.failure.signature, "leak:kfid_cache") << o.failure.message;
  bool warned = false;
  for (const std::string& l : o.console)
    warned |= has(l, "kmem_cache_destroy: cache 'kfid_cache'") && has(l, "1 objects allocated");
  EXPECT_TRUE(warned) << "no console warning at kmem_cache_destroy";
}

// FreeBSD WITNESS (sys/kern/subr_witness.c, witness_warn): sleeping with a
// non-sleepable lock (any mtx) held other than the sleep's interlock is
// "Sleeping on ... with the following non-sleepable locks held"; malloc(9)
// with M_WAITOK warns the same way (WITNESS_WARN in malloc/uma_zalloc).
// illumos allows both (an adaptive mutex may be held across cv_wait).
TEST(FidelityContexts, FreebsdWitnessForbidsSleepingWithAMutexHeld) {
  Outcome o = run_rr(Pers::kFreebsd, {{"t", [](km::World&) { kfbfid_malloc_waitok_under_mtx(nullptr); }}});
  EXPECT_EQ(o.failure.signature, "sleep_with_nonsleepable:malloc(M_WAITOK):kfbfid_a")
      << o.failure.message;
  EXPECT_TRUE(has(o.failure.message, "non-sleepable lock kfbfid_a held")) << o.failure.message;
  o = run_rr(Pers::kFreebsd, {{"t", [](km::World&) { kfbfid_cv_wait_under_other_mtx(nullptr); }}});
  EXPECT_EQ(o.failure.signature, "sleep_with_nonsleepable:cv_timedwait:kfbfid_a")
      << o.failure.message;
}

// (FreeBSD logs begin 0, 0: make_dev_s made both nodes.)
// condvar(9) and sleep(9) take any lock with a lock class: the class's
// lc_unlock answers how it was held and lc_lock takes it again that way
// (kern_condvar.c _cv_wait*, kern_synch.c _sleep; kern_sx.c lock_sx and
// unlock_sx, kern_rwlock.c lock_rw and unlock_rw, checked in freebsd-src).
// Two readers wait together under one shared sx and wake holding it shared.
TEST(FidelityLockClasses, FreebsdCvWaitRetakesASharedSxShared) {
  auto waiter = [](km::World&) { kfbfid_sx_shared_waiter(nullptr); };
  for (uint64_t seed = 0; seed < 40; seed++) {
    sim::RandomStrategy s(7, {});
    Outcome o = run(s, Pers::kFreebsd,
                    {{"r1", waiter}, {"r2", waiter},
                     {"w", [](km::World&) { kfbfid_sx_ready(nullptr); }}},
                    {}, seed);
    EXPECT_PASS(o);
    Log l = o.log;
    std::sort(l.begin(), l.end());
    EXPECT_EQ(l, (Log{0, 0, 500, 500, 510})) << "seed " << seed;
  }
}

TEST(FidelityLockClasses, FreebsdCvTimedwaitRetakesAnExclusiveSxExclusive) {
  Outcome o = run_rr(Pers::kFreebsd, {{"t", [](km::World&) { kfbfid_sx_x_timedwait(nullptr); }}});
  EXPECT_PASS(o);
  EXPECT_EQ(o.log, (Log{0, 0, EWOULDBLOCK, 520}));
}

TEST(FidelityLockClasses, FreebsdCvWaitOnAReadLockedRwlock) {
  for (uint64_t seed = 0; seed < 40; seed++) {
    sim::RandomStrategy s(7, {});
    Outcome o = run(s, Pers::kFreebsd,
                    {{"r", [](km::World&) { kfbfid_rw_read_waiter(nullptr); }},
                     {"w", [](km::World&) { kfbfid_rw_ready(nullptr); }}},
                    {}, seed);
    EXPECT_PASS(o);
    EXPECT_EQ(o.log, (Log{0, 0, 530})) << "seed " << seed;
  }
}

// WITNESS: an sx is sleepable (lock_class_sx has LC_SLEEPABLE), so another
// sx held across the sleep is no report; sx_sleep's interlock is shared.
TEST(FidelityLockClasses, FreebsdSxSleepHoldingAnotherSxIsFine) {
  Outcome o = run_rr(Pers::kFreebsd, {{"t", [](km::World&) { kfbfid_sx_sleep_shared(nullptr); }}});
  EXPECT_PASS(o);
  EXPECT_EQ(o.log, (Log{0, 0, EWOULDBLOCK}));
}

// _sleep with PDROP does not call lc_lock: the sx is left released.
TEST(FidelityLockClasses, FreebsdSxSleepPdropLeavesItReleased) {
  for (uint64_t seed = 0; seed < 40; seed++) {
    sim::RandomStrategy s(7, {});
    Outcome o = run(s, Pers::kFreebsd,
                    {{"s", [](km::World&) { kfbfid_sx_sleep_pdrop(nullptr); }},
                     {"w", [](km::World&) { kfbfid_sx_wakeup(nullptr); }}},
                    {}, seed);
    EXPECT_PASS(o);
    // slept once and woken, or found it ready
    EXPECT_TRUE(o.log == (Log{0, 0}) || o.log == (Log{0, 0, 0, 540})) << "seed " << seed;
  }
}

TEST(FidelityLockClasses, FreebsdRwSleepTimesOutAndRetakesTheWriteLock) {
  Outcome o = run_rr(Pers::kFreebsd, {{"t", [](km::World&) { kfbfid_rw_sleep_timeout(nullptr); }}});
  EXPECT_PASS(o);
  EXPECT_EQ(o.log, (Log{0, 0, EWOULDBLOCK, 550}));
}

// lock_class_rw and the mutex classes have no LC_SLEEPABLE: held across a
// sleep other than as its interlock, WITNESS_WARN names them.
TEST(FidelityLockClasses, FreebsdSleepingWithAnotherNonSleepableLockIsReported) {
  Outcome o = run_rr(Pers::kFreebsd, {{"t", [](km::World&) { kfbfid_rw_sleep_under_rw(nullptr); }}});
  EXPECT_EQ(o.failure.signature, "sleep_with_nonsleepable:cv_timedwait:kfbfid_rw2")
      << o.failure.message;
  o = run_rr(Pers::kFreebsd, {{"t", [](km::World&) { kfbfid_rw_cv_under_mtx(nullptr); }}});
  EXPECT_EQ(o.failure.signature, "sleep_with_nonsleepable:cv_timedwait:kfbfid_a")
      << o.failure.message;
}

// unlock_sx asserts SA_LOCKED | SA_NOTRECURSED.
TEST(FidelityLockClasses, FreebsdCvWaitOnARecursedOrUnheldSxIsMisuse) {
  Outcome o = run_rr(Pers::kFreebsd, {{"t", [](km::World&) { kfbfid_cv_wait_sx_recursed(nullptr); }}});
  EXPECT_EQ(o.failure.kind, sim::FailureKind::kLockMisuse) << o.failure.message;
  EXPECT_EQ(o.failure.signature, "cv_wait_recursed:kfbfid_cv") << o.failure.message;
  o = run_rr(Pers::kFreebsd, {{"t", [](km::World&) { kfbfid_cv_wait_sx_unheld(nullptr); }}});
  EXPECT_EQ(o.failure.kind, sim::FailureKind::kLockMisuse) << o.failure.message;
  EXPECT_EQ(o.failure.signature, "cv_wait_unheld:kfbfid_cv") << o.failure.message;
}

// _cv_wait_unlock calls lc_unlock and never lc_lock.
TEST(FidelityLockClasses, FreebsdCvWaitUnlockLeavesTheSxReleased) {
  Outcome o = run_rr(Pers::kFreebsd, {{"t", [](km::World&) { kfbfid_cv_wait_unlock_sx(nullptr); }},
                                      {"w", [](km::World&) { kfbfid_sx_ready(nullptr); }}});
  EXPECT_PASS(o);
  EXPECT_EQ(o.log, (Log{0, 0, 510, 560}));
}

// The same with an mtx: the waiter runs on while the waker still holds it
// (kernsim took it again on waking, so the waiter waited for the waker).
// The waker busy-waits (DELAY) for the waiter holding the mtx, which only
// a waiter that does not take it again lets end; any schedule.
TEST(FidelityLockClasses, FreebsdCvWaitUnlockLeavesTheMtxReleased) {
  for (uint64_t seed : {1, 2, 3, 4, 5}) {
    sim::RandomStrategy rnd(seed, sim::ChoiceRates{});
    Outcome o = run(rnd, Pers::kFreebsd,
                    {{"t", [](km::World&) { kfbfid_cv_wait_unlock_mtx(nullptr); }},
                     {"w", [](km::World&) { kfbfid_cv_signal_holding(nullptr); }}});
    EXPECT_PASS(o);
    EXPECT_EQ(o.log, (Log{0, 0, 1, 2, 3})) << "seed " << seed;
  }
}

// unr(9) (sys/kern/subr_unit.c, checked): the lowest free number first;
// alloc_unr_specific answers -1 for a unit taken or out of [low, high];
// -1 when none is left.
TEST(FidelityUnr, LowestFreeFirstAndSpecificUnits) {
  Outcome o = run_rr(Pers::kFreebsd, {{"t", [](km::World&) { kfbfid_unr_basic(nullptr); }}});
  EXPECT_PASS(o);
  EXPECT_EQ(o.log, (Log{0, 0, 3, 4, 5, 4, -1, -1, 6, -1}));
}

// alloc_unrl asserts the header's mutex owned and leaves it held;
// alloc_unr never sleeps (no WITNESS_WARN), so a mutex may be held.
TEST(FidelityUnr, AllocUnrlUnderItsMutex) {
  Outcome o = run_rr(Pers::kFreebsd, {{"t", [](km::World&) { kfbfid_unr_locked(nullptr); }}});
  EXPECT_PASS(o);
  EXPECT_EQ(o.log, (Log{0, 0, 0, 1, 1}));
  o = run_rr(Pers::kFreebsd,
             {{"t", [](km::World&) { kfbfid_unr_alloc_unrl_unlocked(nullptr); }}});
  EXPECT_EQ(o.failure.kind, sim::FailureKind::kLockMisuse) << o.failure.message;
  EXPECT_TRUE(has(o.failure.message, "MA_OWNED")) << o.failure.message;
}

// free_unr (and alloc_unr_specific) WITNESS_WARN(WARN_SLEEPOK) and malloc
// M_WAITOK: with a mutex held, reported as any sleep is.
TEST(FidelityUnr, FreeUnrMaySleep) {
  Outcome o = run_rr(Pers::kFreebsd, {{"t", [](km::World&) { kfbfid_unr_free_under_mtx(nullptr); }}});
  EXPECT_EQ(o.failure.signature, "sleep_with_nonsleepable:free_unr:kfbfid_a")
      << o.failure.message;
}

// INVARIANTS: delete_unrhdr with units allocated and free_unr of a free
// unit are KASSERT panics; a header never deleted is a leak (M_UNIT).
TEST(FidelityUnr, MisuseIsReported) {
  Outcome o = run_rr(Pers::kFreebsd, {{"t", [](km::World&) { kfbfid_unr_delete_busy(nullptr); }}});
  EXPECT_EQ(o.failure.kind, sim::FailureKind::kPanic) << o.failure.message;
  EXPECT_TRUE(has(o.failure.message, "1 unit(s) still allocated")) << o.failure.message;
  o = run_rr(Pers::kFreebsd, {{"t", [](km::World&) { kfbfid_unr_free_free(nullptr); }}});
  EXPECT_EQ(o.failure.kind, sim::FailureKind::kPanic) << o.failure.message;
  EXPECT_TRUE(has(o.failure.message, "free_unr(2): the unit is not allocated"))
      << o.failure.message;
  o = run_rr(Pers::kFreebsd, {{"t", [](km::World&) { kfbfid_unr_leak(nullptr); }}});
  EXPECT_EQ(o.failure.kind, sim::FailureKind::kMemory) << o.failure.message;
  EXPECT_TRUE(has(o.failure.signature, "M_UNIT")) << o.failure.signature;
}

// ---- 4. time ----

// A callout due in one tick wakes a waiter whose deadline is 100 ticks
// away: on a real kernel the handler runs within a scheduling latency of
// its firing, so the wait never times out (cv_timedwait(9F) returns -1
// only "if the time limit was reached"). Under every random schedule.
// callout.c timeout: a delay of 0 ticks or less is one tick, so a timeout
// cancelled at once still had one tick to go.
TEST(FidelityTime, ATimeoutOfNoTicksIsOneTick) {
  Outcome o = run_rr(Pers::kIllumos, {{"t", [](km::World&) { kfid_timeout_zero(nullptr); }}});
  EXPECT_PASS(o);
  EXPECT_EQ(o.log.back(), 1);
}

// callout.c timeout_generic: no one-tick minimum, the expiration aligned
// to the resolution (rounded up with CALLOUT_FLAG_ROUNDUP);
// untimeout_generic answers the ns left, or -1 once it ran.
TEST(FidelityTime, TimeoutGenericAlignsToTheResolution) {
  Outcome o = run_rr(Pers::kIllumos, {{"t", [](km::World&) { kfid_timeout_generic(nullptr); }}});
  EXPECT_PASS(o);
  ASSERT_GE(o.log.size(), 3u);
  long now = o.log[o.log.size() - 3];
  long want = (now + 5'500'000 + 999'999) / 1'000'000 * 1'000'000 - now;
  EXPECT_EQ(o.log[o.log.size() - 2], want);
  EXPECT_EQ(o.log.back(), -1);
}

TEST(FidelityTime, ACalloutDueEarlierRunsBeforeAFarDeadline) {
  int timedout = 0;
  for (uint64_t i = 0; i < 300; i++) {
    sim::RandomStrategy rnd(13, {});
    Outcome o = run(rnd, Pers::kIllumos, {{"t", [](km::World&) { kfid_timed_waiter(nullptr); }}},
                    {}, i);
    EXPECT_PASS(o);
    timedout += o.log != attached({1});
  }
  EXPECT_EQ(timedout, 0);
}

// The race between a check and the sleep that follows it, in a system
// call, with a callout: the timer may fire between any two scheduling
// points of the running thread, and PCT gives the clock a priority, so PCT
// finds the lost wakeup (and some runs pass).
TEST(FidelityTime, PctFindsACalloutBetweenACheckAndTheSleep) {
  int stuck = 0, passed = 0;
  for (uint64_t i = 0; i < 100; i++) {
    sim::PctStrategy pct(5, 3, 0, {});
    Outcome o = run(pct, Pers::kIllumos,
                    {{"u", [](km::World&) { kfid_check_then_sleep(nullptr); }, true}}, {}, i);
    if (o.failure.kind == sim::FailureKind::kStuck) stuck++;
    else if (!o.failure) passed++;
  }
  EXPECT_GT(stuck, 0);
  EXPECT_GT(passed, 0);
}

// A Program reads the virtual clock (clock_gettime(3C) CLOCK_MONOTONIC).
TEST(FidelityTime, ProgramsReadTheVirtualClock) {
  sim::RoundRobin rr;
  km::World w(pool(), rr, {}, 0);
  km::Program p;
  p.procs.push_back({"p", km::DataModel::kLP64, 0});
  km::Call c;
  c.op = km::Op::kGettime;
  c.check = true;
  c.expect = 0;  // nothing has waited: time zero
  p.threads.push_back(km::ProgThread{"t", "p", {c}});
  {
    sim::Sim::HostScope scope(w.sim());
    km::program_load(w, p);
  }
  w.run();
  EXPECT_FALSE(w.sim().failure()) << w.sim().failure().message;
}

// ---- 6. faults real kernels can produce ----

// ddi_create_minor_node(9F) returns DDI_FAILURE when its KM_NOSLEEP
// allocations fail, make_dev_s ENOMEM under MAKEDEV_NOWAIT. Under
// --inject-faults each is a recorded choice, so both outcomes occur. What a
// real kernel cannot fail is never failed: ddi_soft_state_zalloc allocates
// with KM_SLEEP (illumos sunddi.c).
TEST(FidelityFaults, RegistrationCallsFailAsARecordedChoice) {
  km::WorldOptions faults;
  faults.inject_faults = true;
  bool il_failed = false, fb_failed = false;
  for (uint64_t i = 0; i < 40; i++) {
    sim::RandomStrategy rnd(21, {1, 2, 1, 8, 1, 4});
    Outcome o = run(rnd, Pers::kIllumos, {}, faults, i);
    for (size_t k = 0; k < 2 && k < o.log.size(); k++) il_failed |= o.log[k] == -1;
    ASSERT_GE(o.log.size(), 3u);
    EXPECT_EQ(o.log[2], 0) << "ddi_soft_state_zalloc failed in execution " << i;
    sim::RandomStrategy rnd2(21, {1, 2, 1, 8, 1, 4});
    o = run(rnd2, Pers::kFreebsd, {}, faults, i);
    for (size_t k = 0; k < 2 && k < o.log.size(); k++) fb_failed |= o.log[k] == ENOMEM;
  }
  EXPECT_TRUE(il_failed);
  EXPECT_TRUE(fb_failed);
  // Without --inject-faults they succeed.
  sim::RandomStrategy rnd(21, {1, 2, 1, 8, 1, 4});
  Outcome o = run(rnd, Pers::kIllumos, {}, {}, 0);
  EXPECT_EQ(o.log, kAttached);
}

}  // namespace
