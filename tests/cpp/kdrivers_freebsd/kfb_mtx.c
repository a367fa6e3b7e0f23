/* mtx(9) behaviours and misuses, one per function (see kfb.h). */
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/lock.h>
#include <sys/mutex.h>
#include <sys/condvar.h>
#include <sys/malloc.h>
#include <sys/kernsim.h>

#include "kfb.h"
#include "kfb_state.h"

struct kfb_log kfb_log;

void kfb_note(long v) {
	if (kfb_log.n < KFB_NLOG)
		kfb_log.v[kfb_log.n++] = v;
}

void kfb_mtx_count(void *arg) {
	(void)arg;
	mtx_lock(&kfb.a);
	int v = kfb.count;
	KS_PREEMPT();	/* the other thread must not get in here */
	kfb.count = v + 1;
	if (kfb.count == 2)
		kfb_note(kfb.count);
	mtx_unlock(&kfb.a);
}

void kfb_mtx_ab(void *arg) {
	(void)arg;
	mtx_lock(&kfb.a);
	mtx_lock(&kfb.b);
	mtx_unlock(&kfb.b);
	mtx_unlock(&kfb.a);
}

void kfb_mtx_ba(void *arg) {
	(void)arg;
	mtx_lock(&kfb.b);
	mtx_lock(&kfb.a);
	mtx_unlock(&kfb.a);
	mtx_unlock(&kfb.b);
}

void kfb_mtx_spin_sleeps(void *arg) {
	(void)arg;
	mtx_lock_spin(&kfb.spin);
	void *p = malloc(16, M_KFB, M_WAITOK);	/* may sleep: not under a spin mutex */
	free(p, M_KFB);
	mtx_unlock_spin(&kfb.spin);
}

void kfb_mtx_spin_then_def(void *arg) {
	(void)arg;
	mtx_lock_spin(&kfb.spin);
	mtx_lock(&kfb.a);
	mtx_unlock(&kfb.a);
	mtx_unlock_spin(&kfb.spin);
}

void kfb_mtx_lock_of_spin(void *arg) {
	(void)arg;
	mtx_lock(&kfb.spin);
	mtx_unlock(&kfb.spin);
}

void kfb_mtx_assert_unowned(void *arg) {
	(void)arg;
	mtx_assert(&kfb.a, MA_NOTOWNED);
	mtx_assert(&kfb.a, MA_OWNED);	/* the caller forgot the lock */
}

void kfb_mtx_recurse_plain(void *arg) {
	(void)arg;
	mtx_lock(&kfb.a);
	mtx_lock(&kfb.a);	/* MTX_DEF without MTX_RECURSE */
}

void kfb_mtx_recurse_ok(void *arg) {
	(void)arg;
	mtx_lock(&kfb.rec);
	mtx_lock(&kfb.rec);
	kfb_note(mtx_recursed(&kfb.rec));
	mtx_assert(&kfb.rec, MA_OWNED | MA_RECURSED);
	kfb_note(mtx_trylock(&kfb.rec));	/* the owner gets a recursable one again */
	mtx_unlock(&kfb.rec);
	mtx_unlock(&kfb.rec);
	kfb_note(mtx_recursed(&kfb.rec));
	mtx_assert(&kfb.rec, MA_OWNED | MA_NOTRECURSED);
	mtx_unlock(&kfb.rec);
	kfb_note(mtx_owned(&kfb.rec));
	mtx_lock(&kfb.a);
	kfb_note(mtx_trylock(&kfb.a));	/* a non-recursable one: fails */
	mtx_unlock(&kfb.a);
}

void kfb_mtx_recursed_cv_wait(void *arg) {
	(void)arg;
	mtx_lock(&kfb.rec);
	mtx_lock(&kfb.rec);
	cv_wait(&kfb.cv, &kfb.rec);
}

void kfb_mtx_destroy_owned(void *arg) {
	(void)arg;
	struct mtx m;
	mtx_init(&m, "kfb_local", NULL, MTX_DEF);
	mtx_lock(&m);
	mtx_destroy(&m);	/* FreeBSD: the owner may destroy it held */
	kfb_note(1);
}
