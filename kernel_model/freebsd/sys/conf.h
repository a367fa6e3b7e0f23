/*
 * FreeBSD <sys/conf.h>: character devices. A cdevsw names the driver's
 * d_open/d_close/d_ioctl; make_dev_s creates /dev/<name> (si_drv1/si_drv2
 * from the args); destroy_dev removes the node and, as FreeBSD does, waits
 * until no thread is inside one of the device's methods any more (so it
 * must not be called from the device's own methods). d_ioctl gets a kernel
 * copy of the argument (sys/ioccom.h). d_read/d_write get a uio over the
 * user's buffer (sys/uio.h; ioflag: IO_NDELAY for O_NONBLOCK); without
 * them read(2)/write(2) give ENODEV. d_poll answers poll(2) (sys/poll.h:
 * the ready subset of events, selrecord(9) when none is); without it the
 * device is always ready for reading and writing (poll_no_poll).
 */
#ifndef _KS_FREEBSD_SYS_CONF_H
#define _KS_FREEBSD_SYS_CONF_H

#include <sys/types.h>
#include <sys/ioccom.h>
#include <kernsim/abi.h>

struct thread;
struct cdev;
struct ucred;
struct uio;

typedef int d_open_t(struct cdev *dev, int oflags, int devtype, struct thread *td);
typedef int d_close_t(struct cdev *dev, int fflag, int devtype, struct thread *td);
typedef int d_read_t(struct cdev *dev, struct uio *uio, int ioflag);
typedef int d_write_t(struct cdev *dev, struct uio *uio, int ioflag);
typedef int d_ioctl_t(struct cdev *dev, u_long cmd, caddr_t data, int fflag,
    struct thread *td);
typedef int d_poll_t(struct cdev *dev, int events, struct thread *td);
struct knote;
typedef int d_kqfilter_t(struct cdev *dev, struct knote *kn);
typedef int d_mmap_t(struct cdev *dev, vm_ooffset_t offset, vm_paddr_t *paddr, int nprot,
    vm_memattr_t *memattr);

#define D_VERSION	0x17122009
#define D_TRACKCLOSE	0x00080000
#define D_NEEDGIANT	0x00400000
#define D_NEEDMINOR	0x00800000	/* unit numbers: clone_create needs it */

struct cdevsw {
	int d_version;
	u_int d_flags;
	const char *d_name;
	d_open_t *d_open;
	d_close_t *d_close;
	d_read_t *d_read;
	d_write_t *d_write;
	d_ioctl_t *d_ioctl;
	d_poll_t *d_poll;	/* poll(2): sys/poll.h, sys/selinfo.h; NULL: poll_no_poll */
	/* mmap(2) of the device: the physical address (vtophys, vm/pmap.h)
	 * of the memory at offset; asked at mmap and at each page's first
	 * fault (kernel_model/freebsd/cdev.cc a_mmap says when and what an
	 * error does). NULL: mmap(2) fails with EINVAL. */
	d_mmap_t *d_mmap;
	d_kqfilter_t *d_kqfilter;
};

struct ks_fb_cdev;	/* the personality's record (kernel_model/freebsd) */

struct cdev {
	void *si_drv1;
	void *si_drv2;
	struct cdevsw *si_devsw;
	int si_drv0;		/* the unit */
	char si_name[64];	/* below /dev */
	struct ks_fb_cdev *si_ks;
	int si_refcount;	/* dev_ref/dev_rel, MAKEDEV_REF */
	u_int si_flags;
};

#define SI_ALIAS	0x0002	/* make_dev_alias's: a name of its parent */
#define SI_NAMED	0x0004	/* make_dev gave it its name */
#define SI_CHILD	0x0010	/* on its parent's list of children */
#define SI_CLONELIST	0x0200	/* on a clone_create list */

#define IO_NDELAY	0x0004	/* FNONBLOCK: the file is O_NONBLOCK */

#define UID_ROOT	0
#define GID_WHEEL	0
#define GID_OPERATOR	5

#define MAKEDEV_REF		0x01
#define MAKEDEV_WHTOUT		0x02
#define MAKEDEV_NOWAIT		0x04
#define MAKEDEV_WAITOK		0x08
#define MAKEDEV_ETERNAL		0x10
#define MAKEDEV_CHECKNAME	0x20

/* open(2) flags as d_open/d_ioctl see them */
#ifndef FREAD
#define FREAD	0x0001
#define FWRITE	0x0002
#endif

struct make_dev_args {
	size_t mda_size;
	int mda_flags;
	struct cdevsw *mda_devsw;
	struct ucred *mda_cr;
	uid_t mda_uid;
	gid_t mda_gid;
	int mda_mode;
	int mda_unit;
	void *mda_si_drv1;
	void *mda_si_drv2;
};

