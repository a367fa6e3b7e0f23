// Between a driver's knlists (event.cc) and the kqueues (kern_event.cc):
// what KNOTE and knlist_clear do to a knote that a kqueue attached.
#pragma once

struct knote;
struct knlist;

namespace ks::km::freebsd {

// KNOTE's step for one knote of a kqueue, with the list's lock held: takes
// the kqueue's lock (unless the knote is in flux for another reason than a
// scan), asks f_event(kn, hint) and activates the knote if it answers
// non-zero, waking a thread asleep in kevent on that kqueue.
void kq_knote(struct knote* kn, long hint);
// kn is a knote a kqueue dropped (freed) and not reused since: a driver
// whose f_detach did not take it off its knlist.
bool kq_knote_dropped(const struct knote* kn);
// knlist_clear's step for a knote of a kqueue, with the list's lock held:
// under the kqueue's lock, unless the kqueue code has it in flux (false:
// left on the list), takes it off `knl`, sets EV_EOF | EV_ONESHOT and
// KN_DETACHED. FreeBSD does not activate a cleared knote.
bool kq_knote_clear(struct knote* kn, struct knlist* knl);
// knlist_clear found kn in flux: drops the list's lock and waits for the
// kqueue code to be done with it (FreeBSD's "kqkclr" sleep), the list
// unlocked on return.
void kq_knote_flux_wait(struct knote* kn, struct knlist* knl);

}  // namespace ks::km::freebsd
