/*-
 * fbzone: per-open pools of tagged items, written as a FreeBSD driver
 * author writes one from the man pages (uma(9), taskqueue(9), kqueue(9),
 * sysctl(9), sbuf(9), unr(9), rmlock(9), devfs_set_cdevpriv(9)).
 *
 * Each open of /dev/fbzone gets a unit number (unr) and its own state
 * (cdevpriv).  Items come from one UMA zone whose ctor/dtor stamp and
 * check them.  An open may arm an expiry (a timeout task on the driver's
 * taskqueue): when it fires every item of that open is freed and the
 * open's knotes (EVFILT_READ) are told how many expired.  A periodic
 * timeout task samples the zone while anything is open, walking the
 * list of opens under an sx; a closing open leaves the list and stops
 * its expiry with that sx held exclusive (taskqueue_drain waits for that
 * one task, which never takes the sx).  The item limit
 * is read-mostly configuration under an rmlock; sysctl hw.fbzone.* shows
 * the counts, the limit (a SYSCTL_PROC) and a report (sbuf for sysctl).
 *
 *   ZONE_ALLOC	an item with a tag (M_WAITOK, or M_NOWAIT with ZA_NOWAIT);
 *		its id out; ENOSPC beyond the limit
 *   ZONE_FREE	the item with that id; ENOENT if none
 *   ZONE_EXPIRE	free every item in `ticks` (> 0), or cancel (0)
 *   ZONE_STATS	unit, items, expired since the last ZONE_STATS, limit
 *   ZONE_REPORT	"id tag" lines into a user buffer (sbuf, fixed length)
 *   ZONE_SETMAX	the item limit, 1..ZONE_MAXITEMS
 *   read(2)	"unit=<u> items=<n> expired=<e>\n"
 *   kevent EVFILT_READ	active while expired items are unacknowledged
 *
 * Build-time bug switch (for the test suite):
 *   -DZONE_BUG_NODRAIN	the per-open destructor cancels the expiry but
 *			does not drain it: an expiry already running goes on
 *			with the freed state.
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
#include <sys/rmlock.h>
#include <sys/sx.h>
#include <sys/taskqueue.h>
#include <sys/proc.h>
#include <sys/ioccom.h>
#include <sys/queue.h>
#include <sys/sysctl.h>
#include <sys/sbuf.h>
#include <sys/event.h>
#include <sys/selinfo.h>
#include <machine/atomic.h>
#include <vm/uma.h>

#define	ZONE_MAXOPEN	8
#define	ZONE_MAXITEMS	64
#define	ZONE_DEFMAX	16
#define	ZONE_REPORTMAX	4096
#define	ZITEM_MAGIC	0x5a49544dU
#define	ZITEM_DEAD	0xdeadbeefU

struct zone_alloc {
	uint32_t	za_tag;		/* in */
	uint32_t	za_flags;	/* in: ZA_NOWAIT */
	uint32_t	za_id;		/* out */
	uint32_t	za_pad;
};
#define	ZA_NOWAIT	0x1

struct zone_stats {
	int	zs_unit;
	int	zs_items;
	int	zs_expired;
	int	zs_max;
};

struct zone_report {
	char	*zr_buf;	/* user buffer */
	size_t	zr_len;		/* in: its size; out: bytes written, NUL included */
};

#define	ZONE_ALLOC	_IOWR('Z', 1, struct zone_alloc)
#define	ZONE_FREE	_IOW('Z', 2, uint32_t)
#define	ZONE_EXPIRE	_IOW('Z', 3, int)
#define	ZONE_STATS	_IOR('Z', 4, struct zone_stats)
#define	ZONE_REPORT	_IOWR('Z', 5, struct zone_report)
#define	ZONE_SETMAX	_IOW('Z', 6, int)

MALLOC_DEFINE(M_FBZONE, "fbzone", "fbzone per-open state");

struct zone_open;

struct zitem {
	TAILQ_ENTRY(zitem) zi_link;
	uint32_t	zi_magic;
	uint32_t	zi_id;
	uint32_t	zi_tag;
	struct zone_open *zi_owner;
};
TAILQ_HEAD(zitem_list, zitem);

