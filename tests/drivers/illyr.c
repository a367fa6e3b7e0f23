/*
 * illyr (tests/python/test_illumos_ldi.py): a layered driver, written as
 * an illumos engineer writes one. /dev/illyr opens /dev/illower through
 * the LDI (ldi_ident_from_dip at attach, ldi_open_by_name at the first
 * ioctl that needs it, ldi_close at the last close) and passes requests
 * down: a user's pointer as it came (LYR_SET), a kernel copy with FKIOCTL
 * (LYR_SETK, LYR_STATS), a kernel uio (LYR_READ), ldi_get_size (LYR_SIZE);
 * its chpoll(9E) is the lower device's, through ldi_poll. LYR_WRITE writes
 * the lower device through a kernel uio (ldi_write); LYR_BLKREAD opens its
 * block node for the call and reads a block by ldi_strategy.
 *
 * Its configuration is a packed nvlist (LYR_CONFIG: the user's
 * nvlist_pack output, unpacked with nvlist_unpack after ddi_copyin; a
 * uint64 "value" is required, a uint32 "scale" and a uint64 array "add"
 * change it, a string "tag" is kept); LYR_INFO answers with one it packs.
 *
 * -DLYR_BUG_RACE: the first link tests the handle under the lock but opens
 * the lower device after dropping it; two first ioctls both open it and
 * one handle is lost (the lower device stays open for ever).
 * -DLYR_BUG_NVLEAK: a configuration without "value" is refused without
 * freeing the unpacked list.
 * -DLYR_BUG_NVUAF: LYR_INFO copies the kept configuration after dropping
 * the lock; a LYR_CONFIG meanwhile frees it.
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
#include <sys/kmem.h>
#include <sys/ksynch.h>
#include <sys/conf.h>
#include <sys/modctl.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>
#include <sys/sunldi.h>
#include <sys/nvpair.h>

#define	LYR_IOC		('Y' << 8)
#define	LYR_SET		(LYR_IOC | 1)	/* uint64_t in, passed down as is */
#define	LYR_SETK	(LYR_IOC | 2)	/* uint64_t in, passed down + 1000 */
#define	LYR_STATS	(LYR_IOC | 3)	/* the lower device's lo_stats_t */
#define	LYR_READ	(LYR_IOC | 4)	/* 32 bytes read from the lower */
#define	LYR_SIZE	(LYR_IOC | 5)	/* uint64_t: ldi_get_size */
#define	LYR_GET		(LYR_IOC | 6)	/* uint64_t out, passed down as is */
#define	LYR_CONFIG	(LYR_IOC | 7)	/* lyr_nv_t: a packed nvlist in */
#define	LYR_INFO	(LYR_IOC | 8)	/* lyr_nv_t: a packed nvlist out */
#define	LYR_WRITE	(LYR_IOC | 9)	/* 16 bytes in, to the lower's offset 0 */
#define	LYR_BLKREAD	(LYR_IOC | 10)	/* the lower disk's block 0: 16 bytes and
					   its size (uint64_t) out */
#define	LYR_LOWER_BLK	"/dev/illower/0"

#define	LYR_NVMAX	4096

typedef struct lyr_nv {
	uint64_t	ln_buf;		/* user address of the packed list */
	uint64_t	ln_len;		/* its size; LYR_INFO: the room, then the size */
} lyr_nv_t;

/* the lower device's (illower.c) */
#define	LO_IOC		('L' << 8)
#define	LO_SET		(LO_IOC | 1)
#define	LO_GET		(LO_IOC | 2)
#define	LO_STATS	(LO_IOC | 3)
#define	LO_STATS_SIZE	24

#define	LYR_LOWER	"/dev/illower"

static dev_info_t	*ly_dip;
static kmutex_t		ly_lock;
static ldi_ident_t	ly_li;
static ldi_handle_t	ly_lh;		/* the lower device, once linked */
static nvlist_t		*ly_config;	/* the last configuration, ly_lock */

static int
ly_link(cred_t *credp)
{
	ldi_handle_t lh;
	int err;

	mutex_enter(&ly_lock);
	if (ly_lh != NULL) {
		mutex_exit(&ly_lock);
		return (0);
	}
#ifdef LYR_BUG_RACE
	mutex_exit(&ly_lock);
	err = ldi_open_by_name(LYR_LOWER, FREAD | FWRITE, credp, &lh, ly_li);
	if (err != 0)
		return (err);
	mutex_enter(&ly_lock);
	ly_lh = lh;
#else
	err = ldi_open_by_name(LYR_LOWER, FREAD | FWRITE, credp, &lh, ly_li);
	if (err == 0)
		ly_lh = lh;
#endif
	mutex_exit(&ly_lock);
	return (err);
}

