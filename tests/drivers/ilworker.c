/*
 * ilworker: an illumos pseudo driver with a worker thread of its own, as
 * many illumos drivers have: attach starts it with thread_create, an ioctl
 * hands it a job and sleeps until the job is done, and detach tells it to
 * stop and waits until it has (it calls thread_exit from inside a helper,
 * not from its top function). A job is a record named by an id from an
 * id space, queued in an AVL tree by id: the worker serves the lowest.
 * The worker marks its sleep CPR-safe and leaves through CALLB_CPR_EXIT,
 * which drops its lock, as illumos kernel threads do.
 * For tests/python/test_illumos_kpi.py.
 *
 * Variant "no_exit_wait": detach asks the worker to stop but does not wait
 * for it, and destroys the lock the worker still takes on its way out.
 *
 * For an unload in the middle of a run (modunload, the modunload op): the
 * default detach waits for the flag the worker sets just before its
 * thread_exit. A real worker may be preempted between its mutex_exit and
 * thread_exit, still in the module's code when _fini returns; the model
 * has no scheduling point there, so it passes. Variant "join_worker" also
 * waits with thread_join for the thread itself, which is what a detach
 * must do.
 * Variant "busy_detach" refuses to detach (DDI_FAILURE) while the job
 * count is not zero (ILW_RESET clears it): the module stays usable.
 * ILW_KICK arms a timeout(9F) that counts a tick; detach untimeouts it,
 * except in variant "no_untimeout".
 * A job holds its caller's credential (crhold) until the worker has served
 * it (crfree); variant "cred_leak" never gives it back, "crfree_twice"
 * gives it back in the ioctl too.
 */
#include <sys/types.h>
#include <sys/errno.h>
#include <sys/stat.h>
#include <sys/conf.h>
#include <sys/devops.h>
#include <sys/modctl.h>
#include <sys/ksynch.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>
#include <sys/disp.h>
#include <sys/thread.h>
#include <sys/proc.h>
#include <sys/note.h>
#include <sys/sdt.h>
#include <sys/policy.h>
#include <sys/avl.h>
#include <sys/id_space.h>
#include <sys/kmem.h>
#include <sys/sysmacros.h>
#include <sys/callb.h>
#include <sys/systm.h>
#include <sys/kernsim.h>

#define	ILW_JOB	0x7701
#define	ILW_RESET	0x7702	/* forgets the job count: secpolicy_sys_config */
#define	ILW_KICK	0x7703	/* arms the tick timeout */

typedef struct ilw_job {
	avl_node_t	j_node;
	id_t		j_id;
	int		j_done;
	cred_t		*j_cred;	/* the caller's, held until served */
} ilw_job_t;

static struct {
	kmutex_t	lock;
	kcondvar_t	cv;
	int		jobs, done, stop, exited, ticks;
	timeout_id_t	tick;
	kthread_t	*worker;
	kt_did_t	worker_did;
	avl_tree_t	pending;	/* ilw_job_t by j_id */
	id_space_t	*ids;
} w;

static int
ilw_job_cmp(const void *a, const void *b)
{
	const ilw_job_t *x = a, *y = b;

	return (x->j_id < y->j_id ? -1 : x->j_id > y->j_id ? 1 : 0);
}

static void
ilw_leave(void)
{
	mutex_enter(&w.lock);
	w.exited = 1;
	cv_broadcast(&w.cv);
	mutex_exit(&w.lock);
	thread_exit();
}

static void
ilw_worker(void *arg)
{
	_NOTE(ARGUNUSED(arg))
	ilw_job_t *job;
	callb_cpr_t cprinfo;

	ASSERT(curproc == &p0);		/* a kernel thread is p0's */
	ASSERT(ttoproc(curthread) == &p0);
	ASSERT(p0.p_pid == 0 && strcmp(p0.p_user.u_comm, "sched") == 0);
	CALLB_CPR_INIT(&cprinfo, &w.lock, callb_generic_cpr, "ilworker");
	mutex_enter(&w.lock);
	for (;;) {
		while ((job = avl_first(&w.pending)) == NULL && !w.stop) {
			CALLB_CPR_SAFE_BEGIN(&cprinfo);
			cv_wait(&w.cv, &w.lock);
			CALLB_CPR_SAFE_END(&cprinfo, &w.lock);
		}
		if (job == NULL)
			break;
		avl_remove(&w.pending, job);
		if (!KS_VARIANT("ilworker", "cred_leak"))
			crfree(job->j_cred);
		job->j_done = 1;
		w.done++;
		DTRACE_PROBE1(ilw__done, int, w.done);
		cv_broadcast(&w.cv);
	}
	CALLB_CPR_EXIT(&cprinfo);	/* drops w.lock */
	ilw_leave();
}

static void
ilw_tick(void *arg)
{
	_NOTE(ARGUNUSED(arg))
	mutex_enter(&w.lock);
	w.ticks++;
	mutex_exit(&w.lock);
}

static int
ilw_open(dev_t *devp, int flag, int otyp, cred_t *cr)
{
	return (0);
}

static int
ilw_close(dev_t dev, int flag, int otyp, cred_t *cr)
{
	return (0);
}

