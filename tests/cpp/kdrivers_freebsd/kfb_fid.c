/*
 * kfbfid: a correct FreeBSD character driver written from the KPI's
 * documentation, for tests/cpp/test_fidelity.cc (kfb_fid.h).
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/time.h>
#include <sys/conf.h>
#include <sys/uio.h>
#include <sys/malloc.h>
#include <sys/lock.h>
#include <sys/mutex.h>
#include <sys/condvar.h>
#include <sys/eventhandler.h>
#include <sys/sx.h>
#include <sys/rwlock.h>
#include <errno.h>
#include <fcntl.h>

#include "kfb_fid.h"

long kfbfid_log[KFBFID_NLOG];
int kfbfid_nlog;
int kfbfid_read_error;

/* kfbfid_cv_wait_unlock_mtx: asleep (set under sc.a), gone on */
static volatile int kfbfid_waiter_in, kfbfid_waiter_on;

MALLOC_DEFINE(M_KFBFID, "kfbfid", "kfbfid test driver");

static void
note(long v)
{
	if (kfbfid_nlog < KFBFID_NLOG)
		kfbfid_log[kfbfid_nlog++] = v;
}

static struct {
	struct cdev *dev, *devt;
	int oflags;
	struct mtx a, b;
	struct cv cv;
	struct sx sx, sx2;
	struct rwlock rw, rw2;
	int ready;
} sc;

void
kfbfid_init(void)
{
	kfbfid_nlog = 0;
	kfbfid_waiter_in = kfbfid_waiter_on = 0;
	kfbfid_read_error = 0;
	sc.dev = sc.devt = NULL;
	sc.oflags = 0;
	mtx_init(&sc.a, "kfbfid_a", NULL, MTX_DEF);
	mtx_init(&sc.b, "kfbfid_b", NULL, MTX_DEF);
	cv_init(&sc.cv, "kfbfid_cv");
	sx_init(&sc.sx, "kfbfid_sx");
	sx_init_flags(&sc.sx2, "kfbfid_sx2", SX_RECURSE);
	rw_init(&sc.rw, "kfbfid_rw");
	rw_init(&sc.rw2, "kfbfid_rw2");
	sc.ready = 0;
}

static int
kfbfid_open(struct cdev *dev, int oflags, int devtype, struct thread *td)
{
	sc.oflags = oflags;
	note(100);
	return (0);
}

static int
kfbfid_close(struct cdev *dev, int fflag, int devtype, struct thread *td)
{
	note(200);
	return (0);
}

static int
kfbfid_ioctl(struct cdev *dev, u_long cmd, caddr_t data, int fflag, struct thread *td)
{
	int i, zero = 1;

	switch (cmd) {
	case KFBFID_IOC_OUT:
		for (i = 0; i < 16; i++)
			zero &= data[i] == 0;
		note(zero);	/* sys_ioctl zeroes an IOC_OUT buffer */
		data[0] = 7;
		return (0);
	case KFBFID_IOC_VOID:
		note((long)*(caddr_t *)data);	/* the argument word itself */
		return (0);
	case KFBFID_IOC_OFLAGS:
		note(((sc.oflags & O_EXCL) ? 1 : 0) | ((sc.oflags & FWRITE) ? 2 : 0));
		return (0);
	default:
		note(-(long)cmd);	/* a command that should never get here */
		return (ENOTTY);
	}
}

static const char text[] = "0123456789";

static int
kfbfid_read(struct cdev *dev, struct uio *uio, int ioflag)
{
	int error = uiomove((void *)text, 10, uio);

	return (error ? error : kfbfid_read_error);
}

static struct cdevsw kfbfid_cdevsw = {
	.d_version = D_VERSION,
	.d_name = "kfbfid",
	.d_open = kfbfid_open,
	.d_close = kfbfid_close,
	.d_ioctl = kfbfid_ioctl,
	.d_read = kfbfid_read,
};

static struct cdevsw kfbfidt_cdevsw = {
	.d_version = D_VERSION,
	.d_flags = D_TRACKCLOSE,
	.d_name = "kfbfidt",
	.d_open = kfbfid_open,
	.d_close = kfbfid_close,
};

