/*
 * ilpin (tests/python/test_ilpin.py): written as an illumos engineer
 * writes a driver, outside kernsim's idioms.  A pseudo driver that pins a
 * user buffer for a device to use after the ioctl returns, the way RDMA
 * and GPU drivers register memory: ILPIN_REG locks the caller's range
 * with ddi_umem_lock(9F), or with umem_lockmemory and a cleanup callback
 * when the request asks for a long-term lock; ILPIN_RELEASE waits until a
 * range is registered and unlocks it; close(9E) unlocks what is left.
 * The long-term cleanup unlocks at once, so the process's munmap or exit
 * need not wait for the driver.  ILPIN_STAT reads the counters.
 *
 * Build-time switches (for the test suite):
 *   -DILPIN_BUG_KEEP    close(9E) leaves the range locked (the driver
 *                       means to keep it until detach).
 *   -DILPIN_BUG_TWICE   ILPIN_RELEASE forgets to clear the cookie it
 *                       unlocked, so close(9E) unlocks it again.
 *   -DILPIN_BUG_DETACH  close(9E) and detach(9E) both leave the range
 *                       locked (the driver means the cleanup callback to
 *                       give it up).
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
#include <sys/sysmacros.h>
#include <sys/debug.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>
#include <sys/esunddi.h>

#define	ILPIN_IOC	('P' << 8)
#define	ILPIN_REG	(ILPIN_IOC | 1)	/* in: struct ilpin_reg */
#define	ILPIN_RELEASE	(ILPIN_IOC | 2)
#define	ILPIN_STAT	(ILPIN_IOC | 3)	/* out: struct ilpin_stat */

/* ilpin_reg.r_how */
#define	ILPIN_SHORT	0	/* ddi_umem_lock */
#define	ILPIN_LONG	1	/* umem_lockmemory, LONGTERM, with cleanup */
#define	ILPIN_LONG_NOCB	2	/* umem_lockmemory, LONGTERM, no callbacks */

struct ilpin_reg {
	uint64_t	r_addr;
	uint64_t	r_len;
	int32_t		r_flags;	/* DDI_UMEMLOCK_* */
	int32_t		r_how;
};

struct ilpin_stat {
	uint32_t	s_regs;
	uint32_t	s_releases;
	uint32_t	s_cleanups;
	uint32_t	s_pinned;	/* a range is locked now */
};

typedef struct ilpin_state {
	dev_info_t		*s_dip;
	kmutex_t		s_lock;
	kcondvar_t		s_cv;		/* a range was registered */
	ddi_umem_cookie_t	s_cookie;	/* under s_lock */
	struct ilpin_stat	s_stat;
} ilpin_state_t;

static void *ilpin_statep;

static ilpin_state_t *
ilpin_get(dev_t dev)
{
	return (ddi_get_soft_state(ilpin_statep, getminor(dev)));
}

/*
 * The process's pages are going (munmap, mprotect, exit): give them up
 * now.  The cookie is still valid here even if ILPIN_RELEASE unlocked it
 * meanwhile: the framework keeps it until this callback returns.
 */
static void
ilpin_cleanup(ddi_umem_cookie_t *arg)
{
	ddi_umem_cookie_t cookie = (ddi_umem_cookie_t)arg;
	ilpin_state_t *sp = ddi_get_soft_state(ilpin_statep, 0);
	int mine;

	mutex_enter(&sp->s_lock);
	sp->s_stat.s_cleanups++;
	mine = sp->s_cookie == cookie;
	if (mine) {
		sp->s_cookie = NULL;
		sp->s_stat.s_pinned = 0;
	}
	mutex_exit(&sp->s_lock);
	if (mine)
		ddi_umem_unlock(cookie);
}

static struct umem_callback_ops ilpin_cbops = {
	.cbo_umem_callback_version =	UMEM_CALLBACK_VERSION,
	.cbo_umem_lock_cleanup =	ilpin_cleanup
};

/*ARGSUSED*/
static int
ilpin_open(dev_t *devp, int flag, int otyp, cred_t *cr)
{
	if (otyp != OTYP_CHR)
		return (EINVAL);
	if (ilpin_get(*devp) == NULL)
		return (ENXIO);
	return (0);
}

