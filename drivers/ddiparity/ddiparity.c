/*
 * ddiparity: a pseudo driver that makes, on each DDIP_RUN ioctl, the
 * illumos calls the simulator gained with typed properties (and the few
 * after), and hands the caller each call's answer. The same source runs
 * in kernsim and, through qemu/linux_ddi, as a Linux module under QEMU:
 * qemu/scenarios/sequential.py:ddiparity_sequence compares the two
 * answers byte for byte. Values that depend on real time or the host
 * (ticks left, pids) are reported as the comparisons a driver makes.
 */
#include <sys/types.h>
#include <sys/errno.h>
#include <sys/stat.h>
#include <sys/conf.h>
#include <sys/devops.h>
#include <sys/modctl.h>
#include <sys/open.h>
#include <sys/cred.h>
#include <sys/file.h>
#include <sys/kmem.h>
#include <sys/ksynch.h>
#include <sys/mutex.h>
#include <sys/condvar.h>
#include <sys/taskq.h>
#include <sys/thread.h>
#include <sys/proc.h>
#include <sys/disp.h>
#include <sys/vmem.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>
#include <sys/kernsim.h>
#include <string.h>

#include "ddiparity_io.h"

static dev_info_t *ddip_dip;
static kmutex_t ddip_lock;
static int ddip_count;

typedef struct ddip_pair {
	int a, b;
} ddip_pair_t;

static int ddip_sum;

static void
ddip_thread(void *arg)
{
	ddip_pair_t *p = arg;	/* a copy of the creator's: len > 0 */

	mutex_enter(&ddip_lock);
	ddip_sum = p->a + p->b;
	mutex_exit(&ddip_lock);
	if (p->a >= 0)		/* always: a function that can return (objtool) */
		thread_exit();
}

static void
ddip_inc(void *arg)
{
	mutex_enter(&ddip_lock);
	ddip_count++;
	mutex_exit(&ddip_lock);
}

static void
ddip_never(void *arg)
{
}

static int
ddip_counted(void)
{
	int n;

	mutex_enter(&ddip_lock);
	n = ddip_count;
	mutex_exit(&ddip_lock);
	return (n);
}