void
kfbfid_make_devs(void *arg)
{
	struct make_dev_args args;

	make_dev_args_init(&args);
	args.mda_devsw = &kfbfid_cdevsw;
	args.mda_uid = UID_ROOT;
	args.mda_gid = GID_OPERATOR;
	args.mda_mode = 0600;
	args.mda_flags = MAKEDEV_NOWAIT;	/* so it may fail (ENOMEM) */
	note(make_dev_s(&args, &sc.dev, "kfbfid"));
	args.mda_devsw = &kfbfidt_cdevsw;
	note(make_dev_s(&args, &sc.devt, "kfbfidt"));
}

void
kfbfid_destroy_devs(void *arg)
{
	if (sc.dev != NULL)
		destroy_dev(sc.dev);
	if (sc.devt != NULL)
		destroy_dev(sc.devt);
}

void
kfbfid_malloc_waitok_under_mtx(void *arg)
{
	void *p;

	mtx_lock(&sc.a);
	p = malloc(16, M_KFBFID, M_WAITOK);	/* WITNESS warns: may sleep */
	free(p, M_KFBFID);
	mtx_unlock(&sc.a);
}

void
kfbfid_cv_wait_under_other_mtx(void *arg)
{
	mtx_lock(&sc.a);
	mtx_lock(&sc.b);
	cv_timedwait(&sc.cv, &sc.b, 1);	/* sleeps holding kfbfid_a */
	mtx_unlock(&sc.b);
	mtx_unlock(&sc.a);
}

/*
 * eventhandler(9): a driver's own event, whose handler sleeps; the other
 * thread deregisters it while it runs.  EVENTHANDLER_DEREGISTER waits
 * for the event's calls in progress (subr_eventhandler.c), _NOWAIT does
 * not.  The log: 1 when the handler starts, 2 when it ends, 3 when the
 * deregistration returns.
 */
typedef void (*kfbfid_evt_fn)(void *);
EVENTHANDLER_DECLARE(kfbfid_evt, kfbfid_evt_fn);
static eventhandler_tag kfbfid_evt_tag;

static void
kfbfid_evt_handler(void *arg)
{
	note(1);
	pause("kfbevt", 2);
	note(2);
}

void
kfbfid_evt_invoker(void *arg)
{
	kfbfid_evt_tag = EVENTHANDLER_REGISTER(kfbfid_evt, kfbfid_evt_handler,
	    NULL, EVENTHANDLER_PRI_ANY);
	EVENTHANDLER_INVOKE(kfbfid_evt);
}

void
kfbfid_evt_deregister(void *arg)
{
	pause("kfbdrg", 1);	/* the handler is running by now */
	if (arg != NULL)
		EVENTHANDLER_DEREGISTER_NOWAIT(kfbfid_evt, kfbfid_evt_tag);
	else
		EVENTHANDLER_DEREGISTER(kfbfid_evt, kfbfid_evt_tag);
	note(3);
}

/*
 * destroy_dev_sched(9): a cdev destroyed later, by a task; scheduling it
 * again answers 0; destroy_dev_drain waits for the scheduled destruction
 * (and its callback, 7) before it returns (8).
 */
static struct cdevsw kfbfid_tmp_cdevsw = {
	.d_version = D_VERSION,
	.d_name = "kfbfidtmp",
};

static void
kfbfid_destroyed(void *arg)
{
	note(7);
}

void
kfbfid_destroy_sched(void *arg)
{
	struct cdev *dev = make_dev(&kfbfid_tmp_cdevsw, 0, UID_ROOT,
	    GID_WHEEL, 0600, "kfbfidtmp");

	note(destroy_dev_sched_cb(dev, kfbfid_destroyed, NULL));
	note(destroy_dev_sched(dev));
	destroy_dev_drain(&kfbfid_tmp_cdevsw);
	note(8);
}

/*
 * condvar(9) and sleep(9) with an sx or rwlock interlock: released in the
 * mode it is held in and taken again in that mode.
 */
void
kfbfid_sx_shared_waiter(void *arg)
{
	sx_slock(&sc.sx);
	while (!sc.ready)
		cv_wait(&sc.cv, &sc.sx);
	sx_assert(&sc.sx, SA_SLOCKED);	/* re-taken shared */
	note(sx_xlocked(&sc.sx) ? 501 : 500);
	sx_sunlock(&sc.sx);
}

void
kfbfid_sx_ready(void *arg)
{
	sx_xlock(&sc.sx);
	sc.ready = 1;
	cv_broadcast(&sc.cv);
	sx_xunlock(&sc.sx);
	note(510);
}