struct zone_softc {
	struct mtx	sc_mtx;		/* sc_opens, sc_sampling, sc_dying */
	struct sx	sc_list_lock;	/* sc_list */
	LIST_HEAD(, zone_open) sc_list;
	struct rmlock	sc_cfg;		/* sc_max */
	uma_zone_t	sc_zone;
	struct unrhdr	*sc_unr;
	struct taskqueue *sc_tq;
	struct timeout_task sc_sample;
	struct sysctl_ctx_list sc_ctx;
	struct cdev	*sc_dev;
	int		sc_max;
	int		sc_opens;
	int		sc_sampling;	/* sc_sample armed or running */
	int		sc_dying;
	int		sc_live;	/* items out, atomic */
	int		sc_peak;	/* most items seen by a sample */
	int		sc_peak_held;	/* most items open at a sample */
	int		sc_samples;
	u_int		sc_expiries;	/* atomic */
};

struct zone_open {
	struct mtx	zo_mtx;
	struct selinfo	zo_sel;		/* zo_sel.si_note: knotes, with zo_mtx */
	struct zitem_list zo_items;
	struct timeout_task zo_expire;
	struct zone_softc *zo_sc;
	LIST_ENTRY(zone_open) zo_link;	/* sc_list */
	int		zo_unit;
	int		zo_nitems;
	int		zo_expired;	/* unacknowledged */
	uint32_t	zo_nextid;
};

static struct zone_softc *zone_sc;

static int
zitem_ctor(void *mem, int size, void *arg, int flags)
{
	struct zitem *zi = mem;

	KASSERT(size >= (int)sizeof(*zi), ("fbzone: zone item too small"));
	zi->zi_magic = ZITEM_MAGIC;
	zi->zi_owner = arg;
	zi->zi_id = 0;
	zi->zi_tag = 0;
	return (0);
}

static void
zitem_dtor(void *mem, int size, void *arg)
{
	struct zitem *zi = mem;

	KASSERT(zi->zi_magic == ZITEM_MAGIC, ("fbzone: item %p not live", zi));
	zi->zi_magic = ZITEM_DEAD;
	zi->zi_owner = NULL;
}

static void
zone_free_list(struct zone_softc *sc, struct zitem_list *list)
{
	struct zitem *zi;

	while ((zi = TAILQ_FIRST(list)) != NULL) {
		TAILQ_REMOVE(list, zi, zi_link);
		uma_zfree(sc->sc_zone, zi);
		atomic_subtract_int(&sc->sc_live, 1);
	}
}

/* The expiry: every item of the open goes, and its knotes hear of it. */
static void
zone_expire_task(void *arg, int pending)
{
	struct zone_open *zo = arg;
	struct zone_softc *sc = zo->zo_sc;
	struct zitem_list gone;
	int n;

	TAILQ_INIT(&gone);
	mtx_lock(&zo->zo_mtx);
	TAILQ_CONCAT(&gone, &zo->zo_items, zi_link);
	n = zo->zo_nitems;
	zo->zo_nitems = 0;
	zo->zo_expired += n;
	KNOTE_LOCKED(&zo->zo_sel.si_note, 0);
	mtx_unlock(&zo->zo_mtx);
	zone_free_list(sc, &gone);
	atomic_add_int(&sc->sc_expiries, 1);
}

/* The periodic sample, every other tick while anything is open. */
static void
zone_sample_task(void *arg, int pending)
{
	struct zone_softc *sc = arg;
	struct zone_open *zo;
	int cur, held;

	held = 0;
	sx_slock(&sc->sc_list_lock);
	LIST_FOREACH(zo, &sc->sc_list, zo_link) {
		mtx_lock(&zo->zo_mtx);
		held += zo->zo_nitems;
		mtx_unlock(&zo->zo_mtx);
	}
	sx_sunlock(&sc->sc_list_lock);
	cur = uma_zone_get_cur(sc->sc_zone);
	mtx_lock(&sc->sc_mtx);
	sc->sc_samples++;
	if (cur > sc->sc_peak)
		sc->sc_peak = cur;
	if (held > sc->sc_peak_held)
		sc->sc_peak_held = held;
	if (sc->sc_opens > 0 && !sc->sc_dying)
		taskqueue_enqueue_timeout(sc->sc_tq, &sc->sc_sample, 2);
	else
		sc->sc_sampling = 0;
	mtx_unlock(&sc->sc_mtx);
}