#ifdef __cplusplus
extern "C" {
#endif
void make_dev_args_init_impl(struct make_dev_args *, size_t);
int make_dev_s(struct make_dev_args *, struct cdev **, const char *, ...)
    __attribute__((format(__printf__, 3, 4)));
void destroy_dev(struct cdev *);
int dev2unit(struct cdev *);
const char *devtoname(struct cdev *);
/* The older constructors, on make_dev_s. A failure is a panic (as with
 * INVARIANTS) unless MAKEDEV_CHECKNAME asks for NULL or the error. */
struct cdev *make_dev(struct cdevsw *, int, uid_t, gid_t, int, const char *, ...)
    __attribute__((format(__printf__, 6, 7)));
struct cdev *make_dev_cred(struct cdevsw *, int, struct ucred *, uid_t, gid_t, int,
    const char *, ...) __attribute__((format(__printf__, 7, 8)));
struct cdev *make_dev_credf(int, struct cdevsw *, int, struct ucred *, uid_t, gid_t, int,
    const char *, ...) __attribute__((format(__printf__, 8, 9)));
int make_dev_p(int, struct cdev **, struct cdevsw *, struct ucred *, uid_t, gid_t, int,
    const char *, ...) __attribute__((format(__printf__, 8, 9)));
/*
 * make_dev_alias(9), kern_conf.c: a second name for pdev, which devfs makes
 * a symbolic link to it, so an open of the alias opens pdev (d_open sees
 * pdev) and counts with pdev's opens. The alias cdev has no cdevsw
 * (si_devsw NULL, SI_ALIAS). destroy_dev of pdev destroys its aliases
 * first; destroy_dev of an alias removes only that name. Flags as
 * make_dev_p's (MAKEDEV_WAITOK, MAKEDEV_NOWAIT, MAKEDEV_CHECKNAME only);
 * a bad or taken name panics without MAKEDEV_CHECKNAME.
 */
struct cdev *make_dev_alias(struct cdev *pdev, const char *fmt, ...)
    __attribute__((format(__printf__, 2, 3)));
int make_dev_alias_p(int flags, struct cdev **cdev, struct cdev *pdev, const char *fmt, ...)
    __attribute__((format(__printf__, 4, 5)));
#ifdef __cplusplus
}
#endif

#define make_dev_args_init(a) make_dev_args_init_impl((a), sizeof(struct make_dev_args))

/* A device module: its moduledata and DECLARE_MODULE (<sys/module.h>). */
#define DEV_MODULE_ORDERED(name, evh, arg, ord)				\
	static moduledata_t name##_mod = { #name, (evh), (arg) };	\
	DECLARE_MODULE(name, name##_mod, SI_SUB_DRIVERS, ord)
#define DEV_MODULE(name, evh, arg)					\
	DEV_MODULE_ORDERED(name, evh, arg, SI_ORDER_MIDDLE)

/*
 * Per-open private data (devfs_set_cdevpriv(9)): set in a d_* method for
 * the open it runs for (EBUSY if set already, ENOENT outside one), read
 * back by later methods on that open (ENOENT if none, EBADF outside one).
 * The destructor runs once: after the open's last close (after d_close),
 * when d_open fails, at devfs_clear_cdevpriv, or at destroy_dev (after its
 * drain), whichever is first.
 */
typedef void (*cdevpriv_dtr_t)(void *data);
static inline int devfs_set_cdevpriv(void *priv, cdevpriv_dtr_t dtr)
{ return ks_file_priv_set(priv, dtr); }
static inline int devfs_get_cdevpriv(void **datap) { return ks_file_priv_get(datap); }
static inline void devfs_clear_cdevpriv(void) { ks_file_priv_clear(); }

/* References on a cdev (si_refcount). The record lives as long as the
 * World, so the count frees nothing; dev_rel below zero is INVARIANTS'
 * KASSERT "dev_rel(name) gave negative count" (kern_conf.c): a dev_clone
 * handler that returns a cdev without a reference of its own (MAKEDEV_REF,
 * dev_ref) meets it when devfs drops that reference after the lookup. */
#ifdef __cplusplus
extern "C" {
#endif
void dev_ref(struct cdev *dev);
void dev_rel(struct cdev *dev);
/* A thread reference (kern_conf.c): the cdevsw and *ref = 1 while the cdev
 * is alive, counted where destroy_dev drains (si_threadcount); NULL, *ref
 * untouched, once it is destroyed or scheduled for destruction. */
struct cdevsw *dev_refthread(struct cdev *dev, int *ref);
void dev_relthread(struct cdev *dev, int ref);

/*
 * clone(9), kern_conf.c. A driver's dev_clone handler (sys/eventhandler.h)
 * runs on the opening thread when open(2) names no node under /dev:
 * dev_stdclone parses "<stem><unit>" (1: the whole name, 2: more after the
 * unit, 0: no match); clone_create finds the unit's cdev on the driver's
 * list (0, *dp set) or puts a new, unnamed one there (1, *up the unit: -1
 * asks for the lowest free one), which make_dev with the same cdevsw and
 * unit then names; clone_cleanup destroys every named cdev on the list and
 * frees it. The cdevsw needs D_NEEDMINOR.
 */
struct clonedevs;
#define CLONE_UNITMASK	0xfffff
#define CLONE_FLAG0	(CLONE_UNITMASK + 1)
int dev_stdclone(char *name, char **namep, const char *stem, int *unit);
void clone_setup(struct clonedevs **cdp);
int clone_create(struct clonedevs **cdp, struct cdevsw *csw, int *up, struct cdev **dp,
    int extra);
void clone_cleanup(struct clonedevs **cdp);
/* Waits until no cdev of the cdevsw remains (each destroyed). */
void destroy_dev_drain(struct cdevsw *csw);
/* destroy_dev from a task, later (kernel_model/freebsd/cdev_sched.cc): for
 * a caller that must not wait for the cdev's threads (its own d_close).
 * 1 when scheduled, 0 when it already was; cb(arg) after the destroy. */
int destroy_dev_sched(struct cdev *dev);
int destroy_dev_sched_cb(struct cdev *dev, void (*cb)(void *), void *arg);
/* Waits until no dev_clone handler runs (clone_drain_lock). */
void drain_dev_clone_events(void);
#ifdef __cplusplus
}
#endif

#endif
