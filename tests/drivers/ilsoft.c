/*
 * ilsoft (tests/python/test_illumos_probe.py): written as an illumos
 * engineer writes a driver, outside kernsim's idioms (the ilprobe audit):
 * clone minors from a bitmap (bt_availbit/BT_SET), per-open soft state
 * (ddi_soft_state_zalloc), an ioctl struct holding a user pointer with
 * its ILP32 twin (ddi_model_convert_from, caddr32_t), nested copies that
 * honour the mode (FKIOCTL from the driver's own kernel caller), an
 * rwlock over the minor map, and a DDI taskq whose tasks close(9E) waits
 * for.
 *
 * Each open of /dev/soft is a new minor with a name and a count of
 * asynchronous "pings" done on the taskq.
 *
 * -DSOFT_BUG_NOWAIT: close(9E) frees the soft state without waiting for
 * the open's pings still queued: the task writes freed memory.
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
#include <sys/bitmap.h>
#include <sys/sysmacros.h>
#include <sys/cmn_err.h>
#include <sys/model.h>
#include <sys/types32.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>

#define	SOFT_IOC		('S' << 8)
#define	SOFT_SETNAME		(SOFT_IOC | 1)
#define	SOFT_GETNAME		(SOFT_IOC | 2)
#define	SOFT_PING		(SOFT_IOC | 3)
#define	SOFT_NOPEN		(SOFT_IOC | 4)
#define	SOFT_KNAME		(SOFT_IOC | 5)	/* name it "kernel" via FKIOCTL */
#define	SOFT_NPINGS		(SOFT_IOC | 6)

#define	SOFT_MAXMINOR		32
#define	SOFT_NAMELEN		32

typedef struct soft_name {
	char		*sn_buf;
	size_t		sn_len;
} soft_name_t;

#ifdef _MULTI_DATAMODEL
typedef struct soft_name32 {
	caddr32_t	sn_buf;
	size32_t	sn_len;
} soft_name32_t;
#endif

typedef struct soft {
	minor_t		s_minor;
	kmutex_t	s_lock;		/* all below */
	kcondvar_t	s_cv;
	char		s_name[SOFT_NAMELEN];
	size_t		s_namelen;
	uint_t		s_pending;	/* pings queued or running */
	uint_t		s_pings;
} soft_t;

static void		*soft_statep;
static dev_info_t	*soft_dip;
static ddi_taskq_t	*soft_tq;
static krwlock_t	soft_maplock;
static ulong_t		soft_map[BT_BITOUL(SOFT_MAXMINOR)];

static int soft_ioctl(dev_t, int, intptr_t, int, cred_t *, int *);

/*ARGSUSED*/
static int
soft_open(dev_t *devp, int flag, int otyp, cred_t *cr)
{
	index_t m;
	soft_t *sp;

	if (otyp != OTYP_CHR)
		return (EINVAL);
	if (getminor(*devp) != 0)
		return (ENXIO);

	rw_enter(&soft_maplock, RW_WRITER);
	if ((m = bt_availbit(soft_map, SOFT_MAXMINOR)) == -1) {
		rw_exit(&soft_maplock);
		return (EAGAIN);
	}
	if (ddi_soft_state_zalloc(soft_statep, m) != DDI_SUCCESS) {
		rw_exit(&soft_maplock);
		return (ENOMEM);
	}
	BT_SET(soft_map, m);
	rw_exit(&soft_maplock);

	sp = ddi_get_soft_state(soft_statep, m);
	sp->s_minor = m;
	mutex_init(&sp->s_lock, NULL, MUTEX_DRIVER, NULL);
	cv_init(&sp->s_cv, NULL, CV_DRIVER, NULL);
	*devp = makedevice(getmajor(*devp), m);
	return (0);
}

/*ARGSUSED*/
static int
soft_close(dev_t dev, int flag, int otyp, cred_t *cr)
{
	minor_t m = getminor(dev);
	soft_t *sp;

	if ((sp = ddi_get_soft_state(soft_statep, m)) == NULL)
		return (ENXIO);
#ifndef SOFT_BUG_NOWAIT
	mutex_enter(&sp->s_lock);
	while (sp->s_pending != 0)
		cv_wait(&sp->s_cv, &sp->s_lock);
	mutex_exit(&sp->s_lock);
#endif
	cv_destroy(&sp->s_cv);
	mutex_destroy(&sp->s_lock);
	rw_enter(&soft_maplock, RW_WRITER);
	ddi_soft_state_free(soft_statep, m);
	BT_CLEAR(soft_map, m);
	rw_exit(&soft_maplock);
	return (0);
}

