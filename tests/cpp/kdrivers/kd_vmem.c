/* The vmem(9F) calls of kd_vmem.h. */
#include <sys/types.h>
#include <sys/vmem.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>

#include "kd_ddi.h"
#include "kd_vmem.h"

static void note(long v) {
	if (kd_nlog < KD_NLOG)
		kd_log[kd_nlog++] = v;
}

#define	ID(p)	((long)(uintptr_t)(p))
#define	P(v)	((void *)(uintptr_t)(v))

static vmem_t *ids(const char *name, long base, size_t n) {
	return (vmem_create(name, P(base), n, 1, NULL, NULL, NULL, 0,
	    VM_SLEEP | VMC_IDENTIFIER));
}

void kd_vmem_instant(void *arg) {
	vmem_t *a = ids("kd_instant", 1, 5);
	int i;

	(void) arg;
	for (i = 0; i < 5; i++)
		note(ID(vmem_alloc(a, 1, VM_SLEEP)));
	note(ID(vmem_alloc(a, 1, VM_NOSLEEP)));		/* full: NULL */
	vmem_free(a, P(2), 1);
	vmem_free(a, P(4), 1);
	note(ID(vmem_alloc(a, 1, VM_SLEEP)));		/* last freed first */
	note(ID(vmem_alloc(a, 1, VM_SLEEP)));
	vmem_free(a, P(3), 1);
	vmem_free(a, P(4), 1);				/* [3, 5): list 1 */
	vmem_free(a, P(1), 1);				/* [1, 2): list 0 */
	note(ID(vmem_alloc(a, 1, VM_SLEEP)));		/* the lowest list */
	note(ID(vmem_alloc(a, 1, VM_SLEEP)));
	note(ID(vmem_alloc(a, 1, VM_SLEEP)));
	note((long)vmem_size(a, VMEM_ALLOC));
	note((long)vmem_size(a, VMEM_FREE));
	for (i = 1; i <= 5; i++)
		vmem_free(a, P(i), 1);
	note((long)vmem_size(a, VMEM_ALLOC | VMEM_FREE));
	vmem_destroy(a);
}

void kd_vmem_policies(void *arg) {
	vmem_t *a = ids("kd_fit", 1, 10);
	vmem_t *b = ids("kd_next", 1, 4);
	int i;

	(void) arg;
	for (i = 0; i < 10; i++)
		(void) vmem_alloc(a, 1, VM_SLEEP);
	vmem_free(a, P(2), 1);
	vmem_free(a, P(5), 1);
	vmem_free(a, P(6), 1);				/* [5, 7) */
	vmem_free(a, P(9), 1);		/* list 0: [9, 10), [2, 3); list 1: [5, 7) */
	note(ID(vmem_alloc(a, 2, VM_BESTFIT | VM_SLEEP)));
	vmem_free(a, P(5), 2);
	note(ID(vmem_alloc(a, 1, VM_FIRSTFIT | VM_SLEEP)));	/* list order */
	vmem_free(a, P(9), 1);
	note(ID(vmem_alloc(a, 1, VM_BESTFIT | VM_SLEEP)));
	note(ID(vmem_alloc(a, 2, VM_FIRSTFIT | VM_NOSLEEP)));
	note(ID(vmem_alloc(a, 3, VM_BESTFIT | VM_NOSLEEP)));	/* none */
	for (i = 1; i <= 10; i++)
		if (i != 2 && i != 6)
			vmem_free(a, P(i), i == 5 ? 2 : 1);
	vmem_destroy(a);

	note(ID(vmem_alloc(b, 1, VM_NEXTFIT | VM_SLEEP)));
	note(ID(vmem_alloc(b, 1, VM_NEXTFIT | VM_SLEEP)));
	vmem_free(b, P(1), 1);
	note(ID(vmem_alloc(b, 1, VM_NEXTFIT | VM_SLEEP)));	/* 3, not 1 */
	note(ID(vmem_alloc(b, 1, VM_NEXTFIT | VM_SLEEP)));
	note(ID(vmem_alloc(b, 1, VM_NEXTFIT | VM_SLEEP)));	/* wraps: 1 */
	note(ID(vmem_alloc(b, 1, VM_NEXTFIT | VM_NOSLEEP)));	/* full */
	for (i = 1; i <= 4; i++)
		vmem_free(b, P(i), 1);
	vmem_destroy(b);
}

void kd_vmem_xalloc(void *arg) {
	vmem_t *a = ids("kd_x", 1, 100);

	(void) arg;
	note(ID(vmem_xalloc(a, 8, 8, 0, 0, NULL, NULL, VM_SLEEP)));	/* 8 */
	note(ID(vmem_xalloc(a, 4, 4, 1, 0, NULL, NULL, VM_SLEEP)));	/* 1 */
	note(ID(vmem_xalloc(a, 1, 0, 0, 0, P(50), P(60), VM_NOSLEEP)));
	note(ID(vmem_xalloc(a, 8, 0, 0, 16, P(28), NULL, VM_NOSLEEP)));
	note(ID(vmem_xalloc(a, 4, 0, 0, 0, P(99), P(101), VM_NOSLEEP)));
	note(ID(vmem_xalloc(a, 1, 0, 0, 0, P(8), P(16), VM_NOSLEEP)));
	note((long)vmem_size(a, VMEM_ALLOC));
	vmem_xfree(a, P(8), 8);
	vmem_xfree(a, P(1), 4);
	vmem_xfree(a, P(50), 1);
	vmem_xfree(a, P(32), 8);
	note((long)vmem_size(a, VMEM_ALLOC));
	vmem_destroy(a);
}

