/*
 * lofi's disk ioctls: faked geometry, a one-slice VTOC (narrowed for a
 * 32-bit caller), controller info, and DKIOCSTATE, which sleeps
 * interruptibly until the media state differs from the caller's (a forced
 * unmap makes it DKIO_DEV_GONE and wakes the sleepers).
 */
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <sys/param.h>
#include <sys/ksynch.h>
#include <sys/mutex.h>
#include <sys/condvar.h>
#include <sys/file.h>
#include <sys/model.h>
#include <sys/buf.h>
#include <sys/dkio.h>
#include <sys/vtoc.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>
#include <sys/kernsim.h>

#include "lofi_impl.h"

#define LOFI_NSECT 32	/* sectors per track of the faked geometry */

void
lofi_fake_labels(struct lofi_state *lsp)
{
	uint64_t nblocks = lsp->ls_vp_size / DEV_BSIZE;
	uint64_t ncyl = nblocks / LOFI_NSECT;
	struct partition *p;

	if (ncyl == 0)
		ncyl = 1;
	if (ncyl > 0xffff)
		ncyl = 0xffff;
	memset(&lsp->ls_dkg, 0, sizeof (lsp->ls_dkg));
	lsp->ls_dkg.dkg_ncyl = (unsigned short)ncyl;
	lsp->ls_dkg.dkg_pcyl = (unsigned short)ncyl;
	lsp->ls_dkg.dkg_nhead = 1;
	lsp->ls_dkg.dkg_nsect = LOFI_NSECT;
	lsp->ls_dkg.dkg_intrlv = 1;
	lsp->ls_dkg.dkg_rpm = 7200;

	memset(&lsp->ls_vtoc, 0, sizeof (lsp->ls_vtoc));
	lsp->ls_vtoc.v_sanity = VTOC_SANE;
	lsp->ls_vtoc.v_version = V_VERSION;
	strncpy(lsp->ls_vtoc.v_volume, LOFI_DRIVER, LEN_DKL_VVOL);
	lsp->ls_vtoc.v_sectorsz = DEV_BSIZE;
	lsp->ls_vtoc.v_nparts = 1;
	p = &lsp->ls_vtoc.v_part[0];
	p->p_tag = V_UNASSIGNED;
	p->p_flag = V_UNMNT;
	p->p_start = 0;
	p->p_size = (long)nblocks;
	strncpy(lsp->ls_vtoc.v_asciilabel, "lofi device", LEN_DKL_ASCII);

	memset(&lsp->ls_ci, 0, sizeof (lsp->ls_ci));
	strncpy(lsp->ls_ci.dki_cname, LOFI_DRIVER, DK_DEVLEN);
	strncpy(lsp->ls_ci.dki_dname, LOFI_DRIVER, DK_DEVLEN);
	lsp->ls_ci.dki_ctype = DKC_MD;
	lsp->ls_ci.dki_unit = lsp->ls_minor;
	lsp->ls_ci.dki_maxtransfer = maxphys / DEV_BSIZE;
}

static int
lofi_dkiocstate(struct lofi_state *lsp, intptr_t arg, int flag)
{
	enum dkio_state dkstate;

	if (ddi_copyin((void *)arg, &dkstate, sizeof (dkstate), flag) != 0)
		return (EFAULT);

	mutex_enter(&lsp->ls_vp_lock);
	/* a waiter counts as I/O: a forced unmap waits for it to leave */
	lsp->ls_vp_iocount++;
	while (((dkstate == DKIO_INSERTED && lsp->ls_vp_ready) ||
	    (dkstate == DKIO_DEV_GONE && !lsp->ls_vp_ready)) &&
	    !lsp->ls_vp_closereq) {
		if (cv_wait_sig(&lsp->ls_vp_cv, &lsp->ls_vp_lock) == 0) {
			lsp->ls_vp_iocount--;
			cv_broadcast(&lsp->ls_vp_cv);
			mutex_exit(&lsp->ls_vp_lock);
			return (EINTR);
		}
	}
	dkstate = (lsp->ls_vp_ready && !lsp->ls_vp_closereq) ? DKIO_INSERTED : DKIO_DEV_GONE;
	lsp->ls_vp_iocount--;
	cv_broadcast(&lsp->ls_vp_cv);
	mutex_exit(&lsp->ls_vp_lock);

	if (ddi_copyout(&dkstate, (void *)arg, sizeof (dkstate), flag) != 0)
		return (EFAULT);
	return (0);
}

int
lofi_dkio(struct lofi_state *lsp, int cmd, intptr_t arg, int flag, int *rvalp)
{
	int gone;

	if (cmd == DKIOCSTATE)
		return (lofi_dkiocstate(lsp, arg, flag));

	mutex_enter(&lsp->ls_vp_lock);
	gone = !lsp->ls_vp_ready || lsp->ls_vp_closereq;
	mutex_exit(&lsp->ls_vp_lock);
	/* as on a disk that went away: EIO (DKIOCSTATE alone still answers) */
	if (gone)
		return (EIO);

	switch (cmd) {
	case DKIOCGGEOM:
		if (ddi_copyout(&lsp->ls_dkg, (void *)arg, sizeof (lsp->ls_dkg), flag) != 0)
			return (EFAULT);
		return (0);
	case DKIOCINFO:
		if (ddi_copyout(&lsp->ls_ci, (void *)arg, sizeof (lsp->ls_ci), flag) != 0)
			return (EFAULT);
		return (0);
	case DKIOCGVTOC:
		if (ddi_model_convert_from(flag & FMODELS) == DDI_MODEL_ILP32) {
			struct vtoc32 v32;

			vtoctovtoc32(lsp->ls_vtoc, v32);
			if (ddi_copyout(&v32, (void *)arg, sizeof (v32), flag) != 0)
				return (EFAULT);
			return (0);
		}
		if (ddi_copyout(&lsp->ls_vtoc, (void *)arg, sizeof (lsp->ls_vtoc), flag) != 0)
			return (EFAULT);
		return (0);
	default:
		return (ENOTTY);
	}
}
