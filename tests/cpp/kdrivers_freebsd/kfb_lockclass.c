/* WITNESS's lock classes: what may be held across a sleep and what may be
 * taken under what (see kfb.h). Each function makes its own locks. */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/lock.h>
#include <sys/mutex.h>
#include <sys/rwlock.h>
#include <sys/rmlock.h>
#include <sys/sx.h>
#include <sys/malloc.h>
#include <sys/condvar.h>

#include "kfb.h"
#include "kfb_state.h"

static struct mtx lc_mtx;
static struct rwlock lc_rw;
static struct rmlock lc_rm;
static struct sx lc_sx, lc_sx2;

static void sleep_a_little(void) {
	free(malloc(16, M_KFB, M_WAITOK), M_KFB);
}

void kfb_lc_sleepable_ok(void *arg) {
	struct rm_priotracker t;
	(void)arg;
	sx_init(&lc_sx, "lc_sx");
	sx_init(&lc_sx2, "lc_sx2");
	rm_init_flags(&lc_rm, "lc_rm_sleepable", RM_SLEEPABLE);
	rw_init(&lc_rw, "lc_rw");
	mtx_init(&lc_mtx, "lc_mtx", NULL, MTX_DEF);
	sx_xlock(&lc_sx);		/* sx under sx, rm sleepable under sx */
	sx_slock(&lc_sx2);
	rm_rlock(&lc_rm, &t);
	sleep_a_little();		/* all three are sleepable */
	rw_wlock(&lc_rw);		/* non-sleepable after sleepable: fine */
	rw_wunlock(&lc_rw);
	rm_runlock(&lc_rm, &t);
	sx_sunlock(&lc_sx2);
	sx_xunlock(&lc_sx);
	rm_wlock(&lc_rm);
	sleep_a_little();
	rm_wunlock(&lc_rm);
	mtx_lock(&lc_mtx);
	if (sx_try_xlock(&lc_sx))	/* a try does not block: no order */
		sx_xunlock(&lc_sx);
	mtx_unlock(&lc_mtx);
	kfb_note(1);
}

void kfb_lc_rw_wlock_sleeps(void *arg) {
	(void)arg;
	rw_init(&lc_rw, "lc_rw");
	rw_wlock(&lc_rw);
	sleep_a_little();
	rw_wunlock(&lc_rw);
}

void kfb_lc_rm_rlock_sleeps(void *arg) {
	struct rm_priotracker t;
	(void)arg;
	rm_init(&lc_rm, "lc_rm");
	rm_rlock(&lc_rm, &t);
	sleep_a_little();
	rm_runlock(&lc_rm, &t);
}

void kfb_lc_sx_under_rw(void *arg) {
	(void)arg;
	rw_init(&lc_rw, "lc_rw");
	sx_init(&lc_sx, "lc_sx");
	rw_rlock(&lc_rw);
	sx_slock(&lc_sx);
	sx_sunlock(&lc_sx);
	rw_runlock(&lc_rw);
}

void kfb_lc_sleepable_rm_under_mtx(void *arg) {
	struct rm_priotracker t;
	(void)arg;
	mtx_init(&lc_mtx, "lc_mtx", NULL, MTX_DEF);
	rm_init_flags(&lc_rm, "lc_rm_sleepable", RM_SLEEPABLE);
	mtx_lock(&lc_mtx);
	rm_rlock(&lc_rm, &t);
	rm_runlock(&lc_rm, &t);
	mtx_unlock(&lc_mtx);
}

/* Where each lock was taken, for the reports (test_freebsd.cc reads the
 * lines of the SITE comments). */
static struct cv lc_cv;

void kfb_lc_site_after_wait(void *arg) {
	(void)arg;
	mtx_init(&lc_mtx, "lc_mtx", NULL, MTX_DEF);
	cv_init(&lc_cv, "lc_cv");
	rw_init(&lc_rw, "lc_rw");
	mtx_lock(&lc_mtx);			/* SITE: lc_mtx */
	cv_timedwait(&lc_cv, &lc_mtx, 1);	/* taken again: its site stays */
	rw_rlock(&lc_rw);			/* SITE: lc_rw */
	sleep_a_little();
	rw_runlock(&lc_rw);
	mtx_unlock(&lc_mtx);
}

/* rmlock(9) readers: RM_RECURSE lets a reader read again at once, a
 * writer waiting or not; without it a recursing reader is an INVARIANTS
 * panic, and a writer never recurses (kern_rmlock.c). */
void kfb_lc_rm_recurse_init(void) {
	rm_init_flags(&lc_rm, "lc_rm_recurse", RM_RECURSE);
}

void kfb_lc_rm_recurse_reader(void *arg) {
	struct rm_priotracker t1, t2;
	(void)arg;
	rm_rlock(&lc_rm, &t1);
	rm_rlock(&lc_rm, &t2);		/* a writer may be waiting: granted */
	kfb_note(1);
	rm_runlock(&lc_rm, &t2);
	rm_runlock(&lc_rm, &t1);
}

void kfb_lc_rm_writer(void *arg) {
	(void)arg;
	rm_wlock(&lc_rm);
	kfb_note(2);
	rm_wunlock(&lc_rm);
}

void kfb_lc_rm_recurse_plain(void *arg) {
	struct rm_priotracker t1, t2;
	(void)arg;
	rm_init(&lc_rm, "lc_rm");
	rm_rlock(&lc_rm, &t1);		/* SITE: rm 1st */
	rm_rlock(&lc_rm, &t2);		/* SITE: rm 2nd */
	rm_runlock(&lc_rm, &t2);
	rm_runlock(&lc_rm, &t1);
}

void kfb_lc_rm_wlock_recurse(void *arg) {
	(void)arg;
	kfb_lc_rm_recurse_init();
	rm_wlock(&lc_rm);
	rm_wlock(&lc_rm);
	rm_wunlock(&lc_rm);
	rm_wunlock(&lc_rm);
}
