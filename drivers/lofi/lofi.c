/*
 * lofi: the loopback file driver. A regular file is mapped to a block
 * device (/dev/lofi/N) and a raw device (/dev/rlofi/N) through the control
 * node /dev/lofictl (minor 0), as lofiadm does; reads and writes of the
 * devices become reads and writes of the file (lofi_io.c).
 *
 * Control node: character opens only; FEXCL opens it exclusively (EBUSY
 * while anyone else has it). Mapping and unmapping need FWRITE (EPERM).
 * A forced unmap of an open device asks for the file's close
 * (ls_vp_closereq), wakes DKIOCSTATE sleepers, waits for the I/O in flight
 * to drain, closes the file, and leaves the device to be torn down at its
 * last close.
 *
 * Bug variants (KS_VARIANT), each with the failure it yields:
 *   unmap_no_wait       the forced unmap closes the file without waiting for
 *                       the I/O in flight: a queued task's vn_rdwr uses the
 *                       released vnode (memory: use after free of the vnode)
 *   late_iocount        strategy counts the I/O in after dropping ls_vp_lock,
 *                       so a forced unmap passes between the check and the
 *                       count (memory: use after free of the vnode)
 *   unmap_no_broadcast  the forced unmap does not wake DKIOCSTATE sleepers,
 *                       which hold the I/O count the unmap waits for (stuck:
 *                       both sleep on ls_vp_cv)
 *   minor_short         the free-minor search stops one short of
 *                       lofi_max_minor: the last minor is never handed out
 *                       (scenario: map until minors run out gets EAGAIN early)
 *   minor_overrun       the free-minor search has no upper bound: a map beyond
 *                       lofi_max_minor succeeds with an out-of-range minor
 *                       (scenario: one map too many succeeds)
 *   free_before_drain   tearing a device down frees the soft state before it
 *                       drains the taskq: a task's tail still uses it (memory:
 *                       use after free, a poisoned ls_vp_lock)
 */
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <sys/param.h>
#include <sys/stat.h>
#include <sys/conf.h>
#include <sys/devops.h>
#include <sys/modctl.h>
#include <sys/open.h>
#include <sys/cred.h>
#include <sys/file.h>
#include <sys/kmem.h>
#include <sys/ksynch.h>
#include <sys/mutex.h>
#include <sys/condvar.h>
#include <sys/taskq.h>
#include <sys/kstat.h>
#include <sys/vnode.h>
#include <sys/buf.h>
#include <sys/dkio.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>
#include <sys/debug.h>
#include <sys/kernsim.h>

#include "lofi_impl.h"

void *lofi_statep;
kmutex_t lofi_lock;		/* see lofi_impl.h */
int lofi_max_minor = LOFI_MAX_MINOR;	/* tunable: devices 1..lofi_max_minor */
dev_info_t *lofi_dip;
static int lofi_ctl_open;	/* control node opens (lofi_lock) */
static int lofi_ctl_excl;

static int lofi_taskq_nthreads = 2;
static int lofi_taskq_maxalloc = 64;

static int
is_opened(struct lofi_state *lsp)
{
	int i;

	for (i = 0; i < OTYPCNT; i++)
		if (lsp->ls_open_count[i] > 0)
			return (1);
	return (0);
}

/* The minor the file is mapped on, or 0. (lofi_lock) */
static minor_t
file_to_minor(const char *filename)
{
	minor_t m;
	struct lofi_state *lsp;

	for (m = 1; m <= (minor_t)lofi_max_minor + 1; m++) {
		lsp = ddi_get_soft_state(lofi_statep, (int)m);
		if (lsp != NULL && strcmp(lsp->ls_filename, filename) == 0)
			return (m);
	}
	return (0);
}

/* A free minor, or 0 when they are all used. (lofi_lock) */
static minor_t
lofi_free_minor(void)
{
	minor_t m;

	if (LOFI_VARIANT("minor_overrun")) {
		m = 1;
		while (ddi_get_soft_state(lofi_statep, (int)m) != NULL)
			m++;
		return (m);
	}
	for (m = 1; LOFI_VARIANT("minor_short") ? m < (minor_t)lofi_max_minor :
	    m <= (minor_t)lofi_max_minor; m++) {
		if (ddi_get_soft_state(lofi_statep, (int)m) == NULL)
			return (m);
	}
	return (0);
}

