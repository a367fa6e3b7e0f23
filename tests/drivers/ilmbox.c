/*
 * ilmbox: an illumos pseudo driver with chpoll(9E), for the poll tests
 * (tests/python/test_poll.py). A mailbox: MBOX_POST adds a message and
 * pollwakeups the readers, MBOX_TAKE takes one (EAGAIN when empty),
 * MBOX_RESET empties it by replacing the mailbox (the old one freed).
 * The mailbox, with its pollhead, is kmem memory made at attach.
 * chpoll answers POLLIN when a message waits, and otherwise hands back
 * its pollhead (revents 0 and !anyyet), as chpoll(9E) requires.
 *
 * Variant "no_phpp": chpoll never hands back its pollhead, so a poller
 * that found the mailbox empty is never woken by a post.
 * Variant "no_pollhead_clean": MBOX_RESET frees the old mailbox without
 * pollhead_clean, while a poller is still (cached) on its pollhead.
 * Variant "wakeup_locked": MBOX_POST calls pollwakeup holding g.lock,
 * which chpoll takes: a poller woken by an earlier post calls chpoll
 * again holding its poll cache lock, and the two deadlock (pollwakeup(9F):
 * no driver lock may be held across it).
 */
#include <sys/types.h>
#include <sys/errno.h>
#include <sys/stat.h>
#include <sys/conf.h>
#include <sys/devops.h>
#include <sys/modctl.h>
#include <sys/ksynch.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>
#include <sys/poll.h>
#include <sys/kmem.h>
#include <sys/kernsim.h>

#define	MBOX_POST	0x6d01
#define	MBOX_TAKE	0x6d02
#define	MBOX_RESET	0x6d03

typedef struct mbox {
	int		mb_count;
	struct pollhead	mb_ph;
} mbox_t;

static struct {
	kmutex_t	lock;	/* mb and its count */
	mbox_t		*mb;
} g;

static int
mbox_open(dev_t *devp, int flag, int otyp, cred_t *cr)
{
	return (0);
}

static int
mbox_close(dev_t dev, int flag, int otyp, cred_t *cr)
{
	return (0);
}

static int
mbox_chpoll(dev_t dev, short events, int anyyet, short *reventsp, struct pollhead **phpp)
{
	short revents = 0;

	mutex_enter(&g.lock);
	if (g.mb->mb_count > 0)
		revents = events & (POLLIN | POLLRDNORM);
	*reventsp = revents;
	if (revents == 0 && !anyyet && !KS_VARIANT("ilmbox", "no_phpp"))
		*phpp = &g.mb->mb_ph;
	mutex_exit(&g.lock);
	return (0);
}

static int
mbox_ioctl(dev_t dev, int cmd, intptr_t arg, int mode, cred_t *cr, int *rvalp)
{
	mbox_t *old, *mb;

	switch (cmd) {
	case MBOX_POST:
		mutex_enter(&g.lock);
		g.mb->mb_count++;
		mb = g.mb;
		if (KS_VARIANT("ilmbox", "wakeup_locked")) {
			pollwakeup(&mb->mb_ph, POLLIN | POLLRDNORM);
			mutex_exit(&g.lock);
			return (0);
		}
		mutex_exit(&g.lock);
		/* not under g.lock: chpoll takes it (pollwakeup(9F)) */
		pollwakeup(&mb->mb_ph, POLLIN | POLLRDNORM);
		return (0);
	case MBOX_TAKE:
		mutex_enter(&g.lock);
		if (g.mb->mb_count == 0) {
			mutex_exit(&g.lock);
			return (EAGAIN);
		}
		g.mb->mb_count--;
		mutex_exit(&g.lock);
		return (0);
	case MBOX_RESET:
		mb = kmem_zalloc(sizeof (*mb), KM_SLEEP);
		mutex_enter(&g.lock);
		old = g.mb;
		g.mb = mb;
		mutex_exit(&g.lock);
		if (!KS_VARIANT("ilmbox", "no_pollhead_clean"))
			pollhead_clean(&old->mb_ph);
		kmem_free(old, sizeof (*old));
		return (0);
	}
	return (ENOTTY);
}

static int
mbox_attach(dev_info_t *dip, ddi_attach_cmd_t cmd)
{
	if (cmd != DDI_ATTACH)
		return (DDI_FAILURE);
	g.mb = kmem_zalloc(sizeof (mbox_t), KM_SLEEP);
	return (ddi_create_minor_node(dip, "ilmbox", S_IFCHR, 0, DDI_PSEUDO, 0));
}

static int
mbox_detach(dev_info_t *dip, ddi_detach_cmd_t cmd)
{
	ddi_remove_minor_node(dip, NULL);
	pollhead_clean(&g.mb->mb_ph);
	kmem_free(g.mb, sizeof (mbox_t));
	g.mb = NULL;
	return (DDI_SUCCESS);
}

static struct cb_ops mbox_cb_ops = {
	.cb_open = mbox_open, .cb_close = mbox_close, .cb_strategy = nodev,
	.cb_read = nodev, .cb_write = nodev, .cb_ioctl = mbox_ioctl,
	.cb_chpoll = mbox_chpoll, .cb_flag = D_MP, .cb_rev = CB_REV,
};

static struct dev_ops mbox_dev_ops = {
	.devo_rev = DEVO_REV, .devo_attach = mbox_attach,
	.devo_detach = mbox_detach, .devo_cb_ops = &mbox_cb_ops,
};

static struct modldrv mbox_modldrv = { &mod_driverops, "ilmbox", &mbox_dev_ops };
static struct modlinkage mbox_modlinkage = { MODREV_1, { &mbox_modldrv, NULL } };

int
_init(void)
{
	mutex_init(&g.lock, NULL, MUTEX_DRIVER, NULL);
	return (mod_install(&mbox_modlinkage));
}

int
_fini(void)
{
	int error = mod_remove(&mbox_modlinkage);

	if (error == 0)
		mutex_destroy(&g.lock);
	return (error);
}

int
_info(struct modinfo *mi)
{
	return (mod_info(&mbox_modlinkage, mi));
}

static const char *const mbox_variants[] = {
	"no_phpp", "chpoll does not hand back its pollhead when nothing is ready",
	"no_pollhead_clean", "MBOX_RESET frees a pollhead a poller is still on",
	"wakeup_locked", "MBOX_POST calls pollwakeup holding the lock chpoll takes",
	NULL, NULL,
};
KS_ILLUMOS_DRIVER(ilmbox, mbox_variants);
