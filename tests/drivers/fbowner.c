/*
 * fbowner: a FreeBSD character device owned by its first opener, as
 * devices that hand one user a resource are (a tunnel, a debug port): the
 * first open for writing keeps a reference to the opener's credential
 * (crhold) and its pid; later ones by another uid are refused with EBUSY
 * unless the caller holds PRIV_DRIVER (opens for reading only are always
 * let in and own nothing); the last close gives the credential back
 * (crfree). For tests/python/test_freebsd_proc.py: it reads what drivers
 * read of struct thread, proc and ucred.
 *
 * FBOWN_SELF answers what the kernel says of the caller (td and curthread
 * must agree); FBOWN_OWNER the owner's pid and uid; FBOWN_PRIV
 * priv_check(td, PRIV_DRIVER).
 *
 * Variants: "no_crfree" forgets the crfree at the last close (a leaked
 * credential reference); "crfree_twice" gives it back twice (the second
 * drops the process's own reference); "unlocked_owner" checks for an owner, allocates
 * the owner record (M_WAITOK: it may sleep) and sets it, all without the
 * lock: two first opens both take the device and the first one's
 * credential reference is lost.
 */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/module.h>
#include <sys/conf.h>
#include <sys/malloc.h>
#include <sys/lock.h>
#include <sys/mutex.h>
#include <sys/proc.h>
#include <sys/ucred.h>
#include <sys/priv.h>
#include <sys/jail.h>
#include <sys/ioccom.h>
#include <sys/kernsim.h>

struct fbown_self {
	int	pid;
	int	tid;
	u_int	uid;
	int	kproc;		/* P_SYSTEM set on the process */
	char	comm[MAXCOMLEN + 1];
	char	name[MAXCOMLEN + 1];
	uint64_t td;		/* the record's address */
};

struct fbown_owner {
	int	pid;
	u_int	uid;
};

#define	FBOWN_SELF	_IOR('O', 1, struct fbown_self)
#define	FBOWN_OWNER	_IOR('O', 2, struct fbown_owner)
#define	FBOWN_PRIV	_IO('O', 3)

MALLOC_DEFINE(M_FBOWN, "fbowner", "fbowner owner record");

struct fbown_rec {
	struct ucred	*cred;
	pid_t		pid;
};

static struct {
	struct mtx		mtx;
	struct fbown_rec	*owner;
	int			opens;
} sc;

static struct cdev *fbown_dev;

static int
fbown_open(struct cdev *dev, int oflags, int devtype, struct thread *td)
{
	struct fbown_rec *rec;
	int error = 0;

	if ((oflags & FWRITE) == 0) {
		mtx_lock(&sc.mtx);
		sc.opens++;
		mtx_unlock(&sc.mtx);
		return (0);
	}
	if (KS_VARIANT("fbowner", "unlocked_owner")) {
		if (sc.owner == NULL) {
			rec = malloc(sizeof (*rec), M_FBOWN, M_WAITOK | M_ZERO);
			rec->cred = crhold(td->td_ucred);
			rec->pid = td->td_proc->p_pid;
			sc.owner = rec;		/* may overwrite another's */
		}
		mtx_lock(&sc.mtx);
		sc.opens++;
		mtx_unlock(&sc.mtx);
		return (0);
	}
	rec = malloc(sizeof (*rec), M_FBOWN, M_WAITOK | M_ZERO);
	mtx_lock(&sc.mtx);
	if (sc.owner == NULL) {
		rec->cred = crhold(td->td_ucred);
		rec->pid = td->td_proc->p_pid;
		sc.owner = rec;
		rec = NULL;
	} else if (sc.owner->cred->cr_uid != td->td_ucred->cr_uid &&
	    priv_check(td, PRIV_DRIVER) != 0) {
		error = EBUSY;
	}
	if (error == 0)
		sc.opens++;
	mtx_unlock(&sc.mtx);
	free(rec, M_FBOWN);
	return (error);
}

