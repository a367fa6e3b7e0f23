// selrecord(9) and selwakeup(9) onto the kernel model's poll heads
// (kernel_model/poll.h): a selinfo is a head keyed by its address.
// FreeBSD's rules (set on the cdev's DevOps::poll_rules, cdev.cc): a
// wakeup takes every recorded thread off the selinfo and marks its poll
// pending (SELTD_PENDING, tested under the seltd's lock before the sleep),
// so a wakeup after selrecord is never lost; after one, poll asks again
// only the descriptors whose selinfo fired (pollrescan).
#include "kernel_model/poll.h"
#include "kernel_model/world.h"

extern "C" {
#include <sys/poll.h>
#include <sys/selinfo.h>
#include <sys/systm.h>
}

#undef printf
#undef panic

extern "C" {

void selrecord(struct thread*, struct selinfo* sip) {
  ks::km::poll_record(*ks::km::World::current(), sip);
}

void selwakeup(struct selinfo* sip) {
  ks::km::poll_wakeup(*ks::km::World::current(), sip, 0, false);
}

// The priority only orders the woken threads on FreeBSD; one CPU here.
void selwakeuppri(struct selinfo* sip, int) { selwakeup(sip); }

// FreeBSD's seldrain is a wakeup of every recorded thread: each leaves
// the selinfo, so the memory holding it may go.
void seldrain(struct selinfo* sip) { selwakeup(sip); }

int ks_fb_sel_waiting(struct selinfo* sip) {
  return ks::km::poll_head_waiting(*ks::km::World::current(), sip) ? 1 : 0;
}

// What a cdevsw without d_poll answers (kern_conf.c's no_poll): ready for
// reading and writing, POLLNVAL for a bit outside POLLSTANDARD, so a
// program can tell the extended bits are not supported.
int poll_no_poll(int events) {
  if (events & ~POLLSTANDARD) return POLLNVAL;
  return events & (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM);
}

}  // extern "C"
