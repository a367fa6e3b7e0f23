/*-
 * fbtick: a periodic event source.  TICK_START arms a callout that posts
 * a numbered event every interval until a given count is reached; each
 * open reads the events posted since it opened (its own cursor, kept with
 * devfs_set_cdevpriv(9)).  Readers block in msleep(9) or poll(2); TICK_WAIT
 * waits for the run's end with msleep_sbt to an absolute deadline.  A run's
 * end is noted by a task on taskqueue_swi, which schedules a summary as a
 * timeout task on taskqueue_thread.
 *
 * Build-time bug switches (for the test suite):
 *   -DTICK_BUG_TSLEEP  the reader tests for data under the lock, drops it
 *                      and then tsleep()s: a wakeup in between is lost.
 *   -DTICK_BUG_NODRAIN the unload forgets the summary timeout task: one
 *                      still armed runs after the module is gone.
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
#include <sys/callout.h>
#include <sys/selinfo.h>
#include <sys/poll.h>
#include <sys/fcntl.h>
#include <sys/ioccom.h>
#include <sys/proc.h>
#include <sys/taskqueue.h>
#include <sys/counter.h>
#include <sys/sysctl.h>
#include <sys/syslog.h>

struct tick_event {
	uint32_t	te_seq;
	uint32_t	te_pad;
	uint64_t	te_sbt;
};

struct tick_stat {
	uint32_t	ts_posted;
	uint32_t	ts_target;
	uint32_t	ts_running;
	uint32_t	ts_readers;
};

#define	TICK_START	_IOW('T', 1, int[2])	/* interval ms, count */
#define	TICK_STOP	_IO('T', 2)
#define	TICK_STAT	_IOR('T', 3, struct tick_stat)
#define	TICK_WAIT	_IOW('T', 4, int)	/* until the run ends, ms */

#define	TICK_RING	16

MALLOC_DEFINE(M_FBTICK, "fbtick", "fbtick driver");

struct tick_softc {
	struct mtx	sc_mtx;
	struct callout	sc_callout;
	struct selinfo	sc_rsel;
	struct cdev	*sc_cdev;
	struct task	sc_donetask;
	struct timeout_task sc_summary;	/* 10 ms after a run ends */
	int		sc_summaries;
	struct tick_event sc_ring[TICK_RING];
	uint32_t	sc_posted;	/* events ever posted */
	uint32_t	sc_target;	/* stop after this many */
	int		sc_interval;	/* ticks */
	int		sc_readers;
	int		sc_opens;	/* counted by d_open/d_close (D_TRACKCLOSE) */
	int		sc_done_logged;
};

struct tick_reader {
	struct tick_softc *tr_sc;
	uint32_t	tr_next;	/* next seq this open reads */
};

static struct tick_softc *tick_sc;
static counter_u64_t tick_reads;

static SYSCTL_NODE(_hw, OID_AUTO, fbtick, CTLFLAG_RD | CTLFLAG_MPSAFE, 0,
    "fbtick driver");
static int tick_verbose = 0;
SYSCTL_INT(_hw_fbtick, OID_AUTO, verbose, CTLFLAG_RWTUN, &tick_verbose, 0,
    "log every completed run");

static d_open_t		tick_open;
static d_close_t	tick_close;
static d_read_t		tick_read;
static d_ioctl_t	tick_ioctl;
static d_poll_t		tick_poll;

static struct cdevsw tick_cdevsw = {
	.d_version =	D_VERSION,
	.d_flags =	D_TRACKCLOSE,
	.d_open =	tick_open,
	.d_close =	tick_close,
	.d_read =	tick_read,
	.d_ioctl =	tick_ioctl,
	.d_poll =	tick_poll,
	.d_name =	"fbtick",
};

static void
tick_done_task(void *arg, int pending __unused)
{
	struct tick_softc *sc = arg;
	uint32_t n;

	mtx_lock(&sc->sc_mtx);
	n = sc->sc_posted;
	sc->sc_done_logged++;
	mtx_unlock(&sc->sc_mtx);
	if (tick_verbose)
		log(LOG_INFO, "fbtick: run complete, %u events\n", n);
	taskqueue_enqueue_timeout(taskqueue_thread, &sc->sc_summary, hz / 100);
}

static void
tick_summary(void *arg, int pending __unused)
{
	struct tick_softc *sc = arg;

	mtx_lock(&sc->sc_mtx);
	sc->sc_summaries++;
	mtx_unlock(&sc->sc_mtx);
}

