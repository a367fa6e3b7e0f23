/*
 * FreeBSD <sys/selinfo.h>: the record a driver keeps of the threads
 * polling it. selrecord(td, sip) from d_poll puts the polling thread on
 * it; selwakeup/selwakeuppri wake every thread on it and take them off
 * (each records again when poll asks the driver again); seldrain does the
 * same before the memory holding it goes (detach): freeing a selinfo that
 * a thread is still on is reported as a use after free, as it is one on
 * FreeBSD. The kernel model keys the pollers by the selinfo's address
 * (kernel_model/poll.h); si_tdlist is only its size. si_note is the
 * knlist a driver supporting kqueue keeps its knotes on (sys/event.h).
 */
#ifndef _KS_FREEBSD_SYS_SELINFO_H
#define _KS_FREEBSD_SYS_SELINFO_H

#include <sys/event.h>

struct thread;
struct mtx;

struct selinfo {
	void *si_tdlist[2];	/* the pollers: kept by the kernel model */
	struct knlist si_note;
	struct mtx *si_mtx;
};

#ifdef __cplusplus
extern "C" {
#endif
void selrecord(struct thread *selector, struct selinfo *sip);
void selwakeup(struct selinfo *sip);
void selwakeuppri(struct selinfo *sip, int pri);
void seldrain(struct selinfo *sip);
int ks_fb_sel_waiting(struct selinfo *sip);
#ifdef __cplusplus
}
#endif

#define SEL_WAITING(si)	ks_fb_sel_waiting(si)

#endif
