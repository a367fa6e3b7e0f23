/*-
 * fbjob: a job queue, written as a FreeBSD driver author writes one.
 * A write(2) queues one job (its bytes); a task on the driver's own
 * taskqueue sums each job's bytes and signals the waiters.  A kernel
 * process with one worker thread (kproc_kthread_add) polls a watchdog
 * count every `poll` ticks with cv_timedwait, `poll` set by JOB_POLL and
 * 0 by default: on FreeBSD cv_timedwait of 0 ticks is one tick, not a
 * wait for ever.  A watchdog callout (JOB_ARM) re-arms itself each tick;
 * JOB_DISARM and the unload stop it with callout_async_drain and wait for
 * the drain function when it was running, as TCP's timers do.
 *
 *   JOB_WAIT	cv_timedwait until `count` jobs are done, `timo` ticks
 *		at a time (0: one tick); the answer, the done count and the
 *		sum of every job's bytes
 *   JOB_RESULTS	copyout of the per-job sums to a user array
 *   JOB_ARM / JOB_DISARM	the watchdog callout
 *   JOB_POLL	the worker's poll interval in ticks
 *   read(2)	"done=<n> sum=<s>\n"
 *   sysctl debug.fbjob_done	jobs done
 *
 * Build-time bug switch (for the test suite):
 *   -DJOB_BUG_NOWAIT	the unload ignores callout_async_drain's 0 (the
 *			watchdog fired and waits for sc_mtx: it will run
 *			once the mutex is dropped) and frees the softc
 *			without waiting for the drain function.
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
#include <sys/condvar.h>
#include <sys/callout.h>
#include <sys/taskqueue.h>
#include <sys/proc.h>
#include <sys/kthread.h>
#include <sys/ioccom.h>
#include <sys/queue.h>
#include <sys/sysctl.h>

#define	JOB_MAX		16
#define	JOB_MAXLEN	256

struct job_wait {
	int		count;	/* in: jobs done to wait for */
	int		timo;	/* in: ticks per cv_timedwait */
	int		error;	/* out */
	int		done;	/* out */
	uint64_t	sum;	/* out */
};

struct job_results {
	uint64_t	*sums;	/* user array */
	int		n;	/* in: its length; out: entries written */
};

#define	JOB_WAIT	_IOWR('J', 1, struct job_wait)
#define	JOB_RESULTS	_IOWR('J', 2, struct job_results)
#define	JOB_ARM		_IO('J', 3)
#define	JOB_DISARM	_IO('J', 4)
#define	JOB_POLL	_IOW('J', 5, int)

struct job {
	STAILQ_ENTRY(job) j_link;
	size_t		j_len;
	uint8_t		j_data[];
};

struct job_softc {
	struct mtx	sc_mtx;
	struct cv	sc_donecv;	/* a job done; the worker's poll */
	struct callout	sc_wd;		/* with sc_mtx */
	struct task	sc_task;
	struct taskqueue *sc_tq;
	struct cdev	*sc_dev;
	struct proc	*sc_proc;
	STAILQ_HEAD(, job) sc_jobs;
	uint64_t	sc_sums[JOB_MAX];
	uint64_t	sc_sum;
	uint64_t	sc_cycles;	/* cpu_ticks spent summing */
	int		sc_queued;
	int		sc_done;
	int		sc_poll;	/* ticks */
	int		sc_wdcount;
	int		sc_armed;
	int		sc_drains;	/* drain functions still to come */
	int		sc_dying;
	int		sc_worker_alive;
	int		sc_polls;
};

static struct job_softc *job_sc;
static int fbjob_done;

SYSCTL_INT(_debug, OID_AUTO, fbjob_done, CTLFLAG_RD, &fbjob_done, 0,
    "fbjob jobs done");

static void
job_task(void *arg, int pending)
{
	struct job_softc *sc = arg;
	struct job *j;
	uint64_t t0, s;
	size_t i;

	mtx_lock(&sc->sc_mtx);
	while ((j = STAILQ_FIRST(&sc->sc_jobs)) != NULL) {
		STAILQ_REMOVE_HEAD(&sc->sc_jobs, j_link);
		mtx_unlock(&sc->sc_mtx);
		t0 = cpu_ticks();
		for (s = 0, i = 0; i < j->j_len; i++)
			s += j->j_data[i];
		free(j, M_DEVBUF);
		mtx_lock(&sc->sc_mtx);
		sc->sc_cycles += cpu_ticks() - t0;
		sc->sc_sums[sc->sc_done] = s;
		sc->sc_sum += s;
		sc->sc_done++;
		fbjob_done = sc->sc_done;
		cv_broadcast(&sc->sc_donecv);
	}
	mtx_unlock(&sc->sc_mtx);
}

