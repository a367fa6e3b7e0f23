/*
 * ilrd: a RAM disk, one instance, written the way an illumos developer
 * writes a small block driver, with no kernsim line (the ilrd probe).
 * A block node "a" and its raw twin "a,raw"; strategy(9E) queues each
 * buf to a taskq, the taskq copies under a size rwlock and hands the buf
 * to a soft interrupt that calls biodone(9F); read(9E)/write(9E) go
 * through physio(9F), aread/awrite through aphysio(9F); an I/O kstat;
 * ioctls for the size (a resize upgrades its reader hold when it can),
 * the counters, a sync that waits for the queue to drain, and
 * DKIOCGMEDIAINFO.
 * ILRD_BUG_NORECHECK: the taskq trusts the bounds strategy checked, so a
 * resize that shrinks the disk between the two lets a transfer run past
 * the end of the new, smaller store.
 * ILRD_BUG_KEEPSOFTINT: detach leaves its soft interrupt registered (a
 * leak that a load and unload alone show).
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/errno.h>
#include <sys/uio.h>
#include <sys/buf.h>
#include <sys/aio_req.h>
#include <sys/modctl.h>
#include <sys/open.h>
#include <sys/kmem.h>
#include <sys/conf.h>
#include <sys/cmn_err.h>
#include <sys/stat.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>
#include <sys/ddi_intr.h>
#include <sys/file.h>
#include <sys/cred.h>
#include <sys/ksynch.h>
#include <sys/taskq.h>
#include <sys/kstat.h>
#include <sys/dkio.h>
#include <sys/sysmacros.h>
#include <sys/debug.h>
#include <sys/disp.h>

#define	RD_IOC		('d' << 8)
#define	RD_GETSIZE	(RD_IOC | 1)	/* out: uint64_t, blocks */
#define	RD_RESIZE	(RD_IOC | 2)	/* in: uint64_t, blocks */
#define	RD_GETSTATS	(RD_IOC | 3)	/* out: rd_stats_t */
#define	RD_SYNC		(RD_IOC | 4)	/* wait for queued I/O */

#define	RD_DEFBLOCKS	16
#define	RD_MAXBLOCKS	64

typedef struct rd_stats {
	uint64_t	rs_reads;
	uint64_t	rs_writes;
	uint64_t	rs_errors;
	uint32_t	rs_pending;
	uint32_t	rs_opens;
} rd_stats_t;

static dev_info_t *rd_dip;
static kmutex_t rd_lock;		/* queue, counters, opens */
static kcondvar_t rd_cv;		/* rd_pending reached 0 */
static krwlock_t rd_sizelock;		/* rd_data, rd_blocks */
static caddr_t rd_data;
static uint64_t rd_blocks;
static struct buf *rd_done;		/* finished, for the soft interrupt */
static uint32_t rd_pending;
static uint32_t rd_opens[OTYP_LYR + 1];
static uint32_t rd_layered;
static boolean_t rd_excl;
static rd_stats_t rd_stats;
static taskq_t *rd_tq;
static ddi_softint_handle_t rd_sih;
static kstat_t *rd_ksp;

static boolean_t
rd_is_open(void)
{
	return (rd_opens[OTYP_BLK] != 0 || rd_opens[OTYP_CHR] != 0 ||
	    rd_layered != 0);
}

/* ARGSUSED */
static uint_t
rd_softint(caddr_t arg1, caddr_t arg2)
{
	struct buf *bp, *next;
	uint32_t n = 0;

	mutex_enter(&rd_lock);
	bp = rd_done;
	rd_done = NULL;
	mutex_exit(&rd_lock);
	if (bp == NULL)
		return (DDI_INTR_UNCLAIMED);
	for (; bp != NULL; bp = next) {
		next = bp->av_forw;
		bp->av_forw = NULL;
		biodone(bp);
		n++;
	}
	mutex_enter(&rd_lock);
	rd_pending -= n;
	if (rd_pending == 0)
		cv_broadcast(&rd_cv);
	mutex_exit(&rd_lock);
	return (DDI_INTR_CLAIMED);
}

