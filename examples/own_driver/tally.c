/*
 * tally: an illumos pseudo driver built outside kernsim's tree (README, "Run
 * your own driver"). TALLY_BUMP adds one to a count and returns the new
 * count. The count is a global that _init leaves alone: every load of the
 * module starts it at 0, as a real modload of the file does.
 *
 * Variant split_bump: the bump reads the count under the lock and writes it
 * back under a second hold of it, so two bumps can write the same value.
 * Built with -D FIXED, the variant's code is compiled out (a fixed twin
 * that can be loaded beside this build).
 */
#include <sys/types.h>
#include <sys/errno.h>
#include <sys/stat.h>
#include <sys/conf.h>
#include <sys/devops.h>
#include <sys/modctl.h>
#include <sys/ksynch.h>
#include <sys/mutex.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>
#include <sys/kernsim.h>

#define	TALLY_BUMP	0x7401

static kmutex_t tally_lock;
static int tally;

static int
tally_open(dev_t *devp, int flag, int otyp, cred_t *cr)
{
	return (0);
}

static int
tally_close(dev_t dev, int flag, int otyp, cred_t *cr)
{
	return (0);
}

static int
tally_ioctl(dev_t dev, int cmd, intptr_t arg, int mode, cred_t *cr, int *rvalp)
{
	int v;

	if (cmd != TALLY_BUMP)
		return (ENOTTY);
	mutex_enter(&tally_lock);
	v = tally;
#ifndef FIXED
	if (KS_VARIANT("tally", "split_bump")) {
		mutex_exit(&tally_lock);
		mutex_enter(&tally_lock);
	}
#endif
	tally = v + 1;
	*rvalp = tally;
	mutex_exit(&tally_lock);
	return (0);
}

static int
tally_attach(dev_info_t *dip, ddi_attach_cmd_t cmd)
{
	if (cmd != DDI_ATTACH)
		return (DDI_FAILURE);
	return (ddi_create_minor_node(dip, "tally", S_IFCHR, 0, DDI_PSEUDO, 0));
}

static int
tally_detach(dev_info_t *dip, ddi_detach_cmd_t cmd)
{
	ddi_remove_minor_node(dip, NULL);
	return (DDI_SUCCESS);
}

static struct cb_ops tally_cb_ops = {
	.cb_open = tally_open, .cb_close = tally_close, .cb_strategy = nodev,
	.cb_read = nodev, .cb_write = nodev, .cb_ioctl = tally_ioctl,
	.cb_flag = D_MP, .cb_rev = CB_REV,
};

static struct dev_ops tally_dev_ops = {
	.devo_rev = DEVO_REV, .devo_attach = tally_attach,
	.devo_detach = tally_detach, .devo_cb_ops = &tally_cb_ops,
};

static struct modldrv tally_modldrv = { &mod_driverops, "tally", &tally_dev_ops };
static struct modlinkage tally_modlinkage = { MODREV_1, { &tally_modldrv, NULL } };

int
_init(void)
{
	mutex_init(&tally_lock, NULL, MUTEX_DRIVER, NULL);
	return (mod_install(&tally_modlinkage));
}

int
_fini(void)
{
	int error = mod_remove(&tally_modlinkage);

	if (error == 0)
		mutex_destroy(&tally_lock);
	return (error);
}

int
_info(struct modinfo *mi)
{
	return (mod_info(&tally_modlinkage, mi));
}

static const char *const tally_variants[] = {
	"split_bump", "two bumps can both write the same count (a lost update)",
	NULL, NULL,
};
KS_ILLUMOS_DRIVER(tally, tally_variants);