static int
ilw_ioctl(dev_t dev, int cmd, intptr_t arg, int mode, cred_t *cr, int *rvalp)
{
	ilw_job_t *job;
	int mine;

	ASSERT(curproc != &p0);		/* the calling process's */
	ASSERT(curproc->p_pid == ddi_get_pid());
	ASSERT(ttoproc(curthread) == curproc);
	ASSERT(crgetuid(curproc->p_cred) == crgetuid(cr));
	if (cmd == ILW_RESET) {
		int error = secpolicy_sys_config(cr, B_FALSE);

		if (error != 0)
			return (error);
		mutex_enter(&w.lock);
		w.jobs = w.done = 0;
		mutex_exit(&w.lock);
		return (0);
	}
	if (cmd == ILW_KICK) {
		mutex_enter(&w.lock);
		if (w.tick == NULL)
			w.tick = timeout(ilw_tick, NULL, drv_usectohz(1000));
		mutex_exit(&w.lock);
		return (0);
	}
	if (cmd != ILW_JOB)
		return (ENOTTY);
	job = kmem_zalloc(sizeof (*job), KM_SLEEP);
	if ((job->j_id = id_alloc_nosleep(w.ids)) == (id_t)-1) {
		kmem_free(job, sizeof (*job));
		return (EAGAIN);
	}
	crhold(cr);
	job->j_cred = cr;
	mutex_enter(&w.lock);
	mine = ++w.jobs;
	avl_add(&w.pending, job);
	cv_broadcast(&w.cv);
	while (!job->j_done)
		cv_wait(&w.cv, &w.lock);
	*rvalp = mine;
	mutex_exit(&w.lock);
	if (KS_VARIANT("ilworker", "crfree_twice"))
		crfree(cr);
	id_free(w.ids, job->j_id);
	kmem_free(job, sizeof (*job));
	return (0);
}

static int
ilw_attach(dev_info_t *dip, ddi_attach_cmd_t cmd)
{
	if (cmd != DDI_ATTACH)
		return (DDI_FAILURE);
	w.worker = thread_create(NULL, 0, ilw_worker, NULL, 0, &p0, TS_RUN, minclsyspri);
	w.worker_did = w.worker->t_did;
	return (ddi_create_minor_node(dip, "ilworker", S_IFCHR, 0, DDI_PSEUDO, 0));
}

static int
ilw_detach(dev_info_t *dip, ddi_detach_cmd_t cmd)
{
	mutex_enter(&w.lock);
	if (KS_VARIANT("ilworker", "busy_detach") && w.jobs != 0) {
		mutex_exit(&w.lock);
		return (DDI_FAILURE);
	}
	w.stop = 1;
	cv_broadcast(&w.cv);
	if (!KS_VARIANT("ilworker", "no_exit_wait")) {
		while (!w.exited)
			cv_wait(&w.cv, &w.lock);
	}
	mutex_exit(&w.lock);
	if (KS_VARIANT("ilworker", "join_worker"))
		thread_join(w.worker_did);
	if (w.tick != NULL && !KS_VARIANT("ilworker", "no_untimeout"))
		(void) untimeout(w.tick);
	ddi_remove_minor_node(dip, NULL);
	return (DDI_SUCCESS);
}

static struct cb_ops ilw_cb_ops = {
	.cb_open = ilw_open, .cb_close = ilw_close, .cb_strategy = nodev,
	.cb_read = nodev, .cb_write = nodev, .cb_ioctl = ilw_ioctl,
	.cb_flag = D_MP, .cb_rev = CB_REV,
};

static struct dev_ops ilw_dev_ops = {
	.devo_rev = DEVO_REV, .devo_attach = ilw_attach,
	.devo_detach = ilw_detach, .devo_cb_ops = &ilw_cb_ops,
};

static struct modldrv ilw_modldrv = { &mod_driverops, "ilworker", &ilw_dev_ops };
static struct modlinkage ilw_modlinkage = { MODREV_1, { &ilw_modldrv, NULL } };

int
_init(void)
{
	mutex_init(&w.lock, NULL, MUTEX_DRIVER, NULL);
	cv_init(&w.cv, NULL, CV_DRIVER, NULL);
	avl_create(&w.pending, ilw_job_cmp, sizeof (ilw_job_t), offsetof(ilw_job_t, j_node));
	w.ids = id_space_create("ilworker_jobs", 1, 64);
	return (mod_install(&ilw_modlinkage));
}

int
_fini(void)
{
	int error = mod_remove(&ilw_modlinkage);

	if (error == 0) {
		id_space_destroy(w.ids);
		avl_destroy(&w.pending);
		cv_destroy(&w.cv);
		mutex_destroy(&w.lock);
	}
	return (error);
}

int
_info(struct modinfo *mi)
{
	return (mod_info(&ilw_modlinkage, mi));
}

static const char *const ilw_variants[] = {
	"no_exit_wait", "detach does not wait for the worker to exit",
	"join_worker", "detach also thread_joins the worker (safe for a mid-run unload)",
	"busy_detach", "detach refuses while the job count is not zero",
	"no_untimeout", "detach does not untimeout the tick ILW_KICK armed",
	"cred_leak", "the worker never crfrees the credential a job holds",
	"crfree_twice", "the ioctl also crfrees its caller's credential",
	NULL, NULL,
};
KS_ILLUMOS_DRIVER(ilworker, ilw_variants);
