/* callout(9), rw(9), clocks and refcount(9) as a FreeBSD driver uses them. */
#include <sys/param.h>
#include <sys/errno.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/lock.h>
#include <sys/mutex.h>
#include <sys/rwlock.h>
#include <sys/refcount.h>
#include <sys/time.h>
#include <sys/sema.h>
#include <sys/malloc.h>
#include <sys/taskqueue.h>
#include <sys/sx.h>
#include <sys/endian.h>

#include "kfbc.h"

long kfbc_log[KFBC_NLOG];
int kfbc_nlog;

static void note(long v) {
	if (kfbc_nlog < KFBC_NLOG)
		kfbc_log[kfbc_nlog++] = v;
}

static struct mtx kc_mtx;
static struct callout kc_co;		/* with kc_mtx */
static struct callout kc_plain;		/* MPSAFE, no lock */
static struct rwlock kc_rw;
static volatile int kc_ran, kc_in_fn;

void kfbc_init(void) {
	kfbc_nlog = 0;
	kc_ran = kc_in_fn = 0;
	mtx_init(&kc_mtx, "kc_mtx", NULL, MTX_DEF);
	callout_init_mtx(&kc_co, &kc_mtx, 0);
	callout_init(&kc_plain, 1);
	rw_init(&kc_rw, "kc_rw");
}

static void kc_locked_fn(void *arg) {
	(void) arg;
	note(100 + mtx_owned(&kc_mtx));
	kc_ran++;
}

static void kc_plain_fn(void *arg) {
	(void) arg;
	kc_in_fn = 1;
	DELAY(1);
	DELAY(1);
	kc_in_fn = 0;
	kc_ran++;
}

void kfbc_fires(void *arg) {
	(void) arg;
	mtx_lock(&kc_mtx);
	note(callout_reset(&kc_co, 5, kc_locked_fn, NULL));
	note(callout_pending(&kc_co));
	mtx_unlock(&kc_mtx);
	(void) pause("kfbc", 10);
	note(kc_ran);
	note(callout_pending(&kc_co));
	note(callout_active(&kc_co));	/* expiry leaves it active */
	mtx_lock(&kc_mtx);
	note(callout_stop(&kc_co));	/* nothing scheduled: -1 */
	note(callout_active(&kc_co));
	mtx_unlock(&kc_mtx);
	callout_drain(&kc_co);
}

void kfbc_reset_stop(void *arg) {
	(void) arg;
	mtx_lock(&kc_mtx);
	note(callout_reset(&kc_co, 10, kc_locked_fn, NULL));
	note(callout_reset(&kc_co, 10, kc_locked_fn, NULL));	/* cancelled one */
	note(callout_stop(&kc_co));
	note(callout_stop(&kc_co));
	mtx_unlock(&kc_mtx);
	(void) pause("kfbc", 20);
	note(kc_ran);
}

void kfbc_stop_locked(void *arg) {
	int r;
	(void) arg;
	mtx_lock(&kc_mtx);
	(void) callout_reset(&kc_co, 1, kc_locked_fn, NULL);
	mtx_unlock(&kc_mtx);
	DELAY(1);
	mtx_lock(&kc_mtx);
	DELAY(1);	/* the timer may fire now and wait for kc_mtx */
	DELAY(1);
	r = callout_stop(&kc_co);
	mtx_unlock(&kc_mtx);
	callout_drain(&kc_co);
	note(r);
	note(kc_ran);
}

void kfbc_drain(void *arg) {
	(void) arg;
	(void) callout_reset(&kc_plain, 1, kc_plain_fn, NULL);
	DELAY(1);
	DELAY(1);
	callout_drain(&kc_plain);
	note(kc_in_fn);
	note(kc_ran <= 1);
}

void kfbc_stop_running(void *arg) {
	int running, r;
	(void) arg;
	(void) callout_reset(&kc_plain, 1, kc_plain_fn, NULL);
	DELAY(1);
	DELAY(1);
	running = kc_in_fn;
	r = callout_stop(&kc_plain);
	note(running);
	note(r);
	callout_drain(&kc_plain);
}

