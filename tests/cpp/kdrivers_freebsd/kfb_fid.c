/*
 * kfbfid: a correct FreeBSD character driver written from the KPI's
 * documentation, for tests/cpp/test_fidelity.cc (kfb_fid.h).
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/conf.h>
#include <sys/uio.h>
#include <sys/malloc.h>
#include <sys/lock.h>
#include <sys/mutex.h>
#include <sys/condvar.h>
#include <sys/eventhandler.h>
#include <errno.h>
#include <fcntl.h>

#include "kfb_fid.h"

long kfbfid_log[KFBFID_NLOG];
int kfbfid_nlog;
int kfbfid_read_error;

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
} sc;

void
kfbfid_init(void)
{
	kfbfid_nlog = 0;
	kfbfid_read_error = 0;
	sc.dev = sc.devt = NULL;
	sc.oflags = 0;
	mtx_init(&sc.a, "kfbfid_a", NULL, MTX_DEF);
	mtx_init(&sc.b, "kfbfid_b", NULL, MTX_DEF);
	cv_init(&sc.cv, "kfbfid_cv");
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
