/*
 * buf(9S), physio(9F) and the vnode calls a pseudo disk driver makes:
 * physio bounces each chunk (up to maxphys, as minphys trims) through a
 * kernel buffer, calls the driver's strategy and sleeps on the buf's
 * semaphore until biodone. vn_open holds a Linux file; a released vnode
 * is poisoned before it is freed, and a vn_rdwr through one is reported
 * on the console as a failure the backend detected.
 */
#include <string.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <sys/param.h>
#include <sys/buf.h>
#include <sys/uio.h>
#include <sys/cred.h>
#include <sys/file.h>
#include <sys/kmem.h>
#include <sys/vnode.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>
#include <sys/kernsim.h>

#include "ks_lx.h"

#define IL_POISON 0x6b6b6b6bU

void bioinit(struct buf *bp)
{
	memset(bp, 0, sizeof (*bp));
	ks_sema_init(&bp->b_sem._opaque, 0, "b_sem", "bp->b_sem");
	ks_sema_init(&bp->b_io._opaque, 1, "b_io", "bp->b_io");
}

void biofini(struct buf *bp)
{
	ks_sema_destroy(&bp->b_sem._opaque, "bp->b_sem");
	ks_sema_destroy(&bp->b_io._opaque, "bp->b_io");
}

void bioerror(struct buf *bp, int error)
{
	if (error != 0) {
		bp->b_flags |= B_ERROR;
		bp->b_error = error;
	} else {
		bp->b_flags &= ~B_ERROR;
		bp->b_error = 0;
	}
}

int geterror(struct buf *bp)
{
	if (bp->b_flags & B_ERROR)
		return (bp->b_error ? bp->b_error : EIO);
	return (0);
}

void biodone(struct buf *bp)
{
	bp->b_flags |= B_DONE;
	if (bp->b_iodone != NULL) {
		(void) bp->b_iodone(bp);
		return;
	}
	ks_sema_v(&bp->b_sem._opaque, "bp->b_sem");
}

int biowait(struct buf *bp)
{
	ks_sema_p(&bp->b_sem._opaque, "bp->b_sem");
	return (geterror(bp));
}

struct buf *getrbuf(int sleep)
{
	struct buf *bp = kmem_alloc(sizeof (*bp), sleep);

	if (bp != NULL)
		bioinit(bp);
	return (bp);
}

void freerbuf(struct buf *bp)
{
	biofini(bp);
	kmem_free(bp, sizeof (*bp));
}

void minphys(struct buf *bp)
{
	if (bp->b_bcount > maxphys)
		bp->b_bcount = maxphys;
}

int physio(int (*strategy)(struct buf *), struct buf *bp, dev_t dev, int rw,
    void (*mincnt)(struct buf *), struct uio *uio)
{
	int own = bp == NULL;
	int error = 0;
	int i;

	if (own)
		bp = getrbuf(KM_SLEEP);
	for (i = 0; i < uio->uio_iovcnt && error == 0; i++) {
		struct iovec *iov = &uio->uio_iov[i];

		while (iov->iov_len > 0 && error == 0) {
			size_t want = iov->iov_len, moved;
			char *kbuf;

			bp->b_flags = B_BUSY | B_PHYS | rw;
			bp->b_edev = bp->b_dev = dev;
			bp->b_lblkno = (diskaddr_t)(uio->uio_loffset / DEV_BSIZE);
			bp->b_blkno = (ks_il_daddr_t)bp->b_lblkno;
			bp->b_bcount = want;
			bp->b_resid = 0;
			bp->b_error = 0;
			bp->b_iodone = NULL;
			(mincnt ? mincnt : minphys)(bp);
			want = bp->b_bcount;
			kbuf = kmem_zalloc(want, KM_SLEEP);
			if (!(rw & B_READ) &&
			    ks_copyin((uint64_t)(uintptr_t)iov->iov_base, kbuf, want) != 0) {
				kmem_free(kbuf, want);
				error = EFAULT;
				break;
			}
			bp->b_un.b_addr = kbuf;
			(void) strategy(bp);
			error = biowait(bp);
			moved = bp->b_bcount - bp->b_resid;
			if ((rw & B_READ) && moved > 0 &&
			    ks_copyout(kbuf, (uint64_t)(uintptr_t)iov->iov_base, moved) != 0)
				error = EFAULT;
			kmem_free(kbuf, want);
			iov->iov_base = (char *)iov->iov_base + moved;
			iov->iov_len -= moved;
			uio->uio_resid -= (ssize_t)moved;
			uio->uio_loffset += (offset_t)moved;
			if (moved < want)
				goto out;	/* short: the end of the device */
		}
	}
out:
	bp->b_flags &= ~B_BUSY;
	if (own)
		freerbuf(bp);
	return (error);
}

