/*
 * ilpool (tests/python/test_illumos_probe.py): written as an illumos
 * engineer writes a driver, outside kernsim's idioms (the ilprobe audit):
 * a counting ksema_t guarding a pool of leases, a kmem cache with a
 * constructor and destructor, an rwlock over the tunables, delay(9F),
 * cv_reltimedwait_sig(9F), chpoll with pollwakeup, ddi_periodic_add(9F),
 * ddi_prop_get_int(9F) with .conf defaults, cmn_err, and a detach that
 * refuses (DDI_FAILURE) while leases are out.
 *
 * A pseudo lease pool.  POOL_GET takes one of pool-size leases (blocking,
 * interruptibly, unless PR_NOWAIT) and returns its id; POOL_PUT gives it
 * back.  Leases outlive the open that took them, so the driver cannot
 * detach while any is out.  POOL_WAITIDLE waits until every lease is back.
 *
 * -DPOOL_BUG_DOUBLEPUT: POOL_PUT looks the lease up, drops the lock, and
 * takes it again to unlink it without looking again: two PUTs of one id
 * both free it.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/errno.h>
#include <sys/stat.h>
#include <sys/file.h>
#include <sys/open.h>
#include <sys/cred.h>
#include <sys/kmem.h>
#include <sys/ksynch.h>
#include <sys/conf.h>
#include <sys/modctl.h>
#include <sys/list.h>
#include <sys/poll.h>
#include <sys/sysmacros.h>
#include <sys/cmn_err.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>

#define	POOL_IOC		('P' << 8)
#define	POOL_GET		(POOL_IOC | 1)
#define	POOL_PUT		(POOL_IOC | 2)
#define	POOL_WAITIDLE		(POOL_IOC | 3)
#define	POOL_SETDELAY		(POOL_IOC | 4)

#define	PR_NOWAIT		0x1

/* same layout for ILP32 and LP64 callers: no conversion needed */
typedef struct pool_req {
	uint32_t	pr_id;
	uint32_t	pr_flags;
	int32_t		pr_timeout_ms;	/* POOL_WAITIDLE; delay for SETDELAY */
	uint32_t	pr_pad;
} pool_req_t;

#define	POOL_MAGIC		0x706f6f6cU

typedef struct pool_lease {
	list_node_t	pl_node;
	kmutex_t	pl_lock;	/* pl_uses */
	uint32_t	pl_magic;
	uint32_t	pl_id;
	uint64_t	pl_uses;
} pool_lease_t;

static dev_info_t	*pool_dip;
static kmem_cache_t	*pool_cache;
static ksema_t		pool_sema;	/* one count per free lease */
static kmutex_t		pool_lock;	/* all below */
static kcondvar_t	pool_idle_cv;
static list_t		pool_leases;
static uint32_t		pool_next_id;
static uint_t		pool_out;
static uint_t		pool_size;
static uint64_t		pool_ticks;
static struct pollhead	pool_ph;
static krwlock_t	pool_cfg_lock;	/* pool_get_delay_us */
static int		pool_get_delay_us;
static ddi_periodic_t	pool_periodic;

/*ARGSUSED*/
static int
pool_lease_ctor(void *buf, void *arg, int kmflags)
{
	pool_lease_t *pl = buf;

	mutex_init(&pl->pl_lock, NULL, MUTEX_DRIVER, NULL);
	pl->pl_magic = POOL_MAGIC;
	pl->pl_uses = 0;
	return (0);
}

/*ARGSUSED*/
static void
pool_lease_dtor(void *buf, void *arg)
{
	pool_lease_t *pl = buf;

	VERIFY3U(pl->pl_magic, ==, POOL_MAGIC);
	mutex_destroy(&pl->pl_lock);
}

static void
pool_tick(void *arg)
{
	mutex_enter(&pool_lock);
	pool_ticks++;
	mutex_exit(&pool_lock);
}

static pool_lease_t *
pool_find(uint32_t id)
{
	pool_lease_t *pl;

	ASSERT(MUTEX_HELD(&pool_lock));
	for (pl = list_head(&pool_leases); pl != NULL;
	    pl = list_next(&pool_leases, pl)) {
		if (pl->pl_id == id)
			return (pl);
	}
	return (NULL);
}

static int
pool_get(pool_req_t *req)
{
	pool_lease_t *pl;
	int d;

	if (req->pr_flags & PR_NOWAIT) {
		if (sema_tryp(&pool_sema) == 0)
			return (EAGAIN);
	} else if (sema_p_sig(&pool_sema) != 0) {
		return (EINTR);
	}

	rw_enter(&pool_cfg_lock, RW_READER);
	d = pool_get_delay_us;
	rw_exit(&pool_cfg_lock);
	if (d > 0)
		delay(drv_usectohz(d));

	pl = kmem_cache_alloc(pool_cache, KM_SLEEP);
	mutex_enter(&pl->pl_lock);
	pl->pl_uses++;
	mutex_exit(&pl->pl_lock);

	mutex_enter(&pool_lock);
	pl->pl_id = ++pool_next_id;
	list_insert_tail(&pool_leases, pl);
	pool_out++;
	req->pr_id = pl->pl_id;
	mutex_exit(&pool_lock);
	return (0);
}

