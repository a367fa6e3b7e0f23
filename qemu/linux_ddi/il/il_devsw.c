/*
 * The module's life and its device entry points, as illumos's spec layer
 * drives a driver: load runs _init then attach of instance 0; open counts
 * are kept per (minor, open type) and close(9E) runs at the last close of
 * each; read/write build a uio over the caller's buffer; ioctl passes the
 * open's FREAD/FWRITE and the caller's data model. Open and last close are
 * serialised (illumos's snode lock does the same); nothing else is.
 */
#include <string.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <sys/conf.h>
#include <sys/devops.h>
#include <sys/modctl.h>
#include <sys/open.h>
#include <sys/cred.h>
#include <sys/file.h>
#include <sys/uio.h>
#include <sys/model.h>
#include <sys/ksynch.h>
#include <sys/mutex.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>
#include <sys/kernsim.h>

#include "ks_lx.h"
#include "il_impl.h"

extern int _init(void);
extern int _fini(void);

#define IL_MINORS 128

static kmutex_t il_spec_lock;
static int il_opens[IL_MINORS][OTYPCNT];
static int il_loaded;

static struct cb_ops *il_cb(void)
{
	struct dev_ops *ops = il_dev_ops();

	return (ops ? ops->devo_cb_ops : NULL);
}

int ks_il_module_load(void)
{
	struct dev_ops *ops;
	uint32_t major;
	int err;

	kcred = (cred_t *)(uintptr_t)ks_kcred();
	if ((err = ks_lx_region_init(KS_LX_DRIVER_NAME, &major)) != 0)
		return (err);
	il_dip.di_major = major;
	il_dip.di_instance = 0;
	mutex_init(&il_spec_lock, NULL, MUTEX_DRIVER, NULL);
	if ((err = _init()) != 0)
		goto fail;
	ops = il_dev_ops();
	if (ops == NULL || ops->devo_attach == NULL) {
		(void) _fini();
		err = EINVAL;
		goto fail;
	}
	if (ops->devo_attach(&il_dip, DDI_ATTACH) != DDI_SUCCESS) {
		(void) _fini();
		err = ENXIO;
		goto fail;
	}
	il_loaded = 1;
	return (0);
fail:
	ks_lx_region_fini();
	mutex_destroy(&il_spec_lock);
	return (err);
}

int ks_il_module_unload(void)
{
	struct dev_ops *ops = il_dev_ops();
	int err = 0;

	if (il_loaded && ops && ops->devo_detach &&
	    ops->devo_detach(&il_dip, DDI_DETACH) != DDI_SUCCESS)
		err = EBUSY;
	if (err == 0 && _fini() != 0)
		err = EBUSY;
	il_loaded = 0;
	ddi_prop_remove_all(&il_dip);	/* the module's memory goes with it */
	ks_lx_region_fini();	/* Linux unloads regardless: no node may outlive it */
	mutex_destroy(&il_spec_lock);
	return (err);
}

static dev_t il_dev(uint32_t minor)
{
	return (makedevice(il_dip.di_major, minor));
}

int ks_il_dev_open(uint32_t minor, int blk, int fflags)
{
	struct cb_ops *cb = il_cb();
	int otyp = blk ? OTYP_BLK : OTYP_CHR;
	dev_t dev = il_dev(minor);
	int err;

	if (cb == NULL || minor >= IL_MINORS)
		return (ENXIO);
	mutex_enter(&il_spec_lock);
	err = cb->cb_open(&dev, fflags, otyp, CRED());
	if (err == 0)
		il_opens[minor][otyp]++;
	mutex_exit(&il_spec_lock);
	return (err);
}

int ks_il_dev_close(uint32_t minor, int blk, int fflags)
{
	struct cb_ops *cb = il_cb();
	int otyp = blk ? OTYP_BLK : OTYP_CHR;
	int err = 0;

	if (cb == NULL || minor >= IL_MINORS)
		return (ENXIO);
	mutex_enter(&il_spec_lock);
	if (il_opens[minor][otyp] > 0 && --il_opens[minor][otyp] == 0)
		err = cb->cb_close(il_dev(minor), fflags, otyp, CRED());
	mutex_exit(&il_spec_lock);
	return (err);
}

int ks_il_dev_rw(uint32_t minor, int write, uint64_t ubuf, size_t len, int64_t *off,
    int fflags, size_t *done)
{
	struct cb_ops *cb = il_cb();
	int (*fn)(dev_t, struct uio *, struct cred *);
	struct iovec iov;
	struct uio uio;
	int err;

	if (cb == NULL)
		return (ENXIO);
	fn = write ? cb->cb_write : cb->cb_read;
	if (fn == NULL || (void *)fn == (void *)nodev)
		return (ENXIO);
	iov.iov_base = (void *)(uintptr_t)ubuf;
	iov.iov_len = len;
	memset(&uio, 0, sizeof (uio));
	uio.uio_iov = &iov;
	uio.uio_iovcnt = 1;
	uio.uio_loffset = *off;
	uio.uio_segflg = UIO_USERSPACE;
	uio.uio_fmode = (uint16_t)fflags;
	uio.uio_resid = (ssize_t)len;
	err = fn(il_dev(minor), &uio, CRED());
	*done = len - (size_t)uio.uio_resid;
	*off = uio.uio_loffset;
	return (err);
}

int ks_il_dev_ioctl(uint32_t minor, int cmd, long arg, int fflags, int model, int *rval)
{
	struct cb_ops *cb = il_cb();
	int mode = (fflags & (FREAD | FWRITE | FEXCL | FNDELAY | FNONBLOCK)) |
	    (model ? DATAMODEL_ILP32 : DATAMODEL_LP64);

	if (cb == NULL || cb->cb_ioctl == NULL || (void *)cb->cb_ioctl == (void *)nodev)
		return (ENOTTY);
	return (cb->cb_ioctl(il_dev(minor), cmd, arg, mode, CRED(), rval));
}