/* Closes and releases the backing file. (ls_vp_lock not held) */
static void
lofi_close_vp(struct lofi_state *lsp)
{
	int flag = FREAD | (lsp->ls_readonly ? 0 : FWRITE);

	mutex_enter(&lsp->ls_vp_lock);
	if (!lsp->ls_vp_ready) {
		mutex_exit(&lsp->ls_vp_lock);
		return;
	}
	lsp->ls_vp_ready = 0;
	mutex_exit(&lsp->ls_vp_lock);
	(void) VOP_CLOSE(lsp->ls_vp, flag, 1, 0, kcred, NULL);
	VN_RELE(lsp->ls_vp);
}

static void
lofi_minor_names(minor_t minor, char *blk, char *chr, size_t len)
{
	(void) snprintf(blk, len, "%s/%u", LOFI_BLOCK_NAME, (unsigned)minor);
	(void) snprintf(chr, len, "%s/%u", LOFI_CHAR_NAME, (unsigned)minor);
}

/*
 * Tears a device down: nobody has it open, and no new I/O can start. The
 * taskq is drained first: a task's tail (its count-out) still uses the soft
 * state after the buf was completed. (lofi_lock)
 */
static void
lofi_destroy(struct lofi_state *lsp)
{
	minor_t minor = lsp->ls_minor;
	dev_t dev = makedevice(ddi_driver_major(lofi_dip), minor);
	taskq_t *tq = lsp->ls_taskq;
	char blk[32], chr[32];

	if (!LOFI_VARIANT("free_before_drain"))
		taskq_destroy(lsp->ls_taskq);
	lofi_close_vp(lsp);
	kstat_delete(lsp->ls_kstat);
	(void) ddi_prop_remove(dev, lofi_dip, "Size");
	(void) ddi_prop_remove(dev, lofi_dip, "Nblocks");
	lofi_minor_names(minor, blk, chr, sizeof (blk));
	ddi_remove_minor_node(lofi_dip, blk);
	ddi_remove_minor_node(lofi_dip, chr);
	kmem_free(lsp->ls_filename, lsp->ls_filename_sz);
	cv_destroy(&lsp->ls_vp_cv);
	mutex_destroy(&lsp->ls_vp_lock);
	mutex_destroy(&lsp->ls_kstat_lock);
	ddi_soft_state_free(lofi_statep, (int)minor);
	if (LOFI_VARIANT("free_before_drain"))
		taskq_destroy(tq);
}

/* Copies the caller's lofi_ioctl in and checks its filename is terminated. */
static int
copy_in_lofi_ioctl(intptr_t arg, int flag, struct lofi_ioctl **klipp)
{
	struct lofi_ioctl *klip = kmem_alloc(sizeof (*klip), KM_SLEEP);

	if (ddi_copyin((void *)arg, klip, sizeof (*klip), flag) != 0) {
		kmem_free(klip, sizeof (*klip));
		return (EFAULT);
	}
	if (memchr(klip->li_filename, '\0', sizeof (klip->li_filename)) == NULL) {
		kmem_free(klip, sizeof (*klip));
		return (EINVAL);
	}
	*klipp = klip;
	return (0);
}

static int
copy_out_lofi_ioctl(struct lofi_ioctl *klip, intptr_t arg, int flag)
{
	int error = 0;

	if (ddi_copyout(klip, (void *)arg, sizeof (*klip), flag) != 0)
		error = EFAULT;
	kmem_free(klip, sizeof (*klip));
	return (error);
}