/*ARGSUSED*/
static int
ly_open(dev_t *devp, int flag, int otyp, cred_t *credp)
{
	if (getminor(*devp) != 0)
		return (ENXIO);
	return (0);
}

/* the last close: unlink the lower device */
/*ARGSUSED*/
static int
ly_close(dev_t dev, int flag, int otyp, cred_t *credp)
{
	ldi_handle_t lh;

	mutex_enter(&ly_lock);
	lh = ly_lh;
	ly_lh = NULL;
	mutex_exit(&ly_lock);
	if (lh != NULL)
		(void) ldi_close(lh, FREAD | FWRITE, credp);
	return (0);
}

static int
ly_config_set(intptr_t arg, int mode)
{
	lyr_nv_t ln;
	char *kbuf;
	nvlist_t *nvl, *old;
	uint64_t v, *add;
	uint32_t scale;
	uint_t nadd, i;
	int rv, err;

	if (ddi_copyin((void *)arg, &ln, sizeof (ln), mode) != 0)
		return (EFAULT);
	if (ln.ln_len == 0 || ln.ln_len > LYR_NVMAX)
		return (EINVAL);
	kbuf = kmem_alloc(ln.ln_len, KM_SLEEP);
	if (ddi_copyin((void *)(uintptr_t)ln.ln_buf, kbuf, ln.ln_len,
	    mode) != 0) {
		kmem_free(kbuf, ln.ln_len);
		return (EFAULT);
	}
	err = nvlist_unpack(kbuf, ln.ln_len, &nvl, KM_SLEEP);
	kmem_free(kbuf, ln.ln_len);
	if (err != 0)
		return (err);

	if (nvlist_lookup_uint64(nvl, "value", &v) != 0) {
#ifndef LYR_BUG_NVLEAK
		nvlist_free(nvl);
#endif
		return (EINVAL);
	}
	if (nvlist_lookup_uint32(nvl, "scale", &scale) == 0)
		v *= scale;
	if (nvlist_lookup_uint64_array(nvl, "add", &add, &nadd) == 0) {
		for (i = 0; i < nadd; i++)
			v += add[i];
	}
	if ((err = ldi_ioctl(ly_lh, LO_SET, (intptr_t)&v, FKIOCTL, kcred,
	    &rv)) != 0) {
		nvlist_free(nvl);
		return (err);
	}

	mutex_enter(&ly_lock);
	old = ly_config;
	ly_config = nvl;
	mutex_exit(&ly_lock);
	nvlist_free(old);
	return (0);
}

static int
ly_info(intptr_t arg, int mode)
{
	lyr_nv_t ln;
	nvlist_t *out, *cfg;
	char *packed = NULL;
	size_t plen = 0;
	uint64_t v;
	int rv, err;

	if (ddi_copyin((void *)arg, &ln, sizeof (ln), mode) != 0)
		return (EFAULT);
	if ((err = ldi_ioctl(ly_lh, LO_GET, (intptr_t)&v, FKIOCTL, kcred,
	    &rv)) != 0)
		return (err);
	if ((err = nvlist_alloc(&out, NV_UNIQUE_NAME, KM_SLEEP)) != 0)
		return (err);
	err = nvlist_add_uint64(out, "lower_value", v);
	if (err == 0)
		err = nvlist_add_string(out, "lower", LYR_LOWER);

	mutex_enter(&ly_lock);
	cfg = ly_config;
#ifdef LYR_BUG_NVUAF
	mutex_exit(&ly_lock);
	if (err == 0 && cfg != NULL)
		err = nvlist_add_nvlist(out, "config", cfg);
#else
	if (err == 0 && cfg != NULL)
		err = nvlist_add_nvlist(out, "config", cfg);
	mutex_exit(&ly_lock);
#endif
	if (err == 0)
		err = nvlist_pack(out, &packed, &plen, NV_ENCODE_NATIVE,
		    KM_SLEEP);
	nvlist_free(out);
	if (err != 0)
		return (err);
	if (plen > ln.ln_len) {
		err = EOVERFLOW;
	} else if (ddi_copyout(packed, (void *)(uintptr_t)ln.ln_buf, plen,
	    mode) != 0) {
		err = EFAULT;
	}
	kmem_free(packed, plen);
	ln.ln_len = plen;
	if (ddi_copyout(&ln, (void *)arg, sizeof (ln), mode) != 0)
		return (EFAULT);
	return (err);
}

