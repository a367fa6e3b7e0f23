/*
 * fbring: a FreeBSD character device written the way FreeBSD drivers are,
 * for the tests of what such a driver leans on (tests/python/test_freebsd_kpi.py):
 * <sys/param.h> for the errno values, d_read testing ioflag against
 * O_NONBLOCK, FIONBIO answered with 0, and the system taskqueue_thread,
 * enqueued with the softc mutex held and from a callout, sleep(9), and
 * the usual furniture: sysctl knobs (static and on a context), a
 * counter(9) and a UMA zone for the write's staging buffer.
 *
 * A write appends to a byte ring and wakes the readers through a task
 * (directly, or from a callout one tick later: variant "via_callout");
 * a read sleeps until there is data, unless the file is non-blocking.
 * FBRING_DESCR describes the ring through sbuf(9).
 * FBRING_FLUSH empties the ring if priv_check grants PRIV_DRIVER.
 * FBRING_WAIT sleeps until there is data (msleep on &sc.len, woken by
 * the write's wakeup), FBRING_NAP sleeps ten ticks (tsleep, no wakeup).
 * Variant "tsleep_unlocked" tests for data, drops the mutex and then
 * tsleeps: a write in between wakes nobody, the classic lost wakeup.
 * Variant "leak_sysctl" forgets sysctl_ctx_free at unload (a leak);
 * "leak_staging" forgets to free a write's staging buffer to its zone.
 * Variant "wake_before_append" enqueues the task before it takes the
 * mutex to append: the task may wake the readers before the data is
 * there, and nothing wakes them after (a lost wakeup through the queue).
 *
 * For an unload in the middle of a run (kldunload, the modunload op):
 * "no_task_drain" forgets taskqueue_drain at MOD_UNLOAD, so a write's
 * wakeup task may still be queued on taskqueue_thread when the module's
 * code is gone; "no_callout_drain" wakes through the callout (as
 * via_callout) and stops it with callout_stop, which does not wait for a
 * running one, instead of callout_drain; "busy_quiesce" refuses
 * MOD_QUIESCE (EBUSY) while the ring holds data.
 * d_poll answers POLLIN when there is data and POLLOUT when there is
 * room, and records the thread (selrecord) under the mutex a write
 * appends and selwakeups under; MOD_UNLOAD seldrains. Variant
 * "poll_unlocked" tests for data without the mutex and records after:
 * a write in between wakes nobody, and the poller sleeps for ever.
 * d_kqfilter attaches EVFILT_READ knotes to rsel's knlist, whose lock is
 * the mutex; a write KNOTE_LOCKEDs it under the mutex, MOD_UNLOAD clears
 * and destroys it. Variant "knote_unlocked" KNOTE_LOCKEDs after dropping
 * the mutex (FreeBSD's INVARIANTS kernel asserts the list's lock);
 * variant "no_knote" never KNOTEs: a reader asleep in kevent(2) on an
 * empty ring is never woken by a write.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/module.h>
#include <sys/conf.h>
#include <sys/uio.h>
#include <sys/lock.h>
#include <sys/mutex.h>
#include <sys/condvar.h>
#include <sys/callout.h>
#include <sys/taskqueue.h>
#include <sys/fcntl.h>
#include <sys/filio.h>
#include <sys/ioccom.h>
#include <sys/priv.h>
#include <sys/poll.h>
#include <sys/selinfo.h>
#include <sys/event.h>
#include <sys/sbuf.h>
#include <sys/eventhandler.h>
#include <sys/sysctl.h>
#include <sys/counter.h>
#include <vm/uma.h>
#include <sys/kernsim.h>

#define	FBRING_SIZE	64
#define	FBRING_LEN	_IOR('R', 1, int)
#define	FBRING_WAIT	_IO('R', 2)
#define	FBRING_NAP	_IO('R', 3)
#define	FBRING_FLUSH	_IO('R', 4)	/* empties the ring: root only */
#define	FBRING_DESCR	_IOR('R', 5, char[64])	/* "fbring: N bytes, W writes" */

