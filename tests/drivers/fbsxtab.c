/*-
 * fbsxtab: a table of TAB_NSLOTS values behind ioctls, under one sx(9).
 * A value is a malloc(9)'d record.  GET of an empty slot waits for it with
 * cv_wait_sig under the shared lock, so readers wait side by side; PUT
 * fills a slot under the exclusive lock and broadcasts; TAKE empties one
 * and frees its record.  Every PUT and TAKE moves the table's generation
 * on; WAITGEN waits for it to reach a value with sx_sleep(9), holding the
 * lock shared, or exclusive with PDROP (each turn takes it again).
 * Each open is numbered by unr(9), lowest free first (TAB_UNIT), and
 * gives its number back when its file goes (the cdevpriv destructor).
 *
 * Build-time bug switch (for the test suite):
 *   -DSXTAB_BUG_IF  GET tests the slot with "if", not "while": a TAKE that
 *                   gets the lock between the broadcast and the reader's
 *                   re-take leaves it reading an empty slot.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/module.h>
#include <sys/conf.h>
#include <sys/malloc.h>
#include <sys/lock.h>
#include <sys/sx.h>
#include <sys/condvar.h>
#include <sys/ioccom.h>

#define	TAB_NSLOTS	8

struct tab_req {
	int	tr_slot;	/* in */
	int	tr_val;		/* in (PUT, WAITGEN's target), out (GET, TAKE, WAITGEN) */
	int	tr_flags;	/* WAITGEN: TAB_EXCL */
};
#define	TAB_EXCL	0x1

#define	TAB_GET		_IOWR('X', 1, struct tab_req)
#define	TAB_PUT		_IOW('X', 2, struct tab_req)
#define	TAB_TAKE	_IOWR('X', 3, struct tab_req)
#define	TAB_WAITGEN	_IOWR('X', 4, struct tab_req)
#define	TAB_UNIT	_IOR('X', 5, struct tab_req)

MALLOC_DEFINE(M_FBSXTAB, "fbsxtab", "fbsxtab records");

struct tab_rec {
	int	tr_val;
	int	tr_gen;		/* the generation that stored it */
};

static struct sx tab_lock;
static struct cv tab_cv;			/* a slot filled */
static struct tab_rec *tab_slot[TAB_NSLOTS];	/* under tab_lock */
static int tab_gen;				/* under tab_lock; sleep channel */
static struct cdev *tab_dev;
static struct unrhdr *tab_units;		/* open numbers */

static d_open_t tab_open;
static d_ioctl_t tab_ioctl;

static struct cdevsw tab_cdevsw = {
	.d_version =	D_VERSION,
	.d_open =	tab_open,
	.d_ioctl =	tab_ioctl,
	.d_name =	"fbsxtab",
};

static void
tab_unit_dtor(void *data)
{

	free_unr(tab_units, (u_int)(uintptr_t)data);
}

static int
tab_open(struct cdev *dev, int oflags, int devtype, struct thread *td)
{
	int unit, error;

	unit = alloc_unr(tab_units);
	if (unit == -1)
		return (EBUSY);
	error = devfs_set_cdevpriv((void *)(uintptr_t)unit, tab_unit_dtor);
	if (error != 0)
		free_unr(tab_units, unit);
	return (error);
}

