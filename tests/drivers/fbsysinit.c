/*-
 * fbsysinit: a driver started in two steps, as many FreeBSD drivers are.
 * A SYSINIT early in SI_SUB_DRIVERS makes the name table and its lock;
 * the module's MOD_LOAD, later in the same subsystem (DEV_MODULE's
 * SI_ORDER_MIDDLE), makes the device and a scratch buffer, with
 * M_NOWAIT and MAKEDEV_NOWAIT because it does not want to sleep at
 * load.  Either may fail; MOD_LOAD then returns the error and leaves the
 * cleaning to MOD_UNLOAD, which the kernel calls after a failed MOD_LOAD
 * (module_register_init).  A SYSUNINIT takes the table away after the
 * module is gone.  read(2) returns the table's first name.
 *
 * Each process that opens the device gets a record, freed by a
 * process_exit event handler when the process exits; MOD_UNLOAD refuses
 * (EBUSY) while any process still has one.
 *
 * Build-time switches (for the test suite):
 *   -DSI_BUG_ORDER   the table's SYSINIT at SI_ORDER_ANY: after MOD_LOAD,
 *                    which then finds no table.
 *   -DSI_BUG_HALF    MOD_UNLOAD assumes MOD_LOAD finished: it destroys a
 *                    device that a failed make_dev_s never made.
 *   -DSI_BUG_DEFINE  the exit handler registered by EVENTHANDLER_DEFINE,
 *                    which nothing deregisters: it outlives the module.
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
#include <sys/proc.h>
#include <sys/queue.h>
#include <sys/eventhandler.h>

MALLOC_DEFINE(M_FBSYSINIT, "fbsysinit", "fbsysinit tables");

#define	SI_NAMES	4
#define	SI_NAMELEN	16
#define	SI_SCRATCH	64

static struct mtx si_mtx;
static char (*si_names)[SI_NAMELEN];	/* under si_mtx */
static char *si_scratch;
static struct cdev *si_dev;

struct si_proc {
	LIST_ENTRY(si_proc) link;
	pid_t pid;
};
static LIST_HEAD(, si_proc) si_procs = LIST_HEAD_INITIALIZER(si_procs); /* si_mtx */
static eventhandler_tag si_exit_tag;

static void
si_proc_exit(void *arg __unused, struct proc *p)
{
	struct si_proc *sp;

	mtx_lock(&si_mtx);
	LIST_FOREACH(sp, &si_procs, link)
		if (sp->pid == p->p_pid)
			break;
	if (sp != NULL)
		LIST_REMOVE(sp, link);
	mtx_unlock(&si_mtx);
	free(sp, M_FBSYSINIT);
}

#ifdef SI_BUG_DEFINE
EVENTHANDLER_DEFINE(process_exit, si_proc_exit, NULL, EVENTHANDLER_PRI_ANY);
#endif

static int
si_open(struct cdev *dev, int oflags, int devtype, struct thread *td)
{
	struct si_proc *sp, *new;

	new = malloc(sizeof(*new), M_FBSYSINIT, M_WAITOK | M_ZERO);
	new->pid = td->td_proc->p_pid;
	mtx_lock(&si_mtx);
	LIST_FOREACH(sp, &si_procs, link)
		if (sp->pid == new->pid)
			break;
	if (sp == NULL) {
		LIST_INSERT_HEAD(&si_procs, new, link);
		new = NULL;
	}
	mtx_unlock(&si_mtx);
	free(new, M_FBSYSINIT);
	return (0);
}

static void
si_table_init(void *arg __unused)
{
	mtx_init(&si_mtx, "fbsysinit names", NULL, MTX_DEF);
	si_names = malloc(sizeof(*si_names) * SI_NAMES, M_FBSYSINIT,
	    M_WAITOK | M_ZERO);
	strlcpy(si_names[0], "fbsysinit", SI_NAMELEN);
}

static void
si_table_fini(void *arg __unused)
{
	free(si_names, M_FBSYSINIT);
	si_names = NULL;
	mtx_destroy(&si_mtx);
}

#ifdef SI_BUG_ORDER
SYSINIT(fbsysinit_table, SI_SUB_DRIVERS, SI_ORDER_ANY, si_table_init, NULL);
#else
SYSINIT(fbsysinit_table, SI_SUB_DRIVERS, SI_ORDER_FIRST, si_table_init, NULL);
#endif
SYSUNINIT(fbsysinit_table, SI_SUB_DRIVERS, SI_ORDER_FIRST, si_table_fini, NULL);

static int
si_read(struct cdev *dev, struct uio *uio, int ioflag)
{
	char tmp[SI_NAMELEN];

	mtx_lock(&si_mtx);
	memcpy(tmp, si_names[0], sizeof(tmp));
	mtx_unlock(&si_mtx);
	return (uiomove(tmp, MIN(uio->uio_resid, (ssize_t)sizeof(tmp)), uio));
}

static struct cdevsw si_cdevsw = {
	.d_version =	D_VERSION,
	.d_open =	si_open,
	.d_read =	si_read,
	.d_name =	"fbsysinit",
};

static int
si_load(void)
{
	struct make_dev_args args;
	int error;

	KASSERT(si_names != NULL, ("fbsysinit: MOD_LOAD before the name table"));
#ifndef SI_BUG_DEFINE
	si_exit_tag = EVENTHANDLER_REGISTER(process_exit, si_proc_exit, NULL,
	    EVENTHANDLER_PRI_ANY);
#endif
	make_dev_args_init(&args);
	args.mda_flags = MAKEDEV_NOWAIT | MAKEDEV_CHECKNAME;
	args.mda_devsw = &si_cdevsw;
	args.mda_uid = UID_ROOT;
	args.mda_gid = GID_WHEEL;
	args.mda_mode = 0444;
	error = make_dev_s(&args, &si_dev, "fbsysinit");
	if (error != 0)
		return (error);
	si_scratch = malloc(SI_SCRATCH, M_FBSYSINIT, M_NOWAIT | M_ZERO);
	if (si_scratch == NULL)
		return (ENOMEM);
	return (0);
}

static int
si_modevent(module_t mod, int type, void *data)
{
	switch (type) {
	case MOD_LOAD:
		return (si_load());
	case MOD_UNLOAD:
		mtx_lock(&si_mtx);
		if (!LIST_EMPTY(&si_procs)) {
			mtx_unlock(&si_mtx);
			return (EBUSY);
		}
		mtx_unlock(&si_mtx);
		if (si_exit_tag != NULL)
			EVENTHANDLER_DEREGISTER(process_exit, si_exit_tag);
		si_exit_tag = NULL;
#ifdef SI_BUG_HALF
		destroy_dev(si_dev);
#else
		if (si_dev != NULL)
			destroy_dev(si_dev);
#endif
		si_dev = NULL;
		free(si_scratch, M_FBSYSINIT);
		si_scratch = NULL;
		return (0);
	default:
		return (EOPNOTSUPP);
	}
}

DEV_MODULE(fbsysinit, si_modevent, NULL);