static void
ddip_run(int64_t *r)
{
	dev_info_t *dip = ddip_dip;
	int n = 0, *ints, len, rc;
	uint_t cnt;
	int64_t big = (int64_t)1 << 40;
	char *s, buf[16];
	caddr_t lp;
	uchar_t bytes[3] = { 1, 2, 3 }, *bp;
	int pair[2] = { 4, 5 };
	ddip_pair_t p = { 2, 3 };
	kthread_t *t;
	taskq_t *tq;
	ddi_taskq_t *dtq;
	timeout_id_t id;
	clock_t left;
	vmem_t *ids;
	int64_t a1, a2, a3;

	/* typed properties */
	r[n++] = ddi_prop_update_int(DDI_DEV_T_NONE, dip, "n", 7);		/* 0 */
	r[n++] = ddi_prop_get_int(DDI_DEV_T_ANY, dip, 0, "n", -1);		/* 7 */
	r[n++] = ddi_prop_update_int64(DDI_DEV_T_NONE, dip, "big", big);	/* 0 */
	r[n++] = ddi_prop_get_int64(DDI_DEV_T_ANY, dip, 0, "big", -1) == big;	/* 1 */
	r[n++] = ddi_prop_get_int(DDI_DEV_T_ANY, dip, 0, "big", -1);	/* -1: not INT */
	r[n++] = ddi_prop_update_string(DDI_DEV_T_NONE, dip, "s", "hello");	/* 0 */
	r[n++] = ddi_prop_lookup_string(DDI_DEV_T_ANY, dip, 0, "s", &s);	/* 0 */
	r[n++] = strcmp(s, "hello") == 0;					/* 1 */
	ddi_prop_free(s);
	r[n++] = ddi_prop_update_byte_array(DDI_DEV_T_NONE, dip, "b", bytes, 3);
	r[n++] = ddi_prop_lookup_byte_array(DDI_DEV_T_ANY, dip, 0, "b", &bp, &cnt);
	r[n++] = cnt * 10 + bp[2];						/* 33 */
	ddi_prop_free(bp);
	r[n++] = ddi_prop_update_int_array(DDI_DEV_T_NONE, dip, "pair", pair, 2);
	r[n++] = ddi_prop_lookup_int_array(DDI_DEV_T_ANY, dip, 0, "pair", &ints, &cnt);
	r[n++] = cnt * 100 + ints[0] * 10 + ints[1];				/* 245 */
	ddi_prop_free(ints);
	/* the older forms */
	r[n++] = ddi_prop_create(DDI_DEV_T_NONE, dip, DDI_PROP_CANSLEEP, "flag", NULL, 0);
	r[n++] = ddi_prop_get_int(DDI_DEV_T_ANY, dip, 0, "flag", 0);	/* 1: boolean */
	rc = ddi_getproplen(DDI_DEV_T_ANY, dip, 0, "s", &len);
	r[n++] = rc * 100 + len;						/* 6 */
	len = sizeof (buf);
	rc = ddi_getlongprop_buf(DDI_DEV_T_ANY, dip, 0, "n", buf, &len);
	r[n++] = rc * 100 + len;						/* 4 */
	rc = ddi_getlongprop(DDI_DEV_T_ANY, dip, DDI_PROP_CANSLEEP, "s", (caddr_t)&lp, &len);
	r[n++] = rc * 100 + len;						/* 6 */
	if (rc == DDI_PROP_SUCCESS)
		kmem_free(lp, len);
	r[n++] = ddi_prop_modify(DDI_DEV_T_NONE, dip, 0, "absent", buf, 1);	/* 1 */
	/* an explicit undefinition */
	r[n++] = ddi_prop_undefine(DDI_DEV_T_NONE, dip, 0, "n");		/* 0 */
	r[n++] = ddi_prop_get_int(DDI_DEV_T_ANY, dip, 0, "n", -2);		/* -2 */
	r[n++] = ddi_prop_exists(DDI_DEV_T_ANY, dip, 0, "n");		/* 0 */
	r[n++] = ddi_prop_lookup_byte_array(DDI_DEV_T_ANY, dip, 0, "n", &bp, &cnt); /* 2 */
	ddi_prop_remove_all(dip);
	r[n++] = ddi_prop_exists(DDI_DEV_T_ANY, dip, 0, "s");		/* 0 */
	/* the tree above the driver's node */
	r[n++] = ddi_get_parent(ddi_get_parent(dip)) == ddi_root_node() &&
	    ddi_get_parent(ddi_root_node()) == NULL;				/* 1 */
	/* the calling thread's process */
	r[n++] = ttoproc(curthread)->p_pid == ddi_get_pid() && curproc->p_pid != 0; /* 1 */
	/* a kernel thread with a copy of its argument, joined */
	t = thread_create(NULL, 0, ddip_thread, &p, sizeof (p), &p0, TS_RUN, minclsyspri);
	p.a = 100;	/* the thread has its own copy */
	r[n++] = ttoproc(t) == &p0;						/* 1 */
	thread_join(t->t_did);
	r[n++] = ddip_sum;							/* 5 */
	/* suspended taskqs start nothing until resumed */
	ddip_count = 0;
	tq = taskq_create("ddip_tq", 1, minclsyspri, 1, 4, 0);
	taskq_suspend(tq);
	r[n++] = taskq_suspended(tq) != 0;					/* 1 */
	r[n++] = taskq_dispatch(tq, ddip_inc, NULL, TQ_SLEEP) != 0;		/* 1 */
	delay(2);
	r[n++] = ddip_counted();						/* 0 */
	taskq_resume(tq);
	taskq_wait(tq);
	r[n++] = ddip_counted() * 10 + (taskq_suspended(tq) != 0);		/* 10 */
	taskq_destroy(tq);
	dtq = ddi_taskq_create(dip, "ddip_dtq", 1, TASKQ_DEFAULTPRI, 0);
	ddi_taskq_suspend(dtq);
	r[n++] = ddi_taskq_suspended(dtq) == B_TRUE;				/* 1 */
	ddi_taskq_resume(dtq);
	r[n++] = ddi_taskq_dispatch(dtq, ddip_inc, NULL, DDI_SLEEP);	/* 0 */
	ddi_taskq_wait(dtq);
	r[n++] = ddip_counted();						/* 2 */
	ddi_taskq_destroy(dtq);
	/* credentials */
	crhold(CRED());
	crfree(CRED());
	r[n++] = crgetngroups(CRED()) * 10 + (crgetgroups(CRED()) != NULL);	/* 1 */
	/* untimeout's answer: the ticks left, or -1 once it ran */
	id = timeout(ddip_never, NULL, 50);
	left = untimeout(id);
	r[n++] = left >= 40 && left <= 50;					/* 1 */
	id = timeout(ddip_never, NULL, 1);
	delay(10);
	r[n++] = untimeout(id);							/* -1 */
	/* an identifier arena of four (orders both sides give alike) */
	ids = vmem_create("ddip_ids", (void *)1, 4, 1, NULL, NULL, NULL, 0,
	    VM_SLEEP | VMC_IDENTIFIER);
	a1 = (intptr_t)vmem_alloc(ids, 1, VM_SLEEP);
	a2 = (intptr_t)vmem_alloc(ids, 1, VM_SLEEP);
	a3 = (intptr_t)vmem_alloc(ids, 1, VM_SLEEP);
	r[n++] = a1 * 100 + a2 * 10 + a3;					/* 123 */
	vmem_free(ids, (void *)2, 1);
	r[n++] = (intptr_t)vmem_alloc(ids, 1, VM_SLEEP);			/* 2 */
	a1 = (intptr_t)vmem_alloc(ids, 1, VM_SLEEP);
	r[n++] = a1 * 10 + (intptr_t)vmem_alloc(ids, 1, VM_NOSLEEP);	/* 40: full */
	r[n++] = vmem_size(ids, VMEM_ALLOC) * 10 + vmem_size(ids, VMEM_FREE); /* 40 */
	for (a1 = 1; a1 <= 4; a1++)
		vmem_free(ids, (void *)(intptr_t)a1, 1);
	r[n++] = (intptr_t)vmem_xalloc(ids, 2, 2, 0, 0, NULL, NULL, VM_SLEEP); /* 2 */
	vmem_xfree(ids, (void *)2, 2);
	vmem_destroy(ids);
	r[n] = n;	/* how many came before: 44 */
}

