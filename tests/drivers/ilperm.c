/*
 * ilperm (tests/python/test_node_perm.py): a pseudo driver whose minor
 * nodes carry each kind of access rule illumos gives a node, as drivers
 * make them:
 *
 *	plain	ddi_create_minor_node: devfs's mode (0600 root sys unless
 *		/etc/minor_perm says otherwise)
 *	admin	PRIVONLY_DEV, sys_config to read or write (as sad's "admin")
 *	null	PRIVONLY_DEV, no privilege (as mm's /dev/null)
 *	wpriv	sys_config to write, mode 0644
 *	wopen	sys_config to write, mode 0666
 *
 * Each open that reaches ilperm_open says so on the console, so a test can
 * tell an open the kernel refused from one the driver did.
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
#include <sys/policy.h>
#include <sys/cmn_err.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>

static dev_info_t *ilperm_dip;

/*ARGSUSED*/
static int
ilperm_open(dev_t *devp, int flag, int otyp, cred_t *cr)
{
	cmn_err(CE_CONT, "ilperm: open of minor %d by uid %d\n",
	    (int)getminor(*devp), (int)crgetuid(cr));
	return (0);
}

/*ARGSUSED*/
static int
ilperm_close(dev_t dev, int flag, int otyp, cred_t *cr)
{
	return (0);
}

static int
ilperm_attach(dev_info_t *dip, ddi_attach_cmd_t cmd)
{
	if (cmd != DDI_ATTACH)
		return (DDI_FAILURE);
	if (ddi_create_minor_node(dip, "plain", S_IFCHR, 0, DDI_PSEUDO,
	    0) != DDI_SUCCESS ||
	    ddi_create_priv_minor_node(dip, "admin", S_IFCHR, 1, DDI_PSEUDO,
	    PRIVONLY_DEV, PRIV_SYS_CONFIG, PRIV_SYS_CONFIG, 0666) !=
	    DDI_SUCCESS ||
	    ddi_create_priv_minor_node(dip, "null", S_IFCHR, 2, DDI_PSEUDO,
	    PRIVONLY_DEV, NULL, NULL, 0666) != DDI_SUCCESS ||
	    ddi_create_priv_minor_node(dip, "wpriv", S_IFCHR, 3, DDI_PSEUDO,
	    0, NULL, PRIV_SYS_CONFIG, 0644) != DDI_SUCCESS ||
	    ddi_create_priv_minor_node(dip, "wopen", S_IFCHR, 4, DDI_PSEUDO,
	    0, NULL, PRIV_SYS_CONFIG, 0666) != DDI_SUCCESS) {
		ddi_remove_minor_node(dip, NULL);
		return (DDI_FAILURE);
	}
	ilperm_dip = dip;
	return (DDI_SUCCESS);
}

static int
ilperm_detach(dev_info_t *dip, ddi_detach_cmd_t cmd)
{
	if (cmd != DDI_DETACH)
		return (DDI_FAILURE);
	ddi_remove_minor_node(dip, NULL);
	ilperm_dip = NULL;
	return (DDI_SUCCESS);
}

/*ARGSUSED*/
static int
ilperm_getinfo(dev_info_t *dip, ddi_info_cmd_t infocmd, void *arg,
    void **result)
{
	switch (infocmd) {
	case DDI_INFO_DEVT2DEVINFO:
		*result = ilperm_dip;
		return (ilperm_dip == NULL ? DDI_FAILURE : DDI_SUCCESS);
	case DDI_INFO_DEVT2INSTANCE:
		*result = NULL;
		return (DDI_SUCCESS);
	default:
		return (DDI_FAILURE);
	}
}

static struct cb_ops ilperm_cb_ops = {
	.cb_open =	ilperm_open,
	.cb_close =	ilperm_close,
	.cb_strategy =	nodev,
	.cb_print =	nodev,
	.cb_dump =	nodev,
	.cb_read =	nodev,
	.cb_write =	nodev,
	.cb_ioctl =	nodev,
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

static struct dev_ops ilperm_dev_ops = {
	.devo_rev =		DEVO_REV,
	.devo_refcnt =		0,
	.devo_getinfo =		ilperm_getinfo,
	.devo_identify =	nulldev,
	.devo_probe =		nulldev,
	.devo_attach =		ilperm_attach,
	.devo_detach =		ilperm_detach,
	.devo_reset =		nodev,
	.devo_cb_ops =		&ilperm_cb_ops,
	.devo_bus_ops =		NULL,
	.devo_power =		NULL,
	.devo_quiesce =		ddi_quiesce_not_needed
};

static struct modldrv ilperm_modldrv = {
	.drv_modops =		&mod_driverops,
	.drv_linkinfo =		"nodes with each access rule",
	.drv_dev_ops =		&ilperm_dev_ops
};

static struct modlinkage ilperm_modlinkage = {
	.ml_rev =		MODREV_1,
	.ml_linkage =		{ &ilperm_modldrv, NULL }
};

int
_init(void)
{
	return (mod_install(&ilperm_modlinkage));
}

int
_fini(void)
{
	return (mod_remove(&ilperm_modlinkage));
}

int
_info(struct modinfo *modinfop)
{
	return (mod_info(&ilperm_modlinkage, modinfop));
}
