/*-
 * fbknob: a value stack whose capacity is a sysctl knob, written as an
 * outside FreeBSD driver writes one. ioctls push and pop 32-bit values
 * under the softc mutex; sysctl hw.fbknob.limit (a SYSCTL_PROC on the
 * driver's context) reads the capacity and, written, allocates a stack of
 * the new size and swaps it in under the mutex; hw.fbknob.stats is an
 * sbuf report; hw.fbknob.debug and hw.fbknob.version are static oids.
 *
 * Bug twins (tests/python/test_freebsd_sysctl.py):
 *   KNOB_BUG_UNLOCKED_RESIZE  the handler copies and frees the old stack
 *       before it takes the mutex to install the new one: an ioctl push
 *       between the free and the swap writes freed memory.
 *   KNOB_BUG_FREE_BEFORE_CTX  MOD_UNLOAD destroys the mutex and frees the
 *       stack before sysctl_ctx_free, so a handler still running (or
 *       starting) uses them after they are gone.
 *   KNOB_BUG_CTX_FREE_LOCKED  MOD_UNLOAD calls sysctl_ctx_free holding
 *       the softc mutex, which the handler takes: WITNESS's "sleepable
 *       after non-sleepable" (the sysctl lock), and a deadlock when a
 *       handler is running.
 *   KNOB_BUG_OUT_LOCKED  the handler copies the value out (and the new
 *       one in) holding the mutex: sysctl_old_user's WITNESS_WARN, the
 *       user page may fault and sleep.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/module.h>
#include <sys/conf.h>
#include <sys/malloc.h>
#include <sys/lock.h>
#include <sys/mutex.h>
#include <sys/ioccom.h>
#include <sys/sysctl.h>
#include <sys/sbuf.h>

#define	KNOB_MAX	64
#define	KNOB_DEFLIMIT	4

struct knob_info {
	uint32_t	ki_limit;
	uint32_t	ki_used;
};

#define	KNOB_PUSH	_IOW('K', 1, uint32_t)
#define	KNOB_POP	_IOR('K', 2, uint32_t)
#define	KNOB_INFO	_IOR('K', 3, struct knob_info)

MALLOC_DEFINE(M_FBKNOB, "fbknob", "fbknob stacks");

struct knob_softc {
	struct mtx	sc_mtx;		/* sc_stack, sc_limit, sc_used */
	uint32_t	*sc_stack;
	int		sc_limit;
	int		sc_used;
	int		sc_resizes;
	struct cdev	*sc_dev;
	struct sysctl_ctx_list sc_ctx;
};

static struct knob_softc *knob_sc;
static int knob_debug;

SYSCTL_NODE(_hw, OID_AUTO, fbknob, CTLFLAG_RD | CTLFLAG_MPSAFE, 0,
    "fbknob value stack");
SYSCTL_INT(_hw_fbknob, OID_AUTO, debug, CTLFLAG_RWTUN, &knob_debug, 0,
    "debug level");
SYSCTL_INT(_hw_fbknob, OID_AUTO, version, CTLFLAG_RD, NULL, 3,
    "interface version");

/* Written before CTLFLAG_MPSAFE was the habit: it runs under Giant. */
static int
knob_sysctl_resizes(SYSCTL_HANDLER_ARGS)
{
	int v = 0;

	if (knob_sc != NULL) {
		mtx_lock(&knob_sc->sc_mtx);
		v = knob_sc->sc_resizes;
		mtx_unlock(&knob_sc->sc_mtx);
	}
	return (sysctl_handle_int(oidp, &v, 0, req));
}
SYSCTL_PROC(_hw_fbknob, OID_AUTO, resizes, CTLTYPE_INT | CTLFLAG_RD, NULL, 0,
    knob_sysctl_resizes, "I", "resizes so far");

static int
knob_ioctl(struct cdev *dev, u_long cmd, caddr_t data, int fflag,
    struct thread *td)
{
	struct knob_softc *sc = dev->si_drv1;
	struct knob_info *ki;
	int error = 0;

	mtx_lock(&sc->sc_mtx);
	switch (cmd) {
	case KNOB_PUSH:
		if (sc->sc_used >= sc->sc_limit)
			error = EAGAIN;
		else
			sc->sc_stack[sc->sc_used++] = *(uint32_t *)data;
		break;
	case KNOB_POP:
		if (sc->sc_used == 0)
			error = EAGAIN;
		else
			*(uint32_t *)data = sc->sc_stack[--sc->sc_used];
		break;
	case KNOB_INFO:
		ki = (struct knob_info *)data;
		ki->ki_limit = sc->sc_limit;
		ki->ki_used = sc->sc_used;
		break;
	default:
		error = ENOTTY;
	}
	mtx_unlock(&sc->sc_mtx);
	return (error);
}

static struct cdevsw knob_cdevsw = {
	.d_version =	D_VERSION,
	.d_ioctl =	knob_ioctl,
	.d_name =	"fbknob",
};

