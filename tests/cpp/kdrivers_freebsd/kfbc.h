/*
 * Tiny C "drivers" on the FreeBSD personality for
 * tests/cpp/test_freebsd_callout.cc: callout(9), rw(9), pause and the
 * clocks, refcount(9). Plain C (the test compiles against the illumos
 * include path); results go to kfbc_log in order.
 */
#ifndef KS_TEST_KDRIVERS_FREEBSD_KFBC_H
#define KS_TEST_KDRIVERS_FREEBSD_KFBC_H

#ifdef __cplusplus
extern "C" {
#endif

#define KFBC_NLOG 32
extern long kfbc_log[KFBC_NLOG];
extern int kfbc_nlog;

void kfbc_init(void);		/* on the host, inside the World */
void kfbc_fires(void *);	/* runs once, with its mutex held; flags */
void kfbc_reset_stop(void *);	/* return values of reset and stop */
void kfbc_stop_locked(void *);	/* stop under the callout's mutex always wins */
void kfbc_drain(void *);	/* drain waits for a running function */
void kfbc_stop_running(void *);	/* stop of a running function returns 0 */
void kfbc_rw(void *);		/* rw(9) then a failing rw_assert */
void kfbc_time(void *);		/* pause, ticks, the uptime clocks */
void kfbc_refcount(void *);
void kfbc_misc(void *);
void kfbc_random(void *);
void kfbc_runaway(void *);	/* a callout re-arming itself at once, for ever */
void kfbc_periodic(void *);	/* a callout re-armed each tick, (intptr_t)arg runs */
void kfbc_zero_timeouts(void *);	/* cv_timedwait 0 is a tick, msleep 0 none (kfbc_zero.c) */
void kfbc_async_drain_idle(void *);	/* callout_async_drain: -1, 1, no drain call */
void kfbc_async_drain_running(void *);	/* 0, the drain called after the function */
void kfbc_async_drain_locked(void *);	/* held mutex: a waiting run still runs */
void kfbc_async_drain_unlocked(void *);	/* without the callout's mutex: misuse */
void kfbc_stop_unlocked(void *);	/* callout_stop the same */
void kfbc_cpu_ticks_kproc(void *);	/* cpu_ticks, kproc_kthread_add */
void kfbc_taskqueue(void *);	/* coalescing enqueue, cancel, drain, free */	/* random(9), arc4random(9) */		/* endian, getenv, sema(9), libkern */
void kfbc_drain_one(void *);	/* taskqueue_drain of one task, a cancelled entry */

#ifdef __cplusplus
}
#endif

#endif