static int
ly_blkread(intptr_t arg, int mode, cred_t *credp)
{
	ldi_handle_t bh;
	struct buf *bp;
	char *blk;
	uint64_t out[3];
	int err;

	if ((err = ldi_open_by_name(LYR_LOWER_BLK, FREAD, credp, &bh,
	    ly_li)) != 0)
		return (err);
	if (ldi_get_size(bh, &out[2]) != DDI_SUCCESS)
		out[2] = 0;
	blk = kmem_zalloc(DEV_BSIZE, KM_SLEEP);
	bp = getrbuf(KM_SLEEP);
	bp->b_flags = B_BUSY | B_READ;
	bp->b_un.b_addr = blk;
	bp->b_bcount = DEV_BSIZE;
	bp->b_lblkno = 0;
	bp->b_blkno = 0;
	if ((err = ldi_strategy(bh, bp)) == 0)
		err = biowait(bp);
	freerbuf(bp);
	if (err == 0) {
		bcopy(blk, out, 16);
		if (ddi_copyout(out, (void *)arg, sizeof (out), mode) != 0)
			err = EFAULT;
	}
	kmem_free(blk, DEV_BSIZE);
	(void) ldi_close(bh, FREAD, credp);
	return (err);
}

static int
ly_ioctl(dev_t dev, int cmd, intptr_t arg, int mode, cred_t *credp,
    int *rvalp)
{
	uint64_t v;
	char sbuf[LO_STATS_SIZE];
	char rbuf[32];
	struct iovec iov;
	struct uio uio;
	int rv, err;

	if ((err = ly_link(credp)) != 0)
		return (err);

	switch (cmd) {
	case LYR_SET:
		return (ldi_ioctl(ly_lh, LO_SET, arg, mode, credp, rvalp));
	case LYR_GET:
		return (ldi_ioctl(ly_lh, LO_GET, arg, mode, credp, rvalp));
	case LYR_SETK:
		if (ddi_copyin((void *)arg, &v, sizeof (v), mode) != 0)
			return (EFAULT);
		v += 1000;
		return (ldi_ioctl(ly_lh, LO_SET, (intptr_t)&v, FKIOCTL,
		    kcred, &rv));
	case LYR_STATS:
		if ((err = ldi_ioctl(ly_lh, LO_STATS, (intptr_t)sbuf, FKIOCTL,
		    kcred, &rv)) != 0)
			return (err);
		if (ddi_copyout(sbuf, (void *)arg, sizeof (sbuf), mode) != 0)
			return (EFAULT);
		return (0);
	case LYR_READ:
		bzero(rbuf, sizeof (rbuf));
		iov.iov_base = rbuf;
		iov.iov_len = sizeof (rbuf);
		bzero(&uio, sizeof (uio));
		uio.uio_iov = &iov;
		uio.uio_iovcnt = 1;
		uio.uio_loffset = 0;
		uio.uio_segflg = UIO_SYSSPACE;
		uio.uio_resid = sizeof (rbuf);
		if ((err = ldi_read(ly_lh, &uio, credp)) != 0)
			return (err);
		if (ddi_copyout(rbuf, (void *)arg, sizeof (rbuf), mode) != 0)
			return (EFAULT);
		*rvalp = (int)(sizeof (rbuf) - uio.uio_resid);
		return (0);
	case LYR_WRITE:
		if (ddi_copyin((void *)arg, rbuf, 16, mode) != 0)
			return (EFAULT);
		iov.iov_base = rbuf;
		iov.iov_len = 16;
		bzero(&uio, sizeof (uio));
		uio.uio_iov = &iov;
		uio.uio_iovcnt = 1;
		uio.uio_loffset = 0;
		uio.uio_segflg = UIO_SYSSPACE;
		uio.uio_resid = 16;
		if ((err = ldi_write(ly_lh, &uio, credp)) != 0)
			return (err);
		*rvalp = (int)(16 - uio.uio_resid);
		return (0);
	case LYR_BLKREAD:
		return (ly_blkread(arg, mode, credp));
	case LYR_CONFIG:
		return (ly_config_set(arg, mode));
	case LYR_INFO:
		return (ly_info(arg, mode));
	case LYR_SIZE:
		if (ldi_get_size(ly_lh, &v) != DDI_SUCCESS)
			return (ENOTSUP);
		if (ddi_copyout(&v, (void *)arg, sizeof (v), mode) != 0)
			return (EFAULT);
		return (0);
	default:
		return (ENOTTY);
	}
}

