/*
 * lofi's data path: read(2)/write(2) on the raw node go through physio into
 * lofi_strategy, which checks the request against the backing file under
 * ls_vp_lock, counts the I/O in and hands it to the device's taskq; the task
 * moves the bytes with vn_rdwr, accounts them, completes the buf and counts
 * the I/O out (waking a forced unmap at zero).
 */
#include <sys/types.h>
#include <sys/errno.h>
#include <sys/param.h>
#include <sys/buf.h>
#include <sys/uio.h>
#include <sys/cred.h>
#include <sys/ksynch.h>
#include <sys/mutex.h>
#include <sys/condvar.h>
#include <sys/taskq.h>
#include <sys/kstat.h>
#include <sys/vnode.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>
#include <sys/kernsim.h>

#include "lofi_impl.h"

static void
lofi_strategy_task(void *arg)
{
	struct buf *bp = arg;
	struct lofi_state *lsp = ddi_get_soft_state(lofi_statep, getminor(bp->b_edev));
	uint64_t offset = (uint64_t)bp->b_lblkno * DEV_BSIZE;
	size_t len = bp->b_bcount;
	ssize_t resid = 0;
	int error;
	int isread = (bp->b_flags & B_READ) != 0;

	mutex_enter(&lsp->ls_kstat_lock);
	kstat_waitq_to_runq(KSTAT_IO_PTR(lsp->ls_kstat));
	mutex_exit(&lsp->ls_kstat_lock);

	/* strategy counted us in: the vnode stays open until we count out */
	if (len > lsp->ls_vp_size - offset)
		len = lsp->ls_vp_size - offset;
	error = vn_rdwr(isread ? UIO_READ : UIO_WRITE, lsp->ls_vp, bp->b_un.b_addr,
	    (ssize_t)len, (offset_t)offset, UIO_SYSSPACE, 0, RLIM64_INFINITY, kcred,
	    &resid);
	bp->b_resid = bp->b_bcount - (len - (size_t)resid);

	mutex_enter(&lsp->ls_kstat_lock);
	kstat_runq_exit(KSTAT_IO_PTR(lsp->ls_kstat));
	if (isread) {
		KSTAT_IO_PTR(lsp->ls_kstat)->reads++;
		KSTAT_IO_PTR(lsp->ls_kstat)->nread += len - (size_t)resid;
	} else {
		KSTAT_IO_PTR(lsp->ls_kstat)->writes++;
		KSTAT_IO_PTR(lsp->ls_kstat)->nwritten += len - (size_t)resid;
	}
	mutex_exit(&lsp->ls_kstat_lock);

	/*
	 * The buf is done as soon as its data moved; the count comes last, and
	 * the soft state outlives this tail because destroying a device drains
	 * its taskq before freeing anything.
	 */
	bioerror(bp, error);
	biodone(bp);

	mutex_enter(&lsp->ls_vp_lock);
	if (--lsp->ls_vp_iocount == 0)
		cv_broadcast(&lsp->ls_vp_cv);
	mutex_exit(&lsp->ls_vp_lock);
}

/* Fails a buf that moved nothing: physio counts bcount - resid as moved. */
static void
lofi_fail(struct buf *bp, int error)
{
	bp->b_resid = bp->b_bcount;
	bioerror(bp, error);
	biodone(bp);
}

int
lofi_strategy(struct buf *bp)
{
	struct lofi_state *lsp = ddi_get_soft_state(lofi_statep, getminor(bp->b_edev));
	uint64_t offset;

	if (lsp == NULL) {
		lofi_fail(bp, ENXIO);
		return (0);
	}
	mutex_enter(&lsp->ls_vp_lock);
	if (!lsp->ls_vp_ready || lsp->ls_vp_closereq) {
		mutex_exit(&lsp->ls_vp_lock);
		lofi_fail(bp, EIO);
		return (0);
	}
	offset = (uint64_t)bp->b_lblkno * DEV_BSIZE;
	if (offset == lsp->ls_vp_size) {
		/* at the end: nothing moves, no error (EOF) */
		mutex_exit(&lsp->ls_vp_lock);
		bp->b_resid = bp->b_bcount;
		biodone(bp);
		return (0);
	}
	if (offset > lsp->ls_vp_size) {
		mutex_exit(&lsp->ls_vp_lock);
		lofi_fail(bp, ENXIO);
		return (0);
	}
	if (!(bp->b_flags & B_READ) && lsp->ls_readonly) {
		mutex_exit(&lsp->ls_vp_lock);
		lofi_fail(bp, EROFS);
		return (0);
	}
	if (LOFI_VARIANT("late_iocount")) {
		/* counted in only after the lock was dropped: an unmap can pass */
		mutex_exit(&lsp->ls_vp_lock);
		mutex_enter(&lsp->ls_vp_lock);
		lsp->ls_vp_iocount++;
		mutex_exit(&lsp->ls_vp_lock);
	} else {
		lsp->ls_vp_iocount++;
		mutex_exit(&lsp->ls_vp_lock);
	}

	mutex_enter(&lsp->ls_kstat_lock);
	kstat_waitq_enter(KSTAT_IO_PTR(lsp->ls_kstat));
	mutex_exit(&lsp->ls_kstat_lock);

	(void) taskq_dispatch(lsp->ls_taskq, lofi_strategy_task, bp, TQ_SLEEP);
	return (0);
}

/* Transfers are whole blocks at block offsets, as on a disk. */
static int
lofi_uio_check(struct uio *uio)
{
	if ((uio->uio_loffset % DEV_BSIZE) != 0 || (uio->uio_resid % DEV_BSIZE) != 0)
		return (EINVAL);
	return (0);
}

int
lofi_read(dev_t dev, struct uio *uio, cred_t *credp)
{
	int error;

	if (getminor(dev) == 0 || ddi_get_soft_state(lofi_statep, getminor(dev)) == NULL)
		return (ENXIO);
	if ((error = lofi_uio_check(uio)) != 0)
		return (error);
	return (physio(lofi_strategy, NULL, dev, B_READ, minphys, uio));
}

int
lofi_write(dev_t dev, struct uio *uio, cred_t *credp)
{
	int error;

	if (getminor(dev) == 0 || ddi_get_soft_state(lofi_statep, getminor(dev)) == NULL)
		return (ENXIO);
	if ((error = lofi_uio_check(uio)) != 0)
		return (error);
	return (physio(lofi_strategy, NULL, dev, B_WRITE, minphys, uio));
}