static int
lofi_map_file(intptr_t arg, int pickminor, int flag, int *rvalp)
{
	struct lofi_ioctl *klip;
	struct lofi_state *lsp;
	vnode_t *vp;
	vattr_t va;
	minor_t minor;
	dev_t dev;
	int error, readonly, oflag;
	char blk[32], chr[32];

	if ((error = copy_in_lofi_ioctl(arg, flag, &klip)) != 0)
		return (error);
	if (klip->li_filename[0] != '/') {
		kmem_free(klip, sizeof (*klip));
		return (EINVAL);
	}

	mutex_enter(&lofi_lock);
	if (file_to_minor(klip->li_filename) != 0) {
		error = EBUSY;
		goto out;
	}
	if (pickminor) {
		if ((minor = lofi_free_minor()) == 0) {
			error = EAGAIN;
			goto out;
		}
	} else {
		minor = klip->li_id;
		if (minor == 0 || minor > (minor_t)lofi_max_minor) {
			error = EINVAL;
			goto out;
		}
		if (ddi_get_soft_state(lofi_statep, (int)minor) != NULL) {
			error = EEXIST;
			goto out;
		}
	}

	readonly = klip->li_readonly != 0;
	oflag = FREAD | (readonly ? 0 : FWRITE);
	error = vn_open(klip->li_filename, UIO_SYSSPACE, oflag, 0, &vp, 0, 0);
	if (error == EROFS && !readonly) {
		readonly = 1;
		oflag = FREAD;
		error = vn_open(klip->li_filename, UIO_SYSSPACE, oflag, 0, &vp, 0, 0);
	}
	if (error != 0)
		goto out;
	/* a device (a lofi device above all) cannot back a lofi device */
	if (vp->v_type != VREG) {
		error = EINVAL;
		goto closevp;
	}
	if ((error = VOP_GETATTR(vp, &va, 0, kcred, NULL)) != 0)
		goto closevp;
	if ((va.va_size % DEV_BSIZE) != 0) {
		error = EINVAL;
		goto closevp;
	}
	if (ddi_soft_state_zalloc(lofi_statep, (int)minor) != DDI_SUCCESS) {
		error = ENOMEM;
		goto closevp;
	}
	lsp = ddi_get_soft_state(lofi_statep, (int)minor);
	lsp->ls_minor = minor;
	lsp->ls_readonly = readonly;
	lsp->ls_filename_sz = strlen(klip->li_filename) + 1;
	lsp->ls_filename = kmem_alloc(lsp->ls_filename_sz, KM_SLEEP);
	memcpy(lsp->ls_filename, klip->li_filename, lsp->ls_filename_sz);
	mutex_init(&lsp->ls_vp_lock, NULL, MUTEX_DRIVER, NULL);
	cv_init(&lsp->ls_vp_cv, NULL, CV_DRIVER, NULL);
	mutex_init(&lsp->ls_kstat_lock, NULL, MUTEX_DRIVER, NULL);
	lsp->ls_vp = vp;
	lsp->ls_vp_size = va.va_size;
	lsp->ls_vp_ready = 1;
	(void) snprintf(lsp->ls_tqname, sizeof (lsp->ls_tqname), "lofi_taskq_%u",
	    (unsigned)minor);
	lsp->ls_taskq = taskq_create(lsp->ls_tqname, lofi_taskq_nthreads, minclsyspri, 1,
	    lofi_taskq_maxalloc, 0);
	lsp->ls_kstat = kstat_create(LOFI_DRIVER, (int)minor, NULL, "disk", KSTAT_TYPE_IO, 1, 0);
	lsp->ls_kstat->ks_lock = &lsp->ls_kstat_lock;
	kstat_install(lsp->ls_kstat);
	lofi_fake_labels(lsp);

	dev = makedevice(ddi_driver_major(lofi_dip), minor);
	(void) ddi_prop_update_int64(dev, lofi_dip, "Size", (int64_t)va.va_size);
	(void) ddi_prop_update_int64(dev, lofi_dip, "Nblocks",
	    (int64_t)(va.va_size / DEV_BSIZE));
	lofi_minor_names(minor, blk, chr, sizeof (blk));
	if (ddi_create_minor_node(lofi_dip, blk, S_IFBLK, minor, DDI_PSEUDO, 0) !=
	    DDI_SUCCESS ||
	    ddi_create_minor_node(lofi_dip, chr, S_IFCHR, minor, DDI_PSEUDO, 0) !=
	    DDI_SUCCESS) {
		lofi_destroy(lsp);
		error = ENXIO;
		goto out;
	}
	mutex_exit(&lofi_lock);

	klip->li_id = minor;
	*rvalp = (int)minor;
	return (copy_out_lofi_ioctl(klip, arg, flag));

closevp:
	(void) VOP_CLOSE(vp, oflag, 1, 0, kcred, NULL);
	VN_RELE(vp);
out:
	mutex_exit(&lofi_lock);
	kmem_free(klip, sizeof (*klip));
	return (error);
}

