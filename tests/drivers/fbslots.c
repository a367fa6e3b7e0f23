/*-
 * fbslots: a pseudo device that hands out a fixed number of slots, as
 * FreeBSD drivers written outside kernsim use sema(9), unr64, condvar(9)
 * with an sbintime_t timeout and make_dev_alias(9).  /dev/fbslots has a
 * second name, /dev/slots (make_dev_alias); MOD_UNLOAD destroys only
 * /dev/fbslots, which takes the alias with it, as kern_conf.c does.
 *
 *   FBSLOTS_TAKE	sema_timedwait for a slot, timo ticks; on success a
 *			ticket number from alloc_unr64 (never reused) and
 *			sema_value after the take
 *   FBSLOTS_GIVE	sema_post
 *   FBSLOTS_WAIT	cv_timedwait_sbt for a kick, at most `ms` ms
 *			(SBT_1MS * ms, C_HARDCLOCK; or C_ABSOLUTE, until ms
 *			after the call); the answer and the virtual time the
 *			wait took
 *   FBSLOTS_KICK	wakes the waiters
 *   FBSLOTS_NAME	devtoname of the cdev d_ioctl is called for
 *   FBSLOTS_UNALIAS	destroy_dev of the alias alone
 *   FBSLOTS_NAP	tsleep_sbt of 1/2^32 s with C_HARDCLOCK (one tick);
 *			the answer and the virtual time it took
 *   FBSLOTS_POOL	which of 16 static and 16 malloc'ed objects share
 *			a mutex of a 4-mutex pool with the first of them
 *			(mtx_pool_find): bit i of each mask
 *
 * The waits of FBSLOTS_WAIT use a mutex of the driver's pool
 * (mtx_pool_lock on the kick counter) as the cv's interlock; a take that
 * times out tells devd (devctl_notify).
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/module.h>
#include <sys/conf.h>
#include <sys/lock.h>
#include <sys/mutex.h>
#include <sys/condvar.h>
#include <sys/sema.h>
#include <sys/time.h>
#include <sys/callout.h>
#include <sys/ioccom.h>
#include <sys/malloc.h>
#include <sys/bus.h>

struct fbslots_take {
	int		timo;	/* in: ticks */
	int		took;	/* out: sema_timedwait's answer */
	uint64_t	ticket;	/* out: alloc_unr64's, when took */
	int		value;	/* out: sema_value after the take */
};

struct fbslots_wait {
	int		ms;	/* in */
	int		absolute; /* in: C_ABSOLUTE, ms after the call (< 0: before) */
	int		error;	/* out: cv_timedwait_sbt's answer */
	int		pad;
	int64_t		waited_ns; /* out */
};

#define	FBSLOTS_TAKE	_IOWR('S', 1, struct fbslots_take)
#define	FBSLOTS_GIVE	_IO('S', 2)
#define	FBSLOTS_WAIT	_IOWR('S', 3, struct fbslots_wait)
#define	FBSLOTS_KICK	_IO('S', 4)
#define	FBSLOTS_NAME	_IOR('S', 5, char[16])
#define	FBSLOTS_UNALIAS	_IO('S', 6)
#define	FBSLOTS_POOL	_IOR('S', 7, uint32_t[2])
#define	FBSLOTS_NAP	_IOR('S', 8, struct fbslots_wait)

MALLOC_DEFINE(M_FBSLOTS, "fbslots", "fbslots objects");

#define	FBSLOTS_NSLOTS	2

static struct cdev	*fbslots_dev;
static struct cdev	*fbslots_alias;
static struct sema	fbslots_sema;
static struct unrhdr64	fbslots_tickets;
static struct mtx_pool	*fbslots_pool;
static struct cv	fbslots_cv;
static int		fbslots_kicks;
static char		fbslots_statics[16][24];
static void		*fbslots_bufs[16];
static int		fbslots_nap;

static d_ioctl_t	fbslots_ioctl;

static struct cdevsw fbslots_cdevsw = {
	.d_version =	D_VERSION,
	.d_ioctl =	fbslots_ioctl,
	.d_name =	"fbslots",
};

static int
fbslots_wait(struct fbslots_wait *fw)
{
	sbintime_t start;
	int error, kicks;

	start = sbinuptime();
	error = 0;
	mtx_pool_lock(fbslots_pool, &fbslots_kicks);
	kicks = fbslots_kicks;
	while (fbslots_kicks == kicks && error == 0) {
		if (fw->absolute)
			error = cv_timedwait_sbt(&fbslots_cv,
			    mtx_pool_find(fbslots_pool, &fbslots_kicks),
			    start + SBT_1MS * fw->ms, 0, C_ABSOLUTE);
		else
			error = cv_timedwait_sbt(&fbslots_cv,
			    mtx_pool_find(fbslots_pool, &fbslots_kicks),
			    SBT_1MS * fw->ms, 0, C_HARDCLOCK);
	}
	mtx_pool_unlock(fbslots_pool, &fbslots_kicks);
	fw->error = error;
	fw->waited_ns = sbttons(sbinuptime() - start);
	return (0);
}