/* ---- vnodes of regular files ---- */

static int il_vnode_ok(vnode_t *vp, const char *op)
{
	if (vp == NULL || vp->v_count == IL_POISON || vp->v_count == 0) {
		ks_log(3, "kernsim: failure: memory: %s on a released vnode "
		    "(use after free)", op);
		return (0);
	}
	return (1);
}

int vn_open(const char *path, enum uio_seg seg, int oflag, int mode, vnode_t **vpp,
    enum create crwhy, mode_t umask)
{
	vnode_t *vp;
	uint64_t size;
	uint32_t fmode;
	int vtype = 0;
	int error;
	void *f = ks_lx_file_open(path, (oflag & FWRITE) != 0, &error);

	if (f == NULL)
		return (error);
	vp = kmem_zalloc(sizeof (*vp), KM_SLEEP);
	vp->v_count = 1;
	vp->v_ks_opens = 1;
	vp->v_ks_file = f;
	if (ks_lx_file_getattr(f, &size, &vtype, &fmode) == 0)
		vp->v_type = (vtype_t)vtype;
	*vpp = vp;
	return (0);
}

int fop_close(vnode_t *vp, int flag, int count, offset_t off, cred_t *cr, caller_context_t *ct)
{
	if (!il_vnode_ok(vp, "VOP_CLOSE"))
		return (EIO);
	if (vp->v_ks_opens > 0)
		vp->v_ks_opens--;
	return (0);
}

void ks_il_vn_hold(vnode_t *vp)
{
	if (il_vnode_ok(vp, "VN_HOLD"))
		vp->v_count++;
}

void vn_rele(vnode_t *vp)
{
	void *f;

	if (!il_vnode_ok(vp, "VN_RELE") || --vp->v_count > 0)
		return;
	f = vp->v_ks_file;
	memset(vp, 0x6b, sizeof (*vp));
	kmem_free(vp, sizeof (*vp));
	(void) ks_lx_file_close(f);
}

int fop_getattr(vnode_t *vp, vattr_t *vap, int flags, cred_t *cr, caller_context_t *ct)
{
	uint64_t size;
	uint32_t mode;
	int vtype;
	int error;

	if (!il_vnode_ok(vp, "VOP_GETATTR"))
		return (EIO);
	if ((error = ks_lx_file_getattr(vp->v_ks_file, &size, &vtype, &mode)) != 0)
		return (error);
	memset(vap, 0, sizeof (*vap));
	vap->va_mask = AT_TYPE | AT_MODE | AT_SIZE;
	vap->va_type = (vtype_t)vtype;
	vap->va_mode = mode & 07777;
	vap->va_size = size;
	vap->va_nblocks = (size + DEV_BSIZE - 1) / DEV_BSIZE;
	return (0);
}

int fop_fsync(vnode_t *vp, int flag, cred_t *cr, caller_context_t *ct)
{
	if (!il_vnode_ok(vp, "VOP_FSYNC"))
		return (EIO);
	return (ks_lx_file_fsync(vp->v_ks_file));
}

int vn_rdwr(enum uio_rw rw, vnode_t *vp, caddr_t base, ssize_t len, offset_t offset,
    enum uio_seg seg, int ioflag, rlim64_t ulimit, cred_t *cr, ssize_t *residp)
{
	size_t resid = 0;
	int error;

	if (!il_vnode_ok(vp, "vn_rdwr"))
		return (EIO);
	if (seg != UIO_SYSSPACE)
		return (EINVAL);	/* only kernel buffers here */
	error = ks_lx_file_rdwr(vp->v_ks_file, rw == UIO_WRITE, base, (size_t)len, offset,
	    &resid);
	if (residp != NULL)
		*residp = (ssize_t)resid;
	else if (error == 0 && resid != 0)
		error = EIO;
	return (error);
}
