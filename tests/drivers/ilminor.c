/*
 * ilminor (tests/python/test_illumos_vmem.py): clone minors from a vmem
 * identifier arena, as illumos pseudo drivers hand them out.
 *
 * attach(9E) makes an arena of ILMINOR_MAX identifiers [1, ILMINOR_MAX];
 * each open of /dev/ilminor (minor 0) takes one: a blocking open waits
 * for a close to give one back (VM_SLEEP), an O_NDELAY open gets EAGAIN
 * (VM_NOSLEEP); close(9E) gives it back. ILMINOR_GET returns the open's
 * minor.
 *
 * -DILMINOR_BUG_TWICE: close(9E) gives the minor back, then its cleanup
 * helper gives it back again.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/errno.h>
#include <sys/stat.h>
#include <sys/file.h>
#include <sys/open.h>
#include <sys/cred.h>
#include <sys/conf.h>
#include <sys/modctl.h>
#include <sys/vmem.h>
#include <sys/cmn_err.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>

#define	ILMINOR_MAX	2
#define	ILMINOR_GET	(('M' << 8) | 1)

static dev_info_t	*ilminor_dip;
static vmem_t		*ilminor_arena;

/*ARGSUSED*/
static int
ilminor_open(dev_t *devp, int flag, int otyp, cred_t *cr)
{
	minor_t m;

	if (otyp != OTYP_CHR)
		return (EINVAL);
	if (getminor(*devp) != 0)
		return (ENXIO);
	m = (minor_t)(uintptr_t)vmem_alloc(ilminor_arena, 1,
	    (flag & (FNDELAY | FNONBLOCK)) ? VM_NOSLEEP : VM_SLEEP);
	if (m == 0)
		return (EAGAIN);
	*devp = makedevice(getmajor(*devp), m);
	return (0);
}

#ifdef ILMINOR_BUG_TWICE
static void
ilminor_cleanup(minor_t m)
{
	vmem_free(ilminor_arena, (void *)(uintptr_t)m, 1);
}
#endif

/*ARGSUSED*/
static int
ilminor_close(dev_t dev, int flag, int otyp, cred_t *cr)
{
	minor_t m = getminor(dev);

	vmem_free(ilminor_arena, (void *)(uintptr_t)m, 1);
#ifdef ILMINOR_BUG_TWICE
	ilminor_cleanup(m);
#endif
	return (0);
}

/*ARGSUSED*/
static int
ilminor_ioctl(dev_t dev, int cmd, intptr_t arg, int mode, cred_t *cr,
    int *rvalp)
{
	if (cmd != ILMINOR_GET)
		return (ENOTTY);
	*rvalp = (int)getminor(dev);
	return (0);
}

static int
ilminor_attach(dev_info_t *dip, ddi_attach_cmd_t cmd)
{
	if (cmd != DDI_ATTACH)
		return (DDI_FAILURE);
	ilminor_arena = vmem_create("ilminor_minor", (void *)1, ILMINOR_MAX,
	    1, NULL, NULL, NULL, 0, VM_SLEEP | VMC_IDENTIFIER);
	if (ddi_create_minor_node(dip, "ilminor", S_IFCHR, 0, DDI_PSEUDO,
	    0) != DDI_SUCCESS) {
		vmem_destroy(ilminor_arena);
		return (DDI_FAILURE);
	}
	ilminor_dip = dip;
	return (DDI_SUCCESS);
}

static int
ilminor_detach(dev_info_t *dip, ddi_detach_cmd_t cmd)
{
	if (cmd != DDI_DETACH)
		return (DDI_FAILURE);
	ddi_remove_minor_node(dip, NULL);
	vmem_destroy(ilminor_arena);
	ilminor_arena = NULL;
	ilminor_dip = NULL;
	return (DDI_SUCCESS);
}

/*ARGSUSED*/
static int
ilminor_getinfo(dev_info_t *dip, ddi_info_cmd_t infocmd, void *arg,
    void **result)
{
	switch (infocmd) {
	case DDI_INFO_DEVT2DEVINFO:
		*result = ilminor_dip;
		return (ilminor_dip == NULL ? DDI_FAILURE : DDI_SUCCESS);
	case DDI_INFO_DEVT2INSTANCE:
		*result = NULL;
		return (DDI_SUCCESS);
	default:
		return (DDI_FAILURE);
	}
}

static struct cb_ops ilminor_cb_ops = {
	.cb_open =	ilminor_open,
	.cb_close =	ilminor_close,
	.cb_strategy =	nodev,
	.cb_print =	nodev,
	.cb_dump =	nodev,
	.cb_read =	nodev,
	.cb_write =	nodev,
	.cb_ioctl =	ilminor_ioctl,
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

static struct dev_ops ilminor_dev_ops = {
	.devo_rev =		DEVO_REV,
	.devo_refcnt =		0,
	.devo_getinfo =		ilminor_getinfo,
	.devo_identify =	nulldev,
	.devo_probe =		nulldev,
	.devo_attach =		ilminor_attach,
	.devo_detach =		ilminor_detach,
	.devo_reset =		nodev,
	.devo_cb_ops =		&ilminor_cb_ops,
	.devo_bus_ops =		NULL,
	.devo_power =		NULL,
	.devo_quiesce =		ddi_quiesce_not_needed
};

static struct modldrv ilminor_modldrv = {
	.drv_modops =		&mod_driverops,
	.drv_linkinfo =		"clone minors from a vmem arena",
	.drv_dev_ops =		&ilminor_dev_ops
};

static struct modlinkage ilminor_modlinkage = {
	.ml_rev =		MODREV_1,
	.ml_linkage =		{ &ilminor_modldrv, NULL }
};

int
_init(void)
{
	return (mod_install(&ilminor_modlinkage));
}

int
_fini(void)
{
	return (mod_remove(&ilminor_modlinkage));
}

int
_info(struct modinfo *modinfop)
{
	return (mod_info(&ilminor_modlinkage, modinfop));
}
