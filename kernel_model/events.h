// The kernel model's event kinds (names in events.cc, same order). Their
// numbers go into trace hashes: append new kinds at the end, never reorder.
#pragma once

#include <cstddef>
#include <cstdint>

#include "sim/event.h"

namespace ks::km {

enum KEvent : uint16_t {
  kEvMutexEnter = sim::kEvFirstKernel,
  kEvMutexExit,
  kEvMutexTryenter,
  kEvCvWait,
  kEvCvWaitSig,
  kEvCvTimedwait,
  kEvCvSignal,
  kEvCvBroadcast,
  kEvRwEnter,
  kEvRwExit,
  kEvRwTryenter,
  kEvSemaP,
  kEvSemaV,
  kEvTaskqDispatch,
  kEvTaskqWait,
  kEvTaskqExec,
  kEvKmemAlloc,
  kEvKmemFree,
  kEvCopyin,
  kEvCopyout,
  kEvDelay,
  kEvTimeout,
  kEvUntimeout,
  kEvCallout,
  kEvSyscall,
  kEvSyscallExit,
  kEvPreempt,
  kEvSignalPost,
  kEvInterrupted,
  kEvTimedout,
  kEvUserMem,     // the user process touches its own memory
  kEvVnodeIo,
  kEvModload,     // a driver's module load starts (a0 = 1) or ends (a0 = 0); the boot gate
  kEvMinorNode,   // a device node is created (a0 = 1) or removed (a0 = 0)
  kEvInstanceState,  // an instance's state allocated (a0 = 1) or freed (a0 = 0), a1 = it
  kEvRwTryupgrade,
  kEvRwDowngrade,
  kEvSemaTryp,
  kEvTaskqCreate,
  kEvTaskqDestroy,
  kEvTaskqIdle,   // a taskq worker sleeps for work
  kEvAccess,      // driver memory another thread touched (preempt_at_access): a0 size, a1 write
  // Message passing (msg_channel.h): the calls, and the blocking states a
  // thread sleeps in (QNX's SEND, REPLY and RECEIVE states).
  kEvMsgSend,
  kEvMsgSendBlocked,
  kEvMsgReplyBlocked,
  kEvMsgReceive,
  kEvMsgReceiveBlocked,
  kEvMsgReply,
  kEvMsgError,
  kEvMsgRead,
  kEvMsgWrite,
  kEvPoolIdle,    // a thread pool's thread leaves for lack of work (hi water)
  kEvPoolDestroy, // thread_pool_destroy waits for the pool's threads to leave
  kEvThreadJoin,  // a join waits for a driver's kernel thread to exit (a0 = its tid)
  kEvTaskqSuspend,  // taskq_suspend: waits for the running entries (a0 1 suspend, 0 resume)
  kEvIdWait,        // id_alloc on a full id space waits for an id_free
  kEvPageLock,      // a driver locks (a0 = 1) or unlocks (a0 = 0) user pages; a1 = the address
  kEvPageLockWait,  // munmap, mprotect or exit waits for locked pages (page_lock.h)
  kEvLast
};

extern const char* const kEventNames[];
// Any event kind's name, the simulator's own included; "?" if unknown.
const char* event_kind_name(uint16_t kind);
constexpr size_t kNumEventNames = size_t(kEvLast) - size_t(sim::kEvFirstKernel);

}  // namespace ks::km
