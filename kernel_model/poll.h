// poll(2) for devices: the neutral model under FreeBSD's d_poll/selinfo and
// illumos's chpoll/pollhead.
//
// A poller asks each descriptor's driver (DevOps::poll); a driver that is
// not ready registers the poller on a "poll head" (a FreeBSD struct
// selinfo, an illumos struct pollhead: any driver address), and a producer
// wakes the head. Each polling thread has a poll wait: a lock, a condition
// and a pending flag. A wakeup sets the flag under the wait's lock before
// it signals, and the poller tests the flag under that lock before it
// sleeps, so a wakeup that comes after the registration is never lost
// (FreeBSD's SELTD_PENDING tested in seltdwait; illumos's PC_POLLWAKE
// tested under pc_lock). A wakeup that comes before the registration (a
// driver that tests readiness without the lock its producer wakes under)
// finds nobody on the head and is lost, as on the real kernels.
//
// Where the two kernels differ, the node's DevOps::poll_rules say which.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernel_model/world.h"

namespace ks::km {

struct OpenFile;

// The World slot of the poll state, made at the first poll(2): the hooks
// below test it inline, so a World where nobody polls pays a load and a
// branch on every free and close, not a call.
extern const int kPollSlot;

// The bits the kernel itself sets in revents: the same values on FreeBSD,
// illumos and Linux (each personality's <sys/poll.h> names them).
constexpr short kPollHup = 0x0010, kPollErr = 0x0008, kPollNval = 0x0020;
// The largest nfds the model takes (EINVAL above): a descriptor table bound
// (FreeBSD's FD_SETSIZE floor; illumos's RLIMIT_NOFILE default).
constexpr uint32_t kPollMaxFds = 1024;

struct PollRules {
  // A wakeup takes the poller off the head (FreeBSD doselwakeup: the next
  // pass records again) or leaves it there (illumos: the polldat stays on
  // the pollhead, cached).
  bool unlink_on_wakeup = true;
  // The registration outlives the poll(2) call: illumos's poll cache keeps
  // the polldat on the pollhead until the descriptor is closed or the
  // thread exits; FreeBSD's seltdclear drops it when poll returns.
  bool cached = false;
  // After a wakeup, the descriptors polled again: only those whose head
  // fired (FreeBSD pollrescan), or those and every descriptor without a
  // head (illumos pcache_poll keeps their bit set).
  bool rescan_unregistered = false;
  // A descriptor whose driver gave a head for the first time, with nothing
  // ready, is polled once more at once (illumos pcache_poll: "we may have
  // missed a wakeup"), which closes the window between the driver's test
  // and the kernel's registration.
  bool repoll_first_register = false;
  // An error from the driver's poll routine fails the whole call (illumos:
  // VOP_POLL's error, nochpoll's ENXIO); otherwise there is no error path.
  bool error_fails_call = false;
  // On a pass after a wakeup the poller holds its wait's lock across the
  // driver's poll routine (illumos pcache_poll runs under pc_lock), and a
  // wakeup that finds that lock taken backs off (drops the head, waits for
  // the lock, walks again: illumos pollwakeup's tryenter). So a wakeup
  // made holding a lock the poll routine takes deadlocks, as pollwakeup(9F)
  // warns ("driver defined locks should not be held across" it).
  bool poller_locked_in_driver = false;
  // Names for reports: the head's kind and what must be called before the
  // memory holding it is freed.
  const char* head_name = "poll head";
  const char* clean_hint = "a clean of the head";
};

// poll(2): pollfd array at uaddr (8 bytes each: int fd, short events,
// short revents), timeout in ms (-1 forever, 0 never sleeps; the simulated
// clock). Called by sys_poll with the system call entered.
int64_t poll_files(World& w, uint64_t uaddr, uint64_t nfds, int64_t timeout_ms);

// The driver's side, through its personality. Registers the calling
// thread (inside a driver's poll routine, called by poll_files) on `head`
// for the descriptor being polled; a no-op outside a poll (FreeBSD's
// selrecord from elsewhere). True if it registered anew.
bool poll_record(World& w, const void* head);
// Wakes the pollers on `head`: all of them, or (match) those that asked for
// one of `events`, or any when events has POLLHUP or POLLERR (illumos
// pollwakeup). No scheduling point in a World where nobody ever polled.
void poll_wakeup(World& w, const void* head, short events, bool match);
// Takes every poller off `head` (illumos pollhead_clean; FreeBSD seldrain
// wakes them first).
void poll_head_clean(World& w, const void* head);
// Whether anybody is registered on `head` (FreeBSD SEL_WAITING).
bool poll_head_waiting(World& w, const void* head);

// The kernel's side. A descriptor's close drops its cached registrations
// (illumos pollcacheclean, before the driver's close), waking a poller
// blocked on it so it sees POLLNVAL.
void poll_file_closed_slow(World& w, const OpenFile* f);
inline void poll_file_closed(World& w, const OpenFile* f) {
  if (__builtin_expect(w.component(kPollSlot) != nullptr, 0)) poll_file_closed_slow(w, f);
}
// kmem_free of [p, p+size): a head in it with a live poller registered is
// a use after free on the real kernels (the poller's entry still points
// into the buffer); reported as a memory failure naming the tag.
void poll_heads_freed_slow(World& w, const void* p, size_t size, const char* tag);
inline void poll_heads_freed(World& w, const void* p, size_t size, const char* tag) {
  if (__builtin_expect(w.component(kPollSlot) != nullptr, 0)) poll_heads_freed_slow(w, p, size, tag);
}

}  // namespace ks::km