void kfbc_rw(void *arg) {
	(void) arg;
	rw_rlock(&kc_rw);
	rw_assert(&kc_rw, RA_RLOCKED);
	note(rw_wowned(&kc_rw));
	rw_runlock(&kc_rw);
	rw_wlock(&kc_rw);
	rw_assert(&kc_rw, RA_WLOCKED);
	note(rw_wowned(&kc_rw));
	rw_wunlock(&kc_rw);
	rw_assert(&kc_rw, RA_WLOCKED);	/* not locked: an INVARIANTS failure */
	note(-1);
}

void kfbc_time(void *arg) {
	struct timeval tv0, tv1;
	struct timespec ts;
	int t0 = ticks;
	(void) arg;
	getmicrouptime(&tv0);
	note(pause("kfbc", 50) == EWOULDBLOCK);
	note(ticks - t0);
	microuptime(&tv1);
	note((tv1.tv_sec - tv0.tv_sec) * 1000 + (tv1.tv_usec - tv0.tv_usec) / 1000);
	nanotime(&ts);
	note(ts.tv_sec >= KS_FB_BOOT_TIME);
	note(tvtohz(&tv1) == (int)(tv1.tv_sec * hz + (tv1.tv_usec + tick - 1) / tick));
	note((long)sbttoms(nstosbt(1500000000)));
	DELAY(100);	/* a busy wait: no time passes */
	note(ticks - t0);
}

void kfbc_refcount(void *arg) {
	volatile u_int rc;
	(void) arg;
	refcount_init(&rc, 1);
	note(refcount_acquire(&rc));
	note(refcount_release(&rc));
	note(refcount_release_if_not_last(&rc));
	note(refcount_release(&rc));
	note(refcount_acquire_if_not_zero(&rc));
}

void kfbc_misc(void *arg) {
	unsigned char b[8];
	struct sema s;
	int v = 7;
	(void) arg;
	be32enc(b, 0x01020304);
	note(b[0] * 10 + b[3]);
	note(le32dec(b) == 0x04030201);
	note(getenv("hw.kfbc.tunable") == NULL);	/* no tunables set */
	note(getenv_int("hw.kfbc.n", &v));
	note(v);
	sema_init(&s, 1, "kfbc_sema");
	note(sema_trywait(&s));
	note(sema_trywait(&s));
	sema_post(&s);
	sema_wait(&s);
	sema_destroy(&s);
	note(imax(3, -4) + (int)ulmin(5, 9));
}

void kfbc_random(void *arg) {
	uint32_t a, b;
	(void) arg;
	note((long)random());
	a = arc4random();
	b = arc4random();
	note(a);
	note(a != b);
}

static struct taskqueue *kc_tq;
static struct task kc_task;
static int kc_task_runs, kc_task_pending;

static void kc_task_fn(void *ctx, int pending) {
	(void) ctx;
	kc_task_runs++;
	kc_task_pending += pending;
}

void kfbc_taskqueue(void *arg) {
	u_int pend = 99;
	(void) arg;
	kc_task_runs = kc_task_pending = 0;
	kc_tq = taskqueue_create("kc_tq", M_WAITOK, taskqueue_thread_enqueue, &kc_tq);
	note(taskqueue_start_threads(&kc_tq, 1, 0, "kc_tq thread"));
	TASK_INIT(&kc_task, 0, kc_task_fn, NULL);
	/* three enqueues before the worker runs: one run, pending 3 */
	(void) taskqueue_enqueue(kc_tq, &kc_task);
	(void) taskqueue_enqueue(kc_tq, &kc_task);
	(void) taskqueue_enqueue(kc_tq, &kc_task);
	taskqueue_drain(kc_tq, &kc_task);
	note(kc_task_runs);
	note(kc_task_pending);
	/* a cancelled task does not run */
	(void) taskqueue_enqueue(kc_tq, &kc_task);
	note(taskqueue_cancel(kc_tq, &kc_task, &pend));
	note(pend);
	taskqueue_drain_all(kc_tq);
	note(kc_task_runs);
	taskqueue_free(kc_tq);
}

