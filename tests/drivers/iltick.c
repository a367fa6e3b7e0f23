/*
 * iltick (tests/python/test_illumos_probe.py): written as an illumos
 * engineer writes a driver, outside kernsim's idioms (the ilprobe audit).
 * A pseudo driver that runs named timers.  TICK_ARM arms a timer
 * (an AVL tree of timers keyed by id); a callout fires it and hands the
 * expiry to a taskq; TICK_WAIT blocks until a timer has fired a given
 * number of times, with a timeout.  A periodic housekeeping callback
 * counts live timers, from attach to detach: it outlives every scenario
 * thread, and ddi_periodic_delete at detach may meet a run in progress.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/errno.h>
#include <sys/stat.h>
#include <sys/file.h>
#include <sys/cred.h>
#include <sys/kmem.h>
#include <sys/ksynch.h>
#include <sys/conf.h>
#include <sys/modctl.h>
#include <sys/avl.h>
#include <sys/taskq.h>
#include <sys/atomic.h>
#include <sys/sysmacros.h>
#include <sys/debug.h>
#include <sys/time.h>
#include <sys/cmn_err.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>

#define	TICK_IOC	('T' << 8)
#define	TICK_ARM	(TICK_IOC | 1)
#define	TICK_CANCEL	(TICK_IOC | 2)
#define	TICK_WAIT	(TICK_IOC | 3)
#define	TICK_INFO	(TICK_IOC | 4)

typedef struct tick_arm {
	uint32_t	ta_id;
	uint32_t	ta_usec;
	uint32_t	ta_count;	/* times to fire */
	char		ta_name[32];
} tick_arm_t;

typedef struct tick_wait {
	uint32_t	tw_id;
	uint32_t	tw_fired;	/* wait until fired >= this */
	int32_t		tw_msec;	/* how long */
	uint32_t	tw_result;
} tick_wait_t;

typedef struct tick_info {
	uint32_t	ti_live;
	uint32_t	ti_fired;
	int64_t		ti_lbolt;
	hrtime_t	ti_hrtime;
} tick_info_t;

typedef struct tick_timer {
	avl_node_t	tt_node;
	uint32_t	tt_id;
	uint32_t	tt_fired;
	uint32_t	tt_count;
	clock_t		tt_interval;
	timeout_id_t	tt_tid;
	boolean_t	tt_cancelled;
	uint32_t	tt_refs;
	char		tt_name[32];
} tick_timer_t;

static dev_info_t *tick_dip;
static kmutex_t tick_lock;
static kcondvar_t tick_cv;
static avl_tree_t tick_timers;
static taskq_t *tick_tq;
static ddi_periodic_t tick_periodic;
static uint32_t tick_live;
static volatile uint64_t tick_total_fired;
static int tick_periodic_runs;

static int
tick_compare(const void *a, const void *b)
{
	const tick_timer_t *ta = a;
	const tick_timer_t *tb = b;

	if (ta->tt_id < tb->tt_id)
		return (-1);
	if (ta->tt_id > tb->tt_id)
		return (1);
	return (0);
}

static void
tick_rele(tick_timer_t *tt)
{
	ASSERT(MUTEX_HELD(&tick_lock));
	ASSERT3U(tt->tt_refs, >, 0);
	if (--tt->tt_refs == 0)
		kmem_free(tt, sizeof (*tt));
}

static void tick_fire(void *);

/* taskq: account for one expiry and re-arm */
static void
tick_expire(void *arg)
{
	tick_timer_t *tt = arg;

	mutex_enter(&tick_lock);
	if (!tt->tt_cancelled) {
		tt->tt_fired++;
		atomic_inc_64(&tick_total_fired);
		if (tt->tt_fired < tt->tt_count)
			tt->tt_tid = timeout(tick_fire, tt, tt->tt_interval);
		else
			tt->tt_tid = 0;
		cv_broadcast(&tick_cv);
	}
	tick_rele(tt);
	mutex_exit(&tick_lock);
}

/* callout context: no blocking, hand off */
static void
tick_fire(void *arg)
{
	tick_timer_t *tt = arg;

	mutex_enter(&tick_lock);
	tt->tt_refs++;
	mutex_exit(&tick_lock);
	if (taskq_dispatch(tick_tq, tick_expire, tt, TQ_NOSLEEP) ==
	    TASKQID_INVALID) {
		mutex_enter(&tick_lock);
		tick_rele(tt);
		mutex_exit(&tick_lock);
	}
}

static void
tick_housekeeping(void *arg)
{
	mutex_enter(&tick_lock);
	tick_live = avl_numnodes(&tick_timers);
	tick_periodic_runs++;
	mutex_exit(&tick_lock);
}