static int
tab_get(struct tab_req *req)
{
	int error;

	sx_slock(&tab_lock);
#ifdef SXTAB_BUG_IF
	if (tab_slot[req->tr_slot] == NULL) {
#else
	while (tab_slot[req->tr_slot] == NULL) {
#endif
		error = cv_wait_sig(&tab_cv, &tab_lock);
		if (error != 0) {
			sx_sunlock(&tab_lock);
			return (error);
		}
	}
	sx_assert(&tab_lock, SA_SLOCKED);
	req->tr_val = tab_slot[req->tr_slot]->tr_val;
	sx_sunlock(&tab_lock);
	return (0);
}

static int
tab_put(struct tab_req *req)
{
	struct tab_rec *rec;

	rec = malloc(sizeof(*rec), M_FBSXTAB, M_WAITOK);
	rec->tr_val = req->tr_val;
	sx_xlock(&tab_lock);
	if (tab_slot[req->tr_slot] != NULL) {
		sx_xunlock(&tab_lock);
		free(rec, M_FBSXTAB);
		return (EEXIST);
	}
	rec->tr_gen = ++tab_gen;
	tab_slot[req->tr_slot] = rec;
	cv_broadcast(&tab_cv);
	wakeup(&tab_gen);
	sx_xunlock(&tab_lock);
	return (0);
}

static int
tab_take(struct tab_req *req)
{
	struct tab_rec *rec;

	sx_xlock(&tab_lock);
	rec = tab_slot[req->tr_slot];
	if (rec == NULL) {
		sx_xunlock(&tab_lock);
		return (ENOENT);
	}
	tab_slot[req->tr_slot] = NULL;
	tab_gen++;
	wakeup(&tab_gen);
	sx_xunlock(&tab_lock);
	req->tr_val = rec->tr_val;
	free(rec, M_FBSXTAB);
	return (0);
}

static int
tab_waitgen(struct tab_req *req)
{
	int error = 0;

	if (req->tr_flags & TAB_EXCL) {
		for (;;) {
			sx_xlock(&tab_lock);
			if (tab_gen >= req->tr_val)
				break;
			error = sx_sleep(&tab_gen, &tab_lock, PCATCH | PDROP,
			    "tabgen", 0);
			if (error != 0)
				return (error);
		}
		sx_assert(&tab_lock, SA_XLOCKED);
		req->tr_val = tab_gen;
		sx_xunlock(&tab_lock);
		return (0);
	}
	sx_slock(&tab_lock);
	while (tab_gen < req->tr_val && error == 0)
		error = sx_sleep(&tab_gen, &tab_lock, PCATCH, "tabgen", 0);
	sx_assert(&tab_lock, SA_SLOCKED);
	req->tr_val = tab_gen;
	sx_sunlock(&tab_lock);
	return (error);
}

static int
tab_ioctl(struct cdev *dev, u_long cmd, caddr_t data, int fflag,
    struct thread *td)
{
	struct tab_req *req = (struct tab_req *)data;
	void *unit;
	int error;

	if (cmd == TAB_UNIT) {
		error = devfs_get_cdevpriv(&unit);
		if (error == 0)
			req->tr_val = (int)(uintptr_t)unit;
		return (error);
	}
	if (cmd != TAB_WAITGEN &&
	    (req->tr_slot < 0 || req->tr_slot >= TAB_NSLOTS))
		return (EINVAL);
	switch (cmd) {
	case TAB_GET:
		return (tab_get(req));
	case TAB_PUT:
		return (tab_put(req));
	case TAB_TAKE:
		return (tab_take(req));
	case TAB_WAITGEN:
		return (tab_waitgen(req));
	default:
		return (ENOTTY);
	}
}

static int
tab_modevent(module_t mod, int type, void *data)
{
	int i;

	switch (type) {
	case MOD_LOAD:
		tab_units = new_unrhdr(0, 7, NULL);
		sx_init(&tab_lock, "fbsxtab");
		cv_init(&tab_cv, "tabfill");
		tab_dev = make_dev(&tab_cdevsw, 0, UID_ROOT, GID_WHEEL, 0666,
		    "fbsxtab");
		return (0);
	case MOD_UNLOAD:
		destroy_dev(tab_dev);
		for (i = 0; i < TAB_NSLOTS; i++) {
			free(tab_slot[i], M_FBSXTAB);
			tab_slot[i] = NULL;
		}
		cv_destroy(&tab_cv);
		sx_destroy(&tab_lock);
		delete_unrhdr(tab_units);
		return (0);
	case MOD_SHUTDOWN:
		return (0);
	default:
		return (EOPNOTSUPP);
	}
}

DEV_MODULE(fbsxtab, tab_modevent, NULL);
MODULE_VERSION(fbsxtab, 1);
