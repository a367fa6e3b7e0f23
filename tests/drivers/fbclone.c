/*-
 * fbclone: a cloning pseudo device, as FreeBSD's tap(4) and snp(4) did
 * theirs.  Opening /dev/fbclone makes the lowest free unit; opening
 * /dev/fbcloneN makes unit N if it does not exist.  The dev_clone handler
 * parses the name with dev_stdclone, asks clone_create for the unit, and
 * for a new one allocates the unit's softc and names the cdev with
 * make_dev_credf(MAKEDEV_REF), returning it with the reference devfs drops.
 * Each unit keeps a small buffer: write(2) replaces it, read(2) returns it,
 * FBCLONE_UNIT answers the unit number.  MOD_UNLOAD deregisters the
 * handler, waits for handlers still running, destroys the clones and
 * frees the softcs.
 *
 * Build-time bug switch (for the test suite):
 *   -DCLONE_BUG_NOREF  the handler hands back the cdev clone_create found
 *                      ("already exists", 0) without a reference of its
 *                      own: two opens of one new name at once make devfs
 *                      drop a reference nobody took.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/module.h>
#include <sys/conf.h>
#include <sys/uio.h>
#include <sys/malloc.h>
#include <sys/lock.h>
#include <sys/mutex.h>
#include <sys/queue.h>
#include <sys/ioccom.h>
#include <sys/eventhandler.h>

#define	FBCLONE_UNIT	_IOR('C', 1, int)
#define	FBCLONE_BUFSZ	64

MALLOC_DEFINE(M_FBCLONE, "fbclone", "fbclone units");

struct fbclone_softc {
	LIST_ENTRY(fbclone_softc) link;
	struct mtx	mtx;
	int		unit;
	int		len;
	char		buf[FBCLONE_BUFSZ];
};

static d_open_t		fbclone_open;
static d_read_t		fbclone_read;
static d_write_t	fbclone_write;
static d_ioctl_t	fbclone_ioctl;

static struct cdevsw fbclone_cdevsw = {
	.d_version =	D_VERSION,
	.d_flags =	D_NEEDMINOR,
	.d_open =	fbclone_open,
	.d_read =	fbclone_read,
	.d_write =	fbclone_write,
	.d_ioctl =	fbclone_ioctl,
	.d_name =	"fbclone",
};

static struct clonedevs *fbclone_clones;
static eventhandler_tag fbclone_tag;
static struct mtx fbclone_list_mtx;
static LIST_HEAD(, fbclone_softc) fbclone_units =
    LIST_HEAD_INITIALIZER(fbclone_units);

static void
fbclone_clone(void *arg, struct ucred *cred, char *name, int namelen,
    struct cdev **dev)
{
	struct fbclone_softc *sc;
	int unit;

	if (*dev != NULL)
		return;
	if (strcmp(name, "fbclone") == 0)
		unit = -1;
	else if (dev_stdclone(name, NULL, "fbclone", &unit) != 1)
		return;

	if (clone_create(&fbclone_clones, &fbclone_cdevsw, &unit, dev, 0) == 0) {
		/* Another open made this unit: hand it back, referenced. */
#ifndef CLONE_BUG_NOREF
		if (*dev != NULL)
			dev_ref(*dev);
#endif
		return;
	}
	sc = malloc(sizeof(*sc), M_FBCLONE, M_WAITOK | M_ZERO);
	mtx_init(&sc->mtx, "fbclone unit", NULL, MTX_DEF);
	sc->unit = unit;
	mtx_lock(&fbclone_list_mtx);
	LIST_INSERT_HEAD(&fbclone_units, sc, link);
	mtx_unlock(&fbclone_list_mtx);
	*dev = make_dev_credf(MAKEDEV_REF, &fbclone_cdevsw, unit, cred,
	    UID_ROOT, GID_WHEEL, 0600, "fbclone%d", unit);
	if (*dev != NULL)
		(*dev)->si_drv1 = sc;
}

static int
fbclone_open(struct cdev *dev, int oflags, int devtype, struct thread *td)
{
	if (dev->si_drv1 == NULL)
		return (ENXIO);
	return (0);
}

static int
fbclone_read(struct cdev *dev, struct uio *uio, int ioflag)
{
	struct fbclone_softc *sc = dev->si_drv1;
	char tmp[FBCLONE_BUFSZ];
	int len;

	mtx_lock(&sc->mtx);
	len = sc->len;
	memcpy(tmp, sc->buf, len);
	mtx_unlock(&sc->mtx);
	return (uiomove_frombuf(tmp, len, uio));
}

static int
fbclone_write(struct cdev *dev, struct uio *uio, int ioflag)
{
	struct fbclone_softc *sc = dev->si_drv1;
	char tmp[FBCLONE_BUFSZ];
	int len, error;

	len = MIN(uio->uio_resid, FBCLONE_BUFSZ);
	if ((error = uiomove(tmp, len, uio)) != 0)
		return (error);
	mtx_lock(&sc->mtx);
	memcpy(sc->buf, tmp, len);
	sc->len = len;
	mtx_unlock(&sc->mtx);
	return (0);
}

static int
fbclone_ioctl(struct cdev *dev, u_long cmd, caddr_t data, int fflag,
    struct thread *td)
{
	struct fbclone_softc *sc = dev->si_drv1;

	switch (cmd) {
	case FBCLONE_UNIT:
		*(int *)data = sc->unit;
		return (0);
	}
	return (ENOTTY);
}

static int
fbclone_modevent(module_t mod, int type, void *data)
{
	struct fbclone_softc *sc;

	switch (type) {
	case MOD_LOAD:
		mtx_init(&fbclone_list_mtx, "fbclone units", NULL, MTX_DEF);
		clone_setup(&fbclone_clones);
		fbclone_tag = EVENTHANDLER_REGISTER(dev_clone, fbclone_clone, 0,
		    1000);
		if (fbclone_tag == NULL) {
			clone_cleanup(&fbclone_clones);
			mtx_destroy(&fbclone_list_mtx);
			return (ENOMEM);
		}
		return (0);
	case MOD_UNLOAD:
		EVENTHANDLER_DEREGISTER(dev_clone, fbclone_tag);
		drain_dev_clone_events();
		clone_cleanup(&fbclone_clones);
		destroy_dev_drain(&fbclone_cdevsw);
		while ((sc = LIST_FIRST(&fbclone_units)) != NULL) {
			LIST_REMOVE(sc, link);
			mtx_destroy(&sc->mtx);
			free(sc, M_FBCLONE);
		}
		mtx_destroy(&fbclone_list_mtx);
		return (0);
	default:
		return (EOPNOTSUPP);
	}
}

DEV_MODULE(fbclone, fbclone_modevent, NULL);