static void
zone_open_dtor(void *data)
{
	struct zone_open *zo = data;
	struct zone_softc *sc = zo->zo_sc;

	/*
	 * No ioctl of this open can arm the expiry again: it is the last.
	 * Off the sampler's list and the expiry stopped in one go.
	 */
	sx_xlock(&sc->sc_list_lock);
	LIST_REMOVE(zo, zo_link);
	taskqueue_cancel_timeout(sc->sc_tq, &zo->zo_expire, NULL);
#ifndef ZONE_BUG_NODRAIN
	taskqueue_drain_timeout(sc->sc_tq, &zo->zo_expire);
#endif
	sx_xunlock(&sc->sc_list_lock);
	knlist_clear(&zo->zo_sel.si_note, 0);
	seldrain(&zo->zo_sel);
	knlist_destroy(&zo->zo_sel.si_note);
	zone_free_list(sc, &zo->zo_items);
	free_unr(sc->sc_unr, zo->zo_unit);
	mtx_destroy(&zo->zo_mtx);
	free(zo, M_FBZONE);

	/* the last touch of sc: the unload waits for this */
	mtx_lock(&sc->sc_mtx);
	if (--sc->sc_opens == 0)
		wakeup(&sc->sc_opens);
	mtx_unlock(&sc->sc_mtx);
}

static int
zone_open(struct cdev *dev, int oflags, int devtype, struct thread *td)
{
	struct zone_softc *sc = dev->si_drv1;
	struct zone_open *zo;
	int error, unit;

	unit = alloc_unr(sc->sc_unr);
	if (unit == -1)
		return (EBUSY);
	zo = malloc(sizeof(*zo), M_FBZONE, M_WAITOK | M_ZERO);
	mtx_init(&zo->zo_mtx, "fbzone open", NULL, MTX_DEF);
	knlist_init_mtx(&zo->zo_sel.si_note, &zo->zo_mtx);
	TAILQ_INIT(&zo->zo_items);
	TIMEOUT_TASK_INIT(sc->sc_tq, &zo->zo_expire, 0, zone_expire_task, zo);
	zo->zo_sc = sc;
	zo->zo_unit = unit;
	zo->zo_nextid = 1;
	error = devfs_set_cdevpriv(zo, zone_open_dtor);
	if (error != 0) {
		knlist_destroy(&zo->zo_sel.si_note);
		mtx_destroy(&zo->zo_mtx);
		free(zo, M_FBZONE);
		free_unr(sc->sc_unr, unit);
		return (error);
	}
	sx_xlock(&sc->sc_list_lock);
	LIST_INSERT_HEAD(&sc->sc_list, zo, zo_link);
	sx_xunlock(&sc->sc_list_lock);
	mtx_lock(&sc->sc_mtx);
	sc->sc_opens++;
	if (!sc->sc_sampling) {
		sc->sc_sampling = 1;
		taskqueue_enqueue_timeout(sc->sc_tq, &sc->sc_sample, 2);
	}
	mtx_unlock(&sc->sc_mtx);
	return (0);
}

static int
zone_read(struct cdev *dev, struct uio *uio, int ioflag)
{
	struct zone_open *zo;
	char buf[80];
	int error, len;

	error = devfs_get_cdevpriv((void **)&zo);
	if (error != 0)
		return (error);
	mtx_lock(&zo->zo_mtx);
	len = snprintf(buf, sizeof(buf), "unit=%d items=%d expired=%d\n",
	    zo->zo_unit, zo->zo_nitems, zo->zo_expired);
	mtx_unlock(&zo->zo_mtx);
	if (uio->uio_offset >= len)
		return (0);
	return (uiomove(buf + uio->uio_offset,
	    MIN(len - uio->uio_offset, uio->uio_resid), uio));
}

