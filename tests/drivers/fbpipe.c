/*-
 * fbpipe: a message pipe with a worker.  A write(2) is one message; a
 * private taskqueue thread "cooks" each written message (upper-cases it)
 * and moves it to the ready queue, where read(2) takes whole messages.
 * Readers wait on a condvar (cv_wait_sig / cv_timedwait_sig with the
 * timeout set by PIPE_SETTIMEO); writers wait for room with mtx_sleep and
 * are woken one at a time (wakeup_one).  The limits sit behind an rwlock.
 * It unloads while open: sleepers are woken to leave with ENXIO and
 * destroy_dev waits for the threads still inside the methods.
 *
 * Build-time bug switches (for the test suite):
 *   -DPIPE_BUG_IF   the reader tests for a message with "if", not "while":
 *                   with two readers, the one woken second finds none.
 *   -DPIPE_BUG_RWSLEEP the writer holds the config rwlock across its
 *                   malloc(M_WAITOK).
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
#include <sys/rwlock.h>
#include <sys/condvar.h>
#include <sys/queue.h>
#include <sys/taskqueue.h>
#include <sys/priority.h>
#include <sys/fcntl.h>
#include <sys/ioccom.h>
#include <sys/proc.h>
#include <sys/ctype.h>

#define	PIPE_SETTIMEO	_IOW('P', 1, int)	/* read timeout, ms; 0: none */
#define	PIPE_SETMAX	_IOW('P', 2, int)	/* queue depth */
#define	PIPE_NREADY	_IOR('P', 3, int)

#define	PIPE_MSGMAX	128

MALLOC_DEFINE(M_FBPIPE, "fbpipe", "fbpipe messages");

struct pipe_msg {
	STAILQ_ENTRY(pipe_msg) pm_link;
	size_t		pm_len;
	char		pm_data[];
};
STAILQ_HEAD(pipe_msgq, pipe_msg);

struct pipe_softc {
	struct mtx	sc_mtx;
	struct cv	sc_readcv;
	struct rwlock	sc_cfglock;
	struct pipe_msgq sc_raw;	/* written, not yet cooked */
	struct pipe_msgq sc_ready;
	int		sc_queued;	/* raw + ready */
	int		sc_max;		/* under sc_cfglock */
	int		sc_timeo;	/* ticks, under sc_cfglock */
	int		sc_opens;
	int		sc_dying;	/* unloading: sleepers leave with ENXIO */
	struct taskqueue *sc_tq;
	struct task	sc_cooktask;
	struct cdev	*sc_dev;
};

static struct pipe_softc *pipe_sc;

static d_open_t		pipe_open;
static d_close_t	pipe_close;
static d_read_t		pipe_read;
static d_write_t	pipe_write;
static d_ioctl_t	pipe_ioctl;

static struct cdevsw pipe_cdevsw = {
	.d_version =	D_VERSION,
	.d_flags =	D_TRACKCLOSE,
	.d_open =	pipe_open,
	.d_close =	pipe_close,
	.d_read =	pipe_read,
	.d_write =	pipe_write,
	.d_ioctl =	pipe_ioctl,
	.d_name =	"fbpipe",
};

static void
pipe_flush(struct pipe_msgq *q)
{
	struct pipe_msg *pm;

	while ((pm = STAILQ_FIRST(q)) != NULL) {
		STAILQ_REMOVE_HEAD(q, pm_link);
		free(pm, M_FBPIPE);
	}
}

static void
pipe_cook(void *arg, int pending __unused)
{
	struct pipe_softc *sc = arg;
	struct pipe_msg *pm;
	size_t i;

	mtx_lock(&sc->sc_mtx);
	while ((pm = STAILQ_FIRST(&sc->sc_raw)) != NULL) {
		STAILQ_REMOVE_HEAD(&sc->sc_raw, pm_link);
		mtx_unlock(&sc->sc_mtx);
		for (i = 0; i < pm->pm_len; i++)
			pm->pm_data[i] = toupper((unsigned char)pm->pm_data[i]);
		mtx_lock(&sc->sc_mtx);
		STAILQ_INSERT_TAIL(&sc->sc_ready, pm, pm_link);
		cv_broadcast(&sc->sc_readcv);
	}
	mtx_unlock(&sc->sc_mtx);
}

static int
pipe_open(struct cdev *dev, int oflags, int devtype, struct thread *td)
{
	struct pipe_softc *sc = dev->si_drv1;

	mtx_lock(&sc->sc_mtx);
	if (sc->sc_dying) {
		mtx_unlock(&sc->sc_mtx);
		return (ENXIO);
	}
	sc->sc_opens++;
	mtx_unlock(&sc->sc_mtx);
	return (0);
}