static int
tick_do_arm(tick_arm_t *ta)
{
	tick_timer_t *tt, key;
	avl_index_t where;

	if (ta->ta_count == 0 || ta->ta_usec == 0)
		return (EINVAL);
	ta->ta_name[sizeof (ta->ta_name) - 1] = '\0';

	tt = kmem_zalloc(sizeof (*tt), KM_SLEEP);
	tt->tt_id = ta->ta_id;
	tt->tt_count = ta->ta_count;
	tt->tt_interval = drv_usectohz(ta->ta_usec);
	tt->tt_refs = 1;
	(void) strlcpy(tt->tt_name, ta->ta_name, sizeof (tt->tt_name));

	key.tt_id = ta->ta_id;
	mutex_enter(&tick_lock);
	if (avl_find(&tick_timers, &key, &where) != NULL) {
		mutex_exit(&tick_lock);
		kmem_free(tt, sizeof (*tt));
		return (EEXIST);
	}
	avl_insert(&tick_timers, tt, where);
	tt->tt_tid = timeout(tick_fire, tt, tt->tt_interval);
	mutex_exit(&tick_lock);
	return (0);
}

static int
tick_do_cancel(uint32_t id)
{
	tick_timer_t *tt, key;
	timeout_id_t tid;

	key.tt_id = id;
	mutex_enter(&tick_lock);
	if ((tt = avl_find(&tick_timers, &key, NULL)) == NULL) {
		mutex_exit(&tick_lock);
		return (ENOENT);
	}
	avl_remove(&tick_timers, tt);
	tt->tt_cancelled = B_TRUE;
	tid = tt->tt_tid;
	tt->tt_tid = 0;
	cv_broadcast(&tick_cv);
	mutex_exit(&tick_lock);

	/* untimeout must not be called with a lock the callout takes */
	if (tid != 0)
		(void) untimeout(tid);

	mutex_enter(&tick_lock);
	tick_rele(tt);
	mutex_exit(&tick_lock);
	return (0);
}

static int
tick_do_wait(tick_wait_t *tw)
{
	tick_timer_t *tt, key;
	clock_t ret;
	int err = 0;

	key.tt_id = tw->tw_id;
	mutex_enter(&tick_lock);
	if ((tt = avl_find(&tick_timers, &key, NULL)) == NULL) {
		mutex_exit(&tick_lock);
		return (ENOENT);
	}
	tt->tt_refs++;
	while (tt->tt_fired < tw->tw_fired && !tt->tt_cancelled) {
		ret = cv_reltimedwait_sig(&tick_cv, &tick_lock,
		    MSEC_TO_TICK(tw->tw_msec), TR_CLOCK_TICK);
		if (ret == 0) {
			err = EINTR;
			break;
		}
		if (ret == -1) {
			err = ETIMEDOUT;
			break;
		}
	}
	tw->tw_result = tt->tt_fired;
	tick_rele(tt);
	mutex_exit(&tick_lock);
	return (err);
}

/*ARGSUSED*/
static int
tick_open(dev_t *devp, int flag, int otyp, cred_t *cr)
{
	if (getminor(*devp) != 0)
		return (ENXIO);
	if ((flag & FWRITE) && drv_priv(cr) != 0)
		return (EPERM);
	return (0);
}

/*ARGSUSED*/
static int
tick_close(dev_t dev, int flag, int otyp, cred_t *cr)
{
	return (0);
}

/*ARGSUSED*/
static int
tick_ioctl(dev_t dev, int cmd, intptr_t arg, int mode, cred_t *cr, int *rvalp)
{
	tick_arm_t ta;
	tick_wait_t tw;
	tick_info_t ti;
	uint32_t id;
	int err;

	switch (cmd) {
	case TICK_ARM:
		if (ddi_copyin((void *)arg, &ta, sizeof (ta), mode) != 0)
			return (EFAULT);
		return (tick_do_arm(&ta));
	case TICK_CANCEL:
		if (ddi_copyin((void *)arg, &id, sizeof (id), mode) != 0)
			return (EFAULT);
		return (tick_do_cancel(id));
	case TICK_WAIT:
		if (ddi_copyin((void *)arg, &tw, sizeof (tw), mode) != 0)
			return (EFAULT);
		err = tick_do_wait(&tw);
		if (ddi_copyout(&tw, (void *)arg, sizeof (tw), mode) != 0)
			return (EFAULT);
		return (err);
	case TICK_INFO:
		bzero(&ti, sizeof (ti));
		mutex_enter(&tick_lock);
		ti.ti_live = avl_numnodes(&tick_timers);
		mutex_exit(&tick_lock);
		ti.ti_fired = (uint32_t)atomic_add_64_nv(&tick_total_fired, 0);
		ti.ti_lbolt = ddi_get_lbolt64();
		ti.ti_hrtime = gethrtime();
		if (ddi_copyout(&ti, (void *)arg, sizeof (ti), mode) != 0)
			return (EFAULT);
		return (0);
	default:
		return (ENOTTY);
	}
}