static int
lofi_unmap_file(intptr_t arg, int byfilename, int flag)
{
	struct lofi_ioctl *klip;
	struct lofi_state *lsp;
	minor_t minor;
	int error;

	if ((error = copy_in_lofi_ioctl(arg, flag, &klip)) != 0)
		return (error);

	mutex_enter(&lofi_lock);
	if (byfilename) {
		minor = file_to_minor(klip->li_filename);
	} else {
		minor = klip->li_id;
		if (minor > (minor_t)lofi_max_minor) {
			error = EINVAL;
			goto out;
		}
	}
	if (minor == 0 || (lsp = ddi_get_soft_state(lofi_statep, (int)minor)) == NULL) {
		error = ENXIO;
		goto out;
	}
	if (lsp->ls_cleanup) {
		error = ENXIO;	/* already on its way out */
		goto out;
	}

	if (is_opened(lsp)) {
		if (klip->li_force) {
			mutex_enter(&lsp->ls_vp_lock);
			lsp->ls_vp_closereq = 1;
			/* DKIOCSTATE sleepers see the device gone */
			if (!LOFI_VARIANT("unmap_no_broadcast"))
				cv_broadcast(&lsp->ls_vp_cv);
			if (!LOFI_VARIANT("unmap_no_wait")) {
				while (lsp->ls_vp_iocount > 0)
					cv_wait(&lsp->ls_vp_cv, &lsp->ls_vp_lock);
			}
			mutex_exit(&lsp->ls_vp_lock);
			lofi_close_vp(lsp);
			lsp->ls_cleanup = 1;	/* torn down at the last close */
		} else if (klip->li_cleanup) {
			lsp->ls_cleanup = 1;
		} else {
			error = EBUSY;
			goto out;
		}
	} else {
		lofi_destroy(lsp);
	}
	mutex_exit(&lofi_lock);
	klip->li_id = minor;
	return (copy_out_lofi_ioctl(klip, arg, flag));

out:
	mutex_exit(&lofi_lock);
	kmem_free(klip, sizeof (*klip));
	return (error);
}

static int
lofi_get_info(int cmd, intptr_t arg, int flag, int *rvalp)
{
	struct lofi_ioctl *klip;
	struct lofi_state *lsp;
	minor_t minor;
	int error;

	if ((error = copy_in_lofi_ioctl(arg, flag, &klip)) != 0)
		return (error);
	mutex_enter(&lofi_lock);
	switch (cmd) {
	case LOFI_GET_FILENAME:
		minor = klip->li_id;
		if (minor == 0 || minor > (minor_t)lofi_max_minor) {
			error = EINVAL;
			break;
		}
		if ((lsp = ddi_get_soft_state(lofi_statep, (int)minor)) == NULL) {
			error = ENXIO;
			break;
		}
		(void) strncpy(klip->li_filename, lsp->ls_filename, sizeof (klip->li_filename) - 1);
		break;
	case LOFI_GET_MINOR:
		if ((minor = file_to_minor(klip->li_filename)) == 0) {
			error = ENOENT;
			break;
		}
		klip->li_id = minor;
		*rvalp = (int)minor;
		break;
	case LOFI_GET_MAXMINOR:
		klip->li_id = (uint32_t)lofi_max_minor;
		*rvalp = lofi_max_minor;
		break;
	}
	mutex_exit(&lofi_lock);
	if (error != 0) {
		kmem_free(klip, sizeof (*klip));
		return (error);
	}
	return (copy_out_lofi_ioctl(klip, arg, flag));
}

static int
lofi_open(dev_t *devp, int flag, int otyp, cred_t *credp)
{
	minor_t minor = getminor(*devp);
	struct lofi_state *lsp;
	int error = 0;

	mutex_enter(&lofi_lock);
	if (minor == 0) {
		/* the control node: character opens, FEXCL for one admin */
		if (otyp != OTYP_CHR)
			error = EINVAL;
		else if (lofi_ctl_excl || ((flag & FEXCL) && lofi_ctl_open > 0))
			error = EBUSY;
		else {
			lofi_ctl_open++;
			if (flag & FEXCL)
				lofi_ctl_excl = 1;
		}
		mutex_exit(&lofi_lock);
		return (error);
	}
	lsp = ddi_get_soft_state(lofi_statep, (int)minor);
	if (lsp == NULL || lsp->ls_cleanup || lsp->ls_vp_closereq)
		error = ENXIO;
	else if ((flag & FWRITE) && lsp->ls_readonly)
		error = EROFS;
	else if (lsp->ls_open_excl || ((flag & FEXCL) && is_opened(lsp)))
		error = EBUSY;
	else if (otyp < 0 || otyp >= OTYPCNT)
		error = EINVAL;
	else {
		lsp->ls_open_count[otyp]++;
		if (flag & FEXCL)
			lsp->ls_open_excl = 1 + otyp;
	}
	mutex_exit(&lofi_lock);
	return (error);
}