static void
tick_callout(void *arg)
{
	struct tick_softc *sc = arg;
	struct tick_event *te;

	mtx_assert(&sc->sc_mtx, MA_OWNED);
	if (callout_pending(&sc->sc_callout) || !callout_active(&sc->sc_callout))
		return;		/* rescheduled or stopped meanwhile */
	callout_deactivate(&sc->sc_callout);

	te = &sc->sc_ring[sc->sc_posted % TICK_RING];
	te->te_seq = sc->sc_posted;
	te->te_sbt = (uint64_t)sbinuptime();
	sc->sc_posted++;
	wakeup(sc);
	selwakeup(&sc->sc_rsel);

	if (sc->sc_posted < sc->sc_target)
		callout_reset(&sc->sc_callout, sc->sc_interval, tick_callout, sc);
	else
		taskqueue_enqueue(taskqueue_swi, &sc->sc_donetask);
}

static void
tick_reader_dtor(void *data)
{
	struct tick_reader *tr = data;
	struct tick_softc *sc = tr->tr_sc;

	mtx_lock(&sc->sc_mtx);
	sc->sc_readers--;
	mtx_unlock(&sc->sc_mtx);
	free(tr, M_FBTICK);
}

static int
tick_open(struct cdev *dev, int oflags, int devtype, struct thread *td)
{
	struct tick_softc *sc = dev->si_drv1;
	struct tick_reader *tr;
	int error;

	tr = malloc(sizeof(*tr), M_FBTICK, M_WAITOK | M_ZERO);
	tr->tr_sc = sc;
	mtx_lock(&sc->sc_mtx);
	tr->tr_next = sc->sc_posted;
	sc->sc_readers++;
	sc->sc_opens++;
	mtx_unlock(&sc->sc_mtx);
	error = devfs_set_cdevpriv(tr, tick_reader_dtor);
	if (error != 0) {
		mtx_lock(&sc->sc_mtx);
		sc->sc_readers--;
		sc->sc_opens--;
		mtx_unlock(&sc->sc_mtx);
		free(tr, M_FBTICK);
	}
	return (error);
}

/*
 * D_TRACKCLOSE: every close comes here, and the opens are counted under
 * the mutex.  Without it devfs calls d_close at what it judged the last
 * close, and an open (and its TICK_START) can run while that d_close is
 * still on its way to the mutex: it would stop the new open's run.
 */
static int
tick_close(struct cdev *dev, int fflag, int devtype, struct thread *td)
{
	struct tick_softc *sc = dev->si_drv1;

	mtx_lock(&sc->sc_mtx);
	if (--sc->sc_opens == 0 && callout_stop(&sc->sc_callout) > 0)
		sc->sc_target = sc->sc_posted;
	mtx_unlock(&sc->sc_mtx);
	return (0);
}

static int
tick_read(struct cdev *dev, struct uio *uio, int ioflag)
{
	struct tick_softc *sc = dev->si_drv1;
	struct tick_reader *tr;
	struct tick_event te;
	int error;

	error = devfs_get_cdevpriv((void **)&tr);
	if (error != 0)
		return (error);
	if (uio->uio_resid < (ssize_t)sizeof(te))
		return (EINVAL);

	mtx_lock(&sc->sc_mtx);
	while (tr->tr_next == sc->sc_posted) {
		if (ioflag & O_NONBLOCK) {
			mtx_unlock(&sc->sc_mtx);
			return (EWOULDBLOCK);
		}
#ifdef TICK_BUG_TSLEEP
		mtx_unlock(&sc->sc_mtx);
		error = tsleep(sc, PCATCH, "tickrd", 0);
		mtx_lock(&sc->sc_mtx);
#else
		error = msleep(sc, &sc->sc_mtx, PCATCH, "tickrd", 0);
#endif
		if (error != 0) {
			mtx_unlock(&sc->sc_mtx);
			return (error);
		}
	}
	while (uio->uio_resid >= (ssize_t)sizeof(te) &&
	    tr->tr_next != sc->sc_posted) {
		if (sc->sc_posted - tr->tr_next > TICK_RING)
			tr->tr_next = sc->sc_posted - TICK_RING;	/* overrun */
		te = sc->sc_ring[tr->tr_next % TICK_RING];
		tr->tr_next++;
		/* uiomove may fault the user's page in: not under the mutex */
		mtx_unlock(&sc->sc_mtx);
		error = uiomove(&te, sizeof(te), uio);
		counter_u64_add(tick_reads, 1);
		mtx_lock(&sc->sc_mtx);
		if (error != 0)
			break;
	}
	mtx_unlock(&sc->sc_mtx);
	return (error);
}

static int
tick_ioctl(struct cdev *dev, u_long cmd, caddr_t data, int fflag,
    struct thread *td)
{
	struct tick_softc *sc = dev->si_drv1;
	struct tick_stat *ts;
	sbintime_t deadline;
	int *args;
	int error = 0;

