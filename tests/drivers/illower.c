/*
 * illower (tests/python/test_illumos_ldi.py): the device a layered driver
 * (illyr.c) opens through the LDI, written as an illumos engineer writes a
 * small pseudo device. /dev/illower keeps one 64-bit value; it records
 * what its entry points were told (open and close counts, whether the
 * last open and ioctl came from another driver: FKLYR, FKIOCTL, the data
 * model), which the tests read back through LO_STATS. Its "Size" property
 * is what ldi_get_size(9F) answers. chpoll(9E): readable once the value
 * is not 0. /dev/illower/0 is a 4 KiB RAM disk behind strategy(9E), which
 * write(9E) of /dev/illower also fills (at the uio's offset).
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/errno.h>
#include <sys/stat.h>
#include <sys/file.h>
#include <sys/open.h>
#include <sys/cred.h>
#include <sys/uio.h>
#include <sys/poll.h>
#include <sys/buf.h>
#include <sys/sysmacros.h>
#include <sys/ksynch.h>
#include <sys/conf.h>
#include <sys/modctl.h>
#include <sys/model.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>

#define	LO_IOC		('L' << 8)
#define	LO_SET		(LO_IOC | 1)	/* uint64_t in */
#define	LO_GET		(LO_IOC | 2)	/* uint64_t out */
#define	LO_STATS	(LO_IOC | 3)	/* lo_stats_t out */

#define	LO_SIZE		4096

typedef struct lo_stats {
	uint32_t	ls_opens;	/* open(9E) calls */
	uint32_t	ls_closes;	/* close(9E) calls */
	uint32_t	ls_open_lyr;	/* the last open had FKLYR */
	uint32_t	ls_ioc_kernel;	/* the last LO_SET/LO_GET had FKIOCTL */
	uint32_t	ls_ioc_model;	/* ... and its FMODELS bits */
	uint32_t	ls_otyp;	/* the last open's otyp */
} lo_stats_t;

static dev_info_t	*lo_dip;
static kmutex_t		lo_lock;
static uint64_t		lo_value;
static lo_stats_t	lo_st;
static struct pollhead	lo_ph;
static char		lo_disk[LO_SIZE];	/* lo_lock */

/*ARGSUSED*/
static int
lo_open(dev_t *devp, int flag, int otyp, cred_t *credp)
{
	if (getminor(*devp) > 1)
		return (ENXIO);
	mutex_enter(&lo_lock);
	lo_st.ls_opens++;
	lo_st.ls_open_lyr = (flag & FKLYR) != 0;
	lo_st.ls_otyp = otyp;
	mutex_exit(&lo_lock);
	return (0);
}

/*ARGSUSED*/
static int
lo_close(dev_t dev, int flag, int otyp, cred_t *credp)
{
	mutex_enter(&lo_lock);
	lo_st.ls_closes++;
	mutex_exit(&lo_lock);
	return (0);
}

/*ARGSUSED*/
static int
lo_read(dev_t dev, struct uio *uiop, cred_t *credp)
{
	char buf[32];
	size_t n;

	mutex_enter(&lo_lock);
	(void) snprintf(buf, sizeof (buf), "lower:%llu",
	    (unsigned long long)lo_value);
	mutex_exit(&lo_lock);
	n = strlen(buf);
	if (uiop->uio_loffset >= (offset_t)n)
		return (0);
	return (uiomove(buf + uiop->uio_loffset, n - uiop->uio_loffset,
	    UIO_READ, uiop));
}

/*ARGSUSED*/
static int
lo_write(dev_t dev, struct uio *uiop, cred_t *credp)
{
	offset_t off = uiop->uio_loffset;
	size_t n;
	int err;

	if (off < 0 || off >= LO_SIZE)
		return (ENOSPC);
	n = MIN((size_t)uiop->uio_resid, (size_t)(LO_SIZE - off));
	mutex_enter(&lo_lock);
	err = uiomove(lo_disk + off, n, UIO_WRITE, uiop);
	mutex_exit(&lo_lock);
	return (err);
}

static int
lo_strategy(struct buf *bp)
{
	diskaddr_t off = bp->b_lblkno * DEV_BSIZE;

	if (off + bp->b_bcount > LO_SIZE) {
		bioerror(bp, ENXIO);
		biodone(bp);
		return (0);
	}
	mutex_enter(&lo_lock);
	if (bp->b_flags & B_READ)
		bcopy(lo_disk + off, bp->b_un.b_addr, bp->b_bcount);
	else
		bcopy(bp->b_un.b_addr, lo_disk + off, bp->b_bcount);
	mutex_exit(&lo_lock);
	bp->b_resid = 0;
	biodone(bp);
	return (0);
}

