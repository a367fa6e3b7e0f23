/* The illumos interfaces of kd_probe.h, each used the way a driver uses it. */
#include <sys/types.h>
#include <sys/types32.h>
#include <sys/param.h>
#include <sys/ksynch.h>
#include <sys/kmem.h>
#include <sys/time.h>
#include <sys/taskq.h>
#include <sys/id_space.h>
#include <sys/conf.h>
#include <sys/dkio.h>
#include <sys/thread.h>
#include <sys/proc.h>
#include <sys/disp.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>

#include "kd_ddi.h"
#include "kd_probe.h"

static void note(long v) {
	if (kd_nlog < KD_NLOG)
		kd_log[kd_nlog++] = v;
}

void kd_probe_ids(void *arg) {
	id_space_t *s = id_space_create("kd_probe_ids", 0, 2);
	id_t a, b, c;

	(void) arg;
	a = id_alloc_nosleep(s);
	b = id_alloc_nosleep(s);
	c = id_alloc_nosleep(s);	/* full */
	note(a);
	note(b);
	note(c < 0);			/* illumos's id_t is an int */
	note(c);
	id_free(s, a);
	id_free(s, b);
	id_space_destroy(s);
}

void kd_probe_ticks(void *arg) {
	(void) arg;
	note(MSEC_TO_TICK(25));			/* 2: truncates */
	note(MSEC_TO_TICK_ROUNDUP(25));		/* 3 */
	note(USEC_TO_TICK_ROUNDUP(1));		/* 1 */
	note(NSEC_TO_TICK(NANOSEC));		/* 100 */
	note(SEC_TO_TICK(2));			/* 200 */
	note(TICK_TO_MSEC(3));			/* 30 */
	note((long)MSEC2NSEC(5));		/* 5000000 */
	note(TASKQID_INVALID);			/* 0 */
	note(DKIOCGMEDIAINFO);
	note((long)sizeof (struct dk_minfo));	/* 16 */
}

static kmutex_t kd_probe_lock;
static kcondvar_t kd_probe_cv;
static int kd_probe_count;
static ksema_t kd_probe_done;

static void kd_probe_bumper(void *arg) {
	int i;

	(void) arg;
	for (i = 0; i < 3; i++) {
		mutex_enter(&kd_probe_lock);
		kd_probe_count++;
		mutex_exit(&kd_probe_lock);
	}
	sema_v(&kd_probe_done);
}

/*
 * A deadline already passed returns -1 with the mutex held throughout: no
 * other thread can bump the count in between, whatever the schedule.
 */
void kd_probe_past_wait(void *arg) {
	taskq_t *tq;
	int before, changed = 0;
	clock_t r1, r2, r3;

	(void) arg;
	mutex_init(&kd_probe_lock, NULL, MUTEX_DRIVER, NULL);
	cv_init(&kd_probe_cv, NULL, CV_DRIVER, NULL);
	sema_init(&kd_probe_done, 0, NULL, SEMA_DRIVER, NULL);
	tq = taskq_create("kd_probe_tq", 1, minclsyspri, 1, 1, 0);
	(void) taskq_dispatch(tq, kd_probe_bumper, NULL, TQ_SLEEP);
	mutex_enter(&kd_probe_lock);
	before = kd_probe_count;
	r1 = cv_timedwait(&kd_probe_cv, &kd_probe_lock, ddi_get_lbolt());
	changed |= kd_probe_count != before;
	r2 = cv_reltimedwait(&kd_probe_cv, &kd_probe_lock, 0, TR_CLOCK_TICK);
	changed |= kd_probe_count != before;
	r3 = cv_timedwait_hires(&kd_probe_cv, &kd_probe_lock, gethrtime(), 0,
	    CALLOUT_FLAG_ABSOLUTE);
	changed |= kd_probe_count != before;
	mutex_exit(&kd_probe_lock);
	sema_p(&kd_probe_done);
	taskq_destroy(tq);
	note(r1);
	note(r2);
	note(r3);
	note(changed);
	sema_destroy(&kd_probe_done);
	cv_destroy(&kd_probe_cv);
	mutex_destroy(&kd_probe_lock);
}