static void
job_wd(void *arg)
{
	struct job_softc *sc = arg;

	mtx_assert(&sc->sc_mtx, MA_OWNED);
	sc->sc_wdcount++;
	if (sc->sc_armed)
		callout_reset(&sc->sc_wd, 1, job_wd, sc);
}

static void
job_wd_drained(void *arg)
{
	struct job_softc *sc = arg;

	mtx_lock(&sc->sc_mtx);
	sc->sc_drains--;
	wakeup(&sc->sc_drains);
	mtx_unlock(&sc->sc_mtx);
}

/* sc_mtx held: stop the watchdog, not sleeping; one drain call per run. */
static void
job_wd_stop(struct job_softc *sc)
{

	mtx_assert(&sc->sc_mtx, MA_OWNED);
	sc->sc_armed = 0;
	if (callout_async_drain(&sc->sc_wd, job_wd_drained) == 0 && sc->sc_drains == 0)
		sc->sc_drains++;
}

static void
job_worker(void *arg)
{
	struct job_softc *sc = arg;

	mtx_lock(&sc->sc_mtx);
	while (!sc->sc_dying) {
		(void)cv_timedwait(&sc->sc_donecv, &sc->sc_mtx, sc->sc_poll);
		sc->sc_polls++;
	}
	sc->sc_worker_alive = 0;
	wakeup(&sc->sc_worker_alive);
	mtx_unlock(&sc->sc_mtx);
	kthread_exit();
}

static int
job_write(struct cdev *dev, struct uio *uio, int ioflag)
{
	struct job_softc *sc = dev->si_drv1;
	struct job *j;
	size_t len;
	int error;

	len = uio->uio_resid;
	if (len == 0 || len > JOB_MAXLEN)
		return (EINVAL);
	j = malloc(sizeof(*j) + len, M_DEVBUF, M_WAITOK);
	j->j_len = len;
	error = uiomove(j->j_data, len, uio);
	if (error != 0) {
		free(j, M_DEVBUF);
		return (error);
	}
	mtx_lock(&sc->sc_mtx);
	if (sc->sc_queued >= JOB_MAX) {
		mtx_unlock(&sc->sc_mtx);
		free(j, M_DEVBUF);
		return (ENOSPC);
	}
	sc->sc_queued++;
	STAILQ_INSERT_TAIL(&sc->sc_jobs, j, j_link);
	mtx_unlock(&sc->sc_mtx);
	taskqueue_enqueue(sc->sc_tq, &sc->sc_task);
	return (0);
}

static int
job_read(struct cdev *dev, struct uio *uio, int ioflag)
{
	struct job_softc *sc = dev->si_drv1;
	char buf[64];
	int len;

	mtx_lock(&sc->sc_mtx);
	len = snprintf(buf, sizeof(buf), "done=%d sum=%ju\n", sc->sc_done,
	    (uintmax_t)sc->sc_sum);
	mtx_unlock(&sc->sc_mtx);
	if (uio->uio_offset >= len)
		return (0);
	return (uiomove(buf + uio->uio_offset,
	    MIN(len - uio->uio_offset, uio->uio_resid), uio));
}

static int
job_ioctl(struct cdev *dev, u_long cmd, caddr_t data, int fflag,
    struct thread *td)
{
	struct job_softc *sc = dev->si_drv1;
	struct job_wait *jw;
	struct job_results *jr;
	uint64_t sums[JOB_MAX];
	int error, n;

	switch (cmd) {
	case JOB_WAIT:
		jw = (struct job_wait *)data;
		if (jw->count < 0 || jw->count > JOB_MAX)
			return (EINVAL);
		error = 0;
		mtx_lock(&sc->sc_mtx);
		while (sc->sc_done < jw->count && error == 0)
			error = cv_timedwait(&sc->sc_donecv, &sc->sc_mtx,
			    jw->timo);
		jw->error = error;
		jw->done = sc->sc_done;
		jw->sum = sc->sc_sum;
		mtx_unlock(&sc->sc_mtx);
		return (0);
	case JOB_RESULTS:
		jr = (struct job_results *)data;
		mtx_lock(&sc->sc_mtx);
		n = MIN(jr->n, sc->sc_done);
		memcpy(sums, sc->sc_sums, sizeof(sums));
		mtx_unlock(&sc->sc_mtx);
		if (n < 0)
			return (EINVAL);
		error = copyout(sums, jr->sums, n * sizeof(sums[0]));
		if (error == 0)
			jr->n = n;
		return (error);
	case JOB_ARM:
		mtx_lock(&sc->sc_mtx);
		if (sc->sc_armed || sc->sc_drains > 0) {
			mtx_unlock(&sc->sc_mtx);
			return (EBUSY);
		}
		sc->sc_armed = 1;
		callout_reset(&sc->sc_wd, 1, job_wd, sc);
		mtx_unlock(&sc->sc_mtx);
		return (0);
	case JOB_DISARM:
		mtx_lock(&sc->sc_mtx);
		job_wd_stop(sc);
		mtx_unlock(&sc->sc_mtx);
		return (0);
	case JOB_POLL:
		if (*(int *)data < 0)
			return (EINVAL);
		mtx_lock(&sc->sc_mtx);
		sc->sc_poll = *(int *)data;
		mtx_unlock(&sc->sc_mtx);
		return (0);
	default:
		return (ENOTTY);
	}
}

