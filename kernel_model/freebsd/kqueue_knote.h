// Between a driver's knlists (event.cc) and the kqueues (kern_event.cc):
// what KNOTE and knlist_clear do to a knote that a kqueue attached.
#pragma once

struct knote;

namespace ks::km::freebsd {

// KNOTE's step for one knote of a kqueue, with the list's lock held: takes
// the kqueue's lock (unless the knote is in flux for another reason than a
// scan), asks f_event(kn, hint) and activates the knote if it answers
// non-zero, waking a thread asleep in kevent on that kqueue.
void kq_knote(struct knote* kn, long hint);
// kn is a knote a kqueue dropped (freed) and not reused since: a driver
// whose f_detach did not take it off its knlist.
bool kq_knote_dropped(const struct knote* kn);
// knlist_clear took kn off its list (EV_EOF | EV_ONESHOT set): recorded
// for a stuck report. FreeBSD does not activate a cleared knote.
void kq_knote_cleared(struct knote* kn);

}  // namespace ks::km::freebsd