static int
tick_attach(dev_info_t *dip, ddi_attach_cmd_t cmd)
{
	if (cmd != DDI_ATTACH)
		return (DDI_FAILURE);

	tick_tq = taskq_create("tick_tq", 2, minclsyspri, 2, 16,
	    TASKQ_PREPOPULATE);
	if (tick_tq == NULL)
		return (DDI_FAILURE);
	if (ddi_create_minor_node(dip, "tick", S_IFCHR, ddi_get_instance(dip),
	    DDI_PSEUDO, 0) == DDI_FAILURE) {
		taskq_destroy(tick_tq);
		return (DDI_FAILURE);
	}
	tick_periodic = ddi_periodic_add(tick_housekeeping, NULL,
	    NANOSEC / 10, DDI_IPL_0);
	tick_dip = dip;
	ddi_report_dev(dip);
	return (DDI_SUCCESS);
}

static int
tick_detach(dev_info_t *dip, ddi_detach_cmd_t cmd)
{
	tick_timer_t *tt;
	void *cookie = NULL;

	if (cmd != DDI_DETACH)
		return (DDI_FAILURE);

	mutex_enter(&tick_lock);
	if (avl_numnodes(&tick_timers) != 0) {
		mutex_exit(&tick_lock);
		return (DDI_FAILURE);
	}
	mutex_exit(&tick_lock);

	ddi_periodic_delete(tick_periodic);
	taskq_destroy(tick_tq);
	ddi_remove_minor_node(dip, NULL);
	tick_dip = NULL;
	while ((tt = avl_destroy_nodes(&tick_timers, &cookie)) != NULL)
		kmem_free(tt, sizeof (*tt));
	return (DDI_SUCCESS);
}

/*ARGSUSED*/
static int
tick_getinfo(dev_info_t *dip, ddi_info_cmd_t infocmd, void *arg, void **result)
{
	int error = DDI_FAILURE;

	switch (infocmd) {
	case DDI_INFO_DEVT2DEVINFO:
		*result = tick_dip;
		error = DDI_SUCCESS;
		break;
	case DDI_INFO_DEVT2INSTANCE:
		*result = (void *)(uintptr_t)getminor((dev_t)arg);
		error = DDI_SUCCESS;
		break;
	}
	return (error);
}

static struct cb_ops tick_cb_ops = {
	.cb_open =	tick_open,
	.cb_close =	tick_close,
	.cb_strategy =	nodev,
	.cb_print =	nodev,
	.cb_dump =	nodev,
	.cb_read =	nodev,
	.cb_write =	nodev,
	.cb_ioctl =	tick_ioctl,
	.cb_devmap =	nodev,
	.cb_mmap =	nodev,
	.cb_segmap =	nodev,
	.cb_chpoll =	nochpoll,
	.cb_prop_op =	ddi_prop_op,
	.cb_str =	NULL,
	.cb_flag =	D_MP,
	.cb_rev =	CB_REV,
	.cb_aread =	nodev,
	.cb_awrite =	nodev
};

static struct dev_ops tick_dev_ops = {
	.devo_rev =		DEVO_REV,
	.devo_refcnt =		0,
	.devo_getinfo =		tick_getinfo,
	.devo_identify =	nulldev,
	.devo_probe =		nulldev,
	.devo_attach =		tick_attach,
	.devo_detach =		tick_detach,
	.devo_reset =		nodev,
	.devo_cb_ops =		&tick_cb_ops,
	.devo_bus_ops =		NULL,
	.devo_power =		NULL,
	.devo_quiesce =		ddi_quiesce_not_needed
};

static struct modldrv tick_modldrv = {
	.drv_modops =		&mod_driverops,
	.drv_linkinfo =		"tick timers",
	.drv_dev_ops =		&tick_dev_ops
};

static struct modlinkage tick_modlinkage = {
	.ml_rev =		MODREV_1,
	.ml_linkage =		{ &tick_modldrv, NULL }
};

int
_init(void)
{
	int rv;

	mutex_init(&tick_lock, NULL, MUTEX_DEFAULT, NULL);
	cv_init(&tick_cv, NULL, CV_DEFAULT, NULL);
	avl_create(&tick_timers, tick_compare, sizeof (tick_timer_t),
	    offsetof(tick_timer_t, tt_node));
	if ((rv = mod_install(&tick_modlinkage)) != 0) {
		avl_destroy(&tick_timers);
		cv_destroy(&tick_cv);
		mutex_destroy(&tick_lock);
	}
	return (rv);
}

int
_fini(void)
{
	int rv;

	if ((rv = mod_remove(&tick_modlinkage)) == 0) {
		avl_destroy(&tick_timers);
		cv_destroy(&tick_cv);
		mutex_destroy(&tick_lock);
	}
	return (rv);
}

int
_info(struct modinfo *modinfop)
{
	return (mod_info(&tick_modlinkage, modinfop));
}
