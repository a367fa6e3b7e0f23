/*
 * kfid: a correct illumos character/block driver written from the DDI's
 * documentation, and the callouts of tests/cpp/test_fidelity.cc (kf_fid.h).
 */
#include <sys/types.h>
#include <sys/errno.h>
#include <sys/ksynch.h>
#include <sys/kmem.h>
#include <sys/buf.h>
#include <sys/uio.h>
#include <sys/open.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/conf.h>
#include <sys/devops.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>
#include <sys/taskq.h>
#include <sys/callo.h>

#include "kf_fid.h"

long kfid_log[KFID_NLOG];
int kfid_nlog;
int kfid_read_mode;

static void
kfid_note(long v)
{
	if (kfid_nlog < KFID_NLOG)
		kfid_log[kfid_nlog++] = v;
}

static struct {
	kmutex_t lock;
	kcondvar_t cv;
	int done;
	int last_flag;
	void *state;
} kfid;

void
kfid_init(void)
{
	kfid_nlog = 0;
	kfid_read_mode = 0;
	kfid.done = 0;
	kfid.last_flag = 0;
	kfid.state = NULL;
	mutex_init(&kfid.lock, NULL, MUTEX_DRIVER, NULL);
	cv_init(&kfid.cv, NULL, CV_DRIVER, NULL);
}

/* open(9E)/close(9E): log 100 + otyp per open, 200 + otyp per close. */
static int
kfid_open(dev_t *devp, int flag, int otyp, cred_t *cr)
{
	kfid.last_flag = flag;
	kfid_note(100 + otyp);
	return (0);
}

static int
kfid_close(dev_t dev, int flag, int otyp, cred_t *cr)
{
	kfid_note(200 + otyp);
	return (0);
}

/* A device whose every transfer fails: b_error set, b_resid untouched. */
static int
kfid_strategy(struct buf *bp)
{
	bioerror(bp, EIO);
	biodone(bp);
	return (0);
}

static const char kfid_text[] = "0123456789";

static int
kfid_read(dev_t dev, struct uio *uio, cred_t *cr)
{
	int error = 0;

	if (kfid_read_mode == 0)
		return (physio(kfid_strategy, NULL, dev, B_READ, minphys, uio));
	if (kfid_read_mode == 1 &&
	    (error = uiomove((caddr_t)kfid_text, 10, UIO_READ, uio)) != 0)
		return (error);
	mutex_enter(&kfid.lock);
	while (!kfid.done) {
		if (cv_wait_sig(&kfid.cv, &kfid.lock) == 0) {
			error = EINTR;	/* cv_wait_sig(9F): 0 means a signal */
			break;
		}
	}
	mutex_exit(&kfid.lock);
	return (error);
}

static int
kfid_ioctl(dev_t dev, int cmd, intptr_t arg, int mode, cred_t *cr, int *rvalp)
{
	*rvalp = 0;
	switch (cmd) {
	case KFID_IOC_ARG:
		kfid_note((long)arg);
		return (0);
	case KFID_IOC_FLAGS:
		kfid_note(kfid.last_flag & (FREAD | FWRITE | FEXCL));
		return (0);
	default:
		return (ENOTTY);
	}
}

static struct cb_ops kfid_cb_ops = {
	.cb_open = kfid_open,
	.cb_close = kfid_close,
	.cb_strategy = kfid_strategy,
	.cb_read = kfid_read,
	.cb_ioctl = kfid_ioctl,
};

struct dev_ops kfid_ops = {
	.devo_cb_ops = &kfid_cb_ops,
};

void
kfid_attach(struct dev_info *dip)
{
	kfid_note(ddi_create_minor_node(dip, "0", S_IFBLK, 0, DDI_PSEUDO, 0));
	kfid_note(ddi_create_minor_node(dip, "0,raw", S_IFCHR, 0, DDI_PSEUDO, 0));
	if (kfid.state == NULL)
		(void) ddi_soft_state_init(&kfid.state, 16, 1);
	kfid_note(ddi_soft_state_zalloc(kfid.state, 0));
}

void
kfid_detach(struct dev_info *dip)
{
	ddi_remove_minor_node(dip, NULL);
	if (kfid.state != NULL) {
		ddi_soft_state_free(kfid.state, 0);
		ddi_soft_state_fini(&kfid.state);
	}
}

/* ---- contexts ---- */