/*
 * The system calls close at the last close of each open type of a dev
 * (close(9E)): the block and character nodes are closed apart.
 */
static int
lofi_close(dev_t dev, int flag, int otyp, cred_t *credp)
{
	minor_t minor = getminor(dev);
	struct lofi_state *lsp;

	mutex_enter(&lofi_lock);
	if (minor == 0) {
		lofi_ctl_open = 0;
		lofi_ctl_excl = 0;
		mutex_exit(&lofi_lock);
		return (0);
	}
	/*
	 * The soft state is there: the device is torn down only here or by an
	 * unmap of a closed device, and the system (spec node) runs this last
	 * close after every call through the open has returned, after any open
	 * of the dev already inside lofi_open, and before any new open.
	 */
	lsp = ddi_get_soft_state(lofi_statep, (int)minor);
	ASSERT(lsp != NULL);
	if (otyp == OTYP_LYR)
		lsp->ls_open_count[otyp]--;
	else if (otyp >= 0 && otyp < OTYPCNT)
		lsp->ls_open_count[otyp] = 0;
	if (lsp->ls_open_excl == 1 + otyp)
		lsp->ls_open_excl = 0;
	if (lsp->ls_cleanup && !is_opened(lsp))
		lofi_destroy(lsp);
	mutex_exit(&lofi_lock);
	return (0);
}

static int
lofi_ioctl(dev_t dev, int cmd, intptr_t arg, int flag, cred_t *credp, int *rvalp)
{
	minor_t minor = getminor(dev);
	struct lofi_state *lsp;

	*rvalp = 0;
	if (minor == 0) {
		switch (cmd) {
		case LOFI_MAP_FILE:
		case LOFI_MAP_FILE_MINOR:
		case LOFI_UNMAP_FILE:
		case LOFI_UNMAP_FILE_MINOR:
			if (!(flag & FWRITE))
				return (EPERM);
			break;
		}
		switch (cmd) {
		case LOFI_MAP_FILE:
			return (lofi_map_file(arg, 1, flag, rvalp));
		case LOFI_MAP_FILE_MINOR:
			return (lofi_map_file(arg, 0, flag, rvalp));
		case LOFI_UNMAP_FILE:
			return (lofi_unmap_file(arg, 1, flag));
		case LOFI_UNMAP_FILE_MINOR:
			return (lofi_unmap_file(arg, 0, flag));
		case LOFI_GET_FILENAME:
		case LOFI_GET_MINOR:
		case LOFI_GET_MAXMINOR:
			return (lofi_get_info(cmd, arg, flag, rvalp));
		default:
			return (EINVAL);
		}
	}
	/* the caller has the device open: its soft state stays */
	if ((lsp = ddi_get_soft_state(lofi_statep, (int)minor)) == NULL)
		return (ENXIO);
	return (lofi_dkio(lsp, cmd, arg, flag, rvalp));
}

static int
lofi_getinfo(dev_info_t *dip, ddi_info_cmd_t cmd, void *arg, void **resultp)
{
	switch (cmd) {
	case DDI_INFO_DEVT2DEVINFO:
		*resultp = lofi_dip;
		return (DDI_SUCCESS);
	case DDI_INFO_DEVT2INSTANCE:
		*resultp = 0;
		return (DDI_SUCCESS);
	}
	return (DDI_FAILURE);
}

static int
lofi_attach(dev_info_t *dip, ddi_attach_cmd_t cmd)
{
	if (cmd != DDI_ATTACH)
		return (DDI_FAILURE);
	if (ddi_create_minor_node(dip, LOFI_CTL_NAME, S_IFCHR, 0, DDI_PSEUDO, 0) !=
	    DDI_SUCCESS)
		return (DDI_FAILURE);
	lofi_dip = dip;
	return (DDI_SUCCESS);
}