/* the lower device's readiness and pollhead; nothing linked: ENXIO */
static int
ly_chpoll(dev_t dev, short events, int anyyet, short *reventsp,
    struct pollhead **phpp)
{
	ldi_handle_t lh;

	mutex_enter(&ly_lock);
	lh = ly_lh;
	mutex_exit(&ly_lock);
	if (lh == NULL)
		return (ENXIO);
	return (ldi_poll(lh, events, anyyet, reventsp, phpp));
}

/*ARGSUSED*/
static int
ly_getinfo(dev_info_t *dip, ddi_info_cmd_t cmd, void *arg, void **resultp)
{
	switch (cmd) {
	case DDI_INFO_DEVT2DEVINFO:
		*resultp = ly_dip;
		return (DDI_SUCCESS);
	case DDI_INFO_DEVT2INSTANCE:
		*resultp = (void *)0;
		return (DDI_SUCCESS);
	default:
		return (DDI_FAILURE);
	}
}

static int
ly_attach(dev_info_t *dip, ddi_attach_cmd_t cmd)
{
	if (cmd != DDI_ATTACH || ddi_get_instance(dip) != 0)
		return (DDI_FAILURE);
	if (ldi_ident_from_dip(dip, &ly_li) != 0)
		return (DDI_FAILURE);
	mutex_init(&ly_lock, NULL, MUTEX_DRIVER, NULL);
	if (ddi_create_minor_node(dip, "illyr", S_IFCHR, 0, DDI_PSEUDO, 0) !=
	    DDI_SUCCESS) {
		mutex_destroy(&ly_lock);
		ldi_ident_release(ly_li);
		return (DDI_FAILURE);
	}
	ly_dip = dip;
	return (DDI_SUCCESS);
}

static int
ly_detach(dev_info_t *dip, ddi_detach_cmd_t cmd)
{
	if (cmd != DDI_DETACH)
		return (DDI_FAILURE);
	ddi_remove_minor_node(dip, NULL);
	nvlist_free(ly_config);
	ly_config = NULL;
	mutex_destroy(&ly_lock);
	ldi_ident_release(ly_li);
	ly_li = NULL;
	ly_dip = NULL;
	return (DDI_SUCCESS);
}

static struct cb_ops ly_cb_ops = {
	.cb_open =	ly_open,
	.cb_close =	ly_close,
	.cb_strategy =	nodev,
	.cb_print =	nodev,
	.cb_dump =	nodev,
	.cb_read =	nodev,
	.cb_write =	nodev,
	.cb_ioctl =	ly_ioctl,
	.cb_devmap =	nodev,
	.cb_mmap =	nodev,
	.cb_segmap =	nodev,
	.cb_chpoll =	ly_chpoll,
	.cb_prop_op =	ddi_prop_op,
	.cb_str =	NULL,
	.cb_flag =	D_MP | D_64BIT,
	.cb_rev =	CB_REV,
	.cb_aread =	nodev,
	.cb_awrite =	nodev
};

static struct dev_ops ly_dev_ops = {
	.devo_rev =		DEVO_REV,
	.devo_refcnt =		0,
	.devo_getinfo =		ly_getinfo,
	.devo_identify =	nulldev,
	.devo_probe =		nulldev,
	.devo_attach =		ly_attach,
	.devo_detach =		ly_detach,
	.devo_reset =		nodev,
	.devo_cb_ops =		&ly_cb_ops,
	.devo_bus_ops =		NULL,
	.devo_power =		NULL,
	.devo_quiesce =		ddi_quiesce_not_needed
};

static struct modldrv ly_modldrv = {
	&mod_driverops,
	"LDI layered",
	&ly_dev_ops
};

static struct modlinkage ly_modlinkage = {
	MODREV_1,
	{ (void *)&ly_modldrv, NULL }
};

int
_init(void)
{
	return (mod_install(&ly_modlinkage));
}

int
_fini(void)
{
	return (mod_remove(&ly_modlinkage));
}

int
_info(struct modinfo *modinfop)
{
	return (mod_info(&ly_modlinkage, modinfop));
}