static void walked(void *arg, void *start, size_t size) {
	(void) arg;
	note(ID(start));
	note((long)size);
}

void kd_vmem_spans(void *arg) {
	vmem_t *a = vmem_create("kd_spans", NULL, 0, 1, NULL, NULL, NULL, 0,
	    VM_SLEEP | VMC_IDENTIFIER);
	vmem_t *q = vmem_create("kd_q16", P(0x1000), 0x100, 16, NULL, NULL,
	    NULL, 0, VM_SLEEP);

	(void) arg;
	note(ID(vmem_alloc(a, 1, VM_NOSLEEP)));		/* no span yet */
	note(ID(vmem_add(a, P(100), 4, VM_SLEEP)));
	note(ID(vmem_add(a, P(1), 2, VM_SLEEP)));
	note(ID(vmem_alloc(a, 1, VM_SLEEP)));		/* [1, 3) list 1 */
	note(vmem_contains(a, P(100), 4));
	note(vmem_contains(a, P(3), 1));
	vmem_walk(a, VMEM_ALLOC | VMEM_FREE, walked, NULL);
	vmem_walk(a, VMEM_SPAN, walked, NULL);
	vmem_free(a, P(1), 1);
	vmem_destroy(a);

	note(ID(vmem_alloc(q, 20, VM_SLEEP)));		/* 0x1000 */
	note(ID(vmem_alloc(q, 16, VM_SLEEP)));		/* 0x1020: 20 rounds up */
	note((long)vmem_size(q, VMEM_ALLOC));
	vmem_free(q, P(0x1000), 20);
	vmem_free(q, P(0x1020), 16);
	vmem_destroy(q);
}

/* An arena of one identifier, taken; a task's VM_SLEEP allocation waits
 * for the main thread's vmem_free (the task notes 100 + what it got). */
static vmem_t *kd_one;

static void kd_vmem_task(void *arg) {
	(void) arg;
	note(100 + ID(vmem_alloc(kd_one, 1, VM_SLEEP)));
	vmem_free(kd_one, P(1), 1);
}

void kd_vmem_wait(void *arg) {
	ddi_taskq_t *tq = ddi_taskq_create(NULL, "kd_vmq", 1, TASKQ_DEFAULTPRI, 0);

	(void) arg;
	kd_one = ids("kd_one", 1, 1);
	note(ID(vmem_alloc(kd_one, 1, VM_SLEEP)));
	(void) ddi_taskq_dispatch(tq, kd_vmem_task, NULL, DDI_SLEEP);
	delay(1);	/* the task runs meanwhile, and waits */
	note(0);
	vmem_free(kd_one, P(1), 1);
	ddi_taskq_wait(tq);
	ddi_taskq_destroy(tq);
	vmem_destroy(kd_one);
}

void kd_vmem_double_free(void *arg) {
	vmem_t *a = ids("kd_twice", 1, 4);
	void *p = vmem_alloc(a, 1, VM_SLEEP);

	(void) arg;
	vmem_free(a, p, 1);
	vmem_free(a, p, 1);
}

void kd_vmem_wrong_size(void *arg) {
	vmem_t *a = ids("kd_size", 1, 4);

	(void) arg;
	vmem_free(a, vmem_alloc(a, 1, VM_SLEEP), 2);
}

static void *kd_import(vmem_t *src, size_t size, int flag) {
	return (vmem_alloc(src, size, flag));
}

void kd_vmem_import(void *arg) {
	vmem_t *src = ids("kd_src", 1, 100);

	(void) arg;
	(void) vmem_create("kd_child", NULL, 0, 1, kd_import, vmem_free, src,
	    0, VM_SLEEP | VMC_IDENTIFIER);
}

void kd_vmem_overconstrained(void *arg) {
	vmem_t *a = ids("kd_over", 1, 100);

	(void) arg;
	(void) vmem_xalloc(a, 8, 16, 0, 8, NULL, NULL, VM_SLEEP);
}

void kd_vmem_after_destroy(void *arg) {
	vmem_t *a = ids("kd_gone", 1, 4);

	(void) arg;
	vmem_destroy(a);
	(void) vmem_alloc(a, 1, VM_NOSLEEP);
}

void kd_vmem_destroy_leaked(void *arg) {
	vmem_t *a = ids("kd_leaky", 1, 4);

	(void) arg;
	(void) vmem_alloc(a, 1, VM_SLEEP);
	(void) vmem_alloc(a, 1, VM_SLEEP);
	vmem_destroy(a);
}
