/*
 * ilconf (tests/python/test_driver_conf.py): a pseudo driver whose
 * behaviour is set by its driver.conf(5), written as an illumos engineer
 * writes one. attach(9E) reads its tunables with the DDI property
 * interfaces (ddi_prop_get_int, ddi_prop_lookup_string,
 * ddi_prop_lookup_int_array, ddi_prop_exists, ddi_getprop), all with
 * DDI_PROP_DONTPASS; ILCONF_INFO hands them to a test.
 *
 *   max-clients=N;	at most N concurrent opens of /dev/ilconf (0, the
 *			default: no limit, no slot table)
 *   greeting="...";	a string
 *   weights=1,2,3;	an int array (count and sum reported)
 *   verbose;		a property with no value (exists; its value)
 *   unit-label="...";	expected on the node's own entry
 *
 * The bug (reached only with max-clients set): open(9E) checks the count
 * against the limit under the lock, drops the lock, then takes a slot
 * under it again; two opens racing past the check both take a slot, and
 * the second's is past the end of the table (an ASSERT, as a DEBUG
 * kernel would panic).
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/errno.h>
#include <sys/stat.h>
#include <sys/file.h>
#include <sys/open.h>
#include <sys/cred.h>
#include <sys/kmem.h>
#include <sys/ksynch.h>
#include <sys/conf.h>
#include <sys/modctl.h>
#include <sys/debug.h>
#include <sys/sysmacros.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>

#define	ILCONF_INFO		(('C' << 8) | 1)
#define	ILCONF_TEXTLEN		32

typedef struct ilconf_info {
	int32_t		ci_max_clients;
	int32_t		ci_nweights;
	int32_t		ci_weights_sum;
	int32_t		ci_verbose_exists;
	int32_t		ci_verbose_value;
	char		ci_greeting[ILCONF_TEXTLEN];
	char		ci_label[ILCONF_TEXTLEN];
} ilconf_info_t;

typedef struct ilconf_slot {
	pid_t		cs_pid;
	int		cs_inuse;
} ilconf_slot_t;

static dev_info_t	*ilconf_dip;
static kmutex_t		ilconf_lock;
static ilconf_info_t	ilconf_cfg;
static ilconf_slot_t	*ilconf_slots;
static int		ilconf_nclients;

static void
ilconf_copystr(char *dst, const char *src)
{
	(void) strlcpy(dst, src, ILCONF_TEXTLEN);
}

static void
ilconf_read_config(dev_info_t *dip)
{
	char *s;
	int *w;
	uint_t n, i;

	bzero(&ilconf_cfg, sizeof (ilconf_cfg));
	ilconf_cfg.ci_max_clients = ddi_prop_get_int(DDI_DEV_T_ANY, dip,
	    DDI_PROP_DONTPASS, "max-clients", 0);
	if (ilconf_cfg.ci_max_clients < 0)
		ilconf_cfg.ci_max_clients = 0;

	if (ddi_prop_lookup_string(DDI_DEV_T_ANY, dip, DDI_PROP_DONTPASS,
	    "greeting", &s) == DDI_PROP_SUCCESS) {
		ilconf_copystr(ilconf_cfg.ci_greeting, s);
		ddi_prop_free(s);
	} else {
		ilconf_copystr(ilconf_cfg.ci_greeting, "hello");
	}
	if (ddi_prop_lookup_string(DDI_DEV_T_ANY, dip, DDI_PROP_DONTPASS,
	    "unit-label", &s) == DDI_PROP_SUCCESS) {
		ilconf_copystr(ilconf_cfg.ci_label, s);
		ddi_prop_free(s);
	}

	if (ddi_prop_lookup_int_array(DDI_DEV_T_ANY, dip, DDI_PROP_DONTPASS,
	    "weights", &w, &n) == DDI_PROP_SUCCESS) {
		ilconf_cfg.ci_nweights = (int32_t)n;
		for (i = 0; i < n; i++)
			ilconf_cfg.ci_weights_sum += w[i];
		ddi_prop_free(w);
	}

	ilconf_cfg.ci_verbose_exists = ddi_prop_exists(DDI_DEV_T_ANY, dip,
	    DDI_PROP_DONTPASS, "verbose");
	ilconf_cfg.ci_verbose_value = ddi_getprop(DDI_DEV_T_ANY, dip,
	    DDI_PROP_DONTPASS, "verbose", -1);
}

/* Takes the next client slot. */
static int
ilconf_claim(void)
{
	int slot;

	mutex_enter(&ilconf_lock);
	slot = ilconf_nclients++;
	mutex_exit(&ilconf_lock);
	return (slot);
}

/*ARGSUSED*/
static int
ilconf_open(dev_t *devp, int flag, int otyp, cred_t *cr)
{
	int slot, full;

	if (otyp != OTYP_CHR)
		return (EINVAL);
	if (ilconf_cfg.ci_max_clients == 0)
		return (0);

	mutex_enter(&ilconf_lock);
	full = ilconf_nclients >= ilconf_cfg.ci_max_clients;
	mutex_exit(&ilconf_lock);
	if (full)
		return (EBUSY);

	slot = ilconf_claim();
	ASSERT3S(slot, <, ilconf_cfg.ci_max_clients);
	ilconf_slots[slot].cs_pid = ddi_get_pid();
	ilconf_slots[slot].cs_inuse = 1;
	return (0);
}

