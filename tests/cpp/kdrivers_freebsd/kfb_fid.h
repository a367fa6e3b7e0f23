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

/* destroy_dev_sched_cb, again, then destroy_dev_drain */
void kfbfid_destroy_sched(void *);

#ifdef __cplusplus
}
#endif

#endif