static void
kfid_co_lock(void *arg)
{
	mutex_enter(&kfid.lock);	/* adaptive: may block here (mutex(9F)) */
	kfid_note(1);
	mutex_exit(&kfid.lock);
}

void
kfid_hold_across_callout(void *arg)
{
	mutex_enter(&kfid.lock);
	(void) timeout(kfid_co_lock, NULL, 1);
	delay(5);	/* the callout fires and finds the mutex held */
	kfid_note(2);
	mutex_exit(&kfid.lock);
}

static void
kfid_co_alloc(void *arg)
{
	void *p = kmem_alloc(16, KM_SLEEP);	/* kmem_alloc(9F): not here */
	kmem_free(p, 16);
}

void
kfid_callout_allocates(void *arg)
{
	(void) timeout(kfid_co_alloc, NULL, 1);
}

/*
 * kmem_cache_destroy(9F) of a cache with an object still allocated: the
 * driver's bug, which illumos does not stop (a console warning; the object
 * is lost with the cache).
 */
void
kfid_cache_destroy_busy(void *arg)
{
	kmem_cache_t *c = kmem_cache_create("kfid_cache", 48, 0, NULL, NULL,
	    NULL, NULL, NULL, 0);

	kfid_note(kmem_cache_alloc(c, KM_SLEEP) != NULL);
	kmem_cache_destroy(c);
}

/* ---- time ---- */

static void
kfid_nothing(void *arg)
{
}

/* timeout(9F) with no delay: illumos makes it one tick (callout.c) */
void
kfid_timeout_zero(void *arg)
{
	timeout_id_t id = timeout(kfid_nothing, NULL, 0);

	kfid_note(untimeout(id));
}

static void
kfid_wake(void *arg)
{
	mutex_enter(&kfid.lock);
	kfid.done = 1;
	cv_broadcast(&kfid.cv);
	mutex_exit(&kfid.lock);
}

void
kfid_timed_waiter(void *arg)
{
	mutex_enter(&kfid.lock);
	(void) timeout(kfid_wake, NULL, 1);	/* due in one tick */
	while (!kfid.done) {
		/* a deadline 100 ticks away: the callout comes long before */
		if (cv_timedwait(&kfid.cv, &kfid.lock, ddi_get_lbolt() + 100) == -1) {
			kfid_note(-1);
			break;
		}
	}
	kfid_note(kfid.done);
	mutex_exit(&kfid.lock);
}

void
kfid_check_then_sleep(void *arg)
{
	(void) timeout(kfid_wake, NULL, 1);
	if (!kfid.done) {	/* the bug: checked without the lock */
		mutex_enter(&kfid.lock);
		cv_wait(&kfid.cv, &kfid.lock);
		mutex_exit(&kfid.lock);
	}
	kfid_note(3);
}

/*
 * taskq_dispatch_ent(9F-like, sys/taskq.h): the caller's entry, reused
 * once its function has run (log 5, 5); dispatched again while still
 * queued when `arg` is non-NULL (a misuse).
 */
static void
kfid_ent_fn(void *arg)
{
	kfid_note(5);
}

void
kfid_taskq_ent(void *arg)
{
	taskq_t *tq = taskq_create("kfid_tq", 1, minclsyspri, 1, 1, 0);
	taskq_ent_t ent;

	taskq_init_ent(&ent);
	taskq_dispatch_ent(tq, kfid_ent_fn, NULL, TQ_SLEEP, &ent);
	if (arg == NULL)
		taskq_wait(tq);
	taskq_dispatch_ent(tq, kfid_ent_fn, NULL, TQ_SLEEP, &ent);
	taskq_wait(tq);
	taskq_destroy(tq);
}

/*
 * timeout_generic/untimeout_generic (callout.c): the expiration 5.5 ms
 * from now rounded up to a millisecond, the ns left when cancelled; one
 * 1 ns away, cancelled after it ran: -1.  Logs now, left, -1.
 */
void
kfid_timeout_generic(void *arg)
{
	hrtime_t now = gethrtime();
	callout_id_t id = timeout_generic(CALLOUT_NORMAL, kfid_nothing, NULL,
	    5500000, 1000000, CALLOUT_FLAG_ROUNDUP);

	kfid_note((long)now);
	kfid_note((long)untimeout_generic(id, 0));
	id = timeout_generic(CALLOUT_REALTIME, kfid_nothing, NULL, 1, 1, 0);
	delay(2);
	kfid_note((long)untimeout_generic(id, 1));
}
