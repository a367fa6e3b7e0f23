/*
 * A tiny illumos driver ("kfid") for tests/cpp/test_fidelity.cc: what a
 * real illumos kernel does with a correct driver (close per open type,
 * physio results, the ioctl argument, callout contexts, timed waits, the
 * faults a real kernel can produce). Results go to kfid_log.
 */
#ifndef KS_TEST_KDRIVERS_KF_FID_H
#define KS_TEST_KDRIVERS_KF_FID_H

#ifdef __cplusplus
extern "C" {
#endif

#define KFID_NLOG 32
extern long kfid_log[KFID_NLOG];
extern int kfid_nlog;

struct dev_ops;
struct dev_info;
extern struct dev_ops kfid_ops;

void kfid_init(void);
/* Creates minor 0 as the block node "0" and its character twin "0,raw"
 * and logs both results; then ddi_soft_state_zalloc's result. */
void kfid_attach(struct dev_info *dip);
void kfid_detach(struct dev_info *dip);

/* cb_read: 0 physio through a failing strategy routine; 1 move 10 bytes,
 * then sleep interruptibly (cv_wait_sig) until a signal; 2 only sleep. */
extern int kfid_read_mode;

/* cb_ioctl commands */
#define KFID_IOC_ARG 1		/* logs the argument it got */
#define KFID_IOC_FLAGS 2	/* logs the open flags of the last open */

/* contexts and time (kernel threads) */
void kfid_hold_across_callout(void *);	/* a callout blocks on our mutex */
void kfid_callout_allocates(void *);	/* a callout's KM_SLEEP allocation */
void kfid_cache_destroy_busy(void *);	/* a cache destroyed with an object out */
void kfid_taskq_ent(void *);		/* arg non-NULL: an entry re-queued */
void kfid_timeout_zero(void *);
void kfid_timeout_generic(void *);	/* logs now, ns left, -1 */		/* untimeout of a timeout of 0 ticks */
void kfid_timed_waiter(void *);		/* a callout wakes a timed wait */
void kfid_check_then_sleep(void *);	/* the check-then-sleep bug */

#ifdef __cplusplus
}
#endif

#endif
