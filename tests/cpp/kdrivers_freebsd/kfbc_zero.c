/*
 * Zero and negative timeouts of the sleeps (cv_timedwait & co., msleep,
 * pause_sbt), callout_async_drain, cpu_ticks and kproc_kthread_add, as a
 * FreeBSD driver calls them. Results go to kfbc_log (kfbc.h).
 */
#include <sys/param.h>
#include <sys/errno.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/lock.h>
#include <sys/mutex.h>
#include <sys/condvar.h>
#include <sys/callout.h>
#include <sys/proc.h>
#include <sys/kthread.h>
#include <sys/time.h>

#include "kfbc.h"

static void note(long v) {
	if (kfbc_nlog < KFBC_NLOG)
		kfbc_log[kfbc_nlog++] = v;
}

static struct mtx kz_mtx;
static struct cv kz_cv;
static struct callout kz_co;		/* with kz_mtx */
static struct callout kz_plain;		/* no lock */
static int kz_chan;
static volatile int kz_in_fn, kz_ran, kz_drained;
static volatile int kz_drain_saw_in_fn, kz_drain_saw_ran;
static void *kz_drain_arg;
static struct thread *kz_drain_td;

static void kz_init(void) {
	mtx_init(&kz_mtx, "kz_mtx", NULL, MTX_DEF);
	cv_init(&kz_cv, "kz_cv");
	callout_init_mtx(&kz_co, &kz_mtx, 0);
	callout_init(&kz_plain, 1);
	kz_in_fn = kz_ran = kz_drained = 0;
	kz_drain_arg = NULL;
	kz_drain_td = NULL;
}

static void kz_wake(void *arg) {
	(void) arg;
	wakeup(&kz_chan);
}

void kfbc_zero_timeouts(void *arg) {
	int t0, e;
	sbintime_t s0;
	uint64_t c0;
	(void) arg;
	kz_init();
	mtx_lock(&kz_mtx);
	t0 = ticks;
	e = cv_timedwait(&kz_cv, &kz_mtx, 0);		/* one tick */
	note(e == EWOULDBLOCK);
	note(ticks - t0);
	t0 = ticks;
	e = cv_timedwait_sig(&kz_cv, &kz_mtx, 0);	/* one tick */
	note(e == EWOULDBLOCK);
	note(ticks - t0);
	t0 = ticks;
	e = cv_timedwait(&kz_cv, &kz_mtx, -3);		/* one tick */
	note(e == EWOULDBLOCK);
	note(ticks - t0);
	s0 = sbinuptime();
	e = cv_timedwait_sbt(&kz_cv, &kz_mtx, 0, 0, 0);	/* due now */
	note(e == EWOULDBLOCK);
	note(sbinuptime() - s0 < tick_sbt);
	t0 = ticks;
	e = cv_timedwait_sig_sbt(&kz_cv, &kz_mtx, 0, 0, C_HARDCLOCK);	/* next tick */
	note(e == EWOULDBLOCK);
	note(ticks - t0);
	t0 = ticks;
	e = msleep(&kz_chan, &kz_mtx, 0, "kzneg", -1);	/* one tick */
	note(e == EWOULDBLOCK);
	note(ticks - t0);
	/* timo 0: no deadline; the wakeup 7 ticks later ends it */
	callout_reset(&kz_plain, 7, kz_wake, NULL);
	t0 = ticks;
	e = msleep(&kz_chan, &kz_mtx, 0, "kzzero", 0);
	note(e);
	note(ticks - t0);
	mtx_unlock(&kz_mtx);
	c0 = cpu_ticks();
	(void) pause_sbt("kzpause", 0, 0, 0);		/* tick_sbt, not 1 ns */
	c0 = cpu_ticks() - c0;
	note(c0 >= 999999 && c0 <= 1000000);
	callout_drain(&kz_plain);
}

static void kz_plain_fn(void *arg) {
	(void) arg;
	kz_in_fn = 1;
	DELAY(1);
	DELAY(1);
	kz_in_fn = 0;
	kz_ran++;
}

static void kz_locked_fn(void *arg) {
	(void) arg;
	kz_ran++;
}

static void kz_drain_fn(void *arg) {
	kz_drained++;
	kz_drain_arg = arg;
	kz_drain_saw_in_fn = kz_in_fn;
	kz_drain_saw_ran = kz_ran;
	kz_drain_td = curthread;
}

