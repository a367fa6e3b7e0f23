/*
 * fbpriv: a FreeBSD character device that keeps per-open state as modern
 * FreeBSD drivers do, with devfs_set_cdevpriv(9): each open gets a record
 * (its id, its read cursor into a shared log) that d_ioctl and d_read find
 * with devfs_get_cdevpriv, and whose destructor unlinks and frees it when
 * the open goes away. For tests/python/test_freebsd_kpi.py.
 *
 * d_open refuses a third concurrent open with EBUSY after it set the
 * record: the kernel runs the destructor (else the record would leak).
 * FBPRIV_ID answers the open's id; FBPRIV_OPENS the number of live opens;
 * FBPRIV_CLEAR drops the record early (devfs_clear_cdevpriv), after which
 * FBPRIV_ID fails with ENOENT. A write appends to the log; a read returns
 * what this open has not read yet.
 *
 * Variant "id_in_softc": the open's id is kept in the softc, as drivers
 * written before cdevpriv did: a second open between an open and its
 * FBPRIV_ID hands the first the second's id.
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
#include <sys/kernsim.h>

#define	FBPRIV_ID	_IOR('P', 1, int)
#define	FBPRIV_OPENS	_IOR('P', 2, int)
#define	FBPRIV_CLEAR	_IO('P', 3)
#define	FBPRIV_LOG	256
#define	FBPRIV_MAXOPEN	2

MALLOC_DEFINE(M_FBPRIV, "fbpriv", "fbpriv per-open records");

struct fbpriv_open {
	LIST_ENTRY(fbpriv_open) link;
	int	id;
	int	cursor;		/* bytes of the log this open has read */
};

static struct {
	struct mtx	mtx;
	LIST_HEAD(, fbpriv_open) opens;
	int		nopen, next_id, last_id;
	char		log[FBPRIV_LOG];
	int		len;
} sc;

static struct cdev *fbpriv_dev;

static void
fbpriv_dtor(void *data)
{
	struct fbpriv_open *op = data;

	mtx_lock(&sc.mtx);
	LIST_REMOVE(op, link);
	sc.nopen--;
	mtx_unlock(&sc.mtx);
	free(op, M_FBPRIV);
}

static int
fbpriv_open(struct cdev *dev, int oflags, int devtype, struct thread *td)
{
	struct fbpriv_open *op;
	int error;

	op = malloc(sizeof (*op), M_FBPRIV, M_WAITOK | M_ZERO);
	mtx_lock(&sc.mtx);
	op->id = ++sc.next_id;
	sc.last_id = op->id;
	LIST_INSERT_HEAD(&sc.opens, op, link);
	sc.nopen++;
	mtx_unlock(&sc.mtx);
	if ((error = devfs_set_cdevpriv(op, fbpriv_dtor)) != 0) {
		fbpriv_dtor(op);
		return (error);
	}
	/* Refused after the record was set: the kernel destroys it. */
	mtx_lock(&sc.mtx);
	error = sc.nopen > FBPRIV_MAXOPEN ? EBUSY : 0;
	mtx_unlock(&sc.mtx);
	return (error);
}

static int
fbpriv_ioctl(struct cdev *dev, u_long cmd, caddr_t data, int fflag, struct thread *td)
{
	struct fbpriv_open *op;
	int error;

	switch (cmd) {
	case FBPRIV_ID:
		if ((error = devfs_get_cdevpriv((void **)&op)) != 0)
			return (error);
		*(int *)data = KS_VARIANT("fbpriv", "id_in_softc") ? sc.last_id : op->id;
		return (0);
	case FBPRIV_OPENS:
		mtx_lock(&sc.mtx);
		*(int *)data = sc.nopen;
		mtx_unlock(&sc.mtx);
		return (0);
	case FBPRIV_CLEAR:
		devfs_clear_cdevpriv();
		return (0);
	}
	return (ENOTTY);
}

static int
fbpriv_read(struct cdev *dev, struct uio *uio, int ioflag)
{
	struct fbpriv_open *op;
	char tmp[FBPRIV_LOG];
	int error, n;

	if ((error = devfs_get_cdevpriv((void **)&op)) != 0)
		return (error);
	mtx_lock(&sc.mtx);
	n = MIN(sc.len - op->cursor, (int)uio->uio_resid);
	memcpy(tmp, sc.log + op->cursor, n);
	op->cursor += n;
	mtx_unlock(&sc.mtx);
	return (uiomove(tmp, n, uio));
}

static int
fbpriv_write(struct cdev *dev, struct uio *uio, int ioflag)
{
	char tmp[FBPRIV_LOG];
	int error, n;

	n = MIN((int)uio->uio_resid, FBPRIV_LOG);
	if ((error = uiomove(tmp, n, uio)) != 0)
		return (error);
	mtx_lock(&sc.mtx);
	n = MIN(n, FBPRIV_LOG - sc.len);
	memcpy(sc.log + sc.len, tmp, n);
	sc.len += n;
	mtx_unlock(&sc.mtx);
	return (0);
}

static struct cdevsw fbpriv_cdevsw = {
	.d_version =	D_VERSION,
	.d_open =	fbpriv_open,
	.d_read =	fbpriv_read,
	.d_write =	fbpriv_write,
	.d_ioctl =	fbpriv_ioctl,
	.d_name =	"fbpriv",
};

static int
fbpriv_modevent(module_t mod, int what, void *arg)
{
	switch (what) {
	case MOD_LOAD:
		mtx_init(&sc.mtx, "fbpriv", NULL, MTX_DEF);
		LIST_INIT(&sc.opens);
		/* Not inside a d_* method: no open to keep it on. */
		if (devfs_set_cdevpriv(&sc, NULL) != ENOENT)
			panic("fbpriv: devfs_set_cdevpriv outside a method succeeded");
		fbpriv_dev = make_dev(&fbpriv_cdevsw, 0, UID_ROOT, GID_WHEEL, 0666, "fbpriv");
		return (0);
	case MOD_UNLOAD:
		destroy_dev(fbpriv_dev);
		KASSERT(LIST_EMPTY(&sc.opens), ("fbpriv: opens left at unload"));
		mtx_destroy(&sc.mtx);
		return (0);
	}
	return (EOPNOTSUPP);
}

static moduledata_t fbpriv_mod = { "fbpriv", fbpriv_modevent, NULL };
static const char *const fbpriv_variants[] = {
	"id_in_softc", "the open's id is kept in the softc, not in the open's record",
	NULL, NULL,
};
KS_FREEBSD_DRIVER(fbpriv, fbpriv_variants, fbpriv_mod);