void kd_probe_hires(void *arg) {
	hrtime_t t0, t1;
	clock_t r;

	(void) arg;
	mutex_init(&kd_probe_lock, NULL, MUTEX_DRIVER, NULL);
	cv_init(&kd_probe_cv, NULL, CV_DRIVER, NULL);
	mutex_enter(&kd_probe_lock);
	t0 = gethrtime();
	r = cv_timedwait_hires(&kd_probe_cv, &kd_probe_lock, MSEC2NSEC(3), 0, 0);
	t1 = gethrtime();
	note(r);
	note(t1 - t0 >= MSEC2NSEC(3));
	/* 1 ns from now at a 10 ms resolution rounded up: the next 10 ms */
	r = cv_timedwait_hires(&kd_probe_cv, &kd_probe_lock, 1, MSEC2NSEC(10),
	    CALLOUT_FLAG_ROUNDUP);
	note(r);
	note(gethrtime() % MSEC2NSEC(10) == 0);
	r = cv_timedwait_sig_hires(&kd_probe_cv, &kd_probe_lock,
	    gethrtime() + MSEC2NSEC(1), 0, CALLOUT_FLAG_ABSOLUTE);
	note(r);
	mutex_exit(&kd_probe_lock);
	cv_destroy(&kd_probe_cv);
	mutex_destroy(&kd_probe_lock);
}

void kd_probe_printf(void *arg) {
	char buf[1];
	const char *volatile none = NULL;	/* not known null to the compiler */
	char *s;

	(void) arg;
	(void) buf;	/* snprintf here is the host's: a module's is bound (test_kernel_printf.cc) */
	s = kmem_asprintf("%s-%d", none, 3);
	note(strcmp(s, "<null string>-3") == 0);
	strfree(s);
	s = kmem_asprintf("%s%u", "msgq", 12u);
	note(strcmp(s, "msgq12") == 0);
	strfree(s);
}

void kd_probe_props(void *arg) {
	dev_info_t *dip = arg;		/* the test's own */
	uint64_t v64 = 0;
	uint32_t v32 = 0;
	int len, *ints;
	uint_t n;
	caddr_t alloc;

	len = sizeof (v64);
	note(ddi_prop_op_nblocks(DDI_DEV_T_ANY, dip, PROP_LEN_AND_VAL_BUF, 0,
	    "Nblocks", (caddr_t)&v64, &len, 64));	/* 0 */
	note((long)v64);				/* 64 */
	len = sizeof (v64);
	note(ddi_prop_op_nblocks(DDI_DEV_T_ANY, dip, PROP_LEN_AND_VAL_BUF, 0,
	    "Size", (caddr_t)&v64, &len, 64));
	note((long)v64);				/* 32768 */
	len = sizeof (v64);			/* "nblocks" is 4 bytes: must match */
	note(ddi_prop_op_nblocks(DDI_DEV_T_ANY, dip, PROP_LEN_AND_VAL_BUF, 0,
	    "nblocks", (caddr_t)&v32, &len, 64));	/* DDI_PROP_INVAL_ARG 4 */
	note(len);					/* 4 */
	note(ddi_prop_op_nblocks(DDI_DEV_T_ANY, dip, PROP_EXISTS, 0,
	    "Nblocks", NULL, &len, 64));		/* 4: not an op it answers */
	note(ddi_prop_op_nblocks(DDI_DEV_T_ANY, dip, PROP_LEN, 0,
	    "nothing", NULL, &len, 64));		/* DDI_PROP_NOT_FOUND 1 */
	(void) ddi_prop_update_int(DDI_DEV_T_NONE, dip, "depth", 8);
	note(ddi_prop_op(DDI_DEV_T_ANY, dip, PROP_LEN, 0, "depth", NULL,
	    &len));					/* 0 */
	note(len);					/* 4 */
	note(ddi_prop_op(DDI_DEV_T_ANY, dip, PROP_LEN_AND_VAL_ALLOC,
	    DDI_PROP_CANSLEEP, "depth", (caddr_t)&alloc, &len));	/* 0 */
	note(*(int *)alloc);				/* 8 */
	kmem_free(alloc, len);
	note(ddi_prop_lookup_int_array(DDI_DEV_T_ANY, dip, DDI_PROP_DONTPASS,
	    "depth", &ints, &n));			/* 0 */
	note(n);
	note(ints[0]);
	ddi_prop_free(ints);
	note(ddi_getprop(DDI_DEV_T_ANY, dip, 0, "depth", -1));	/* 8 */
	ddi_prop_remove_all(dip);
}