/* idle and pending: no drain function, ever */
void kfbc_async_drain_idle(void *arg) {
	(void) arg;
	kz_init();
	note(callout_async_drain(&kz_plain, kz_drain_fn));	/* never armed: -1 */
	callout_reset(&kz_plain, 5, kz_plain_fn, &kz_plain);
	note(callout_async_drain(&kz_plain, kz_drain_fn));	/* pending: 1 */
	note(callout_pending(&kz_plain) || callout_active(&kz_plain));
	(void) pause("kz", 10);
	note(kz_ran);
	note(kz_drained);
}

/* caught running (or not) at random: the answer says which */
void kfbc_async_drain_running(void *arg) {
	int running, r, re = -2;
	(void) arg;
	kz_init();
	(void) callout_reset(&kz_plain, 1, kz_plain_fn, &kz_plain);
	DELAY(1);
	DELAY(1);
	running = kz_in_fn;
	r = callout_async_drain(&kz_plain, kz_drain_fn);
	if (r == 0)	/* a reset while the drain is pending schedules nothing */
		re = callout_reset(&kz_plain, 1, kz_plain_fn, &kz_plain);
	(void) pause("kz", 10);
	note(running);
	note(r);
	note(re);
	note(kz_ran);
	note(kz_drained);
	note(kz_drained ? kz_drain_saw_in_fn : -1);	/* 0: after the function */
	note(kz_drained ? kz_drain_saw_ran : -1);	/* 1 */
	note(kz_drained ? kz_drain_arg == &kz_plain : -1);
	note(kz_drained ? kz_drain_td != curthread : -1);	/* the callout's context */
}

/* with the callout's mutex held: a fired callout waiting for it still
 * runs once the mutex is dropped, then the drain function */
void kfbc_async_drain_locked(void *arg) {
	int r;
	(void) arg;
	kz_init();
	mtx_lock(&kz_mtx);
	(void) callout_reset(&kz_co, 1, kz_locked_fn, &kz_co);
	mtx_unlock(&kz_mtx);
	DELAY(1);
	mtx_lock(&kz_mtx);
	DELAY(1);
	DELAY(1);
	r = callout_async_drain(&kz_co, kz_drain_fn);
	mtx_unlock(&kz_mtx);
	(void) pause("kz", 10);
	note(r);
	note(kz_ran);
	note(kz_drained);
}

/* INVARIANTS: a callout with a mutex is stopped holding it */
void kfbc_async_drain_unlocked(void *arg) {
	(void) arg;
	kz_init();
	(void) callout_async_drain(&kz_co, kz_drain_fn);
	note(-1);
}

static volatile int kz_kt_ran;

static void kz_kthread(void *arg) {
	kz_kt_ran += (int)(intptr_t)arg;
	kthread_exit();
}

void kfbc_cpu_ticks_kproc(void *arg) {
	uint64_t c0, c1;
	struct proc *p = NULL;
	struct thread *td1 = NULL, *td2 = NULL;
	(void) arg;
	c0 = cpu_ticks();
	(void) pause("kz", 3);
	c1 = cpu_ticks();
	note(cpu_tickrate() == 1000000000);
	note(c1 > c0);
	note((long)cputick2usec(c1 - c0));	/* 3 ms */
	note(kproc_kthread_add(kz_kthread, (void *)1, &p, &td1, 0, 0, "kzproc",
	    "kzworker%d", 1));
	note(p != NULL && td1 != NULL && td1->td_proc == p);
	note(kproc_kthread_add(kz_kthread, (void *)10, &p, &td2, 0, 0, "kzproc",
	    "kzworker%d", 2));
	note(td2 != NULL && td2 != td1 && td2->td_proc == p);
	note(strcmp(td2->td_name, "kzworker2") == 0);
	(void) pause("kz", 2);
	note(kz_kt_ran);
}

/* INVARIANTS: callout_stop of a callout with a mutex, without it */
void kfbc_stop_unlocked(void *arg) {
	(void) arg;
	kz_init();
	mtx_lock(&kz_mtx);
	(void) callout_reset(&kz_co, 5, kz_locked_fn, &kz_co);
	mtx_unlock(&kz_mtx);
	(void) callout_stop(&kz_co);
	note(-1);
}
