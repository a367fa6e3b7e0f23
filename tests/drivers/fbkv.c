/*-
 * fbkv: a small key/value store behind ioctls.  Keys and values live in a
 * UMA zone / malloc(9) and are reference counted (refcount(9)) so a GET
 * can copy a value out without holding the table lock across copyout.
 * Each open remembers its owner's credential and the last key it wrote.
 * D_TRACKCLOSE: d_close runs at every close.  The largest value size is
 * read-mostly, under an rmlock(9).  read(2) lists the table (sbuf(9),
 * uiomove_frombuf: the listing behaves as a file, offsets and all).
 *
 * Build-time bug switches (for the test suite):
 *   -DKV_BUG_NOREF  GET drops the table lock before copyout without taking
 *                   a reference: a concurrent DEL frees the value under it.
 *   -DKV_BUG_RMSLEEP PUT holds the config rmlock (a plain one, not
 *                   sleepable) across copyinstr.
 *   -DKV_BUG_SXMTX  PUT takes the table sx with PROC_LOCK still held.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/module.h>
#include <sys/conf.h>
#include <sys/malloc.h>
#include <sys/lock.h>
#include <sys/sx.h>
#include <sys/rmlock.h>
#include <sys/queue.h>
#include <sys/refcount.h>
#include <sys/ioccom.h>
#include <sys/proc.h>
#include <sys/ucred.h>
#include <sys/priv.h>
#include <sys/fcntl.h>
#include <sys/eventhandler.h>
#include <sys/sbuf.h>
#include <sys/uio.h>
#include <machine/atomic.h>
#include <vm/uma.h>

#define	KV_KEYMAX	32
#define	KV_VALMAX	256

struct kv_req {
	char		*kr_key;	/* user string */
	void		*kr_val;	/* user buffer */
	size_t		kr_len;		/* in: buffer size; out: value size */
	pid_t		kr_owner;	/* out: pid that stored the value */
	uint32_t	kr_flags;
};

#define	KV_PUT		_IOW('K', 1, struct kv_req)
#define	KV_GET		_IOWR('K', 2, struct kv_req)
#define	KV_DEL		_IOW('K', 3, struct kv_req)
#define	KV_COUNT	_IOR('K', 4, int)
#define	KV_CLEAR	_IO('K', 5)
#define	KV_SETMAX	_IOW('K', 6, int)	/* largest value, bytes */

MALLOC_DEFINE(M_FBKV, "fbkv", "fbkv values");

struct kv_entry {
	LIST_ENTRY(kv_entry) ke_link;
	volatile u_int	ke_refs;
	char		ke_key[KV_KEYMAX];
	void		*ke_val;
	size_t		ke_len;
	pid_t		ke_owner;
};

struct kv_open {
	struct ucred	*ko_cred;
	char		ko_lastkey[KV_KEYMAX];
	int		ko_puts;
};

static LIST_HEAD(, kv_entry) kv_table = LIST_HEAD_INITIALIZER(kv_table);
static struct sx kv_lock;
static struct rmlock kv_cfglock;	/* read on every PUT, written rarely */
static size_t kv_valmax = KV_VALMAX;
static uma_zone_t kv_zone;
static struct cdev *kv_dev;
static int kv_count;
static volatile u_int kv_opens;
static eventhandler_tag kv_shutdown_tag;

static d_open_t		kv_open;
static d_close_t	kv_close;
static d_read_t		kv_read;
static d_ioctl_t	kv_ioctl;

static struct cdevsw kv_cdevsw = {
	.d_version =	D_VERSION,
	.d_flags =	D_TRACKCLOSE,
	.d_open =	kv_open,
	.d_close =	kv_close,
	.d_read =	kv_read,
	.d_ioctl =	kv_ioctl,
	.d_name =	"fbkv",
};

static void
kv_entry_rele(struct kv_entry *ke)
{

	if (refcount_release(&ke->ke_refs)) {
		free(ke->ke_val, M_FBKV);
		uma_zfree(kv_zone, ke);
	}
}

static struct kv_entry *
kv_lookup(const char *key)
{
	struct kv_entry *ke;

	sx_assert(&kv_lock, SA_LOCKED);
	LIST_FOREACH(ke, &kv_table, ke_link) {
		if (strcmp(ke->ke_key, key) == 0)
			return (ke);
	}
	return (NULL);
}

static void
kv_open_dtor(void *data)
{
	struct kv_open *ko = data;

	crfree(ko->ko_cred);
	free(ko, M_FBKV);
}

