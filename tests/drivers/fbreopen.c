/*-
 * fbreopen: a device whose buffer lives from the first open to the last
 * close.  d_open makes it if there is none; d_close (called by devfs at
 * the last close only) takes it away; read(2) returns its first bytes.
 *
 * On FreeBSD an open may enter d_open while the last close's d_close
 * runs: devfs drops the vnode lock around both and orders them no other
 * way.  So an open that finds the old buffer can have it taken by the
 * d_close of the close before it, and its read finds none.
 *
 * Build-time switch (for the test suite):
 *   -DREOPEN_TRACKCLOSE  the fix: D_TRACKCLOSE, d_close at every close,
 *                   and the driver counts its opens under its mutex.
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

MALLOC_DEFINE(M_FBREOPEN, "fbreopen", "fbreopen buffer");

#define	REOPEN_BUFSZ	16

static struct mtx reopen_mtx;
static char *reopen_buf;	/* under reopen_mtx */
#ifdef REOPEN_TRACKCLOSE
static int reopen_opens;	/* under reopen_mtx */
#endif
static struct cdev *reopen_dev;

static int
reopen_open(struct cdev *dev, int oflags, int devtype, struct thread *td)
{
	char *b;

	b = malloc(REOPEN_BUFSZ, M_FBREOPEN, M_WAITOK | M_ZERO);
	strlcpy(b, "fbreopen", REOPEN_BUFSZ);
	mtx_lock(&reopen_mtx);
#ifdef REOPEN_TRACKCLOSE
	reopen_opens++;
#endif
	if (reopen_buf == NULL) {
		reopen_buf = b;
		b = NULL;
	}
	mtx_unlock(&reopen_mtx);
	free(b, M_FBREOPEN);
	return (0);
}

static int
reopen_close(struct cdev *dev, int fflag, int devtype, struct thread *td)
{
	char *b = NULL;

	mtx_lock(&reopen_mtx);
#ifdef REOPEN_TRACKCLOSE
	if (--reopen_opens == 0) {
		b = reopen_buf;
		reopen_buf = NULL;
	}
#else
	b = reopen_buf;
	reopen_buf = NULL;
#endif
	mtx_unlock(&reopen_mtx);
	free(b, M_FBREOPEN);
	return (0);
}

static int
reopen_read(struct cdev *dev, struct uio *uio, int ioflag)
{
	char tmp[REOPEN_BUFSZ];

	mtx_lock(&reopen_mtx);
	KASSERT(reopen_buf != NULL, ("fbreopen: read on an open with no buffer"));
	memcpy(tmp, reopen_buf, sizeof(tmp));
	mtx_unlock(&reopen_mtx);
	return (uiomove(tmp, MIN(uio->uio_resid, (ssize_t)sizeof(tmp)), uio));
}

static struct cdevsw reopen_cdevsw = {
	.d_version =	D_VERSION,
#ifdef REOPEN_TRACKCLOSE
	.d_flags =	D_TRACKCLOSE,
#endif
	.d_open =	reopen_open,
	.d_close =	reopen_close,
	.d_read =	reopen_read,
	.d_name =	"fbreopen",
};

static int
reopen_modevent(module_t mod, int type, void *data)
{
	switch (type) {
	case MOD_LOAD:
		mtx_init(&reopen_mtx, "fbreopen", NULL, MTX_DEF);
		reopen_dev = make_dev(&reopen_cdevsw, 0, UID_ROOT, GID_WHEEL, 0666,
		    "fbreopen");
		return (0);
	case MOD_UNLOAD:
		destroy_dev(reopen_dev);
		free(reopen_buf, M_FBREOPEN);
		mtx_destroy(&reopen_mtx);
		return (0);
	default:
		return (EOPNOTSUPP);
	}
}

DEV_MODULE(fbreopen, reopen_modevent, NULL);