/*
 * d_close at every close (D_TRACKCLOSE); the last, counted under the
 * mutex, gives the owner back. devfs's own "last close" would not do: an
 * open can get in (and find the old owner) while that d_close runs.
 */
static int
fbown_close(struct cdev *dev, int fflag, int devtype, struct thread *td)
{
	struct fbown_rec *rec;

	mtx_lock(&sc.mtx);
	if (--sc.opens > 0) {
		mtx_unlock(&sc.mtx);
		return (0);
	}
	rec = sc.owner;
	sc.owner = NULL;
	mtx_unlock(&sc.mtx);
	if (rec != NULL) {
		if (!KS_VARIANT("fbowner", "no_crfree"))
			crfree(rec->cred);
		if (KS_VARIANT("fbowner", "crfree_twice"))
			crfree(rec->cred);
		free(rec, M_FBOWN);
	}
	return (0);
}

static int
fbown_ioctl(struct cdev *dev, u_long cmd, caddr_t data, int fflag, struct thread *td)
{
	struct fbown_self *s;
	struct fbown_owner *o;

	switch (cmd) {
	case FBOWN_SELF:
		if (td != curthread || td->td_proc != curproc ||
		    td->td_ucred != td->td_proc->p_ucred || jailed(td->td_ucred) ||
		    td->td_tid <= PID_MAX)
			return (EINVAL);
		s = (struct fbown_self *)data;
		s->pid = td->td_proc->p_pid;
		s->tid = td->td_tid;
		s->uid = td->td_ucred->cr_uid;
		s->kproc = (td->td_proc->p_flag & P_SYSTEM) != 0;
		strlcpy(s->comm, td->td_proc->p_comm, sizeof (s->comm));
		strlcpy(s->name, td->td_name, sizeof (s->name));
		s->td = (uintptr_t)td;
		return (0);
	case FBOWN_OWNER:
		o = (struct fbown_owner *)data;
		mtx_lock(&sc.mtx);
		if (sc.owner == NULL) {
			mtx_unlock(&sc.mtx);
			return (ENOENT);
		}
		o->pid = sc.owner->pid;
		o->uid = sc.owner->cred->cr_uid;
		mtx_unlock(&sc.mtx);
		return (0);
	case FBOWN_PRIV:
		return (priv_check(td, PRIV_DRIVER));
	}
	return (ENOTTY);
}

static struct cdevsw fbown_cdevsw = {
	.d_version =	D_VERSION,
	.d_flags =	D_TRACKCLOSE,
	.d_open =	fbown_open,
	.d_close =	fbown_close,
	.d_ioctl =	fbown_ioctl,
	.d_name =	"fbowner",
};

static int
fbown_modevent(module_t mod, int what, void *arg)
{
	switch (what) {
	case MOD_LOAD:
		mtx_init(&sc.mtx, "fbowner", NULL, MTX_DEF);
		/* MOD_LOAD runs in a kernel thread: proc0's, uid 0. */
		if (curproc != &proc0 || curthread->td_ucred->cr_uid != 0 ||
		    (curproc->p_flag & P_SYSTEM) == 0)
			panic("fbowner: MOD_LOAD is not in proc0");
		fbown_dev = make_dev(&fbown_cdevsw, 0, UID_ROOT, GID_WHEEL, 0666, "fbowner");
		return (0);
	case MOD_UNLOAD:
		destroy_dev(fbown_dev);
		mtx_destroy(&sc.mtx);
		return (0);
	}
	return (EOPNOTSUPP);
}

static moduledata_t fbown_mod = { "fbowner", fbown_modevent, NULL };
static const char *const fbown_variants[] = {
	"no_crfree", "the last close does not give the owner's credential back",
	"crfree_twice", "the last close gives the owner's credential back twice",
	"unlocked_owner", "the first open takes ownership without the lock",
	NULL, NULL,
};
KS_FREEBSD_DRIVER(fbowner, fbown_variants, fbown_mod);
