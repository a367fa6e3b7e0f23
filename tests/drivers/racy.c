/*
 * racy: a small illumos pseudo driver for the data-race detector's tests.
 * Each ioctl shares one field between threads through one kind of
 * synchronisation the kernel provides; each variant takes that
 * synchronisation away, and only then is the field raced on.
 *
 *   RACY_USE        takes a reference (refs++ under racy_lock), counts a
 *                   use, drops the reference; detach verifies refs is 0
 *                   (unlocked_refs: the count is a plain ++/--, and a lost
 *                   update leaves it wrong: preempt_at_access finds that
 *                   consequence, a panic at detach)
 *   RACY_ARM        a callout sets flag under the lock; RACY_POLL reads it
 *                   under the lock                    (callout_flag: unlocked read)
 *   RACY_WRITE/READ shared written and read under the lock
 *                                                     (read_after_exit)
 *   RACY_TASK       writes data, dispatches a task that writes it, waits for
 *                   the taskq, reads it                (no_taskq_wait)
 *   RACY_POST/TAKE  data written, then sema_v; sema_p, then data read
 *                                                     (no_sema)
 *   RACY_SIGNAL/WAITCV  data written, then cv_signal (no lock held); the
 *                   waiter wakes, then reads data     (signal_before_write)
 *   RACY_LATE       data written before timeout(); the callout reads it
 *                                                     (write_after_arm)
 *   RACY_ATOMIC     atomic_inc_32 of a counter from any thread
 *                                                     (plain_counter: ++)
 *   RACY_RW         a count bumped under racy_rw as writer
 *                                                     (bump_as_reader)
 *   RACY_PUT/GET    xdata written, then a word copied out to the caller's
 *                   buffer; the word copied in from it, then xdata read
 *                                                     (no_copyin)
 *   _init           bdata written, then a callout armed that writes it
 *                                                     (boot_arm_then_write)
 *                   a task dispatched that writes btask, waited for, then
 *                   btask written                     (boot_no_taskq_wait)
 *                   The boot's own accesses are not recorded while the load
 *                   runs alone (race.h): these keep that honest.
 */
#include <sys/types.h>
#include <sys/errno.h>
#include <sys/stat.h>
#include <sys/conf.h>
#include <sys/devops.h>
#include <sys/modctl.h>
#include <sys/atomic.h>
#include <sys/kmem.h>
#include <sys/debug.h>
#include <sys/ksynch.h>
#include <sys/mutex.h>
#include <sys/rwlock.h>
#include <sys/condvar.h>
#include <sys/semaphore.h>
#include <sys/taskq.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>
#include <sys/kernsim.h>

#define	RACY_ARM	0x7201
#define	RACY_POLL	0x7202
#define	RACY_WRITE	0x7203
#define	RACY_READ	0x7204
#define	RACY_TASK	0x7205
#define	RACY_POST	0x7206
#define	RACY_TAKE	0x7207
#define	RACY_SIGNAL	0x7208
#define	RACY_WAITCV	0x7209
#define	RACY_LATE	0x720a
#define	RACY_REFS	0x720b
#define	RACY_USE	0x720c
#define	RACY_ATOMIC	0x720d
#define	RACY_PUT	0x720e
#define	RACY_GET	0x720f
#define	RACY_RW		0x7210

static kmutex_t racy_lock;
static krwlock_t racy_rw;
static int rwcount;
static kcondvar_t racy_cv;
static ksema_t racy_sema;
static taskq_t *racy_tq;
static int *rbuf;
static uint32_t acnt;
static int xdata;
static int refs, flag, shared, tdata, sdata, cdata, cready, ldata, lseen, bdata, btask;

#define	V(name)	KS_VARIANT("racy", name)

static void
ref(void)
{
	refs++;
}

static void
unref(void)
{
	refs--;
}

static int
racy_open(dev_t *devp, int flag, int otyp, cred_t *cr)
{
	return (0);
}

static int
racy_close(dev_t dev, int flag, int otyp, cred_t *cr)
{
	return (0);
}