static int
ddip_open(dev_t *devp, int flag, int otyp, cred_t *credp)
{
	return (otyp == OTYP_CHR ? 0 : EINVAL);
}

static int
ddip_close(dev_t dev, int flag, int otyp, cred_t *credp)
{
	return (0);
}

static int
ddip_ioctl(dev_t dev, int cmd, intptr_t arg, int mode, cred_t *credp, int *rvalp)
{
	int64_t *r;
	int err = 0;

	if (cmd != DDIP_RUN)
		return (ENOTTY);
	r = kmem_zalloc(DDIP_NRESULTS * sizeof (int64_t), KM_SLEEP);
	ddip_run(r);
	if (ddi_copyout(r, (void *)arg, DDIP_NRESULTS * sizeof (int64_t), mode) != 0)
		err = EFAULT;
	kmem_free(r, DDIP_NRESULTS * sizeof (int64_t));
	return (err);
}

static int
ddip_getinfo(dev_info_t *dip, ddi_info_cmd_t cmd, void *arg, void **resultp)
{
	switch (cmd) {
	case DDI_INFO_DEVT2DEVINFO:
		*resultp = ddip_dip;
		return (ddip_dip ? DDI_SUCCESS : DDI_FAILURE);
	case DDI_INFO_DEVT2INSTANCE:
		*resultp = 0;
		return (DDI_SUCCESS);
	}
	return (DDI_FAILURE);
}

static int
ddip_attach(dev_info_t *dip, ddi_attach_cmd_t cmd)
{
	if (cmd != DDI_ATTACH || ddi_get_instance(dip) != 0)
		return (DDI_FAILURE);
	if (ddi_create_minor_node(dip, "ddiparity", S_IFCHR, 0, DDI_PSEUDO, 0) != DDI_SUCCESS)
		return (DDI_FAILURE);
	mutex_init(&ddip_lock, NULL, MUTEX_DRIVER, NULL);
	ddip_dip = dip;
	return (DDI_SUCCESS);
}

static int
ddip_detach(dev_info_t *dip, ddi_detach_cmd_t cmd)
{
	if (cmd != DDI_DETACH)
		return (DDI_FAILURE);
	ddi_prop_remove_all(dip);
	ddi_remove_minor_node(dip, NULL);
	mutex_destroy(&ddip_lock);
	ddip_dip = NULL;
	return (DDI_SUCCESS);
}

static struct cb_ops ddip_cb_ops = {
	.cb_open = ddip_open,
	.cb_close = ddip_close,
	.cb_strategy = nodev,
	.cb_print = nodev,
	.cb_dump = nodev,
	.cb_read = nodev,
	.cb_write = nodev,
	.cb_ioctl = ddip_ioctl,
	.cb_devmap = nodev,
	.cb_mmap = nodev,
	.cb_segmap = nodev,
	.cb_chpoll = nochpoll,
	.cb_prop_op = ddi_prop_op,
	.cb_str = NULL,
	.cb_flag = D_NEW | D_MP | D_64BIT,
	.cb_rev = CB_REV,
	.cb_aread = nodev,
	.cb_awrite = nodev,
};

static struct dev_ops ddip_dev_ops = {
	.devo_rev = DEVO_REV,
	.devo_refcnt = 0,
	.devo_getinfo = ddip_getinfo,
	.devo_identify = nulldev,
	.devo_probe = nulldev,
	.devo_attach = ddip_attach,
	.devo_detach = ddip_detach,
	.devo_reset = nodev,
	.devo_cb_ops = &ddip_cb_ops,
	.devo_bus_ops = NULL,
	.devo_power = NULL,
	.devo_quiesce = ddi_quiesce_not_needed,
};

static struct modldrv ddip_modldrv = {
	&mod_driverops,
	"kernsim ddiparity driver",
	&ddip_dev_ops,
};

static struct modlinkage ddip_modlinkage = {
	MODREV_1,
	{ &ddip_modldrv, NULL },
};

int
_init(void)
{
	return (mod_install(&ddip_modlinkage));
}

int
_fini(void)
{
	return (mod_remove(&ddip_modlinkage));
}

int
_info(struct modinfo *modinfop)
{
	return (mod_info(&ddip_modlinkage, modinfop));
}

static const char *const ddip_variants[] = { NULL, NULL };

KS_ILLUMOS_DRIVER(ddiparity, ddip_variants);
