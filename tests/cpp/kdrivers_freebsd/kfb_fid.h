/*
 * A tiny FreeBSD driver ("kfbfid") for tests/cpp/test_fidelity.cc: what a
 * real FreeBSD kernel does with a correct driver (d_close with and without
 * D_TRACKCLOSE, the generic ioctl decoding, read's partial counts, O_EXCL
 * at d_open, WITNESS's sleeping rules, make_dev_s failing). Plain C types
 * only: the test compiles against another personality's headers.
 */
#ifndef KS_TEST_KDRIVERS_FREEBSD_KFB_FID_H
#define KS_TEST_KDRIVERS_FREEBSD_KFB_FID_H

#ifdef __cplusplus
extern "C" {
#endif

#define KFBFID_NLOG 32
extern long kfbfid_log[KFBFID_NLOG];
extern int kfbfid_nlog;

void kfbfid_init(void);
/* /dev/kfbfid (no D_TRACKCLOSE) and /dev/kfbfidt (D_TRACKCLOSE); logs
 * make_dev_s's results. */
void kfbfid_make_devs(void *);
void kfbfid_destroy_devs(void *);

/* Commands as FreeBSD's <sys/ioccom.h> encodes them. */
#define KFBFID_IOC_NODIR	0x00006601UL	/* no direction, no size */
#define KFBFID_IOC_IN0		0x80006602UL	/* IOC_IN with no size */
#define KFBFID_IOC_VOID8	0x20086603UL	/* IOC_VOID with an 8-byte size */
#define KFBFID_IOC_OUT0		0x40006604UL	/* IOC_OUT with no size */
#define KFBFID_IOC_OUT		0x40106605UL	/* _IOR('f', 5, 16 bytes) */
#define KFBFID_IOC_VOID		0x20006606UL	/* _IO('f', 6) */
#define KFBFID_IOC_OFLAGS	0x20006607UL	/* _IO('f', 7): logs the last d_open's flags */

/* d_read: moves 10 bytes, then fails with kfbfid_read_error */
extern int kfbfid_read_error;

/* WITNESS (kernel threads) */
void kfbfid_malloc_waitok_under_mtx(void *);
void kfbfid_cv_wait_under_other_mtx(void *);

/* eventhandler(9): a handler that sleeps, deregistered while it runs
 * (arg non-NULL: EVENTHANDLER_DEREGISTER_NOWAIT) */
void kfbfid_evt_invoker(void *);
void kfbfid_evt_deregister(void *);

/* ratecheck and ppsratecheck: logs 1 0 1 1 0 1 1 */
void kfbfid_ratecheck(void *);

/* destroy_dev_sched_cb, again, then destroy_dev_drain */
void kfbfid_destroy_sched(void *);

/* condvar(9)/sleep(9) with an sx or rwlock interlock; logs 5xx, errors */
void kfbfid_sx_shared_waiter(void *);
void kfbfid_sx_ready(void *);
void kfbfid_sx_x_timedwait(void *);
void kfbfid_rw_read_waiter(void *);
void kfbfid_rw_ready(void *);
void kfbfid_sx_sleep_shared(void *);
void kfbfid_sx_sleep_pdrop(void *);
void kfbfid_sx_wakeup(void *);
void kfbfid_rw_sleep_timeout(void *);
void kfbfid_rw_sleep_under_rw(void *);
void kfbfid_rw_cv_under_mtx(void *);
void kfbfid_cv_wait_sx_recursed(void *);
void kfbfid_cv_wait_sx_unheld(void *);
void kfbfid_cv_wait_unlock_sx(void *);
void kfbfid_cv_wait_unlock_mtx(void *);	/* mtx left released on waking */
void kfbfid_cv_signal_holding(void *);	/* signals, keeps the mtx a while */

/* unr(9) */
void kfbfid_unr_basic(void *);
void kfbfid_unr_locked(void *);
void kfbfid_unr_leak(void *);
void kfbfid_unr_delete_busy(void *);
void kfbfid_unr_free_under_mtx(void *);
void kfbfid_unr_free_free(void *);
void kfbfid_unr_alloc_unrl_unlocked(void *);

#ifdef __cplusplus
}
#endif

#endif