void
kfbfid_sx_x_timedwait(void *arg)
{
	int error;

	sx_xlock(&sc.sx);
	error = cv_timedwait(&sc.cv, &sc.sx, 2);
	note(error);
	note(sx_xlocked(&sc.sx) ? 520 : 521);	/* re-taken exclusive */
	sx_xunlock(&sc.sx);
}

void
kfbfid_rw_read_waiter(void *arg)
{
	rw_rlock(&sc.rw);
	while (!sc.ready)
		cv_wait(&sc.cv, &sc.rw);
	rw_assert(&sc.rw, RA_RLOCKED);
	note(rw_wowned(&sc.rw) ? 531 : 530);
	rw_runlock(&sc.rw);
}

void
kfbfid_rw_ready(void *arg)
{
	rw_wlock(&sc.rw);
	sc.ready = 1;
	cv_signal(&sc.cv);
	rw_wunlock(&sc.rw);
}

/* sx_sleep holding another sx (sleepable: allowed), shared interlock */
void
kfbfid_sx_sleep_shared(void *arg)
{
	int error;

	sx_xlock(&sc.sx2);
	sx_slock(&sc.sx);
	error = sx_sleep(&sc.ready, &sc.sx, 0, "kfbs", 2);
	note(error);
	sx_assert(&sc.sx, SA_SLOCKED);
	sx_sunlock(&sc.sx);
	sx_xunlock(&sc.sx2);
}

/* PDROP: left released; the channel woken by wakeup(9) */
void
kfbfid_sx_sleep_pdrop(void *arg)
{
	int error;

	sx_xlock(&sc.sx);
	while (!sc.ready) {
		error = sx_sleep(&sc.ready, &sc.sx, PDROP, "kfbd", 0);
		note(error);
		note(sx_xlocked(&sc.sx) ? 541 : 540);
		sx_xlock(&sc.sx);
	}
	sx_xunlock(&sc.sx);
}

void
kfbfid_sx_wakeup(void *arg)
{
	sx_xlock(&sc.sx);
	sc.ready = 1;
	wakeup(&sc.ready);
	sx_xunlock(&sc.sx);
}

/* rw_sleep timing out, re-taken as writer */
void
kfbfid_rw_sleep_timeout(void *arg)
{
	int error;

	rw_wlock(&sc.rw);
	error = rw_sleep(&sc.ready, &sc.rw, PCATCH, "kfbr", 1);
	note(error);
	note(rw_wowned(&sc.rw) ? 550 : 551);
	rw_wunlock(&sc.rw);
}

/* WITNESS: an rwlock other than the interlock is not sleepable (an sx
 * taken under one would be reported already: sleepable after non-sleepable) */
void
kfbfid_rw_sleep_under_rw(void *arg)
{
	rw_rlock(&sc.rw2);
	rw_wlock(&sc.rw);
	rw_sleep(&sc.ready, &sc.rw, 0, "kfbw", 1);
	rw_wunlock(&sc.rw);
	rw_runlock(&sc.rw2);
}

/* WITNESS: nor is a mutex */
void
kfbfid_rw_cv_under_mtx(void *arg)
{
	mtx_lock(&sc.a);
	rw_wlock(&sc.rw);
	cv_timedwait(&sc.cv, &sc.rw, 1);
	rw_wunlock(&sc.rw);
	mtx_unlock(&sc.a);
}

/* unlock_sx asserts SA_LOCKED | SA_NOTRECURSED */
void
kfbfid_cv_wait_sx_recursed(void *arg)
{
	sx_xlock(&sc.sx2);
	sx_xlock(&sc.sx2);
	cv_timedwait(&sc.cv, &sc.sx2, 1);
	sx_xunlock(&sc.sx2);
	sx_xunlock(&sc.sx2);
}

void
kfbfid_cv_wait_sx_unheld(void *arg)
{
	cv_timedwait(&sc.cv, &sc.sx, 1);
}

/* cv_wait_unlock: returns with the sx released */
void
kfbfid_cv_wait_unlock_sx(void *arg)
{
	sx_slock(&sc.sx);
	if (!sc.ready)
		cv_wait_unlock(&sc.cv, &sc.sx);
	else
		sx_sunlock(&sc.sx);
	note(sx_try_xlock(&sc.sx) ? 560 : 561);
	sx_xunlock(&sc.sx);
}