/*ARGSUSED*/
static int
ilpin_close(dev_t dev, int flag, int otyp, cred_t *cr)
{
	ilpin_state_t *sp = ilpin_get(dev);
	ddi_umem_cookie_t cookie;

	mutex_enter(&sp->s_lock);
	cookie = sp->s_cookie;
#if !defined(ILPIN_BUG_KEEP) && !defined(ILPIN_BUG_DETACH)
	sp->s_cookie = NULL;
	sp->s_stat.s_pinned = 0;
#else
	cookie = NULL;
#endif
	mutex_exit(&sp->s_lock);
	if (cookie != NULL)
		ddi_umem_unlock(cookie);
	return (0);
}

static int
ilpin_reg(ilpin_state_t *sp, intptr_t arg, int mode)
{
	struct ilpin_reg r;
	ddi_umem_cookie_t cookie;
	int error;

	if (ddi_copyin((void *)arg, &r, sizeof (r), mode) != 0)
		return (EFAULT);
	mutex_enter(&sp->s_lock);
	if (sp->s_cookie != NULL) {
		mutex_exit(&sp->s_lock);
		return (EBUSY);
	}
	mutex_exit(&sp->s_lock);

	switch (r.r_how) {
	case ILPIN_SHORT:
		error = ddi_umem_lock((caddr_t)(uintptr_t)r.r_addr, r.r_len,
		    r.r_flags, &cookie);
		break;
	case ILPIN_LONG:
		error = umem_lockmemory((caddr_t)(uintptr_t)r.r_addr, r.r_len,
		    r.r_flags | DDI_UMEMLOCK_LONGTERM, &cookie, &ilpin_cbops,
		    NULL);
		break;
	case ILPIN_LONG_NOCB:
		error = umem_lockmemory((caddr_t)(uintptr_t)r.r_addr, r.r_len,
		    r.r_flags | DDI_UMEMLOCK_LONGTERM, &cookie, NULL, NULL);
		break;
	default:
		return (EINVAL);
	}
	if (error != 0) {
		ASSERT(cookie == NULL);
		return (error);
	}

	mutex_enter(&sp->s_lock);
	if (sp->s_cookie != NULL) {
		/* another thread registered first */
		mutex_exit(&sp->s_lock);
		ddi_umem_unlock(cookie);
		return (EBUSY);
	}
	sp->s_cookie = cookie;
	sp->s_stat.s_regs++;
	sp->s_stat.s_pinned = 1;
	cv_broadcast(&sp->s_cv);
	mutex_exit(&sp->s_lock);
	return (0);
}

static int
ilpin_release(ilpin_state_t *sp)
{
	ddi_umem_cookie_t cookie;

	mutex_enter(&sp->s_lock);
	while (sp->s_stat.s_pinned == 0) {
		if (cv_wait_sig(&sp->s_cv, &sp->s_lock) == 0) {
			mutex_exit(&sp->s_lock);
			return (EINTR);
		}
	}
	cookie = sp->s_cookie;
#ifndef ILPIN_BUG_TWICE
	sp->s_cookie = NULL;
#endif
	sp->s_stat.s_pinned = 0;
	sp->s_stat.s_releases++;
	mutex_exit(&sp->s_lock);
	ddi_umem_unlock(cookie);
	return (0);
}

/*ARGSUSED*/
static int
ilpin_ioctl(dev_t dev, int cmd, intptr_t arg, int mode, cred_t *cr, int *rvalp)
{
	ilpin_state_t *sp = ilpin_get(dev);
	struct ilpin_stat st;

	switch (cmd) {
	case ILPIN_REG:
		return (ilpin_reg(sp, arg, mode));
	case ILPIN_RELEASE:
		return (ilpin_release(sp));
	case ILPIN_STAT:
		mutex_enter(&sp->s_lock);
		st = sp->s_stat;
		mutex_exit(&sp->s_lock);
		return (ddi_copyout(&st, (void *)arg, sizeof (st), mode) != 0 ?
		    EFAULT : 0);
	}
	return (ENOTTY);
}

