/*
 * ilinst (tests/python/test_driver_conf.py): a pseudo driver with one node
 * per driver.conf(5) entry, as illumos pseudo drivers are configured:
 *
 *	name="ilinst" parent="pseudo" instance=0 depth=4;
 *	name="ilinst" parent="pseudo" instance=2 depth=16 label="two";
 *	label="global";
 *
 * Each instance keeps its soft state, reads its own "depth" and "label"
 * (a node's own entry first, then the global ones) and makes the minor
 * node ilinst<instance> with its instance as the minor number.
 * ILINST_INFO on /dev/ilinstN answers that instance's settings.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/errno.h>
#include <sys/stat.h>
#include <sys/file.h>
#include <sys/open.h>
#include <sys/cred.h>
#include <sys/kmem.h>
#include <sys/conf.h>
#include <sys/modctl.h>
#include <sys/sysmacros.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>

#define	ILINST_INFO	(('I' << 8) | 1)

typedef struct ilinst_info {
	int32_t		ii_instance;
	int32_t		ii_depth;
	char		ii_label[32];
} ilinst_info_t;

typedef struct ilinst {
	dev_info_t	*il_dip;
	ilinst_info_t	il_info;
} ilinst_t;

static void *ilinst_state;

/*ARGSUSED*/
static int
ilinst_open(dev_t *devp, int flag, int otyp, cred_t *cr)
{
	if (ddi_get_soft_state(ilinst_state, getminor(*devp)) == NULL)
		return (ENXIO);
	return (0);
}

/*ARGSUSED*/
static int
ilinst_close(dev_t dev, int flag, int otyp, cred_t *cr)
{
	return (0);
}

/*ARGSUSED*/
static int
ilinst_ioctl(dev_t dev, int cmd, intptr_t arg, int mode, cred_t *cr,
    int *rvalp)
{
	ilinst_t *il = ddi_get_soft_state(ilinst_state, getminor(dev));

	if (il == NULL)
		return (ENXIO);
	if (cmd != ILINST_INFO)
		return (ENOTTY);
	if (ddi_copyout(&il->il_info, (void *)arg, sizeof (il->il_info),
	    mode) != 0)
		return (EFAULT);
	return (0);
}

static int
ilinst_attach(dev_info_t *dip, ddi_attach_cmd_t cmd)
{
	int inst = ddi_get_instance(dip);
	ilinst_t *il;
	char name[16], *s;

	if (cmd != DDI_ATTACH)
		return (DDI_FAILURE);
	if (ddi_soft_state_zalloc(ilinst_state, inst) != DDI_SUCCESS)
		return (DDI_FAILURE);
	il = ddi_get_soft_state(ilinst_state, inst);
	il->il_dip = dip;
	il->il_info.ii_instance = inst;
	il->il_info.ii_depth = ddi_prop_get_int(DDI_DEV_T_ANY, dip,
	    DDI_PROP_DONTPASS, "depth", 1);
	if (ddi_prop_lookup_string(DDI_DEV_T_ANY, dip, DDI_PROP_DONTPASS,
	    "label", &s) == DDI_PROP_SUCCESS) {
		(void) strlcpy(il->il_info.ii_label, s,
		    sizeof (il->il_info.ii_label));
		ddi_prop_free(s);
	}
	(void) snprintf(name, sizeof (name), "ilinst%d", inst);
	if (ddi_create_minor_node(dip, name, S_IFCHR, inst, DDI_PSEUDO,
	    0) != DDI_SUCCESS) {
		ddi_soft_state_free(ilinst_state, inst);
		return (DDI_FAILURE);
	}
	return (DDI_SUCCESS);
}

static int
ilinst_detach(dev_info_t *dip, ddi_detach_cmd_t cmd)
{
	if (cmd != DDI_DETACH)
		return (DDI_FAILURE);
	ddi_remove_minor_node(dip, NULL);
	ddi_soft_state_free(ilinst_state, ddi_get_instance(dip));
	return (DDI_SUCCESS);
}

/*ARGSUSED*/
static int
ilinst_getinfo(dev_info_t *dip, ddi_info_cmd_t infocmd, void *arg,
    void **result)
{
	ilinst_t *il;

	switch (infocmd) {
	case DDI_INFO_DEVT2DEVINFO:
		il = ddi_get_soft_state(ilinst_state, getminor((dev_t)arg));
		if (il == NULL)
			return (DDI_FAILURE);
		*result = il->il_dip;
		return (DDI_SUCCESS);
	case DDI_INFO_DEVT2INSTANCE:
		*result = (void *)(uintptr_t)getminor((dev_t)arg);
		return (DDI_SUCCESS);
	default:
		return (DDI_FAILURE);
	}
}

static struct cb_ops ilinst_cb_ops = {
	.cb_open =	ilinst_open,
	.cb_close =	ilinst_close,
	.cb_strategy =	nodev,
	.cb_print =	nodev,
	.cb_dump =	nodev,
	.cb_read =	nodev,
	.cb_write =	nodev,
	.cb_ioctl =	ilinst_ioctl,
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

static struct dev_ops ilinst_dev_ops = {
	.devo_rev =		DEVO_REV,
	.devo_refcnt =		0,
	.devo_getinfo =		ilinst_getinfo,
	.devo_identify =	nulldev,
	.devo_probe =		nulldev,
	.devo_attach =		ilinst_attach,
	.devo_detach =		ilinst_detach,
	.devo_reset =		nodev,
	.devo_cb_ops =		&ilinst_cb_ops,
	.devo_bus_ops =		NULL,
	.devo_power =		NULL,
	.devo_quiesce =		ddi_quiesce_not_needed
};

static struct modldrv ilinst_modldrv = {
	.drv_modops =		&mod_driverops,
	.drv_linkinfo =		"one node per driver.conf entry",
	.drv_dev_ops =		&ilinst_dev_ops
};

static struct modlinkage ilinst_modlinkage = {
	.ml_rev =		MODREV_1,
	.ml_linkage =		{ &ilinst_modldrv, NULL }
};

int
_init(void)
{
	int rv;

	if ((rv = ddi_soft_state_init(&ilinst_state, sizeof (ilinst_t),
	    4)) != 0)
		return (rv);
	if ((rv = mod_install(&ilinst_modlinkage)) != 0)
		ddi_soft_state_fini(&ilinst_state);
	return (rv);
}

int
_fini(void)
{
	int rv;

	if ((rv = mod_remove(&ilinst_modlinkage)) == 0)
		ddi_soft_state_fini(&ilinst_state);
	return (rv);
}

int
_info(struct modinfo *modinfop)
{
	return (mod_info(&ilinst_modlinkage, modinfop));
}