/* unr(9): lowest free first; -1 for a unit taken or out of range */
void
kfbfid_unr_basic(void *arg)
{
	struct unrhdr *uh;

	uh = new_unrhdr(3, 6, NULL);
	note(alloc_unr(uh));			/* 3 */
	note(alloc_unr(uh));			/* 4 */
	note(alloc_unr(uh));			/* 5 */
	free_unr(uh, 4);
	note(alloc_unr(uh));			/* 4 again */
	note(alloc_unr_specific(uh, 5));	/* taken: -1 */
	note(alloc_unr_specific(uh, 2));	/* below low: -1 */
	note(alloc_unr_specific(uh, 6));	/* 6 */
	note(alloc_unr(uh));			/* full: -1 */
	free_unr(uh, 3);
	free_unr(uh, 4);
	free_unr(uh, 5);
	free_unr(uh, 6);
	delete_unrhdr(uh);
}

/* alloc_unrl under the header's own mutex, which it leaves held */
void
kfbfid_unr_locked(void *arg)
{
	struct unrhdr *uh;
	int u;

	uh = new_unrhdr(0, 100, &sc.b);
	mtx_lock(&sc.b);
	u = alloc_unrl(uh);
	note(u);
	note(mtx_owned(&sc.b) ? 1 : 0);
	mtx_unlock(&sc.b);
	mtx_lock(&sc.a);
	note(alloc_unr(uh));	/* never sleeps: fine under a mutex */
	mtx_unlock(&sc.a);
	free_unr(uh, u);
	free_unr(uh, 1);
	clear_unrhdr(uh);
	delete_unrhdr(uh);
}

void
kfbfid_unr_leak(void *arg)
{
	(void)new_unrhdr(0, 10, NULL);
}

void
kfbfid_unr_delete_busy(void *arg)
{
	struct unrhdr *uh = new_unrhdr(0, 10, NULL);

	alloc_unr(uh);
	delete_unrhdr(uh);
}

void
kfbfid_unr_free_under_mtx(void *arg)
{
	struct unrhdr *uh = new_unrhdr(0, 10, NULL);

	mtx_lock(&sc.a);
	free_unr(uh, alloc_unr(uh));	/* may sleep (malloc M_WAITOK) */
	mtx_unlock(&sc.a);
	delete_unrhdr(uh);
}

void
kfbfid_unr_free_free(void *arg)
{
	struct unrhdr *uh = new_unrhdr(0, 10, NULL);

	free_unr(uh, 2);
}

void
kfbfid_unr_alloc_unrl_unlocked(void *arg)
{
	struct unrhdr *uh = new_unrhdr(0, 10, &sc.b);

	alloc_unrl(uh);
}

/*
 * cv_wait_unlock with an mtx: the waiter never takes the mtx again, so a
 * waker that keeps it until the waiter has gone on is no deadlock (log:
 * 1 signalled, 2 the waiter on, 3 the waker lets go).
 */
void
kfbfid_cv_wait_unlock_mtx(void *arg)
{
	mtx_lock(&sc.a);
	kfbfid_waiter_in = 1;	/* seen under sc.a: asleep */
	cv_wait_unlock(&sc.cv, &sc.a);
	note(2);
	kfbfid_waiter_on = 1;
}

void
kfbfid_cv_signal_holding(void *arg)
{
	mtx_lock(&sc.a);
	while (!kfbfid_waiter_in) {
		mtx_unlock(&sc.a);
		DELAY(1);
		mtx_lock(&sc.a);
	}
	cv_signal(&sc.cv);
	note(1);
	while (!kfbfid_waiter_on)
		DELAY(1);	/* a busy wait: no sleep with the mtx held */
	mtx_unlock(&sc.a);
	note(3);
}

/*
 * ratecheck(9), ppsratecheck: after the first tick, a 1 s ratecheck
 * admits the first call and not the next; 2 per second admits two calls
 * of three; both admit again a second later.
 */
void
kfbfid_ratecheck(void *arg)
{
	struct timeval last = { 0, 0 }, pps_last = { 0, 0 };
	const struct timeval one = { 1, 0 };
	int pps = 0;

	pause("kfbrt", 1);
	note(ratecheck(&last, &one));
	note(ratecheck(&last, &one));
	note(ppsratecheck(&pps_last, &pps, 2));
	note(ppsratecheck(&pps_last, &pps, 2));
	note(ppsratecheck(&pps_last, &pps, 2));
	pause("kfbrt", hz);
	note(ratecheck(&last, &one));
	note(ppsratecheck(&pps_last, &pps, 2));
}