void kd_probe_typed_props(void *arg) {
	dev_info_t *dip = arg;
	int three[3] = { 7, -1, 42 }, *ints, len;
	int64_t big = 1LL << 40, *i64s;
	char *names[2] = { "alpha", "be" }, **strs, *str, buf[16];
	uchar_t bytes[5] = { 1, 2, 3, 4, 5 }, *bp;
	uint_t n;

	note(ddi_prop_update_int_array(DDI_DEV_T_NONE, dip, "three", three, 3));
	note(ddi_prop_lookup_int_array(DDI_DEV_T_ANY, dip, 0, "three", &ints, &n));
	note(n);
	note(ints[0] + ints[1] + ints[2]);			/* 48 */
	ddi_prop_free(ints);
	note(ddi_prop_get_int(DDI_DEV_T_ANY, dip, 0, "three", 0));	/* the first: 7 */
	note(ddi_getproplen(DDI_DEV_T_ANY, dip, 0, "three", &len));
	note(len);						/* 12 */

	note(ddi_prop_update_string_array(DDI_DEV_T_NONE, dip, "names", names, 2));
	note(ddi_prop_lookup_string_array(DDI_DEV_T_ANY, dip, 0, "names", &strs, &n));
	note(n);
	note(strcmp(strs[0], "alpha") == 0 && strcmp(strs[1], "be") == 0);
	ddi_prop_free(strs);
	note(ddi_prop_lookup_string(DDI_DEV_T_ANY, dip, 0, "names", &str));
	note(strcmp(str, "alpha") == 0);
	ddi_prop_free(str);

	note(ddi_prop_update_byte_array(DDI_DEV_T_NONE, dip, "bytes", bytes, 5));
	note(ddi_prop_lookup_byte_array(DDI_DEV_T_ANY, dip, 0, "bytes", &bp, &n));
	note(n * 10 + bp[4]);					/* 55 */
	ddi_prop_free(bp);

	/* A typed lookup sees only its type. */
	note(ddi_prop_update_int64(DDI_DEV_T_NONE, dip, "big", big));
	note(ddi_prop_get_int(DDI_DEV_T_ANY, dip, 0, "big", -5));	/* -5 */
	note(ddi_prop_get_int64(DDI_DEV_T_ANY, dip, 0, "big", -5) == big);
	note(ddi_prop_lookup_int64_array(DDI_DEV_T_ANY, dip, 0, "big", &i64s, &n));
	note(n);
	ddi_prop_free(i64s);
	note(ddi_prop_lookup_int_array(DDI_DEV_T_ANY, dip, 0, "names", &ints, &n)); /* 1 */

	/* The older forms: untyped bytes, a boolean, modify needs the property. */
	note(ddi_prop_create(DDI_DEV_T_NONE, dip, DDI_PROP_CANSLEEP, "flag", NULL, 0));
	note(ddi_prop_get_int(DDI_DEV_T_ANY, dip, 0, "flag", 0));	/* 1 */
	note(ddi_prop_lookup_int_array(DDI_DEV_T_ANY, dip, 0, "flag", &ints, &n)); /* 8 */
	note(ddi_prop_exists(DDI_DEV_T_ANY, dip, 0, "flag"));		/* 1 */
	note(ddi_prop_create(DDI_DEV_T_NONE, dip, 0, "raw", (caddr_t)&three[2], 4));
	note(ddi_prop_get_int(DDI_DEV_T_ANY, dip, 0, "raw", 0));	/* 42 */
	note(ddi_prop_get_int64(DDI_DEV_T_ANY, dip, 0, "raw", -5));	/* -5 */
	note(ddi_prop_modify(DDI_DEV_T_NONE, dip, 0, "absent", buf, 1));	/* 1 */
	note(ddi_prop_modify(DDI_DEV_T_NONE, dip, 0, "raw", (caddr_t)&three[0], 4));
	len = sizeof (buf);
	note(ddi_getlongprop_buf(DDI_DEV_T_ANY, dip, 0, "raw", buf, &len));
	note(len * 100 + *(int *)buf);				/* 407 */
	note(ddi_prop_update_int(DDI_DEV_T_ANY, dip, "any", 1));	/* 4 */
	ddi_prop_remove_all(dip);
	note(ddi_prop_exists(DDI_DEV_T_ANY, dip, 0, "three"));	/* 0 */
}