static void
fbslots_pool_masks(uint32_t *masks)
{
	struct mtx *m;
	int i;

	masks[0] = masks[1] = 0;
	m = mtx_pool_find(fbslots_pool, fbslots_statics[0]);
	for (i = 0; i < 16; i++)
		if (mtx_pool_find(fbslots_pool, fbslots_statics[i]) == m)
			masks[0] |= 1u << i;
	m = mtx_pool_find(fbslots_pool, fbslots_bufs[0]);
	for (i = 0; i < 16; i++)
		if (mtx_pool_find(fbslots_pool, fbslots_bufs[i]) == m)
			masks[1] |= 1u << i;
	printf("fbslots: pool masks %#06x %#06x\n", masks[0], masks[1]);
}

static int
fbslots_ioctl(struct cdev *dev, u_long cmd, caddr_t data, int fflag,
    struct thread *td)
{
	struct fbslots_take *ft;
	int error;

	error = 0;
	switch (cmd) {
	case FBSLOTS_TAKE:
		ft = (struct fbslots_take *)data;
		ft->took = sema_timedwait(&fbslots_sema, ft->timo);
		if (ft->took) {
			ft->ticket = alloc_unr64(&fbslots_tickets);
			ft->value = sema_value(&fbslots_sema);
		} else
			devctl_notify("fbslots", devtoname(dev), "TIMEOUT",
			    "slots=2");
		break;
	case FBSLOTS_GIVE:
		sema_post(&fbslots_sema);
		break;
	case FBSLOTS_WAIT:
		error = fbslots_wait((struct fbslots_wait *)data);
		break;
	case FBSLOTS_KICK:
		mtx_pool_lock(fbslots_pool, &fbslots_kicks);
		fbslots_kicks++;
		cv_broadcast(&fbslots_cv);
		mtx_pool_unlock(fbslots_pool, &fbslots_kicks);
		break;
	case FBSLOTS_NAP: {
		struct fbslots_wait *fw = (struct fbslots_wait *)data;
		sbintime_t start = sbinuptime();

		fw->error = tsleep_sbt(&fbslots_nap, 0, "fbnap", 1, 0,
		    C_HARDCLOCK);
		fw->waited_ns = sbttons(sbinuptime() - start);
		break;
	}
	case FBSLOTS_POOL:
		fbslots_pool_masks((uint32_t *)data);
		break;
	case FBSLOTS_NAME:
		strlcpy(data, devtoname(dev), 16);
		break;
	case FBSLOTS_UNALIAS:
		if (fbslots_alias == NULL)
			return (ENOENT);
		destroy_dev(fbslots_alias);
		fbslots_alias = NULL;
		break;
	default:
		error = ENOTTY;
	}
	return (error);
}

static int
fbslots_modevent(module_t mod, int type, void *arg)
{
	struct make_dev_args args;
	int error, i;

	switch (type) {
	case MOD_LOAD:
		sema_init(&fbslots_sema, FBSLOTS_NSLOTS, "fbslots");
		new_unrhdr64(&fbslots_tickets, 1);
		fbslots_pool = mtx_pool_create("fbslots", 4, MTX_DEF);
		for (i = 0; i < 16; i++)
			fbslots_bufs[i] = malloc(40, M_FBSLOTS, M_WAITOK);
		cv_init(&fbslots_cv, "fbslotw");
		make_dev_args_init(&args);
		args.mda_devsw = &fbslots_cdevsw;
		args.mda_uid = UID_ROOT;
		args.mda_gid = GID_WHEEL;
		args.mda_mode = 0666;
		error = make_dev_s(&args, &fbslots_dev, "fbslots");
		if (error != 0)
			return (error);
		error = make_dev_alias_p(MAKEDEV_CHECKNAME | MAKEDEV_WAITOK,
		    &fbslots_alias, fbslots_dev, "slots");
		if (error != 0) {
			destroy_dev(fbslots_dev);
			fbslots_dev = NULL;
			return (error);
		}
		return (0);
	case MOD_UNLOAD:
		/* The alias goes with its parent. */
		if (fbslots_dev != NULL)
			destroy_dev(fbslots_dev);
		cv_destroy(&fbslots_cv);
		for (i = 0; i < 16; i++)
			free(fbslots_bufs[i], M_FBSLOTS);
		mtx_pool_destroy(&fbslots_pool);
		sema_destroy(&fbslots_sema);
		return (0);
	default:
		return (EOPNOTSUPP);
	}
}

DEV_MODULE(fbslots, fbslots_modevent, NULL);
