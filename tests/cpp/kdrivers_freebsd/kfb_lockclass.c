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