static int
racy_use(void)
{
	int v;

	if (V("unlocked_refs")) {
		ref();
	} else {
		mutex_enter(&racy_lock);
		ref();
		mutex_exit(&racy_lock);
	}
	mutex_enter(&racy_lock);
	v = ++*rbuf;
	mutex_exit(&racy_lock);
	if (V("unlocked_refs")) {
		unref();
	} else {
		mutex_enter(&racy_lock);
		unref();
		mutex_exit(&racy_lock);
	}
	return (v);
}

static void
racy_tick(void *arg)
{
	mutex_enter(&racy_lock);
	flag = 1;
	mutex_exit(&racy_lock);
}

static void
racy_late(void *arg)
{
	*(int *)arg = ldata;
}

static void
racy_task(void *arg)
{
	tdata = 2;
}

static void
racy_boot_write(void *arg)
{
	*(int *)arg = 2;
}

/* _init's own work beside a callout that writes bdata and a task that
 * writes btask. */
static void
racy_boot(void)
{
	taskq_t *tq;

	if (V("boot_arm_then_write")) {
		(void) timeout(racy_boot_write, &bdata, 1);
		bdata = 1;
	} else {
		bdata = 1;
		(void) timeout(racy_boot_write, &bdata, 1);
	}
	tq = taskq_create("racy_boot_tq", 1, minclsyspri, 1, 1, 0);
	(void) taskq_dispatch(tq, racy_boot_write, &btask, TQ_SLEEP);
	if (V("boot_no_taskq_wait")) {
		btask = 3;
		taskq_wait(tq);
	} else {
		taskq_wait(tq);
		btask = 3;
	}
	taskq_destroy(tq);
}

static int
racy_ioctl(dev_t dev, int cmd, intptr_t arg, int mode, cred_t *cr, int *rvalp)
{
	int v = 0;

	switch (cmd) {
	case RACY_ARM:
		(void) timeout(racy_tick, NULL, 1);
		break;
	case RACY_POLL:
		if (V("callout_flag")) {
			v = flag;
		} else {
			mutex_enter(&racy_lock);
			v = flag;
			mutex_exit(&racy_lock);
		}
		break;
	case RACY_WRITE:
		mutex_enter(&racy_lock);
		shared++;
		mutex_exit(&racy_lock);
		break;
	case RACY_READ:
		mutex_enter(&racy_lock);
		if (!V("read_after_exit"))
			v = shared;
		mutex_exit(&racy_lock);
		if (V("read_after_exit"))
			v = shared;
		break;
	case RACY_TASK:
		tdata = 1;
		(void) taskq_dispatch(racy_tq, racy_task, NULL, TQ_SLEEP);
		if (!V("no_taskq_wait"))
			taskq_wait(racy_tq);
		v = tdata;
		break;
	case RACY_POST:
		sdata = 5;
		sema_v(&racy_sema);
		break;
	case RACY_TAKE:
		if (!V("no_sema"))
			sema_p(&racy_sema);
		v = sdata;
		break;
	case RACY_SIGNAL:
		if (!V("signal_before_write"))
			cdata = 7;
		mutex_enter(&racy_lock);
		cready = 1;
		mutex_exit(&racy_lock);
		cv_signal(&racy_cv);
		if (V("signal_before_write"))
			cdata = 7;
		break;
	case RACY_WAITCV:
		mutex_enter(&racy_lock);
		while (!cready)
			cv_wait(&racy_cv, &racy_lock);
		mutex_exit(&racy_lock);
		v = cdata;
		break;
	case RACY_LATE:
		if (!V("write_after_arm"))
			ldata = 3;
		(void) timeout(racy_late, &lseen, 1);
		if (V("write_after_arm"))
			ldata = 3;
		break;
	case RACY_USE:
		v = racy_use();
		break;
	case RACY_ATOMIC:
		if (V("plain_counter"))
			v = (int)++acnt;
		else
			v = (int)atomic_inc_32_nv(&acnt);
		break;
	case RACY_PUT:
		xdata = 11;
		v = 1;
		if (ddi_copyout(&v, (void *)arg, sizeof (v), mode) != 0)
			return (EFAULT);
		break;
	case RACY_GET:
		if (!V("no_copyin")) {
			if (ddi_copyin((void *)arg, &v, sizeof (v), mode) != 0)
				return (EFAULT);
			if (v != 1)
				break;	/* nothing put yet */
		}
		v = xdata;
		break;
	case RACY_RW:
		rw_enter(&racy_rw, V("bump_as_reader") ? RW_READER : RW_WRITER);
		v = ++rwcount;
		rw_exit(&racy_rw);
		break;
	case RACY_REFS:
		mutex_enter(&racy_lock);
		v = refs;
		mutex_exit(&racy_lock);
		break;
	default:
		return (ENOTTY);
	}
	*rvalp = v;
	return (0);
}