static int
knob_sysctl_limit(SYSCTL_HANDLER_ARGS)
{
	struct knob_softc *sc = arg1;
	uint32_t *nstack, *ostack;
	int error, v, n;

	mtx_lock(&sc->sc_mtx);
	v = sc->sc_limit;
#ifdef KNOB_BUG_OUT_LOCKED
	error = sysctl_handle_int(oidp, &v, 0, req);
	mtx_unlock(&sc->sc_mtx);
#else
	mtx_unlock(&sc->sc_mtx);
	error = sysctl_handle_int(oidp, &v, 0, req);
#endif
	if (error != 0 || req->newptr == NULL)
		return (error);
	if (v < 1 || v > KNOB_MAX)
		return (EINVAL);
	nstack = malloc(v * sizeof(*nstack), M_FBKNOB, M_WAITOK | M_ZERO);
#ifdef KNOB_BUG_UNLOCKED_RESIZE
	/* The copy only reads the old stack: no lock needed, or so it seems. */
	ostack = sc->sc_stack;
	n = MIN(sc->sc_used, v);
	memcpy(nstack, ostack, n * sizeof(*nstack));
	free(ostack, M_FBKNOB);
	mtx_lock(&sc->sc_mtx);
	sc->sc_stack = nstack;
	sc->sc_limit = v;
	sc->sc_used = n;
	sc->sc_resizes++;
	mtx_unlock(&sc->sc_mtx);
#else
	mtx_lock(&sc->sc_mtx);
	ostack = sc->sc_stack;
	n = MIN(sc->sc_used, v);
	memcpy(nstack, ostack, n * sizeof(*nstack));
	sc->sc_stack = nstack;
	sc->sc_limit = v;
	sc->sc_used = n;
	sc->sc_resizes++;
	mtx_unlock(&sc->sc_mtx);
	free(ostack, M_FBKNOB);
#endif
	return (0);
}

static int
knob_sysctl_stats(SYSCTL_HANDLER_ARGS)
{
	struct knob_softc *sc = arg1;
	struct sbuf *sb;
	int error, limit, used, resizes;

	mtx_lock(&sc->sc_mtx);
	limit = sc->sc_limit;
	used = sc->sc_used;
	resizes = sc->sc_resizes;
	mtx_unlock(&sc->sc_mtx);
	sb = sbuf_new_for_sysctl(NULL, NULL, 64, req);
	if (sb == NULL)
		return (ENOMEM);
	sbuf_printf(sb, "limit=%d used=%d resizes=%d", limit, used, resizes);
	error = sbuf_finish(sb);
	sbuf_delete(sb);
	return (error);
}

static int
knob_modevent(module_t mod, int type, void *data)
{
	struct make_dev_args args;
	struct knob_softc *sc;
	int error;

	switch (type) {
	case MOD_LOAD:
		sc = malloc(sizeof(*sc), M_FBKNOB, M_WAITOK | M_ZERO);
		mtx_init(&sc->sc_mtx, "fbknob", NULL, MTX_DEF);
		sc->sc_limit = KNOB_DEFLIMIT;
		sc->sc_stack = malloc(sc->sc_limit * sizeof(*sc->sc_stack),
		    M_FBKNOB, M_WAITOK | M_ZERO);
		sysctl_ctx_init(&sc->sc_ctx);
		SYSCTL_ADD_PROC(&sc->sc_ctx, SYSCTL_STATIC_CHILDREN(_hw_fbknob),
		    OID_AUTO, "limit", CTLTYPE_INT | CTLFLAG_RW | CTLFLAG_MPSAFE,
		    sc, 0, knob_sysctl_limit, "I", "stack capacity");
		SYSCTL_ADD_PROC(&sc->sc_ctx, SYSCTL_STATIC_CHILDREN(_hw_fbknob),
		    OID_AUTO, "stats", CTLTYPE_STRING | CTLFLAG_RD | CTLFLAG_MPSAFE,
		    sc, 0, knob_sysctl_stats, "A", "a summary");
		make_dev_args_init(&args);
		args.mda_devsw = &knob_cdevsw;
		args.mda_uid = UID_ROOT;
		args.mda_gid = GID_WHEEL;
		args.mda_mode = 0666;
		args.mda_si_drv1 = sc;
		error = make_dev_s(&args, &sc->sc_dev, "fbknob");
		if (error != 0) {
			sysctl_ctx_free(&sc->sc_ctx);
			free(sc->sc_stack, M_FBKNOB);
			mtx_destroy(&sc->sc_mtx);
			free(sc, M_FBKNOB);
			return (error);
		}
		knob_sc = sc;
		return (0);
	case MOD_UNLOAD:
		sc = knob_sc;
		destroy_dev(sc->sc_dev);
#ifdef KNOB_BUG_FREE_BEFORE_CTX
		mtx_destroy(&sc->sc_mtx);
		free(sc->sc_stack, M_FBKNOB);
		sysctl_ctx_free(&sc->sc_ctx);
		free(sc, M_FBKNOB);
#elif defined(KNOB_BUG_CTX_FREE_LOCKED)
		mtx_lock(&sc->sc_mtx);
		sysctl_ctx_free(&sc->sc_ctx);
		free(sc->sc_stack, M_FBKNOB);
		mtx_destroy(&sc->sc_mtx);
		free(sc, M_FBKNOB);
#else
		/* Waits for a handler still running: it may take sc_mtx. */
		sysctl_ctx_free(&sc->sc_ctx);
		free(sc->sc_stack, M_FBKNOB);
		mtx_destroy(&sc->sc_mtx);
		free(sc, M_FBKNOB);
#endif
		knob_sc = NULL;
		return (0);
	case MOD_SHUTDOWN:
		return (0);
	default:
		return (EOPNOTSUPP);
	}
}

DEV_MODULE(fbknob, knob_modevent, NULL);
MODULE_VERSION(fbknob, 1);