/*ARGSUSED*/
static int
lo_ioctl(dev_t dev, int cmd, intptr_t arg, int mode, cred_t *credp,
    int *rvalp)
{
	uint64_t v;
	lo_stats_t st;

	switch (cmd) {
	case LO_SET:
		if (ddi_copyin((void *)arg, &v, sizeof (v), mode) != 0)
			return (EFAULT);
		mutex_enter(&lo_lock);
		lo_value = v;
		lo_st.ls_ioc_kernel = (mode & FKIOCTL) != 0;
		lo_st.ls_ioc_model = mode & FMODELS;
		mutex_exit(&lo_lock);
		if (v != 0)
			pollwakeup(&lo_ph, POLLIN | POLLRDNORM);
		return (0);
	case LO_GET:
		mutex_enter(&lo_lock);
		v = lo_value;
		lo_st.ls_ioc_kernel = (mode & FKIOCTL) != 0;
		lo_st.ls_ioc_model = mode & FMODELS;
		mutex_exit(&lo_lock);
		if (ddi_copyout(&v, (void *)arg, sizeof (v), mode) != 0)
			return (EFAULT);
		return (0);
	case LO_STATS:
		mutex_enter(&lo_lock);
		st = lo_st;
		mutex_exit(&lo_lock);
		if (ddi_copyout(&st, (void *)arg, sizeof (st), mode) != 0)
			return (EFAULT);
		return (0);
	default:
		return (ENOTTY);
	}
}

static int
lo_chpoll(dev_t dev, short events, int anyyet, short *reventsp,
    struct pollhead **phpp)
{
	short revents = 0;

	mutex_enter(&lo_lock);
	if (lo_value != 0)
		revents = events & (POLLIN | POLLRDNORM);
	*reventsp = revents;
	if (revents == 0 && !anyyet)
		*phpp = &lo_ph;
	mutex_exit(&lo_lock);
	return (0);
}

/*ARGSUSED*/
static int
lo_getinfo(dev_info_t *dip, ddi_info_cmd_t cmd, void *arg, void **resultp)
{
	switch (cmd) {
	case DDI_INFO_DEVT2DEVINFO:
		*resultp = lo_dip;
		return (DDI_SUCCESS);
	case DDI_INFO_DEVT2INSTANCE:
		*resultp = (void *)0;
		return (DDI_SUCCESS);
	default:
		return (DDI_FAILURE);
	}
}

static int
lo_attach(dev_info_t *dip, ddi_attach_cmd_t cmd)
{
	if (cmd != DDI_ATTACH || ddi_get_instance(dip) != 0)
		return (DDI_FAILURE);
	mutex_init(&lo_lock, NULL, MUTEX_DRIVER, NULL);
	if (ddi_create_minor_node(dip, "illower", S_IFCHR, 0, DDI_PSEUDO, 0) !=
	    DDI_SUCCESS || ddi_create_minor_node(dip, "0", S_IFBLK, 1,
	    DDI_PSEUDO, 0) != DDI_SUCCESS) {
		ddi_remove_minor_node(dip, NULL);
		mutex_destroy(&lo_lock);
		return (DDI_FAILURE);
	}
	(void) ddi_prop_update_int64(makedevice(ddi_driver_major(dip), 0),
	    dip, "Size", LO_SIZE);
	(void) ddi_prop_update_int64(makedevice(ddi_driver_major(dip), 1),
	    dip, "Nblocks", LO_SIZE / DEV_BSIZE);
	lo_dip = dip;
	return (DDI_SUCCESS);
}

static int
lo_detach(dev_info_t *dip, ddi_detach_cmd_t cmd)
{
	if (cmd != DDI_DETACH)
		return (DDI_FAILURE);
	ddi_prop_remove_all(dip);
	ddi_remove_minor_node(dip, NULL);
	pollhead_clean(&lo_ph);
	mutex_destroy(&lo_lock);
	lo_dip = NULL;
	return (DDI_SUCCESS);
}

static struct cb_ops lo_cb_ops = {
	.cb_open =	lo_open,
	.cb_close =	lo_close,
	.cb_strategy =	lo_strategy,
	.cb_print =	nodev,
	.cb_dump =	nodev,
	.cb_read =	lo_read,
	.cb_write =	lo_write,
	.cb_ioctl =	lo_ioctl,
	.cb_devmap =	nodev,
	.cb_mmap =	nodev,
	.cb_segmap =	nodev,
	.cb_chpoll =	lo_chpoll,
	.cb_prop_op =	ddi_prop_op,
	.cb_str =	NULL,
	.cb_flag =	D_MP | D_64BIT,
	.cb_rev =	CB_REV,
	.cb_aread =	nodev,
	.cb_awrite =	nodev
};

static struct dev_ops lo_dev_ops = {
	.devo_rev =		DEVO_REV,
	.devo_refcnt =		0,
	.devo_getinfo =		lo_getinfo,
	.devo_identify =	nulldev,
	.devo_probe =		nulldev,
	.devo_attach =		lo_attach,
	.devo_detach =		lo_detach,
	.devo_reset =		nodev,
	.devo_cb_ops =		&lo_cb_ops,
	.devo_bus_ops =		NULL,
	.devo_power =		NULL,
	.devo_quiesce =		ddi_quiesce_not_needed
};

static struct modldrv lo_modldrv = {
	&mod_driverops,
	"LDI target",
	&lo_dev_ops
};

static struct modlinkage lo_modlinkage = {
	MODREV_1,
	{ (void *)&lo_modldrv, NULL }
};

int
_init(void)
{
	return (mod_install(&lo_modlinkage));
}

int
_fini(void)
{
	return (mod_remove(&lo_modlinkage));
}

int
_info(struct modinfo *modinfop)
{
	return (mod_info(&lo_modlinkage, modinfop));
}