static int
racy_attach(dev_info_t *dip, ddi_attach_cmd_t cmd)
{
	if (cmd != DDI_ATTACH)
		return (DDI_FAILURE);
	racy_tq = taskq_create("racy_tq", 1, minclsyspri, 1, 4, 0);
	rbuf = kmem_zalloc(sizeof (int), KM_SLEEP);
	return (ddi_create_minor_node(dip, "racy", S_IFCHR, 0, DDI_PSEUDO, 0));
}

static int
racy_detach(dev_info_t *dip, ddi_detach_cmd_t cmd)
{
	VERIFY(refs == 0);
	VERIFY(bdata == 2 && btask >= 2);
	kmem_free(rbuf, sizeof (int));
	ddi_remove_minor_node(dip, NULL);
	taskq_destroy(racy_tq);
	return (DDI_SUCCESS);
}

static struct cb_ops racy_cb_ops = {
	.cb_open = racy_open, .cb_close = racy_close, .cb_strategy = nodev,
	.cb_read = nodev, .cb_write = nodev, .cb_ioctl = racy_ioctl,
	.cb_flag = D_MP, .cb_rev = CB_REV,
};

static struct dev_ops racy_dev_ops = {
	.devo_rev = DEVO_REV, .devo_attach = racy_attach,
	.devo_detach = racy_detach, .devo_cb_ops = &racy_cb_ops,
};

static struct modldrv racy_modldrv = { &mod_driverops, "racy", &racy_dev_ops };
static struct modlinkage racy_modlinkage = { MODREV_1, { &racy_modldrv, NULL } };

int
_init(void)
{
	mutex_init(&racy_lock, NULL, MUTEX_DRIVER, NULL);
	rw_init(&racy_rw, NULL, RW_DRIVER, NULL);
	/* Written by _init, then by every scenario's threads: the boot gate
	 * (every module load before any user thread) orders them. */
	ldata = 0;
	xdata = 0;
	racy_boot();
	cv_init(&racy_cv, NULL, CV_DRIVER, NULL);
	sema_init(&racy_sema, 0, NULL, SEMA_DRIVER, NULL);
	return (mod_install(&racy_modlinkage));
}

int
_fini(void)
{
	int error = mod_remove(&racy_modlinkage);

	if (error == 0) {
		sema_destroy(&racy_sema);
		cv_destroy(&racy_cv);
		rw_destroy(&racy_rw);
		mutex_destroy(&racy_lock);
	}
	return (error);
}

int
_info(struct modinfo *mi)
{
	return (mod_info(&racy_modlinkage, mi));
}

static const char *const racy_variants[] = {
	"unlocked_refs", "open and close count references without the lock",
	"callout_flag", "RACY_POLL reads the flag a callout sets without the lock",
	"read_after_exit", "RACY_READ reads the shared field after mutex_exit",
	"no_taskq_wait", "RACY_TASK reads the field before its task is done",
	"no_sema", "RACY_TAKE reads the posted field without sema_p",
	"signal_before_write", "RACY_SIGNAL writes the field after waking the waiter",
	"write_after_arm", "RACY_LATE writes the field the callout reads after arming it",
	"plain_counter", "RACY_ATOMIC counts with ++ instead of atomic_inc_32",
	"no_copyin", "RACY_GET reads the field without looking at the copied-out word",
	"bump_as_reader", "RACY_RW bumps the count holding racy_rw as reader",
	"boot_arm_then_write", "_init writes bdata after arming the callout that writes it",
	"boot_no_taskq_wait", "_init writes btask before waiting for the task that writes it",
	NULL, NULL,
};
KS_ILLUMOS_DRIVER(racy, racy_variants);