void kd_probe_undefine(void *arg) {
	dev_info_t *dip = arg;
	uchar_t *bp;
	int *ip, len = 4;
	uint_t n;
	char buf[8];

	note(ddi_prop_update_int(DDI_DEV_T_NONE, dip, "gone", 7));
	note(ddi_prop_undefine(DDI_DEV_T_NONE, dip, 0, "gone"));	/* 0 */
	note(ddi_prop_lookup_byte_array(DDI_DEV_T_ANY, dip, 0, "gone", &bp, &n)); /* 2 */
	note(ddi_prop_lookup_int_array(DDI_DEV_T_ANY, dip, 0, "gone", &ip, &n)); /* 1 */
	note(ddi_prop_get_int(DDI_DEV_T_ANY, dip, 0, "gone", -3));	/* -3 */
	note(ddi_getprop(DDI_DEV_T_ANY, dip, 0, "gone", -4));	/* -4 */
	note(ddi_prop_exists(DDI_DEV_T_ANY, dip, 0, "gone"));	/* 0 */
	note(ddi_getproplen(DDI_DEV_T_ANY, dip, 0, "gone", &len));	/* 2 */
	note(ddi_getlongprop_buf(DDI_DEV_T_ANY, dip, 0, "gone", buf, &len)); /* 2 */
	note(ddi_prop_remove(DDI_DEV_T_NONE, dip, "gone"));	/* 0 */
	note(ddi_getproplen(DDI_DEV_T_ANY, dip, 0, "gone", &len));	/* 1 */
	note(ddi_prop_undefine(DDI_DEV_T_ANY, dip, 0, "gone"));	/* 4 */
	note(ddi_prop_undefine(DDI_DEV_T_NONE, dip, 0, "again"));
	note(ddi_prop_update_int(DDI_DEV_T_NONE, dip, "again", 9));	/* defined again */
	note(ddi_prop_get_int(DDI_DEV_T_ANY, dip, 0, "again", 0));	/* 9 */
	ddi_prop_remove_all(dip);
}