static void
soft_ping(void *arg)
{
	soft_t *sp = arg;

	delay(drv_usectohz(500));
	mutex_enter(&sp->s_lock);
	sp->s_pings++;
	sp->s_pending--;
	cv_broadcast(&sp->s_cv);
	mutex_exit(&sp->s_lock);
}

static int
soft_copyin_name(intptr_t arg, int mode, soft_name_t *snp)
{
#ifdef _MULTI_DATAMODEL
	soft_name32_t sn32;

	switch (ddi_model_convert_from(mode & FMODELS)) {
	case DDI_MODEL_ILP32:
		if (ddi_copyin((void *)arg, &sn32, sizeof (sn32), mode) != 0)
			return (EFAULT);
		snp->sn_buf = (char *)(uintptr_t)sn32.sn_buf;
		snp->sn_len = sn32.sn_len;
		return (0);
	case DDI_MODEL_NONE:
		break;
	}
#endif
	if (ddi_copyin((void *)arg, snp, sizeof (*snp), mode) != 0)
		return (EFAULT);
	return (0);
}

/*ARGSUSED*/
static int
soft_ioctl(dev_t dev, int cmd, intptr_t arg, int mode, cred_t *cr, int *rvalp)
{
	soft_t *sp;
	soft_name_t sn;
	char name[SOFT_NAMELEN];
	size_t len;
	index_t i;
	int n, rv;

	if ((sp = ddi_get_soft_state(soft_statep, getminor(dev))) == NULL)
		return (ENXIO);

	switch (cmd) {
	case SOFT_SETNAME:
		if ((rv = soft_copyin_name(arg, mode, &sn)) != 0)
			return (rv);
		if (sn.sn_len == 0 || sn.sn_len > SOFT_NAMELEN)
			return (EINVAL);
		/* the buffer is the caller's: kernel memory under FKIOCTL */
		if (ddi_copyin(sn.sn_buf, name, sn.sn_len, mode) != 0)
			return (EFAULT);
		mutex_enter(&sp->s_lock);
		bcopy(name, sp->s_name, sn.sn_len);
		sp->s_namelen = sn.sn_len;
		mutex_exit(&sp->s_lock);
		return (0);
	case SOFT_GETNAME:
		if ((rv = soft_copyin_name(arg, mode, &sn)) != 0)
			return (rv);
		mutex_enter(&sp->s_lock);
		len = MIN(sn.sn_len, sp->s_namelen);
		bcopy(sp->s_name, name, len);
		mutex_exit(&sp->s_lock);
		if (len != 0 && ddi_copyout(name, sn.sn_buf, len, mode) != 0)
			return (EFAULT);
		*rvalp = (int)len;
		return (0);
	case SOFT_KNAME: {
		/* the driver's own caller: kernel buffers, FKIOCTL, native */
		static char kname[] = "kernel";
		soft_name_t ksn = { kname, sizeof (kname) - 1 };
		int rval;

		return (soft_ioctl(dev, SOFT_SETNAME, (intptr_t)&ksn,
		    FKIOCTL | FNATIVE | (mode & (FREAD | FWRITE)), cr, &rval));
	}
	case SOFT_PING:
		mutex_enter(&sp->s_lock);
		sp->s_pending++;
		mutex_exit(&sp->s_lock);
		if (ddi_taskq_dispatch(soft_tq, soft_ping, sp, DDI_SLEEP) !=
		    DDI_SUCCESS) {
			mutex_enter(&sp->s_lock);
			sp->s_pending--;
			cv_broadcast(&sp->s_cv);
			mutex_exit(&sp->s_lock);
			return (EAGAIN);
		}
		return (0);
	case SOFT_NPINGS:
		mutex_enter(&sp->s_lock);
		*rvalp = (int)sp->s_pings;
		mutex_exit(&sp->s_lock);
		return (0);
	case SOFT_NOPEN:
		n = 0;
		rw_enter(&soft_maplock, RW_READER);
		for (i = 1; i < SOFT_MAXMINOR; i++)
			n += BT_TEST(soft_map, i);
		rw_exit(&soft_maplock);
		*rvalp = n;
		return (0);
	default:
		return (ENOTTY);
	}
}