static struct fbring_softc {
	struct mtx	mtx;
	struct cv	cv;
	struct callout	co;
	struct task	task;
	char		buf[FBRING_SIZE];
	int		head, len;
	struct sysctl_ctx_list ctx;
	counter_u64_t	writes;
	uma_zone_t	staging;
	eventhandler_tag shutdown_tag;
	struct selinfo	rsel, wsel;	/* pollers for data, for room */
} sc;

static void
fbring_shutdown(void *arg, int howto)
{
	/* a real kernel calls this at shutdown_final; a run never shuts down */
}

static int fbring_max_write = FBRING_SIZE;
SYSCTL_NODE(_hw, OID_AUTO, fbring, CTLFLAG_RD, 0, "fbring ring device");
SYSCTL_INT(_hw_fbring, OID_AUTO, max_write, CTLFLAG_RWTUN, &fbring_max_write, 0,
    "bytes a write appends at most");
TUNABLE_INT("hw.fbring.max_write", &fbring_max_write);

static struct cdev *fbring_dev;

static void
fbring_task(void *arg, int pending)
{
	struct fbring_softc *s = arg;

	mtx_lock(&s->mtx);
	cv_broadcast(&s->cv);
	mtx_unlock(&s->mtx);
}

static void
fbring_tick(void *arg)
{
	struct fbring_softc *s = arg;

	mtx_assert(&s->mtx, MA_OWNED);
	taskqueue_enqueue(taskqueue_thread, &s->task);
}

static int
fbring_read(struct cdev *dev, struct uio *uio, int ioflag)
{
	char tmp[FBRING_SIZE];
	int error, i, n;

	mtx_lock(&sc.mtx);
	while (sc.len == 0) {
		if (ioflag & O_NONBLOCK) {
			mtx_unlock(&sc.mtx);
			return (EWOULDBLOCK);
		}
		error = cv_wait_sig(&sc.cv, &sc.mtx);
		if (error != 0) {
			mtx_unlock(&sc.mtx);
			return (error);
		}
	}
	n = MIN(sc.len, (int)uio->uio_resid);
	for (i = 0; i < n; i++)
		tmp[i] = sc.buf[(sc.head + i) % FBRING_SIZE];
	sc.head = (sc.head + n) % FBRING_SIZE;
	sc.len -= n;
	if (n > 0)
		selwakeup(&sc.wsel);
	mtx_unlock(&sc.mtx);
	return (uiomove(tmp, n, uio));
}

static int
fbring_write(struct cdev *dev, struct uio *uio, int ioflag)
{
	char *tmp;
	int error, i, n;

	n = MIN((int)uio->uio_resid, MIN(fbring_max_write, FBRING_SIZE));
	tmp = uma_zalloc(sc.staging, M_WAITOK);
	if ((error = uiomove(tmp, n, uio)) != 0) {
		uma_zfree(sc.staging, tmp);
		return (error);
	}
	counter_u64_add(sc.writes, 1);
	if (KS_VARIANT("fbring", "wake_before_append"))
		taskqueue_enqueue(taskqueue_thread, &sc.task);
	mtx_lock(&sc.mtx);
	for (i = 0; i < n && sc.len < FBRING_SIZE; i++, sc.len++)
		sc.buf[(sc.head + sc.len) % FBRING_SIZE] = tmp[i];
	wakeup(&sc.len);
	selwakeup(&sc.rsel);
	if (!KS_VARIANT("fbring", "knote_unlocked") && !KS_VARIANT("fbring", "no_knote"))
		KNOTE_LOCKED(&sc.rsel.si_note, 0);
	if (KS_VARIANT("fbring", "via_callout") || KS_VARIANT("fbring", "no_callout_drain"))
		callout_reset(&sc.co, 1, fbring_tick, &sc);
	else if (!KS_VARIANT("fbring", "wake_before_append"))
		taskqueue_enqueue(taskqueue_thread, &sc.task);
	mtx_unlock(&sc.mtx);
	if (KS_VARIANT("fbring", "knote_unlocked"))
		KNOTE_LOCKED(&sc.rsel.si_note, 0);
	if (!KS_VARIANT("fbring", "leak_staging"))
		uma_zfree(sc.staging, tmp);
	return (0);
}

