/*
 * The illumos conventions over kernsim/abi.h's waits, taskqs and callouts
 * (the same translation the simulator's personality makes, in C): clock
 * ticks of hz = 100, cv_wait_sig's 0 on a signal, cv_timedwait's -1 when
 * the time passed, taskq flags, timeout ids.
 */
#include <string.h>
#include <stdio.h>
#include <stdarg.h>
#include <sys/types.h>
#include <sys/errno.h>
#include <sys/ksynch.h>
#include <sys/mutex.h>
#include <sys/condvar.h>
#include <sys/taskq.h>
#include <sys/callo.h>
#include <sys/kmem.h>
#include <sys/cmn_err.h>
#include <sys/ddi.h>
#include <sys/sunddi.h>
#include <sys/kernsim.h>

int ks_il_cv_wait_sig(kcondvar_t *c, kmutex_t *m, const char *ce, const char *me)
{
	return (ks_cv_wait(&c->_opaque, &m->_opaque, 1, 0, ce, me) == EINTR ? 0 : 1);
}

clock_t ks_il_cv_timedwait(kcondvar_t *c, kmutex_t *m, clock_t abstime, int sig,
    const char *ce, const char *me)
{
	clock_t now = ddi_get_lbolt(), left;
	uint64_t deadline;
	int r;

	if (abstime <= now)
		abstime = now;
	deadline = (uint64_t)abstime * KS_NS_PER_TICK;
	if (deadline == 0)
		deadline = 1;
	r = ks_cv_wait(&c->_opaque, &m->_opaque, sig, deadline, ce, me);
	if (r == ETIMEDOUT)
		return (-1);
	if (r == EINTR)
		return (0);
	left = abstime - ddi_get_lbolt();
	return (left > 0 ? left : 1);
}

taskq_t *ks_il_taskq_create(const char *name, int nthreads, int maxalloc, uint_t flags,
    const char *expr)
{
	if (flags & TASKQ_THREADS_CPU_PCT) {
		nthreads = nthreads * 2 / 100;	/* the guest has 2 vCPUs at most */
		if (nthreads < 1)
			nthreads = 1;
	}
	return ((taskq_t *)ks_taskq_create(name, nthreads, maxalloc, expr));
}

taskqid_t ks_il_taskq_dispatch(taskq_t *tq, task_func_t fn, void *arg, uint_t flags,
    const char *expr)
{
	int f = KS_TQ_SLEEP;

	if (flags & TQ_NOSLEEP)
		f |= KS_TQ_NOSLEEP;
	if (flags & TQ_NOQUEUE)
		f |= KS_TQ_NOQUEUE;
	if (flags & TQ_FRONT)
		f |= KS_TQ_FRONT;
	return ((taskqid_t)ks_taskq_dispatch((ks_taskq_t *)tq, fn, arg, f, expr));
}

/* taskq_dispatch_ent: the caller's entry, never failing (no maxalloc). */
void taskq_init_ent(taskq_ent_t *e)
{
	memset(e, 0, sizeof(*e));
}

static void il_run_ent(void *p)
{
	taskq_ent_t *e = p;

	e->tqent_func(e->tqent_arg);
}

void ks_il_taskq_dispatch_ent(taskq_t *tq, task_func_t fn, void *arg, uint_t flags,
    taskq_ent_t *ent, const char *expr)
{
	ent->tqent_func = fn;
	ent->tqent_arg = arg;
	(void) ks_taskq_dispatch((ks_taskq_t *)tq, il_run_ent, ent,
	    KS_TQ_PREALLOC | ((flags & TQ_FRONT) ? KS_TQ_FRONT : 0), expr);
}

/* callout.c timeout_generic: relative unless CALLOUT_FLAG_ABSOLUTE, aligned
 * to the resolution (up with CALLOUT_FLAG_ROUNDUP), no minimum. */
callout_id_t timeout_generic(int type, void (*fn)(void *), void *arg, hrtime_t expiration,
    hrtime_t resolution, int flags)
{
	hrtime_t now = (hrtime_t)ks_now_ns();
	hrtime_t exp = (flags & CALLOUT_FLAG_ABSOLUTE) ? expiration : now + expiration;

	if (resolution > 1) {
		if (flags & CALLOUT_FLAG_ROUNDUP)
			exp += resolution - 1;
		exp = exp / resolution * resolution;
	}
	if (exp < now)
		exp = now;
	return (ks_timeout(fn, arg, (uint64_t)exp, "timeout_generic"));
}

/* The ns left, or -1. This backend waits for a running callout even with
 * nowait (its record is freed here, so it cannot be left running). */
hrtime_t untimeout_generic(callout_id_t id, int nowait)
{
	return (ks_untimeout_ns(id));
}

/* illumos callout.c timeout: a delay of 0 or less is one tick. */
timeout_id_t ks_il_timeout(void (*fn)(void *), void *arg, clock_t ticks, const char *name)
{
	if (ticks <= 0)
		ticks = 1;
	return ((timeout_id_t)(uintptr_t)ks_timeout(fn, arg,
	    ks_now_ns() + (uint64_t)ticks * KS_NS_PER_TICK, name));
}

/* illumos callout.c: the ticks left, rounded down, when it was cancelled
 * before it ran; -1 when it had run or was running, or is the caller. */
clock_t untimeout(timeout_id_t id)
{
	int64_t left = ks_untimeout_ns((uint64_t)(uintptr_t)id);

	return (left < 0 ? -1 : (clock_t)(left / KS_NS_PER_TICK));
}

void delay(clock_t ticks)
{
	ks_delay_ns(ticks > 0 ? (uint64_t)ticks * KS_NS_PER_TICK : 0);
}

char *ks_il_strdup(const char *s, const char *tag)
{
	size_t n = strlen(s) + 1;
	char *p = ks_kmem_alloc(n, KS_KM_SLEEP, tag);

	memcpy(p, s, n);
	return (p);
}

void ks_il_strfree(char *s)
{
	ks_kmem_free(s, strlen(s) + 1, "strfree");
}

void cmn_err(int level, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof (buf), fmt, ap);
	va_end(ap);
	if (level == CE_PANIC)
		ks_panic("%s", buf);
	if (level != CE_IGNORE)
		ks_log(level, "%s", buf);
}

/* ddi_taskq_create(9F): the kernel's taskqs under the DDI's names, as the
 * simulator's (kernel_model/illumos/ddi_taskq.cc): maxalloc unbounded. */
ddi_taskq_t *ks_il_ddi_taskq_create(dev_info_t *dip, const char *name, int nthreads,
    const char *expr)
{
	return ((ddi_taskq_t *)ks_taskq_create(name, nthreads > 0 ? nthreads : 1, 0, expr));
}

int ks_il_ddi_taskq_dispatch(ddi_taskq_t *tq, void (*fn)(void *), void *arg, uint_t dflags,
    const char *expr)
{
	int f = (dflags & DDI_NOSLEEP) ? KS_TQ_NOSLEEP : KS_TQ_SLEEP;

	return (ks_taskq_dispatch((ks_taskq_t *)tq, fn, arg, f, expr) ? DDI_SUCCESS :
	    DDI_FAILURE);
}