static int
ilpin_attach(dev_info_t *dip, ddi_attach_cmd_t cmd)
{
	ilpin_state_t *sp;

	if (cmd != DDI_ATTACH || ddi_get_instance(dip) != 0)
		return (DDI_FAILURE);
	if (ddi_soft_state_zalloc(ilpin_statep, 0) != DDI_SUCCESS)
		return (DDI_FAILURE);
	sp = ddi_get_soft_state(ilpin_statep, 0);
	sp->s_dip = dip;
	mutex_init(&sp->s_lock, NULL, MUTEX_DRIVER, NULL);
	cv_init(&sp->s_cv, NULL, CV_DRIVER, NULL);
	if (ddi_create_minor_node(dip, "ilpin", S_IFCHR, 0, DDI_PSEUDO, 0) !=
	    DDI_SUCCESS) {
		cv_destroy(&sp->s_cv);
		mutex_destroy(&sp->s_lock);
		ddi_soft_state_free(ilpin_statep, 0);
		return (DDI_FAILURE);
	}
	return (DDI_SUCCESS);
}

static int
ilpin_detach(dev_info_t *dip, ddi_detach_cmd_t cmd)
{
	ilpin_state_t *sp = ddi_get_soft_state(ilpin_statep, 0);
	ddi_umem_cookie_t cookie;

	if (cmd != DDI_DETACH)
		return (DDI_FAILURE);
	mutex_enter(&sp->s_lock);
	cookie = sp->s_cookie;
	sp->s_cookie = NULL;
	mutex_exit(&sp->s_lock);
#ifndef ILPIN_BUG_DETACH
	if (cookie != NULL)
		ddi_umem_unlock(cookie);
#endif
	ddi_remove_minor_node(dip, NULL);
	cv_destroy(&sp->s_cv);
	mutex_destroy(&sp->s_lock);
	ddi_soft_state_free(ilpin_statep, 0);
	return (DDI_SUCCESS);
}

/*ARGSUSED*/
static int
ilpin_getinfo(dev_info_t *dip, ddi_info_cmd_t infocmd, void *arg, void **result)
{
	ilpin_state_t *sp;

	switch (infocmd) {
	case DDI_INFO_DEVT2DEVINFO:
		sp = ilpin_get((dev_t)arg);
		if (sp == NULL)
			return (DDI_FAILURE);
		*result = sp->s_dip;
		return (DDI_SUCCESS);
	case DDI_INFO_DEVT2INSTANCE:
		*result = (void *)(uintptr_t)getminor((dev_t)arg);
		return (DDI_SUCCESS);
	}
	return (DDI_FAILURE);
}

static struct cb_ops ilpin_cb_ops = {
	.cb_open =	ilpin_open,
	.cb_close =	ilpin_close,
	.cb_strategy =	nodev,
	.cb_print =	nodev,
	.cb_dump =	nodev,
	.cb_read =	nodev,
	.cb_write =	nodev,
	.cb_ioctl =	ilpin_ioctl,
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

static struct dev_ops ilpin_dev_ops = {
	.devo_rev =		DEVO_REV,
	.devo_refcnt =		0,
	.devo_getinfo =		ilpin_getinfo,
	.devo_identify =	nulldev,
	.devo_probe =		nulldev,
	.devo_attach =		ilpin_attach,
	.devo_detach =		ilpin_detach,
	.devo_reset =		nodev,
	.devo_cb_ops =		&ilpin_cb_ops,
	.devo_bus_ops =		NULL,
	.devo_power =		NULL,
	.devo_quiesce =		ddi_quiesce_not_needed
};

static struct modldrv ilpin_modldrv = {
	&mod_driverops,
	"user memory pinning",
	&ilpin_dev_ops
};

static struct modlinkage ilpin_modlinkage = {
	MODREV_1,
	{ &ilpin_modldrv, NULL }
};

int
_init(void)
{
	int error;

	if ((error = ddi_soft_state_init(&ilpin_statep,
	    sizeof (ilpin_state_t), 1)) != 0)
		return (error);
	if ((error = mod_install(&ilpin_modlinkage)) != 0)
		ddi_soft_state_fini(&ilpin_statep);
	return (error);
}

int
_info(struct modinfo *modinfop)
{
	return (mod_info(&ilpin_modlinkage, modinfop));
}

int
_fini(void)
{
	int error;

	if ((error = mod_remove(&ilpin_modlinkage)) == 0)
		ddi_soft_state_fini(&ilpin_statep);
	return (error);
}