/*
 * Every close (D_TRACKCLOSE); the last one, counted under the mutex,
 * drops whatever nobody will read.  devfs's own "last close" would not
 * do: an open and its writes can come in while that d_close runs.
 */
static int
pipe_close(struct cdev *dev, int fflag, int devtype, struct thread *td)
{
	struct pipe_softc *sc = dev->si_drv1;

	mtx_lock(&sc->sc_mtx);
	if (--sc->sc_opens > 0) {
		mtx_unlock(&sc->sc_mtx);
		return (0);
	}
	mtx_unlock(&sc->sc_mtx);
	taskqueue_drain(sc->sc_tq, &sc->sc_cooktask);
	mtx_lock(&sc->sc_mtx);
	if (sc->sc_opens > 0) {		/* reopened meanwhile: keep it all */
		mtx_unlock(&sc->sc_mtx);
		return (0);
	}
	pipe_flush(&sc->sc_raw);
	pipe_flush(&sc->sc_ready);
	sc->sc_queued = 0;
	mtx_unlock(&sc->sc_mtx);
	return (0);
}

static int
pipe_read(struct cdev *dev, struct uio *uio, int ioflag)
{
	struct pipe_softc *sc = dev->si_drv1;
	struct pipe_msg *pm;
	int error = 0, timo;

	KASSERT(uio->uio_rw == UIO_READ, ("pipe_read: not a read"));
	rw_rlock(&sc->sc_cfglock);
	timo = sc->sc_timeo;
	rw_runlock(&sc->sc_cfglock);

	mtx_lock(&sc->sc_mtx);
#ifdef PIPE_BUG_IF
	if (STAILQ_EMPTY(&sc->sc_ready)) {
#else
	while (STAILQ_EMPTY(&sc->sc_ready)) {
#endif
		if (sc->sc_dying) {
			error = ENXIO;
			goto out;
		}
		if (ioflag & O_NONBLOCK) {
			error = EAGAIN;
			goto out;
		}
		if (timo > 0)
			error = cv_timedwait_sig(&sc->sc_readcv, &sc->sc_mtx, timo);
		else
			error = cv_wait_sig(&sc->sc_readcv, &sc->sc_mtx);
		if (error != 0)
			goto out;
	}
	pm = STAILQ_FIRST(&sc->sc_ready);
	KASSERT(pm != NULL, ("pipe_read: woken with no message"));
	STAILQ_REMOVE_HEAD(&sc->sc_ready, pm_link);
	sc->sc_queued--;
	wakeup_one(&sc->sc_queued);
	mtx_unlock(&sc->sc_mtx);

	error = uiomove(pm->pm_data, MIN((size_t)uio->uio_resid, pm->pm_len),
	    uio);
	free(pm, M_FBPIPE);
	return (error);
out:
	mtx_unlock(&sc->sc_mtx);
	return (error);
}

static int
pipe_write(struct cdev *dev, struct uio *uio, int ioflag)
{
	struct pipe_softc *sc = dev->si_drv1;
	struct pipe_msg *pm;
	size_t len;
	int error, max;

	len = uio->uio_resid;
	if (len == 0)
		return (0);
	if (len > PIPE_MSGMAX)
		return (EMSGSIZE);
#ifdef PIPE_BUG_RWSLEEP
	rw_rlock(&sc->sc_cfglock);	/* held across a sleeping malloc */
	pm = malloc(sizeof(*pm) + len, M_FBPIPE, M_WAITOK);
	rw_runlock(&sc->sc_cfglock);
#else
	pm = malloc(sizeof(*pm) + len, M_FBPIPE, M_WAITOK);
#endif
	pm->pm_len = len;
	error = uiomove(pm->pm_data, len, uio);
	if (error != 0) {
		free(pm, M_FBPIPE);
		return (error);
	}

	mtx_lock(&sc->sc_mtx);
	for (;;) {
		rw_rlock(&sc->sc_cfglock);
		max = sc->sc_max;
		rw_runlock(&sc->sc_cfglock);
		if (sc->sc_dying) {
			error = ENXIO;
			break;
		}
		if (sc->sc_queued < max)
			break;
		if (ioflag & O_NONBLOCK) {
			error = EWOULDBLOCK;
			break;
		}
		error = mtx_sleep(&sc->sc_queued, &sc->sc_mtx, PCATCH | PZERO,
		    "pipewr", 0);
		if (error != 0)
			break;
	}
	if (error != 0) {
		mtx_unlock(&sc->sc_mtx);
		/* Nothing was queued: the data goes back to the caller. */
		uio->uio_resid += len;
		uio->uio_offset -= len;
		free(pm, M_FBPIPE);
		return (error);
	}
	STAILQ_INSERT_TAIL(&sc->sc_raw, pm, pm_link);
	sc->sc_queued++;
	taskqueue_enqueue(sc->sc_tq, &sc->sc_cooktask);
	mtx_unlock(&sc->sc_mtx);
	return (0);
}

static int
pipe_ioctl(struct cdev *dev, u_long cmd, caddr_t data, int fflag,
    struct thread *td)
{
	struct pipe_softc *sc = dev->si_drv1;
	int v;

	switch (cmd) {
	case PIPE_SETTIMEO:
		v = *(int *)data;
		if (v < 0)
			return (EINVAL);
		rw_wlock(&sc->sc_cfglock);
		sc->sc_timeo = (v * hz + 999) / 1000;
		rw_wunlock(&sc->sc_cfglock);
		return (0);
	case PIPE_SETMAX:
		v = *(int *)data;
		if (v < 1 || v > 64)
			return (EINVAL);
		rw_wlock(&sc->sc_cfglock);
		sc->sc_max = v;
		rw_wunlock(&sc->sc_cfglock);
		/* A larger queue may have room for sleeping writers now. */
		wakeup(&sc->sc_queued);
		return (0);
	case PIPE_NREADY:
		mtx_lock(&sc->sc_mtx);
		v = 0;
		{
			struct pipe_msg *pm;

			STAILQ_FOREACH(pm, &sc->sc_ready, pm_link)
				v++;
		}
		mtx_unlock(&sc->sc_mtx);
		*(int *)data = v;
		return (0);
	default:
		return (ENOTTY);
	}
}

static int
pipe_modevent(module_t mod, int type, void *data)
{
	struct pipe_softc *sc;
	int error;

	switch (type) {
	case MOD_LOAD:
		sc = malloc(sizeof(*sc), M_FBPIPE, M_WAITOK | M_ZERO);
		mtx_init(&sc->sc_mtx, "fbpipe", NULL, MTX_DEF);
		cv_init(&sc->sc_readcv, "piperd");
		rw_init(&sc->sc_cfglock, "fbpipe cfg");
		STAILQ_INIT(&sc->sc_raw);
		STAILQ_INIT(&sc->sc_ready);
		sc->sc_max = 4;
		TASK_INIT(&sc->sc_cooktask, 0, pipe_cook, sc);
		sc->sc_tq = taskqueue_create("fbpipe", M_WAITOK,
		    taskqueue_thread_enqueue, &sc->sc_tq);
		error = taskqueue_start_threads(&sc->sc_tq, 1, PWAIT,
		    "fbpipe taskq");
		if (error == 0)
			error = make_dev_p(MAKEDEV_WAITOK, &sc->sc_dev,
			    &pipe_cdevsw, NULL, UID_ROOT, GID_WHEEL, 0666,
			    "fbpipe");
		if (error != 0) {
			taskqueue_free(sc->sc_tq);
			rw_destroy(&sc->sc_cfglock);
			cv_destroy(&sc->sc_readcv);
			mtx_destroy(&sc->sc_mtx);
			free(sc, M_FBPIPE);
			return (error);
		}
		sc->sc_dev->si_drv1 = sc;
		pipe_sc = sc;
		return (0);
	case MOD_UNLOAD:
		/*
		 * Open files may remain: wake every sleeper, which leaves with
		 * ENXIO, and let destroy_dev wait for the threads still inside
		 * our methods; later calls on those files never reach us.
		 */
		sc = pipe_sc;
		mtx_lock(&sc->sc_mtx);
		sc->sc_dying = 1;
		cv_broadcast(&sc->sc_readcv);
		wakeup(&sc->sc_queued);
		mtx_unlock(&sc->sc_mtx);
		destroy_dev(sc->sc_dev);
		taskqueue_drain(sc->sc_tq, &sc->sc_cooktask);
		taskqueue_free(sc->sc_tq);
		pipe_flush(&sc->sc_raw);
		pipe_flush(&sc->sc_ready);
		rw_destroy(&sc->sc_cfglock);
		cv_destroy(&sc->sc_readcv);
		mtx_destroy(&sc->sc_mtx);
		free(sc, M_FBPIPE);
		pipe_sc = NULL;
		return (0);
	case MOD_SHUTDOWN:
		return (0);
	default:
		return (EOPNOTSUPP);
	}
}

DEV_MODULE(fbpipe, pipe_modevent, NULL);
MODULE_VERSION(fbpipe, 1);