static void
rd_io(void *arg)
{
	struct buf *bp = arg;
	uint64_t off = (uint64_t)bp->b_lblkno * DEV_BSIZE;
	size_t len;

	mutex_enter(&rd_lock);
	kstat_waitq_to_runq(KSTAT_IO_PTR(rd_ksp));
	mutex_exit(&rd_lock);

	bp_mapin(bp);
	rw_enter(&rd_sizelock, RW_READER);
#ifdef ILRD_BUG_NORECHECK
	if (B_FALSE) {
#else
	/* a resize may have shrunk the disk since strategy looked */
	if (off >= rd_blocks * DEV_BSIZE) {
#endif
		bioerror(bp, ENXIO);
		len = 0;
	} else {
#ifdef ILRD_BUG_NORECHECK
		len = bp->b_bcount - bp->b_resid;
#else
		len = MIN(bp->b_bcount, rd_blocks * DEV_BSIZE - off);
#endif
		if (bp->b_flags & B_READ)
			bcopy(rd_data + off, bp->b_un.b_addr, len);
		else
			bcopy(bp->b_un.b_addr, rd_data + off, len);
	}
	rw_exit(&rd_sizelock);
	bp->b_resid = bp->b_bcount - len;

	mutex_enter(&rd_lock);
	kstat_runq_exit(KSTAT_IO_PTR(rd_ksp));
	if (geterror(bp) != 0) {
		rd_stats.rs_errors++;
	} else if (bp->b_flags & B_READ) {
		rd_stats.rs_reads++;
		KSTAT_IO_PTR(rd_ksp)->reads++;
		KSTAT_IO_PTR(rd_ksp)->nread += len;
	} else {
		rd_stats.rs_writes++;
		KSTAT_IO_PTR(rd_ksp)->writes++;
		KSTAT_IO_PTR(rd_ksp)->nwritten += len;
	}
	bp->av_forw = rd_done;
	rd_done = bp;
	mutex_exit(&rd_lock);
	(void) ddi_intr_trigger_softint(rd_sih, NULL);
}

static int
rd_strategy(struct buf *bp)
{
	uint64_t off = (uint64_t)bp->b_lblkno * DEV_BSIZE;
	uint64_t size;

	rw_enter(&rd_sizelock, RW_READER);
	size = rd_blocks * DEV_BSIZE;
	rw_exit(&rd_sizelock);

	if (off > size || (off == size && !(bp->b_flags & B_READ))) {
		bioerror(bp, ENXIO);
		biodone(bp);
		return (0);
	}
	if (off == size || bp->b_bcount == 0) {
		/* a read at the end: nothing transferred, no error */
		bp->b_resid = bp->b_bcount;
		biodone(bp);
		return (0);
	}
	/* what lies past the end now is not transferred */
	bp->b_resid = bp->b_bcount - MIN(bp->b_bcount, size - off);

	mutex_enter(&rd_lock);
	rd_pending++;
	kstat_waitq_enter(KSTAT_IO_PTR(rd_ksp));
	mutex_exit(&rd_lock);
	(void) taskq_dispatch(rd_tq, rd_io, bp, TQ_SLEEP);
	return (0);
}

/* ARGSUSED */
static int
rd_open(dev_t *devp, int flag, int otyp, cred_t *cr)
{
	if (getminor(*devp) != 0)
		return (ENXIO);
	if (otyp != OTYP_BLK && otyp != OTYP_CHR && otyp != OTYP_LYR)
		return (EINVAL);

	mutex_enter(&rd_lock);
	if (rd_excl || ((flag & FEXCL) && rd_is_open())) {
		mutex_exit(&rd_lock);
		return (EBUSY);
	}
	if (flag & FEXCL)
		rd_excl = B_TRUE;
	if (otyp == OTYP_LYR)
		rd_layered++;
	else
		rd_opens[otyp] = 1;
	rd_stats.rs_opens++;
	mutex_exit(&rd_lock);
	return (0);
}

/* ARGSUSED */
static int
rd_close(dev_t dev, int flag, int otyp, cred_t *cr)
{
	mutex_enter(&rd_lock);
	/* one close per open type, at the last close of that type */
	if (otyp == OTYP_LYR)
		rd_layered--;
	else
		rd_opens[otyp] = 0;
	if (!rd_is_open())
		rd_excl = B_FALSE;
	mutex_exit(&rd_lock);
	return (0);
}

static int
rd_check_uio(struct uio *uio)
{
	if (uio->uio_loffset < 0 || (uio->uio_loffset % DEV_BSIZE) != 0 ||
	    (uio->uio_resid % DEV_BSIZE) != 0)
		return (EINVAL);
	return (0);
}

/* ARGSUSED */
static int
rd_read(dev_t dev, struct uio *uio, cred_t *cr)
{
	int err = rd_check_uio(uio);

	if (err != 0)
		return (err);
	return (physio(rd_strategy, NULL, dev, B_READ, minphys, uio));
}

/* ARGSUSED */
static int
rd_write(dev_t dev, struct uio *uio, cred_t *cr)
{
	int err = rd_check_uio(uio);

	if (err != 0)
		return (err);
	return (physio(rd_strategy, NULL, dev, B_WRITE, minphys, uio));
}

/* ARGSUSED */
static int
rd_aread(dev_t dev, struct aio_req *aio, cred_t *cr)
{
	int err = rd_check_uio(aio->aio_uio);

	if (err != 0)
		return (err);
	return (aphysio(rd_strategy, anocancel, dev, B_READ, minphys, aio));
}

/* ARGSUSED */
static int
rd_awrite(dev_t dev, struct aio_req *aio, cred_t *cr)
{
	int err = rd_check_uio(aio->aio_uio);

	if (err != 0)
		return (err);
	return (aphysio(rd_strategy, anocancel, dev, B_WRITE, minphys, aio));
}

static int
rd_resize(uint64_t blocks)
{
	caddr_t nd, od;
	uint64_t ob;

	if (blocks == 0 || blocks > RD_MAXBLOCKS)
		return (EINVAL);
	nd = kmem_zalloc(blocks * DEV_BSIZE, KM_SLEEP);

	rw_enter(&rd_sizelock, RW_READER);
	if (blocks == rd_blocks) {
		rw_exit(&rd_sizelock);
		kmem_free(nd, blocks * DEV_BSIZE);
		return (0);
	}
	if (!rw_tryupgrade(&rd_sizelock)) {
		rw_exit(&rd_sizelock);
		rw_enter(&rd_sizelock, RW_WRITER);
	}
	od = rd_data;
	ob = rd_blocks;
	bcopy(od, nd, MIN(ob, blocks) * DEV_BSIZE);
	rd_data = nd;
	rd_blocks = blocks;
	rw_downgrade(&rd_sizelock);
	(void) ddi_prop_update_int64(makedevice(ddi_driver_major(rd_dip), 0),
	    rd_dip, "Nblocks", (int64_t)blocks);
	rw_exit(&rd_sizelock);
	kmem_free(od, ob * DEV_BSIZE);
	return (0);
}

/* ARGSUSED */
static int
rd_ioctl(dev_t dev, int cmd, intptr_t arg, int mode, cred_t *cr, int *rvalp)
{
	uint64_t blocks;
	rd_stats_t st;
	struct dk_minfo mi;
	int err = 0;

	switch (cmd) {
	case RD_GETSIZE:
		rw_enter(&rd_sizelock, RW_READER);
		blocks = rd_blocks;
		rw_exit(&rd_sizelock);
		if (ddi_copyout(&blocks, (void *)arg, sizeof (blocks), mode))
			return (EFAULT);
		return (0);
	case RD_RESIZE:
		if ((mode & FWRITE) == 0)
			return (EBADF);
		if (ddi_copyin((void *)arg, &blocks, sizeof (blocks), mode))
			return (EFAULT);
		return (rd_resize(blocks));
	case RD_GETSTATS:
		mutex_enter(&rd_lock);
		st = rd_stats;
		st.rs_pending = rd_pending;
		mutex_exit(&rd_lock);
		if (ddi_copyout(&st, (void *)arg, sizeof (st), mode))
			return (EFAULT);
		return (0);
	case RD_SYNC:
		mutex_enter(&rd_lock);
		while (rd_pending != 0 && err == 0) {
			if (cv_wait_sig(&rd_cv, &rd_lock) == 0)
				err = EINTR;
		}
		mutex_exit(&rd_lock);
		return (err);
	case DKIOCGMEDIAINFO:
		bzero(&mi, sizeof (mi));
		mi.dki_media_type = DK_FIXED_DISK;
		mi.dki_lbsize = DEV_BSIZE;
		rw_enter(&rd_sizelock, RW_READER);
		mi.dki_capacity = rd_blocks;
		rw_exit(&rd_sizelock);
		if (ddi_copyout(&mi, (void *)arg, sizeof (mi), mode))
			return (EFAULT);
		return (0);
	default:
		return (ENOTTY);
	}
}

/* ARGSUSED */
static int
rd_getinfo(dev_info_t *dip, ddi_info_cmd_t cmd, void *arg, void **result)
{
	switch (cmd) {
	case DDI_INFO_DEVT2DEVINFO:
		*result = rd_dip;
		return (rd_dip != NULL ? DDI_SUCCESS : DDI_FAILURE);
	case DDI_INFO_DEVT2INSTANCE:
		*result = (void *)0;
		return (DDI_SUCCESS);
	default:
		return (DDI_FAILURE);
	}
}

static void
rd_teardown(dev_info_t *dip)
{
	ddi_remove_minor_node(dip, NULL);
	if (rd_ksp != NULL) {
		kstat_delete(rd_ksp);
		rd_ksp = NULL;
	}
	if (rd_tq != NULL) {
		taskq_destroy(rd_tq);
		rd_tq = NULL;
	}
	if (rd_sih != NULL) {
#ifndef ILRD_BUG_KEEPSOFTINT
		(void) ddi_intr_remove_softint(rd_sih);
#endif
		rd_sih = NULL;
	}
	if (rd_data != NULL) {
		kmem_free(rd_data, rd_blocks * DEV_BSIZE);
		rd_data = NULL;
	}
	rw_destroy(&rd_sizelock);
	cv_destroy(&rd_cv);
	mutex_destroy(&rd_lock);
	rd_dip = NULL;
}

static int
rd_attach(dev_info_t *dip, ddi_attach_cmd_t cmd)
{
	if (cmd != DDI_ATTACH)
		return (DDI_FAILURE);
	if (ddi_get_instance(dip) != 0)
		return (DDI_FAILURE);

	rd_dip = dip;
	mutex_init(&rd_lock, NULL, MUTEX_DRIVER, NULL);
	cv_init(&rd_cv, NULL, CV_DRIVER, NULL);
	rw_init(&rd_sizelock, NULL, RW_DRIVER, NULL);
	rd_blocks = RD_DEFBLOCKS;
	rd_data = kmem_zalloc(rd_blocks * DEV_BSIZE, KM_SLEEP);

	if (ddi_intr_add_softint(dip, &rd_sih, DDI_INTR_SOFTPRI_DEFAULT,
	    rd_softint, NULL) != DDI_SUCCESS)
		goto fail;
	rd_tq = taskq_create("ilrd_io", 1, minclsyspri, 4, 16,
	    TASKQ_PREPOPULATE);
	if (rd_tq == NULL)
		goto fail;
	rd_ksp = kstat_create("ilrd", 0, "disk", "disk", KSTAT_TYPE_IO, 1, 0);
	if (rd_ksp == NULL)
		goto fail;
	rd_ksp->ks_lock = &rd_lock;
	kstat_install(rd_ksp);

	if (ddi_create_minor_node(dip, "a", S_IFBLK, 0, DDI_PSEUDO, 0) !=
	    DDI_SUCCESS ||
	    ddi_create_minor_node(dip, "a,raw", S_IFCHR, 0, DDI_PSEUDO, 0) !=
	    DDI_SUCCESS)
		goto fail;
	(void) ddi_prop_update_int64(makedevice(ddi_driver_major(dip), 0), dip,
	    "Nblocks", (int64_t)rd_blocks);
	ddi_report_dev(dip);
	return (DDI_SUCCESS);
fail:
	rd_teardown(dip);
	return (DDI_FAILURE);
}

static int
rd_detach(dev_info_t *dip, ddi_detach_cmd_t cmd)
{
	if (cmd != DDI_DETACH)
		return (DDI_FAILURE);
	mutex_enter(&rd_lock);
	if (rd_is_open() || rd_pending != 0) {
		mutex_exit(&rd_lock);
		return (DDI_FAILURE);
	}
	mutex_exit(&rd_lock);
	ddi_prop_remove_all(dip);
	rd_teardown(dip);
	return (DDI_SUCCESS);
}

static struct cb_ops rd_cb_ops = {
	rd_open,		/* open */
	rd_close,		/* close */
	rd_strategy,		/* strategy */
	nodev,			/* print */
	nodev,			/* dump */
	rd_read,		/* read */
	rd_write,		/* write */
	rd_ioctl,		/* ioctl */
	nodev,			/* devmap */
	nodev,			/* mmap */
	nodev,			/* segmap */
	nochpoll,		/* chpoll */
	ddi_prop_op,		/* prop_op */
	NULL,			/* streamtab */
	D_NEW | D_MP | D_64BIT,	/* flags */
	CB_REV,			/* rev */
	rd_aread,		/* aread */
	rd_awrite		/* awrite */
};

static struct dev_ops rd_dev_ops = {
	DEVO_REV,
	0,
	rd_getinfo,
	nulldev,		/* identify */
	nulldev,		/* probe */
	rd_attach,
	rd_detach,
	nodev,			/* reset */
	&rd_cb_ops,
	NULL,			/* bus_ops */
	NULL,			/* power */
	ddi_quiesce_not_needed
};

static struct modldrv rd_modldrv = {
	&mod_driverops,
	"RAM disk probe",
	&rd_dev_ops
};

static struct modlinkage rd_modlinkage = {
	MODREV_1,
	{ &rd_modldrv, NULL }
};

int
_init(void)
{
	return (mod_install(&rd_modlinkage));
}

int
_fini(void)
{
	return (mod_remove(&rd_modlinkage));
}

int
_info(struct modinfo *modinfop)
{
	return (mod_info(&rd_modlinkage, modinfop));
}