/*ARGSUSED*/
static int
soft_getinfo(dev_info_t *dip, ddi_info_cmd_t cmd, void *arg, void **resultp)
{
	switch (cmd) {
	case DDI_INFO_DEVT2DEVINFO:
		*resultp = soft_dip;
		return (DDI_SUCCESS);
	case DDI_INFO_DEVT2INSTANCE:
		*resultp = (void *)0;
		return (DDI_SUCCESS);
	default:
		return (DDI_FAILURE);
	}
}

static int
soft_attach(dev_info_t *dip, ddi_attach_cmd_t cmd)
{
	if (cmd != DDI_ATTACH)
		return (DDI_FAILURE);
	if (ddi_get_instance(dip) != 0)
		return (DDI_FAILURE);

	soft_tq = ddi_taskq_create(dip, "ilsoft_tq", 1, TASKQ_DEFAULTPRI, 0);
	if (soft_tq == NULL)
		return (DDI_FAILURE);
	rw_init(&soft_maplock, NULL, RW_DRIVER, NULL);
	bzero(soft_map, sizeof (soft_map));
	BT_SET(soft_map, 0);		/* minor 0 is the clone node */
	if (ddi_create_minor_node(dip, "soft", S_IFCHR, 0, DDI_PSEUDO, 0) !=
	    DDI_SUCCESS) {
		rw_destroy(&soft_maplock);
		ddi_taskq_destroy(soft_tq);
		return (DDI_FAILURE);
	}
	soft_dip = dip;
	return (DDI_SUCCESS);
}

static int
soft_detach(dev_info_t *dip, ddi_detach_cmd_t cmd)
{
	if (cmd != DDI_DETACH)
		return (DDI_FAILURE);
	ddi_remove_minor_node(dip, NULL);
	ddi_taskq_destroy(soft_tq);
	rw_destroy(&soft_maplock);
	soft_dip = NULL;
	return (DDI_SUCCESS);
}

static struct cb_ops soft_cb_ops = {
	.cb_open =	soft_open,
	.cb_close =	soft_close,
	.cb_strategy =	nodev,
	.cb_print =	nodev,
	.cb_dump =	nodev,
	.cb_read =	nodev,
	.cb_write =	nodev,
	.cb_ioctl =	soft_ioctl,
	.cb_devmap =	nodev,
	.cb_mmap =	nodev,
	.cb_segmap =	nodev,
	.cb_chpoll =	nochpoll,
	.cb_prop_op =	ddi_prop_op,
	.cb_str =	NULL,
	.cb_flag =	D_MP | D_64BIT,
	.cb_rev =	CB_REV,
	.cb_aread =	nodev,
	.cb_awrite =	nodev
};

static struct dev_ops soft_dev_ops = {
	.devo_rev =		DEVO_REV,
	.devo_refcnt =		0,
	.devo_getinfo =		soft_getinfo,
	.devo_identify =	nulldev,
	.devo_probe =		nulldev,
	.devo_attach =		soft_attach,
	.devo_detach =		soft_detach,
	.devo_reset =		nodev,
	.devo_cb_ops =		&soft_cb_ops,
	.devo_bus_ops =		NULL,
	.devo_power =		NULL,
	.devo_quiesce =		ddi_quiesce_not_needed
};

static struct modldrv soft_modldrv = {
	&mod_driverops,
	"clone soft state",
	&soft_dev_ops
};

static struct modlinkage soft_modlinkage = {
	MODREV_1,
	{ (void *)&soft_modldrv, NULL }
};

int
_init(void)
{
	int rv;

	if ((rv = ddi_soft_state_init(&soft_statep, sizeof (soft_t), 4)) != 0)
		return (rv);
	if ((rv = mod_install(&soft_modlinkage)) != 0)
		ddi_soft_state_fini(&soft_statep);
	return (rv);
}

int
_fini(void)
{
	int rv;

	if ((rv = mod_remove(&soft_modlinkage)) == 0)
		ddi_soft_state_fini(&soft_statep);
	return (rv);
}

int
_info(struct modinfo *modinfop)
{
	return (mod_info(&soft_modlinkage, modinfop));
}