static int
zone_report(struct zone_open *zo, struct zone_report *zr)
{
	struct sbuf sb;
	struct zitem *zi;
	char *buf;
	size_t len;
	int error;

	if (zr->zr_len == 0)
		return (EINVAL);
	len = MIN(zr->zr_len, ZONE_REPORTMAX);
	buf = malloc(len, M_FBZONE, M_WAITOK);
	sbuf_new(&sb, buf, len, SBUF_FIXEDLEN);
	mtx_lock(&zo->zo_mtx);
	TAILQ_FOREACH(zi, &zo->zo_items, zi_link)
		sbuf_printf(&sb, "%u %u\n", zi->zi_id, zi->zi_tag);
	mtx_unlock(&zo->zo_mtx);
	error = sbuf_finish(&sb);
	if (error == 0) {
		error = copyout(sbuf_data(&sb), zr->zr_buf, sbuf_len(&sb) + 1);
		if (error == 0)
			zr->zr_len = sbuf_len(&sb) + 1;
	}
	sbuf_delete(&sb);
	free(buf, M_FBZONE);
	return (error);
}

static int
zone_ioctl(struct cdev *dev, u_long cmd, caddr_t data, int fflag,
    struct thread *td)
{
	struct zone_softc *sc = dev->si_drv1;
	struct rm_priotracker tracker;
	struct zone_open *zo;
	struct zone_alloc *za;
	struct zone_stats *zs;
	struct zitem *zi;
	uint32_t id;
	int error, max, ticks_;

	error = devfs_get_cdevpriv((void **)&zo);
	if (error != 0)
		return (error);
	switch (cmd) {
	case ZONE_ALLOC:
		za = (struct zone_alloc *)data;
		if ((za->za_flags & ~ZA_NOWAIT) != 0)
			return (EINVAL);
		rm_rlock(&sc->sc_cfg, &tracker);
		max = sc->sc_max;
		rm_runlock(&sc->sc_cfg, &tracker);
		if (atomic_fetchadd_int(&sc->sc_live, 1) >= max) {
			atomic_subtract_int(&sc->sc_live, 1);
			return (ENOSPC);
		}
		zi = uma_zalloc_arg(sc->sc_zone, zo,
		    (za->za_flags & ZA_NOWAIT) ? M_NOWAIT : M_WAITOK);
		if (zi == NULL) {
			atomic_subtract_int(&sc->sc_live, 1);
			return (ENOMEM);
		}
		mtx_lock(&zo->zo_mtx);
		zi->zi_id = zo->zo_nextid++;
		zi->zi_tag = za->za_tag;
		TAILQ_INSERT_TAIL(&zo->zo_items, zi, zi_link);
		zo->zo_nitems++;
		za->za_id = zi->zi_id;
		mtx_unlock(&zo->zo_mtx);
		return (0);
	case ZONE_FREE:
		id = *(uint32_t *)data;
		mtx_lock(&zo->zo_mtx);
		TAILQ_FOREACH(zi, &zo->zo_items, zi_link)
			if (zi->zi_id == id)
				break;
		if (zi != NULL) {
			TAILQ_REMOVE(&zo->zo_items, zi, zi_link);
			zo->zo_nitems--;
		}
		mtx_unlock(&zo->zo_mtx);
		if (zi == NULL)
			return (ENOENT);
		uma_zfree(sc->sc_zone, zi);
		atomic_subtract_int(&sc->sc_live, 1);
		return (0);
	case ZONE_EXPIRE:
		ticks_ = *(int *)data;
		if (ticks_ < 0 || ticks_ > 10 * hz)
			return (EINVAL);
		if (ticks_ == 0) {
			taskqueue_cancel_timeout(sc->sc_tq, &zo->zo_expire, NULL);
			return (0);
		}
		taskqueue_enqueue_timeout(sc->sc_tq, &zo->zo_expire, ticks_);
		return (0);
	case ZONE_STATS:
		zs = (struct zone_stats *)data;
		rm_rlock(&sc->sc_cfg, &tracker);
		zs->zs_max = sc->sc_max;
		rm_runlock(&sc->sc_cfg, &tracker);
		mtx_lock(&zo->zo_mtx);
		zs->zs_unit = zo->zo_unit;
		zs->zs_items = zo->zo_nitems;
		zs->zs_expired = zo->zo_expired;
		zo->zo_expired = 0;
		mtx_unlock(&zo->zo_mtx);
		return (0);
	case ZONE_REPORT:
		return (zone_report(zo, (struct zone_report *)data));
	case ZONE_SETMAX:
		max = *(int *)data;
		if (max < 1 || max > ZONE_MAXITEMS)
			return (EINVAL);
		rm_wlock(&sc->sc_cfg);
		sc->sc_max = max;
		rm_wunlock(&sc->sc_cfg);
		return (0);
	default:
		return (ENOTTY);
	}
}