/* The last close of /dev/ilconf: no client is left. */
/*ARGSUSED*/
static int
ilconf_close(dev_t dev, int flag, int otyp, cred_t *cr)
{
	int i;

	mutex_enter(&ilconf_lock);
	for (i = 0; i < ilconf_nclients && i < ilconf_cfg.ci_max_clients; i++)
		ilconf_slots[i].cs_inuse = 0;
	ilconf_nclients = 0;
	mutex_exit(&ilconf_lock);
	return (0);
}

/*ARGSUSED*/
static int
ilconf_ioctl(dev_t dev, int cmd, intptr_t arg, int mode, cred_t *cr,
    int *rvalp)
{
	switch (cmd) {
	case ILCONF_INFO:
		if (ddi_copyout(&ilconf_cfg, (void *)arg, sizeof (ilconf_cfg),
		    mode) != 0)
			return (EFAULT);
		return (0);
	default:
		return (ENOTTY);
	}
}

static int
ilconf_attach(dev_info_t *dip, ddi_attach_cmd_t cmd)
{
	if (cmd != DDI_ATTACH)
		return (DDI_FAILURE);

	ilconf_read_config(dip);
	if (ilconf_cfg.ci_max_clients > 0)
		ilconf_slots = kmem_zalloc(ilconf_cfg.ci_max_clients *
		    sizeof (ilconf_slot_t), KM_SLEEP);
	ilconf_nclients = 0;
	if (ddi_create_minor_node(dip, "ilconf", S_IFCHR,
	    ddi_get_instance(dip), DDI_PSEUDO, 0) == DDI_FAILURE) {
		if (ilconf_slots != NULL)
			kmem_free(ilconf_slots, ilconf_cfg.ci_max_clients *
			    sizeof (ilconf_slot_t));
		ilconf_slots = NULL;
		return (DDI_FAILURE);
	}
	ilconf_dip = dip;
	ddi_report_dev(dip);
	return (DDI_SUCCESS);
}

static int
ilconf_detach(dev_info_t *dip, ddi_detach_cmd_t cmd)
{
	if (cmd != DDI_DETACH)
		return (DDI_FAILURE);
	ddi_remove_minor_node(dip, NULL);
	if (ilconf_slots != NULL)
		kmem_free(ilconf_slots, ilconf_cfg.ci_max_clients *
		    sizeof (ilconf_slot_t));
	ilconf_slots = NULL;
	ilconf_dip = NULL;
	return (DDI_SUCCESS);
}

/*ARGSUSED*/
static int
ilconf_getinfo(dev_info_t *dip, ddi_info_cmd_t infocmd, void *arg,
    void **result)
{
	switch (infocmd) {
	case DDI_INFO_DEVT2DEVINFO:
		*result = ilconf_dip;
		return (DDI_SUCCESS);
	case DDI_INFO_DEVT2INSTANCE:
		*result = (void *)(uintptr_t)getminor((dev_t)arg);
		return (DDI_SUCCESS);
	default:
		return (DDI_FAILURE);
	}
}

static struct cb_ops ilconf_cb_ops = {
	.cb_open =	ilconf_open,
	.cb_close =	ilconf_close,
	.cb_strategy =	nodev,
	.cb_print =	nodev,
	.cb_dump =	nodev,
	.cb_read =	nodev,
	.cb_write =	nodev,
	.cb_ioctl =	ilconf_ioctl,
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

static struct dev_ops ilconf_dev_ops = {
	.devo_rev =		DEVO_REV,
	.devo_refcnt =		0,
	.devo_getinfo =		ilconf_getinfo,
	.devo_identify =	nulldev,
	.devo_probe =		nulldev,
	.devo_attach =		ilconf_attach,
	.devo_detach =		ilconf_detach,
	.devo_reset =		nodev,
	.devo_cb_ops =		&ilconf_cb_ops,
	.devo_bus_ops =		NULL,
	.devo_power =		NULL,
	.devo_quiesce =		ddi_quiesce_not_needed
};

static struct modldrv ilconf_modldrv = {
	.drv_modops =		&mod_driverops,
	.drv_linkinfo =		"driver.conf tunables",
	.drv_dev_ops =		&ilconf_dev_ops
};

static struct modlinkage ilconf_modlinkage = {
	.ml_rev =		MODREV_1,
	.ml_linkage =		{ &ilconf_modldrv, NULL }
};

int
_init(void)
{
	int rv;

	mutex_init(&ilconf_lock, NULL, MUTEX_DRIVER, NULL);
	if ((rv = mod_install(&ilconf_modlinkage)) != 0)
		mutex_destroy(&ilconf_lock);
	return (rv);
}

int
_fini(void)
{
	int rv;

	if ((rv = mod_remove(&ilconf_modlinkage)) == 0)
		mutex_destroy(&ilconf_lock);
	return (rv);
}

int
_info(struct modinfo *modinfop)
{
	return (mod_info(&ilconf_modlinkage, modinfop));
}