	switch (cmd) {
	case TICK_START:
		args = (int *)data;
		if (args[0] <= 0 || args[1] <= 0)
			return (EINVAL);
		/* a summary of the last run that has not run yet is stale */
		taskqueue_cancel_timeout(taskqueue_thread, &sc->sc_summary, NULL);
		mtx_lock(&sc->sc_mtx);
		if (callout_active(&sc->sc_callout)) {
			mtx_unlock(&sc->sc_mtx);
			return (EBUSY);
		}
		sc->sc_interval = MAX(1, (args[0] * hz) / 1000);
		sc->sc_target = sc->sc_posted + args[1];
		callout_reset_sbt(&sc->sc_callout, SBT_1MS * args[0], 0,
		    tick_callout, sc, 0);
		mtx_unlock(&sc->sc_mtx);
		break;
	case TICK_WAIT:
		if (*(int *)data <= 0)
			return (EINVAL);
		deadline = sbinuptime() + SBT_1MS * *(int *)data;
		mtx_lock(&sc->sc_mtx);
		while (sc->sc_posted < sc->sc_target) {
			error = msleep_sbt(sc, &sc->sc_mtx, PCATCH, "tickwt",
			    deadline, 0, C_ABSOLUTE);
			if (error == EWOULDBLOCK) {
				error = ETIMEDOUT;
				break;
			}
			if (error != 0)
				break;
		}
		mtx_unlock(&sc->sc_mtx);
		break;
	case TICK_STOP:
		mtx_lock(&sc->sc_mtx);
		callout_stop(&sc->sc_callout);
		sc->sc_target = sc->sc_posted;
		mtx_unlock(&sc->sc_mtx);
		break;
	case TICK_STAT:
		ts = (struct tick_stat *)data;
		mtx_lock(&sc->sc_mtx);
		ts->ts_posted = sc->sc_posted;
		ts->ts_target = sc->sc_target;
		ts->ts_running = callout_active(&sc->sc_callout) ? 1 : 0;
		ts->ts_readers = sc->sc_readers;
		mtx_unlock(&sc->sc_mtx);
		break;
	default:
		error = ENOTTY;
		break;
	}
	return (error);
}

static int
tick_poll(struct cdev *dev, int events, struct thread *td)
{
	struct tick_softc *sc = dev->si_drv1;
	struct tick_reader *tr;
	int revents = 0;

	if (devfs_get_cdevpriv((void **)&tr) != 0)
		return (events & (POLLIN | POLLRDNORM)) | POLLHUP;
	mtx_lock(&sc->sc_mtx);
	if (events & (POLLIN | POLLRDNORM)) {
		if (tr->tr_next != sc->sc_posted)
			revents |= events & (POLLIN | POLLRDNORM);
		else
			selrecord(td, &sc->sc_rsel);
	}
	mtx_unlock(&sc->sc_mtx);
	return (revents);
}

static int
tick_modevent(module_t mod, int type, void *data)
{
	struct make_dev_args args;
	struct tick_softc *sc;
	int error = 0;

	switch (type) {
	case MOD_LOAD:
		sc = malloc(sizeof(*sc), M_FBTICK, M_WAITOK | M_ZERO);
		mtx_init(&sc->sc_mtx, "fbtick", NULL, MTX_DEF);
		callout_init_mtx(&sc->sc_callout, &sc->sc_mtx, 0);
		TASK_INIT(&sc->sc_donetask, 0, tick_done_task, sc);
		TIMEOUT_TASK_INIT(taskqueue_thread, &sc->sc_summary, 0,
		    tick_summary, sc);
		tick_reads = counter_u64_alloc(M_WAITOK);

		make_dev_args_init(&args);
		args.mda_devsw = &tick_cdevsw;
		args.mda_uid = UID_ROOT;
		args.mda_gid = GID_WHEEL;
		args.mda_mode = 0644;
		args.mda_si_drv1 = sc;
		args.mda_flags = MAKEDEV_CHECKNAME | MAKEDEV_WAITOK;
		error = make_dev_s(&args, &sc->sc_cdev, "fbtick");
		if (error != 0) {
			counter_u64_free(tick_reads);
			mtx_destroy(&sc->sc_mtx);
			free(sc, M_FBTICK);
			break;
		}
		tick_sc = sc;
		break;
	case MOD_UNLOAD:
		sc = tick_sc;
		mtx_lock(&sc->sc_mtx);
		if (sc->sc_readers > 0) {
			mtx_unlock(&sc->sc_mtx);
			error = EBUSY;
			break;
		}
		mtx_unlock(&sc->sc_mtx);
		destroy_dev(sc->sc_cdev);
		callout_drain(&sc->sc_callout);
		taskqueue_drain(taskqueue_swi, &sc->sc_donetask);
#ifndef TICK_BUG_NODRAIN
		taskqueue_drain_timeout(taskqueue_thread, &sc->sc_summary);
#endif
		seldrain(&sc->sc_rsel);
		counter_u64_free(tick_reads);
		mtx_destroy(&sc->sc_mtx);
		free(sc, M_FBTICK);
		tick_sc = NULL;
		break;
	case MOD_SHUTDOWN:
		break;
	default:
		error = EOPNOTSUPP;
		break;
	}
	return (error);
}

DEV_MODULE(fbtick, tick_modevent, NULL);
MODULE_VERSION(fbtick, 1);