static int
fbring_wait(void)
{
	int empty, error = 0;

	if (KS_VARIANT("fbring", "tsleep_unlocked")) {
		mtx_lock(&sc.mtx);
		empty = sc.len == 0;
		mtx_unlock(&sc.mtx);
		if (empty)
			error = tsleep(&sc.len, PRIBIO | PCATCH, "fbwait", 0);
		return (error);
	}
	mtx_lock(&sc.mtx);
	while (sc.len == 0 && error == 0)
		error = msleep(&sc.len, &sc.mtx, PRIBIO | PCATCH, "fbwait", 0);
	mtx_unlock(&sc.mtx);
	return (error);
}

static int
fbring_ioctl(struct cdev *dev, u_long cmd, caddr_t data, int flag, struct thread *td)
{
	int error;

	switch (cmd) {
	case FBRING_WAIT:
		return (fbring_wait());
	case FBRING_FLUSH:
		if ((error = priv_check(td, PRIV_DRIVER)) != 0)
			return (error);
		mtx_lock(&sc.mtx);
		sc.len = 0;
		mtx_unlock(&sc.mtx);
		return (0);
	case FBRING_DESCR: {
		struct sbuf sb, *ab;

		/* a fixed sbuf on the ioctl's buffer, built from an auto one */
		ab = sbuf_new_auto();
		mtx_lock(&sc.mtx);
		sbuf_printf(ab, "%d bytes", sc.len);
		mtx_unlock(&sc.mtx);
		sbuf_finish(ab);
		sbuf_new(&sb, data, 64, SBUF_FIXEDLEN);
		sbuf_printf(&sb, "fbring: %s, %ju writes", sbuf_data(ab),
		    (uintmax_t)counter_u64_fetch(sc.writes));
		error = sbuf_finish(&sb);
		sbuf_delete(&sb);
		sbuf_delete(ab);
		return (error);
	}
	case FBRING_NAP:
		error = tsleep(&sc, PWAIT, "fbnap", 10);
		return (error == EWOULDBLOCK ? 0 : error);
	case FIONBIO:
		return (0);	/* the kernel keeps the flag in the file */
	case FBRING_LEN:
		mtx_lock(&sc.mtx);
		*(int *)data = sc.len;
		mtx_unlock(&sc.mtx);
		return (0);
	}
	return (ENOTTY);
}

static int
fbring_poll(struct cdev *dev, int events, struct thread *td)
{
	int revents = 0, ready;

	if (KS_VARIANT("fbring", "poll_unlocked") && (events & (POLLIN | POLLRDNORM))) {
		/* the bug: the test is not under the lock the record is */
		ready = sc.len > 0;
		mtx_lock(&sc.mtx);
		if (ready)
			revents |= events & (POLLIN | POLLRDNORM);
		else
			selrecord(td, &sc.rsel);
		mtx_unlock(&sc.mtx);
		return (revents);
	}
	mtx_lock(&sc.mtx);
	if (events & (POLLIN | POLLRDNORM)) {
		if (sc.len > 0)
			revents |= events & (POLLIN | POLLRDNORM);
		else
			selrecord(td, &sc.rsel);
	}
	if (events & (POLLOUT | POLLWRNORM)) {
		if (sc.len < FBRING_SIZE)
			revents |= events & (POLLOUT | POLLWRNORM);
		else
			selrecord(td, &sc.wsel);
	}
	mtx_unlock(&sc.mtx);
	return (revents);
}

static void
fbring_kqdetach(struct knote *kn)
{
	knlist_remove(&sc.rsel.si_note, kn, 0);
}

/* Under the knlist's lock, the mutex: called by KNOTE_LOCKED. */
static int
fbring_kqread(struct knote *kn, long hint)
{
	mtx_assert(&sc.mtx, MA_OWNED);
	kn->kn_data = sc.len;
	return (sc.len > 0);
}

static struct filterops fbring_rfiltops = {
	.f_isfd =	1,
	.f_detach =	fbring_kqdetach,
	.f_event =	fbring_kqread,
};

static int
fbring_kqfilter(struct cdev *dev, struct knote *kn)
{
	if (kn->kn_filter != EVFILT_READ)
		return (EINVAL);
	kn->kn_fop = &fbring_rfiltops;
	knlist_add(&sc.rsel.si_note, kn, 0);
	return (0);
}