static void
zone_kqdetach(struct knote *kn)
{
	struct zone_open *zo = kn->kn_hook;

	knlist_remove(&zo->zo_sel.si_note, kn, 0);
}

/* With zo_mtx held (the knlist's lock). */
static int
zone_kqread(struct knote *kn, long hint)
{
	struct zone_open *zo = kn->kn_hook;

	mtx_assert(&zo->zo_mtx, MA_OWNED);
	kn->kn_data = zo->zo_expired;
	return (kn->kn_data > 0);
}

static struct filterops zone_rfiltops = {
	.f_isfd = 1,
	.f_detach = zone_kqdetach,
	.f_event = zone_kqread,
};

static int
zone_kqfilter(struct cdev *dev, struct knote *kn)
{
	struct zone_open *zo;
	int error;

	error = devfs_get_cdevpriv((void **)&zo);
	if (error != 0)
		return (error);
	switch (kn->kn_filter) {
	case EVFILT_READ:
		kn->kn_fop = &zone_rfiltops;
		kn->kn_hook = zo;
		knlist_add(&zo->zo_sel.si_note, kn, 0);
		return (0);
	default:
		return (EINVAL);
	}
}

static struct cdevsw zone_cdevsw = {
	.d_version =	D_VERSION,
	.d_open =	zone_open,
	.d_read =	zone_read,
	.d_ioctl =	zone_ioctl,
	.d_kqfilter =	zone_kqfilter,
	.d_name =	"fbzone",
};

static int
zone_sysctl_max(SYSCTL_HANDLER_ARGS)
{
	struct zone_softc *sc = arg1;
	struct rm_priotracker tracker;
	int error, v;

	rm_rlock(&sc->sc_cfg, &tracker);
	v = sc->sc_max;
	rm_runlock(&sc->sc_cfg, &tracker);
	error = sysctl_handle_int(oidp, &v, 0, req);
	if (error != 0 || req->newptr == NULL)
		return (error);
	if (v < 1 || v > ZONE_MAXITEMS)
		return (EINVAL);
	rm_wlock(&sc->sc_cfg);
	sc->sc_max = v;
	rm_wunlock(&sc->sc_cfg);
	return (0);
}

static int
zone_sysctl_report(SYSCTL_HANDLER_ARGS)
{
	struct zone_softc *sc = arg1;
	struct sbuf *sb;
	int error;

	sb = sbuf_new_for_sysctl(NULL, NULL, 128, req);
	if (sb == NULL)
		return (ENOMEM);
	mtx_lock(&sc->sc_mtx);
	sbuf_printf(sb, "opens=%d samples=%d peak=%d held=%d", sc->sc_opens,
	    sc->sc_samples, sc->sc_peak, sc->sc_peak_held);
	mtx_unlock(&sc->sc_mtx);
	sbuf_printf(sb, " live=%d expiries=%u", atomic_load_int(&sc->sc_live),
	    atomic_load_int(&sc->sc_expiries));
	error = sbuf_finish(sb);
	sbuf_delete(sb);
	return (error);
}

static void
zone_sysctl_attach(struct zone_softc *sc)
{
	struct sysctl_oid *node;
	struct sysctl_oid_list *kids;

	sysctl_ctx_init(&sc->sc_ctx);
	node = SYSCTL_ADD_NODE(&sc->sc_ctx, SYSCTL_STATIC_CHILDREN(_hw),
	    OID_AUTO, "fbzone", CTLFLAG_RD | CTLFLAG_MPSAFE, NULL,
	    "fbzone item pools");
	kids = SYSCTL_CHILDREN(node);
	SYSCTL_ADD_INT(&sc->sc_ctx, kids, OID_AUTO, "live", CTLFLAG_RD,
	    &sc->sc_live, 0, "items allocated");
	SYSCTL_ADD_UINT(&sc->sc_ctx, kids, OID_AUTO, "expiries", CTLFLAG_RD,
	    &sc->sc_expiries, 0, "expiries run");
	SYSCTL_ADD_PROC(&sc->sc_ctx, kids, OID_AUTO, "maxitems",
	    CTLTYPE_INT | CTLFLAG_RW | CTLFLAG_MPSAFE, sc, 0,
	    zone_sysctl_max, "I", "item limit");
	SYSCTL_ADD_PROC(&sc->sc_ctx, kids, OID_AUTO, "report",
	    CTLTYPE_STRING | CTLFLAG_RD | CTLFLAG_MPSAFE, sc, 0,
	    zone_sysctl_report, "A", "a summary");
}