/* taskqueue_drain waits for its own task only (subr_taskqueue.c): with
 * the queue's worker blocked in task A on an sx this thread holds, a drain
 * of the idle task B returns; B enqueued, cancelled and freed leaves
 * nothing for the worker to read once A is let go. */
static struct sx kc_sx;
static struct task kc_a;
static int kc_a_in, kc_b_runs;

static void kc_a_fn(void *ctx, int pending) {
	(void) ctx; (void) pending;
	kc_a_in = 1;
	sx_slock(&kc_sx);
	sx_sunlock(&kc_sx);
}

static void kc_b_fn(void *ctx, int pending) {
	(void) ctx; (void) pending;
	kc_b_runs++;
}

void kfbc_drain_one(void *arg) {
	struct task *b;
	u_int pend = 99;
	(void) arg;
	kc_a_in = kc_b_runs = 0;
	sx_init(&kc_sx, "kc_sx");
	kc_tq = taskqueue_create("kc_tq", M_WAITOK, taskqueue_thread_enqueue, &kc_tq);
	note(taskqueue_start_threads(&kc_tq, 1, 0, "kc_tq thread"));
	TASK_INIT(&kc_a, 0, kc_a_fn, NULL);
	b = malloc(sizeof(*b), M_TEMP, M_WAITOK | M_ZERO);
	TASK_INIT(b, 0, kc_b_fn, NULL);
	sx_xlock(&kc_sx);
	(void) taskqueue_enqueue(kc_tq, &kc_a);
	while (!kc_a_in)
		pause("kcwait", 1);
	taskqueue_drain(kc_tq, b);		/* idle: at once */
	(void) taskqueue_enqueue(kc_tq, b);	/* queued behind A */
	note(taskqueue_cancel(kc_tq, b, &pend));
	note(pend);
	taskqueue_drain(kc_tq, b);		/* cancelled: at once */
	free(b, M_TEMP);
	sx_xunlock(&kc_sx);
	taskqueue_drain(kc_tq, &kc_a);
	note(kc_b_runs);
	taskqueue_free(kc_tq);
	sx_destroy(&kc_sx);
}

/* A runaway: a callout that re-arms itself at once, for ever (each run is
 * a thread of its own). */
static void runaway_fn(void *arg) {
	(void)arg;
	kc_ran++;
	callout_reset(&kc_plain, 0, runaway_fn, NULL);
}

/* The thread stays alive (asleep): with nothing but callouts left, the
 * kernel model parks them. */
void kfbc_runaway(void *arg) {
	(void)arg;
	callout_reset(&kc_plain, 0, runaway_fn, NULL);
	pause("runaway", 1000 * hz);
}

/* A periodic callout, as a driver's watchdog or statistics tick: each run
 * re-arms it for the next tick (a callout_reset on its own callout from
 * its function, the drivers' usual idiom), until it ran kc_per_n times;
 * the thread sleeps on the count under the callout's mutex until then. */
static int kc_per_n;
static int kc_per_count;

static void kc_per_fn(void *arg) {
	(void)arg;
	if (++kc_per_count >= kc_per_n)
		wakeup(&kc_per_count);
	else
		callout_reset(&kc_co, 1, kc_per_fn, NULL);
}

void kfbc_periodic(void *arg) {
	kc_per_n = (int)(intptr_t)arg;
	kc_per_count = 0;
	mtx_lock(&kc_mtx);
	callout_reset(&kc_co, 1, kc_per_fn, NULL);
	while (kc_per_count < kc_per_n)
		msleep(&kc_per_count, &kc_mtx, 0, "kcper", 0);
	mtx_unlock(&kc_mtx);
	note(kc_per_count);
}