static int
kv_open(struct cdev *dev, int oflags, int devtype, struct thread *td)
{
	struct kv_open *ko;
	int error;

	ko = malloc(sizeof(*ko), M_FBKV, M_WAITOK | M_ZERO);
	ko->ko_cred = crhold(td->td_ucred);
	error = devfs_set_cdevpriv(ko, kv_open_dtor);
	if (error != 0) {
		kv_open_dtor(ko);
		return (error);
	}
	atomic_add_int(&kv_opens, 1);
	return (0);
}

static int
kv_close(struct cdev *dev, int fflag, int devtype, struct thread *td)
{

	KASSERT(kv_opens > 0, ("fbkv: close with no opens"));
	atomic_subtract_int(&kv_opens, 1);
	return (0);
}

/* read(2) lists the table, "key size owner" a line, as a file would. */
static int
kv_read(struct cdev *dev, struct uio *uio, int ioflag)
{
	struct kv_entry *ke;
	struct sbuf *sb;
	int error;

	sb = sbuf_new_auto();
	sx_slock(&kv_lock);
	LIST_FOREACH(ke, &kv_table, ke_link)
		sbuf_printf(sb, "%s %zu %d\n", ke->ke_key, ke->ke_len,
		    (int)ke->ke_owner);
	sx_sunlock(&kv_lock);
	error = sbuf_finish(sb);
	if (error == 0)
		error = uiomove_frombuf(sbuf_data(sb), sbuf_len(sb), uio);
	sbuf_delete(sb);
	return (error);
}

static int
kv_put(struct kv_open *ko, struct kv_req *kr, struct thread *td)
{
	struct kv_entry *ke, *old;
	struct rm_priotracker tracker;
	char key[KV_KEYMAX];
	size_t done, max;
	void *val;
	int error;

	rm_rlock(&kv_cfglock, &tracker);
	max = kv_valmax;
#ifndef KV_BUG_RMSLEEP
	rm_runlock(&kv_cfglock, &tracker);
#endif
	if (kr->kr_len == 0 || kr->kr_len > max) {
#ifdef KV_BUG_RMSLEEP
		rm_runlock(&kv_cfglock, &tracker);
#endif
		return (EINVAL);
	}
	error = copyinstr(kr->kr_key, key, sizeof(key), &done);
#ifdef KV_BUG_RMSLEEP
	rm_runlock(&kv_cfglock, &tracker);	/* held across a copyin */
#endif
	if (error != 0)
		return (error);
	val = malloc(kr->kr_len, M_FBKV, M_WAITOK);
	error = copyin(kr->kr_val, val, kr->kr_len);
	if (error != 0) {
		free(val, M_FBKV);
		return (error);
	}
	ke = uma_zalloc(kv_zone, M_WAITOK | M_ZERO);
	refcount_init(&ke->ke_refs, 1);
	strlcpy(ke->ke_key, key, sizeof(ke->ke_key));
	ke->ke_val = val;
	ke->ke_len = kr->kr_len;
	PROC_LOCK(td->td_proc);
	ke->ke_owner = td->td_proc->p_pid;
#ifndef KV_BUG_SXMTX
	PROC_UNLOCK(td->td_proc);
#endif

	sx_xlock(&kv_lock);
#ifdef KV_BUG_SXMTX
	PROC_UNLOCK(td->td_proc);	/* an sx taken under the proc mutex */
#endif
	old = kv_lookup(key);
	if (old != NULL)
		LIST_REMOVE(old, ke_link);
	else
		kv_count++;
	LIST_INSERT_HEAD(&kv_table, ke, ke_link);
	sx_xunlock(&kv_lock);
	if (old != NULL)
		kv_entry_rele(old);

	strlcpy(ko->ko_lastkey, key, sizeof(ko->ko_lastkey));
	ko->ko_puts++;
	return (0);
}

static int
kv_get(struct kv_req *kr)
{
	struct kv_entry *ke;
	char key[KV_KEYMAX];
	size_t len;
	int error;

	error = copyinstr(kr->kr_key, key, sizeof(key), NULL);
	if (error != 0)
		return (error);
	sx_slock(&kv_lock);
	ke = kv_lookup(key);
	if (ke == NULL) {
		sx_sunlock(&kv_lock);
		return (ENOENT);
	}
#ifndef KV_BUG_NOREF
	refcount_acquire(&ke->ke_refs);
#endif
	sx_sunlock(&kv_lock);

	len = MIN(kr->kr_len, ke->ke_len);
	error = copyout(ke->ke_val, kr->kr_val, len);
	if (error == 0) {
		kr->kr_len = ke->ke_len;
		kr->kr_owner = ke->ke_owner;
	}
#ifndef KV_BUG_NOREF
	kv_entry_rele(ke);
#endif
	return (error);
}