void kd_probe_conf(void *arg) {
	dev_info_t *dip = arg;	/* its driver.conf applied (test_ddi_probe.cc) */
	char *s;

	note(ddi_prop_get_int(DDI_DEV_T_ANY, dip, DDI_PROP_DONTPASS,
	    "level", -1));					/* 5: the node's */
	note(ddi_prop_get_int(DDI_DEV_T_ANY, dip, DDI_PROP_DONTPASS,
	    "shared", -1));					/* 2: global */
	note(ddi_prop_get_int(makedevice(7, 0), dip, DDI_PROP_DONTPASS,
	    "shared", -1));					/* -1: not that dev */
	note(ddi_prop_get_int(DDI_DEV_T_NONE, dip, DDI_PROP_DONTPASS,
	    "shared", -1));					/* 2 */
	note(ddi_prop_lookup_string(DDI_DEV_T_ANY, dip, 0, "tag", &s));	/* 0 */
	note(strcmp(s, "global") == 0);				/* 1 */
	ddi_prop_free(s);
	note(ddi_prop_update_int(DDI_DEV_T_NONE, dip, "level", 9));	/* 0 */
	note(ddi_prop_get_int(DDI_DEV_T_ANY, dip, 0, "level", -1));	/* 9: its own first */
	note(ddi_prop_remove(DDI_DEV_T_NONE, dip, "level"));	/* 0 */
	note(ddi_prop_get_int(DDI_DEV_T_ANY, dip, 0, "level", -1));	/* 5 again */
	note(ddi_prop_remove(DDI_DEV_T_NONE, dip, "shared"));	/* 1: not its own */
	(void) ddi_prop_update_int(DDI_DEV_T_NONE, dip, "mine", 4);
	ddi_prop_remove_all(dip);				/* its own only */
	note(ddi_prop_get_int(DDI_DEV_T_ANY, dip, 0, "mine", -1));	/* -1 */
	note(ddi_prop_get_int(DDI_DEV_T_ANY, dip, 0, "shared", -1));	/* 2 */
	note(ddi_prop_exists(DDI_DEV_T_ANY, dip, 0, "flag"));	/* 1: no value */
	note(ddi_prop_get_int(DDI_DEV_T_ANY, dip, 0, "flag", -1));	/* 0 */
}

void kd_probe_nexus(void *arg) {
	dev_info_t *dip = arg, *p = ddi_get_parent(dip), *root = ddi_root_node();
	char path[MAXPATHLEN];

	note(strcmp(ddi_driver_name(p), "pseudo") == 0);
	note(ddi_get_parent(p) == root);
	note(ddi_get_parent(root) == NULL);
	note(strcmp(ddi_node_name(root), "i86pc") == 0 &&
	    strcmp(ddi_driver_name(root), "rootnex") == 0);
	note(strcmp(ddi_pathname(p, path), "/pseudo") == 0);
	note(ddi_prop_get_int(DDI_DEV_T_ANY, root, 0, "nothing", 3));	/* 3 */
}

static int kd_tq_count;

static void kd_tq_inc(void *arg) {
	(void) arg;
	kd_tq_count++;
}

void kd_probe_taskq_suspend(void *arg) {
	taskq_t *tq = taskq_create("kdsusp", 1, minclsyspri, 1, 4, 0);

	(void) arg;
	kd_tq_count = 0;
	taskq_suspend(tq);
	note(taskq_suspended(tq));				/* 1 */
	note(taskq_dispatch(tq, kd_tq_inc, NULL, TQ_SLEEP) != 0);	/* queued: 1 */
	delay(drv_usectohz(1000));	/* the worker runs meanwhile, but not the task */
	note(kd_tq_count);					/* 0 */
	taskq_resume(tq);
	taskq_wait(tq);
	note(kd_tq_count);					/* 1 */
	note(taskq_suspended(tq));				/* 0 */
	taskq_destroy(tq);
}

void kd_probe_taskq_resume_unsuspended(void *arg) {
	taskq_t *tq = taskq_create("kdsusp", 1, minclsyspri, 1, 4, 0);

	(void) arg;
	taskq_resume(tq);
}

typedef struct kd_targ {
	int	a, b;
} kd_targ_t;

static void kd_targ_thread(void *arg) {
	kd_targ_t *t = arg;

	note(t->a * 10 + t->b);
}

void kd_probe_thread_arg_copy(void *arg) {
	kd_targ_t t = { 4, 2 };
	kthread_t *k;

	(void) arg;
	k = thread_create(NULL, 0, kd_targ_thread, &t, sizeof (t), &p0, TS_RUN,
	    minclsyspri);
	t.a = 9;		/* the thread has its own copy */
	thread_join(k->t_did);
	note(t.a);
}

typedef struct kd_req32 {
	int32_t r_len;
	caddr32_t r_buf;
} kd_req32_t;

void kd_probe_model(void *arg) {
	kd_req32_t r32;
	void *p;

	(void) arg;
	r32.r_len = 1;
	r32.r_buf = 0x80001000u;
	p = (void *)(uintptr_t)r32.r_buf;
	note((long)(uintptr_t)p == 0x80001000L);
}