static struct cdevsw fbring_cdevsw = {
	.d_version =	D_VERSION,
	.d_read =	fbring_read,
	.d_write =	fbring_write,
	.d_ioctl =	fbring_ioctl,
	.d_poll =	fbring_poll,
	.d_kqfilter =	fbring_kqfilter,
	.d_name =	"fbring",
};

static int
fbring_modevent(module_t mod, int what, void *arg)
{
	struct sysctl_oid *oid;

	switch (what) {
	case MOD_LOAD:
		mtx_init(&sc.mtx, "fbring", NULL, MTX_DEF);
		cv_init(&sc.cv, "fbringrd");
		callout_init_mtx(&sc.co, &sc.mtx, 0);
		knlist_init_mtx(&sc.rsel.si_note, &sc.mtx);
		TASK_INIT(&sc.task, 0, fbring_task, &sc);
		sc.writes = counter_u64_alloc(M_WAITOK);
		sc.staging = uma_zcreate("fbring_staging", FBRING_SIZE, NULL, NULL, NULL, NULL,
		    UMA_ALIGN_PTR, 0);
		sc.shutdown_tag = EVENTHANDLER_REGISTER(shutdown_final, fbring_shutdown, NULL,
		    SHUTDOWN_PRI_DEFAULT);
		sysctl_ctx_init(&sc.ctx);
		oid = SYSCTL_ADD_NODE(&sc.ctx, SYSCTL_STATIC_CHILDREN(_hw), OID_AUTO,
		    "fbring_stats", CTLFLAG_RD, NULL, "fbring statistics");
		SYSCTL_ADD_INT(&sc.ctx, SYSCTL_CHILDREN(oid), OID_AUTO, "len", CTLFLAG_RD,
		    &sc.len, 0, "bytes in the ring");
		fbring_dev = make_dev(&fbring_cdevsw, 0, UID_ROOT, GID_WHEEL, 0666, "fbring");
		return (0);
	case MOD_QUIESCE:
		if (KS_VARIANT("fbring", "busy_quiesce") && sc.len > 0)
			return (EBUSY);
		return (0);
	case MOD_UNLOAD:
		destroy_dev(fbring_dev);
		knlist_clear(&sc.rsel.si_note, 0);
		seldrain(&sc.rsel);
		knlist_destroy(&sc.rsel.si_note);
		seldrain(&sc.wsel);
		if (KS_VARIANT("fbring", "no_callout_drain"))
			callout_stop(&sc.co);
		else
			callout_drain(&sc.co);
		if (!KS_VARIANT("fbring", "no_task_drain"))
			taskqueue_drain(taskqueue_thread, &sc.task);
		if (!KS_VARIANT("fbring", "leak_sysctl"))
			sysctl_ctx_free(&sc.ctx);
		uma_zdestroy(sc.staging);
		EVENTHANDLER_DEREGISTER(shutdown_final, sc.shutdown_tag);
		counter_u64_free(sc.writes);
		cv_destroy(&sc.cv);
		mtx_destroy(&sc.mtx);
		return (0);
	}
	return (EOPNOTSUPP);
}

static moduledata_t fbring_mod = { "fbring", fbring_modevent, NULL };
static const char *const fbring_variants[] = {
	"via_callout", "a write wakes the readers from a callout, one tick later",
	"knote_unlocked", "a write KNOTE_LOCKEDs the read knlist after dropping its lock",
	"tsleep_unlocked", "FBRING_WAIT tests for data, then tsleeps without the mutex",
	"leak_sysctl", "MOD_UNLOAD does not free the sysctl context",
	"leak_staging", "a write does not free its staging buffer to the zone",
	"wake_before_append", "a write enqueues its wakeup task before it appends",
	"no_task_drain", "MOD_UNLOAD does not taskqueue_drain the wakeup task",
	"no_callout_drain", "writes wake through the callout; MOD_UNLOAD callout_stops it",
	"busy_quiesce", "MOD_QUIESCE refuses (EBUSY) while the ring holds data",
	"poll_unlocked", "d_poll tests for data without the mutex, then selrecords",
	"no_knote", "a write appends without KNOTEing the read knlist",
	NULL, NULL,
};
KS_FREEBSD_DRIVER(fbring, fbring_variants, fbring_mod);