static int
pool_put(uint32_t id)
{
	pool_lease_t *pl;
	boolean_t idle;

	mutex_enter(&pool_lock);
	pl = pool_find(id);
	if (pl == NULL) {
		mutex_exit(&pool_lock);
		return (ENOENT);
	}
#ifdef POOL_BUG_DOUBLEPUT
	mutex_exit(&pool_lock);
	mutex_enter(&pl->pl_lock);
	pl->pl_uses++;
	mutex_exit(&pl->pl_lock);
	mutex_enter(&pool_lock);
#endif
	list_remove(&pool_leases, pl);
	pool_out--;
	idle = (pool_out == 0);
	if (idle)
		cv_broadcast(&pool_idle_cv);
	mutex_exit(&pool_lock);

	kmem_cache_free(pool_cache, pl);
	sema_v(&pool_sema);
	/* not under pool_lock: chpoll takes it */
	pollwakeup(&pool_ph, POLLOUT | POLLWRNORM);
	return (0);
}

static int
pool_waitidle(int timeout_ms)
{
	clock_t left;
	int rv = 0;

	mutex_enter(&pool_lock);
	while (pool_out != 0) {
		left = cv_reltimedwait_sig(&pool_idle_cv, &pool_lock,
		    drv_usectohz((clock_t)timeout_ms * 1000), TR_CLOCK_TICK);
		if (left == 0) {
			rv = EINTR;
			break;
		}
		if (left < 0) {
			rv = ETIME;
			break;
		}
	}
	mutex_exit(&pool_lock);
	return (rv);
}

/*ARGSUSED*/
static int
pool_open(dev_t *devp, int flag, int otyp, cred_t *cr)
{
	if (otyp != OTYP_CHR)
		return (EINVAL);
	if (getminor(*devp) != 0)
		return (ENXIO);
	return (0);
}

/*ARGSUSED*/
static int
pool_close(dev_t dev, int flag, int otyp, cred_t *cr)
{
	return (0);
}

/*ARGSUSED*/
static int
pool_ioctl(dev_t dev, int cmd, intptr_t arg, int mode, cred_t *cr, int *rvalp)
{
	pool_req_t req;
	int rv;

	if (ddi_copyin((void *)arg, &req, sizeof (req), mode) != 0)
		return (EFAULT);

	switch (cmd) {
	case POOL_GET:
		if ((rv = pool_get(&req)) != 0)
			return (rv);
		if (ddi_copyout(&req, (void *)arg, sizeof (req), mode) != 0) {
			(void) pool_put(req.pr_id);
			return (EFAULT);
		}
		return (0);
	case POOL_PUT:
		return (pool_put(req.pr_id));
	case POOL_WAITIDLE:
		if (req.pr_timeout_ms <= 0)
			return (EINVAL);
		return (pool_waitidle(req.pr_timeout_ms));
	case POOL_SETDELAY:
		if ((mode & FWRITE) == 0)
			return (EBADF);
		if (req.pr_timeout_ms < 0 || req.pr_timeout_ms > 1000)
			return (EINVAL);
		rw_enter(&pool_cfg_lock, RW_WRITER);
		pool_get_delay_us = req.pr_timeout_ms * 1000;
		rw_exit(&pool_cfg_lock);
		return (0);
	default:
		return (ENOTTY);
	}
}

/*ARGSUSED*/
static int
pool_chpoll(dev_t dev, short events, int anyyet, short *reventsp,
    struct pollhead **phpp)
{
	short revents = 0;

	mutex_enter(&pool_lock);
	if (pool_out < pool_size)
		revents |= events & (POLLOUT | POLLWRNORM);
	mutex_exit(&pool_lock);
	*reventsp = revents;
	if ((revents == 0 && !anyyet) || (events & POLLET))
		*phpp = &pool_ph;
	return (0);
}

/*ARGSUSED*/
static int
pool_getinfo(dev_info_t *dip, ddi_info_cmd_t cmd, void *arg, void **resultp)
{
	switch (cmd) {
	case DDI_INFO_DEVT2DEVINFO:
		*resultp = pool_dip;
		return (DDI_SUCCESS);
	case DDI_INFO_DEVT2INSTANCE:
		*resultp = (void *)0;
		return (DDI_SUCCESS);
	default:
		return (DDI_FAILURE);
	}
}