static int
kv_del(struct kv_req *kr)
{
	struct kv_entry *ke;
	char key[KV_KEYMAX];
	int error;

	error = copyinstr(kr->kr_key, key, sizeof(key), NULL);
	if (error != 0)
		return (error);
	sx_xlock(&kv_lock);
	ke = kv_lookup(key);
	if (ke != NULL) {
		LIST_REMOVE(ke, ke_link);
		kv_count--;
	}
	sx_xunlock(&kv_lock);
	if (ke == NULL)
		return (ENOENT);
	kv_entry_rele(ke);
	return (0);
}

static void
kv_flush(void)
{
	struct kv_entry *ke;

	sx_xlock(&kv_lock);
	while ((ke = LIST_FIRST(&kv_table)) != NULL) {
		LIST_REMOVE(ke, ke_link);
		kv_count--;
		kv_entry_rele(ke);
	}
	sx_xunlock(&kv_lock);
}

static int
kv_ioctl(struct cdev *dev, u_long cmd, caddr_t data, int fflag,
    struct thread *td)
{
	struct kv_open *ko;
	int error;

	error = devfs_get_cdevpriv((void **)&ko);
	if (error != 0)
		return (error);

	switch (cmd) {
	case KV_PUT:
		if ((fflag & FWRITE) == 0)
			return (EBADF);
		return (kv_put(ko, (struct kv_req *)data, td));
	case KV_GET:
		return (kv_get((struct kv_req *)data));
	case KV_DEL:
		if ((fflag & FWRITE) == 0)
			return (EBADF);
		return (kv_del((struct kv_req *)data));
	case KV_COUNT:
		sx_slock(&kv_lock);
		*(int *)data = kv_count;
		sx_sunlock(&kv_lock);
		return (0);
	case KV_SETMAX:
		error = priv_check(td, PRIV_DRIVER);
		if (error != 0)
			return (error);
		if (*(int *)data <= 0 || *(int *)data > KV_VALMAX)
			return (EINVAL);
		rm_wlock(&kv_cfglock);
		kv_valmax = *(int *)data;
		rm_wunlock(&kv_cfglock);
		return (0);
	case KV_CLEAR:
		error = priv_check(td, PRIV_DRIVER);
		if (error != 0)
			return (error);
		kv_flush();
		return (0);
	default:
		return (ENOTTY);
	}
}

/* Nothing to sync to disk, but say how much is lost at shutdown. */
static void
kv_shutdown(void *arg __unused, int howto __unused)
{

	printf("fbkv: %d entries dropped at shutdown\n", kv_count);
}

static int
kv_modevent(module_t mod, int type, void *data)
{
	int error;

	switch (type) {
	case MOD_LOAD:
		sx_init(&kv_lock, "fbkv table");
		rm_init(&kv_cfglock, "fbkv config");
		kv_zone = uma_zcreate("fbkv entries", sizeof(struct kv_entry),
		    NULL, NULL, NULL, NULL, UMA_ALIGN_PTR, 0);
		error = make_dev_p(MAKEDEV_CHECKNAME | MAKEDEV_WAITOK, &kv_dev,
		    &kv_cdevsw, NULL, UID_ROOT, GID_WHEEL, 0666, "fbkv");
		if (error != 0) {
			uma_zdestroy(kv_zone);
			rm_destroy(&kv_cfglock);
			sx_destroy(&kv_lock);
			return (error);
		}
		kv_shutdown_tag = EVENTHANDLER_REGISTER(shutdown_pre_sync,
		    kv_shutdown, NULL, SHUTDOWN_PRI_DEFAULT);
		printf("fbkv: loaded\n");
		return (0);
	case MOD_QUIESCE:
		return (atomic_load_acq_int(&kv_opens) > 0 ? EBUSY : 0);
	case MOD_UNLOAD:
		if (atomic_load_acq_int(&kv_opens) > 0)
			return (EBUSY);
		EVENTHANDLER_DEREGISTER(shutdown_pre_sync, kv_shutdown_tag);
		destroy_dev(kv_dev);
		kv_flush();
		uma_zdestroy(kv_zone);
		rm_destroy(&kv_cfglock);
		sx_destroy(&kv_lock);
		return (0);
	case MOD_SHUTDOWN:
		return (0);
	default:
		return (EOPNOTSUPP);
	}
}

static moduledata_t kv_mod = {
	"fbkv",
	kv_modevent,
	NULL
};
DECLARE_MODULE(fbkv, kv_mod, SI_SUB_DRIVERS, SI_ORDER_MIDDLE);
MODULE_VERSION(fbkv, 1);