static int
lofi_detach(dev_info_t *dip, ddi_detach_cmd_t cmd)
{
	minor_t m;

	if (cmd != DDI_DETACH)
		return (DDI_FAILURE);
	mutex_enter(&lofi_lock);
	for (m = 1; m <= (minor_t)lofi_max_minor + 1; m++) {
		if (ddi_get_soft_state(lofi_statep, (int)m) != NULL) {
			mutex_exit(&lofi_lock);
			return (DDI_FAILURE);	/* files still mapped */
		}
	}
	mutex_exit(&lofi_lock);
	ddi_remove_minor_node(dip, NULL);
	ddi_prop_remove_all(dip);
	lofi_dip = NULL;
	return (DDI_SUCCESS);
}

static struct cb_ops lofi_cb_ops = {
	.cb_open = lofi_open,
	.cb_close = lofi_close,
	.cb_strategy = lofi_strategy,
	.cb_print = nodev,
	.cb_dump = nodev,
	.cb_read = lofi_read,
	.cb_write = lofi_write,
	.cb_ioctl = lofi_ioctl,
	.cb_devmap = nodev,
	.cb_mmap = nodev,
	.cb_segmap = nodev,
	.cb_chpoll = nochpoll,
	.cb_prop_op = ddi_prop_op,
	.cb_str = NULL,
	.cb_flag = D_64BIT | D_NEW | D_MP,
	.cb_rev = CB_REV,
	.cb_aread = nodev,
	.cb_awrite = nodev,
};

static struct dev_ops lofi_ops = {
	.devo_rev = DEVO_REV,
	.devo_refcnt = 0,
	.devo_getinfo = lofi_getinfo,
	.devo_identify = nulldev,
	.devo_probe = nulldev,
	.devo_attach = lofi_attach,
	.devo_detach = lofi_detach,
	.devo_reset = nodev,
	.devo_cb_ops = &lofi_cb_ops,
	.devo_bus_ops = NULL,
	.devo_power = NULL,
	.devo_quiesce = ddi_quiesce_not_needed,
};

static struct modldrv modldrv = {
	&mod_driverops,
	"loopback file driver",
	&lofi_ops,
};

static struct modlinkage modlinkage = {
	MODREV_1,
	{ &modldrv, NULL },
};

int
_init(void)
{
	int error;

	lofi_ctl_open = 0;
	lofi_ctl_excl = 0;
	lofi_dip = NULL;
	if ((error = ddi_soft_state_init(&lofi_statep, sizeof (struct lofi_state), 0)) != 0)
		return (error);
	mutex_init(&lofi_lock, NULL, MUTEX_DRIVER, NULL);
	if ((error = mod_install(&modlinkage)) != 0) {
		mutex_destroy(&lofi_lock);
		ddi_soft_state_fini(&lofi_statep);
	}
	return (error);
}

int
_fini(void)
{
	int error;

	if ((error = mod_remove(&modlinkage)) != 0)
		return (error);
	mutex_destroy(&lofi_lock);
	ddi_soft_state_fini(&lofi_statep);
	return (0);
}

int
_info(struct modinfo *modinfop)
{
	return (mod_info(&modlinkage, modinfop));
}

static const char *const lofi_variants[] = {
	"unmap_no_wait",
	"memory: the forced unmap closes the file without waiting for I/O in flight; "
	"a queued task's vn_rdwr uses the released vnode (use after free)",
	"late_iocount",
	"memory: strategy counts the I/O in after dropping ls_vp_lock; a forced unmap "
	"slips between check and count and the task uses the released vnode",
	"unmap_no_broadcast",
	"stuck: the forced unmap does not wake DKIOCSTATE sleepers, whose I/O count it "
	"waits for; both sleep on ls_vp_cv",
	"minor_short",
	"scenario: the free-minor search never hands out the highest minor (map until "
	"minors run out gets EAGAIN one map early)",
	"minor_overrun",
	"scenario: the free-minor search has no upper bound (a map beyond "
	"lofi_max_minor succeeds)",
	"free_before_drain",
	"memory: tearing a device down frees the soft state before draining its taskq; "
	"a task's count-out uses the freed ls_vp_lock",
	NULL, NULL,
};

KS_ILLUMOS_DRIVER(lofi, lofi_variants);