static int
pool_attach(dev_info_t *dip, ddi_attach_cmd_t cmd)
{
	int n;

	if (cmd == DDI_RESUME)
		return (DDI_SUCCESS);
	if (cmd != DDI_ATTACH || pool_dip != NULL)
		return (DDI_FAILURE);

	n = ddi_prop_get_int(DDI_DEV_T_ANY, dip, DDI_PROP_DONTPASS,
	    "pool-size", 2);
	if (n < 1 || n > 64) {
		cmn_err(CE_WARN, "ilpool: pool-size %d out of range, using 2", n);
		n = 2;
	}
	pool_size = n;
	pool_get_delay_us = ddi_prop_get_int(DDI_DEV_T_ANY, dip,
	    DDI_PROP_DONTPASS, "get-delay-us", 0);

	pool_cache = kmem_cache_create("ilpool_lease_cache",
	    sizeof (pool_lease_t), 0, pool_lease_ctor, pool_lease_dtor,
	    NULL, NULL, NULL, 0);
	sema_init(&pool_sema, pool_size, NULL, SEMA_DRIVER, NULL);
	mutex_init(&pool_lock, NULL, MUTEX_DRIVER, NULL);
	cv_init(&pool_idle_cv, NULL, CV_DRIVER, NULL);
	rw_init(&pool_cfg_lock, NULL, RW_DRIVER, NULL);
	list_create(&pool_leases, sizeof (pool_lease_t),
	    offsetof(pool_lease_t, pl_node));
	pool_out = 0;
	pool_next_id = 0;

	if (ddi_create_minor_node(dip, "pool", S_IFCHR, 0, DDI_PSEUDO, 0) !=
	    DDI_SUCCESS) {
		list_destroy(&pool_leases);
		rw_destroy(&pool_cfg_lock);
		cv_destroy(&pool_idle_cv);
		mutex_destroy(&pool_lock);
		sema_destroy(&pool_sema);
		kmem_cache_destroy(pool_cache);
		return (DDI_FAILURE);
	}
	pool_periodic = ddi_periodic_add(pool_tick, NULL, 100 * 1000 * 1000,
	    DDI_IPL_0);
	pool_dip = dip;
	ddi_report_dev(dip);
	cmn_err(CE_NOTE, "!ilpool: %u leases", pool_size);
	return (DDI_SUCCESS);
}

static int
pool_detach(dev_info_t *dip, ddi_detach_cmd_t cmd)
{
	if (cmd == DDI_SUSPEND)
		return (DDI_SUCCESS);
	if (cmd != DDI_DETACH)
		return (DDI_FAILURE);

	mutex_enter(&pool_lock);
	if (pool_out != 0) {
		cmn_err(CE_WARN, "ilpool: %u leases still out", pool_out);
		mutex_exit(&pool_lock);
		return (DDI_FAILURE);
	}
	mutex_exit(&pool_lock);

	ddi_periodic_delete(pool_periodic);
	ddi_remove_minor_node(dip, NULL);
	pollhead_clean(&pool_ph);
	list_destroy(&pool_leases);
	rw_destroy(&pool_cfg_lock);
	cv_destroy(&pool_idle_cv);
	mutex_destroy(&pool_lock);
	sema_destroy(&pool_sema);
	kmem_cache_reap_now(pool_cache);
	kmem_cache_destroy(pool_cache);
	pool_dip = NULL;
	return (DDI_SUCCESS);
}

static struct cb_ops pool_cb_ops = {
	.cb_open =	pool_open,
	.cb_close =	pool_close,
	.cb_strategy =	nodev,
	.cb_print =	nodev,
	.cb_dump =	nodev,
	.cb_read =	nodev,
	.cb_write =	nodev,
	.cb_ioctl =	pool_ioctl,
	.cb_devmap =	nodev,
	.cb_mmap =	nodev,
	.cb_segmap =	nodev,
	.cb_chpoll =	pool_chpoll,
	.cb_prop_op =	ddi_prop_op,
	.cb_str =	NULL,
	.cb_flag =	D_MP | D_NEW,
	.cb_rev =	CB_REV,
	.cb_aread =	nodev,
	.cb_awrite =	nodev
};

static struct dev_ops pool_dev_ops = {
	.devo_rev =		DEVO_REV,
	.devo_refcnt =		0,
	.devo_getinfo =		pool_getinfo,
	.devo_identify =	nulldev,
	.devo_probe =		nulldev,
	.devo_attach =		pool_attach,
	.devo_detach =		pool_detach,
	.devo_reset =		nodev,
	.devo_cb_ops =		&pool_cb_ops,
	.devo_bus_ops =		NULL,
	.devo_power =		NULL,
	.devo_quiesce =		ddi_quiesce_not_needed
};

static struct modldrv pool_modldrv = {
	&mod_driverops,
	"lease pool",
	&pool_dev_ops
};

static struct modlinkage pool_modlinkage = {
	MODREV_1,
	{ (void *)&pool_modldrv, NULL }
};

int
_init(void)
{
	return (mod_install(&pool_modlinkage));
}

int
_fini(void)
{
	return (mod_remove(&pool_modlinkage));
}

int
_info(struct modinfo *modinfop)
{
	return (mod_info(&pool_modlinkage, modinfop));
}