static struct cdevsw job_cdevsw = {
	.d_version =	D_VERSION,
	.d_read =	job_read,
	.d_write =	job_write,
	.d_ioctl =	job_ioctl,
	.d_name =	"fbjob",
};

static int
job_modevent(module_t mod, int type, void *data)
{
	struct make_dev_args args;
	struct job_softc *sc;
	struct job *j;
	int error;

	switch (type) {
	case MOD_LOAD:
		sc = malloc(sizeof(*sc), M_DEVBUF, M_WAITOK | M_ZERO);
		mtx_init(&sc->sc_mtx, "fbjob", NULL, MTX_DEF);
		cv_init(&sc->sc_donecv, "fbjobdn");
		callout_init_mtx(&sc->sc_wd, &sc->sc_mtx, 0);
		STAILQ_INIT(&sc->sc_jobs);
		TASK_INIT(&sc->sc_task, 0, job_task, sc);
		sc->sc_tq = taskqueue_create("fbjob", M_WAITOK,
		    taskqueue_thread_enqueue, &sc->sc_tq);
		error = taskqueue_start_threads(&sc->sc_tq, 1, PWAIT,
		    "fbjob taskq");
		if (error == 0) {
			sc->sc_worker_alive = 1;
			error = kproc_kthread_add(job_worker, sc, &sc->sc_proc,
			    NULL, 0, 0, "fbjob", "fbjob worker");
			if (error != 0)
				sc->sc_worker_alive = 0;
		}
		if (error == 0) {
			make_dev_args_init(&args);
			args.mda_devsw = &job_cdevsw;
			args.mda_uid = UID_ROOT;
			args.mda_gid = GID_WHEEL;
			args.mda_mode = 0666;
			args.mda_si_drv1 = sc;
			error = make_dev_s(&args, &sc->sc_dev, "fbjob");
		}
		if (error != 0) {
			mtx_lock(&sc->sc_mtx);
			sc->sc_dying = 1;
			cv_broadcast(&sc->sc_donecv);
			while (sc->sc_worker_alive)
				mtx_sleep(&sc->sc_worker_alive, &sc->sc_mtx, 0,
				    "fbjobx", 0);
			mtx_unlock(&sc->sc_mtx);
			taskqueue_free(sc->sc_tq);
			cv_destroy(&sc->sc_donecv);
			mtx_destroy(&sc->sc_mtx);
			free(sc, M_DEVBUF);
			return (error);
		}
		job_sc = sc;
		return (0);
	case MOD_UNLOAD:
		sc = job_sc;
		destroy_dev(sc->sc_dev);
		mtx_lock(&sc->sc_mtx);
		sc->sc_dying = 1;
		job_wd_stop(sc);
#ifndef JOB_BUG_NOWAIT
		while (sc->sc_drains > 0)
			mtx_sleep(&sc->sc_drains, &sc->sc_mtx, 0, "fbjobdr", 0);
#endif
		cv_broadcast(&sc->sc_donecv);
		while (sc->sc_worker_alive)
			mtx_sleep(&sc->sc_worker_alive, &sc->sc_mtx, 0, "fbjobw", 0);
		mtx_unlock(&sc->sc_mtx);
		taskqueue_drain(sc->sc_tq, &sc->sc_task);
		taskqueue_free(sc->sc_tq);
		while ((j = STAILQ_FIRST(&sc->sc_jobs)) != NULL) {
			STAILQ_REMOVE_HEAD(&sc->sc_jobs, j_link);
			free(j, M_DEVBUF);
		}
		cv_destroy(&sc->sc_donecv);
		mtx_destroy(&sc->sc_mtx);
		free(sc, M_DEVBUF);
		job_sc = NULL;
		return (0);
	case MOD_SHUTDOWN:
		return (0);
	default:
		return (EOPNOTSUPP);
	}
}

DEV_MODULE(fbjob, job_modevent, NULL);
