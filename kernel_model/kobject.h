// Kernel objects and per-thread kernel state, as the World stores them.
//
// A driver embeds a handle (one 64-bit word) where the real kernel has its
// lock or condvar structure; the handle names an object in the World's
// table: [ObjId:32 | world epoch:16 | kind magic:16]. A freed-and-poisoned,
// stale or mistyped handle is recognised, not followed.
#pragma once

#include <cstdint>

#include "sim/event.h"

namespace ks::km {

using sim::ObjId;
using sim::Tid;

struct KHandle {
  uint64_t v;
};

enum KObjKind : uint16_t {
  kObjNone = 0,
  kObjMutex = 0x4d58,    // "MX"
  kObjCondvar = 0x4356,  // "CV"
  kObjRwlock = 0x5257,   // "RW"
  kObjSema = 0x534d,     // "SM"
  kObjTaskq = 0x5451,    // "TQ"
  kObjCallout = 0x434f,  // "CO"
  kObjKmem = 0x4b4d,     // allocations (named by tag, for events)
  kObjFile = 0x4649,     // open files, vnodes
  kObjDevice = 0x4456,   // device nodes
  kObjProc = 0x5052,     // processes, address spaces
  kObjOther = 0x4f54,
  kObjChannel = 0x4348,  // "CH": a message-passing channel (msg_channel.h)
  kObjPool = 0x5450,     // "TP": a pool of server threads (msg_server.h)
};

const char* kind_name(KObjKind k);

// The context a thread runs in, as the real kernels define them: a thread
// (may sleep), a soft interrupt or callout (may block briefly on an adaptive
// lock, may not sleep), a high-level interrupt (above LOCK_LEVEL: may take
// only spin locks). Stored in sim::Thread::ctx.
enum ThreadCtx : uint8_t { kCtxThread = 0, kCtxSoft = 1, kCtxHigh = 2 };

struct KObject {
  KObjKind kind = kObjNone;
  bool destroyed = false;
  bool spin = false;           // spin mutex
  // A lock's class, as the personality sets it from its init flags (abi.h
  // KS_MTX_*); the kernel model applies the rules. A lock that may not be
  // held across a sleep (non-sleepable locks, as FreeBSD's WITNESS has
  // them: "sleeping with a non-sleepable lock held"; an illumos adaptive
  // mutex may be held across a sleep, so its locks leave it off).
  bool no_sleep_held = false;
  bool recursable = false;     // the owner (writer) may enter again (recursed counts)
  // Waiting for this rwlock is a sleep (FreeBSD's sx: a sleep queue), so
  // it is checked as one; otherwise a brief block (a turnstile).
  bool wait_sleeps = false;
  // A blockable mutex taken with a spin lock held is misuse even when it
  // happens not to contend (WITNESS judges the class, not the contention).
  bool class_checked = false;
  bool destroy_unlocks = false;  // destroy by the owner unlocks it first
  Tid owner = 0;               // mutex owner, rwlock writer
  uint32_t readers = 0;        // rwlock readers
  int64_t count = 0;           // semaphore
  Tid wq_head = 0, wq_tail = 0;  // FIFO of sleeping threads (KThread::next_waiter)
  ObjId cv_mutex = 0;          // the mutex the current cv waiters use
  uint32_t recursed = 0;       // enters by the owner (writer) beyond the first
  // The last wakeup posted on this object, for hang reports.
  uint64_t last_wake_step = 0;
  Tid last_waker = 0;
  uint16_t last_wake_kind = 0;
  uint32_t last_wake_sleepers = 0;  // how many slept when it came
  uint32_t witness_class = 0;       // 0: not yet in the order graph
  void* data = nullptr;             // per-kind extra state (taskq, callout)
};

constexpr int kMaxHeld = 32;
constexpr int kSitesKept = 8;           // KThread::held_at
constexpr uintptr_t kSiteNotKept = 1;  // a held lock past kSitesKept

// A thread's kernel state but for its held locks: what a spawn resets.
struct KThreadState {
  Tid next_waiter = 0;
  bool queued = false;         // on some object's wait queue
  bool interruptible = false;  // in cv_wait_sig: a signal wakes it
  uint8_t nheld = 0;
  uint16_t spin_held = 0;
  uint64_t sig_pending = 0;    // bit n-1 = signal n
  uint64_t wait_timer = 0;     // timer of a timed wait
  ObjId waiting_on = 0;        // queue it sleeps on
  struct Proc* proc = nullptr; // the process of a user thread
  const char* syscall = nullptr;  // the system call it is in, for reports
  uint64_t syscall_arg = 0;
  void* personality = nullptr;    // a personality's per-thread record
  // The open a device entry point runs for, for the private data it may
  // keep there (FreeBSD td_fpop; devsw.h OpenFile); null outside one.
  struct OpenFile* cur_file = nullptr;
  // A kernel thread a driver started: its function, so a scripted unload
  // (module_unload.h) can tell the module's threads from the kernel's.
  const void* driver_fn = nullptr;
};

struct KThread : KThreadState {
  // Locks held, oldest first: the first nheld. Nothing reads past nheld,
  // so a spawn that reuses the record resets only the KThreadState part
  // (clearing these 128 bytes was most of World::spawn).
  ObjId held[kMaxHeld];
  // Where the first kSitesKept were taken: the return address of the
  // driver's call that took each (0: the kernel model took it for the
  // driver), as WITNESS keeps a file:line per held lock. Symbolized only
  // for a report. Not for all kMaxHeld: the records are per tid for the
  // whole execution (a periodic callout starts some 100,000 threads), and
  // drivers seldom hold more than a few locks; site(i) says "not kept".
  uintptr_t held_at[kSitesKept];
  uintptr_t site(int i) const { return i < kSitesKept ? held_at[i] : kSiteNotKept; }
  // Field by field, not `= KThreadState{}`: that compiled to a rep stos
  // whose start-up was over half of World::spawn (a sampling profile of
  // the lost wakeup). A field added to KThreadState is set here too (the
  // static_assert below counts them).
  void reuse() {
    next_waiter = 0;
    queued = false;
    interruptible = false;
    nheld = 0;
    spin_held = 0;
    sig_pending = 0;
    wait_timer = 0;
    waiting_on = 0;
    proc = nullptr;
    syscall = nullptr;
    syscall_arg = 0;
    personality = nullptr;
    cur_file = nullptr;
    driver_fn = nullptr;
  }
};
static_assert(sizeof(KThreadState) == 88, "a new KThreadState field: set it in KThread::reuse");

}  // namespace ks::km