static int
zone_modevent(module_t mod, int type, void *data)
{
	struct make_dev_args args;
	struct zone_softc *sc;
	int error;

	switch (type) {
	case MOD_LOAD:
		sc = malloc(sizeof(*sc), M_FBZONE, M_WAITOK | M_ZERO);
		mtx_init(&sc->sc_mtx, "fbzone", NULL, MTX_DEF);
		sx_init(&sc->sc_list_lock, "fbzone opens");
		LIST_INIT(&sc->sc_list);
		rm_init(&sc->sc_cfg, "fbzone cfg");
		sc->sc_max = ZONE_DEFMAX;
		sc->sc_zone = uma_zcreate("fbzone items", sizeof(struct zitem),
		    zitem_ctor, zitem_dtor, NULL, NULL, UMA_ALIGN_PTR, 0);
		sc->sc_unr = new_unrhdr(0, ZONE_MAXOPEN - 1, NULL);
		sc->sc_tq = taskqueue_create("fbzone", M_WAITOK,
		    taskqueue_thread_enqueue, &sc->sc_tq);
		error = taskqueue_start_threads(&sc->sc_tq, 1, PWAIT,
		    "fbzone taskq");
		if (error == 0) {
			TIMEOUT_TASK_INIT(sc->sc_tq, &sc->sc_sample, 0,
			    zone_sample_task, sc);
			zone_sysctl_attach(sc);
			make_dev_args_init(&args);
			args.mda_devsw = &zone_cdevsw;
			args.mda_uid = UID_ROOT;
			args.mda_gid = GID_WHEEL;
			args.mda_mode = 0666;
			args.mda_si_drv1 = sc;
			error = make_dev_s(&args, &sc->sc_dev, "fbzone");
			if (error != 0)
				sysctl_ctx_free(&sc->sc_ctx);
		}
		if (error != 0) {
			taskqueue_free(sc->sc_tq);
			delete_unrhdr(sc->sc_unr);
			uma_zdestroy(sc->sc_zone);
			rm_destroy(&sc->sc_cfg);
			sx_destroy(&sc->sc_list_lock);
			mtx_destroy(&sc->sc_mtx);
			free(sc, M_FBZONE);
			return (error);
		}
		zone_sc = sc;
		return (0);
	case MOD_UNLOAD:
		sc = zone_sc;
		/*
		 * destroy_dev runs the destructors of the opens still on the
		 * cdev, but not one a close(2) elsewhere has begun (devfs
		 * took it off the cdev's list first): wait for that one too.
		 */
		destroy_dev(sc->sc_dev);
		mtx_lock(&sc->sc_mtx);
		sc->sc_dying = 1;
		while (sc->sc_opens > 0)
			mtx_sleep(&sc->sc_opens, &sc->sc_mtx, 0, "fbzcls", 0);
		mtx_unlock(&sc->sc_mtx);
		taskqueue_cancel_timeout(sc->sc_tq, &sc->sc_sample, NULL);
		taskqueue_drain_timeout(sc->sc_tq, &sc->sc_sample);
		taskqueue_free(sc->sc_tq);
		sysctl_ctx_free(&sc->sc_ctx);
		delete_unrhdr(sc->sc_unr);
		uma_zdestroy(sc->sc_zone);
		rm_destroy(&sc->sc_cfg);
		sx_destroy(&sc->sc_list_lock);
		mtx_destroy(&sc->sc_mtx);
		free(sc, M_FBZONE);
		zone_sc = NULL;
		return (0);
	case MOD_SHUTDOWN:
		return (0);
	default:
		return (EOPNOTSUPP);
	}
}

DEV_MODULE(fbzone, zone_modevent, NULL);
MODULE_VERSION(fbzone, 1);
