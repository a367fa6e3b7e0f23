/* Lock misuse, hangs and panics, one per function (see failures.h). */
#include <sys/types.h>
#include <sys/ksynch.h>
#include <sys/mutex.h>
#include <sys/condvar.h>
#include <sys/rwlock.h>
#include <sys/semaphore.h>
#include <sys/kmem.h>
#include <sys/cmn_err.h>
#include <sys/debug.h>
#include <sys/ddi.h>
#include <sys/kernsim.h>

#include "failures.h"

void kf_init(struct kf_state *s) {
	mutex_init(&s->kf_a, NULL, MUTEX_DRIVER, NULL);
	mutex_init(&s->kf_b, NULL, MUTEX_DRIVER, NULL);
	mutex_init(&s->kf_spin, NULL, MUTEX_SPIN, NULL);
	cv_init(&s->kf_cv, NULL, CV_DRIVER, NULL);
	sema_init(&s->kf_sema, 0, NULL, SEMA_DRIVER, NULL);
	sema_init(&s->kf_sema2, 0, NULL, SEMA_DRIVER, NULL);
	sema_init(&s->kf_csema, 2, NULL, SEMA_DRIVER, NULL);
	rw_init(&s->kf_rw, NULL, RW_DRIVER, NULL);
	for (int i = 0; i < 8; i++) {
		s->kf_tasks[i].kt_s = s;
		s->kf_tasks[i].kt_n = i;
	}
}

void kf_note(struct kf_state *s, long v) {
	if (s->kf_nlog < KF_NLOG)
		s->kf_log[s->kf_nlog++] = v;
}

void kf_ab(void *arg) {
	struct kf_state *s = arg;
	mutex_enter(&s->kf_a);
	mutex_enter(&s->kf_b);
	mutex_exit(&s->kf_b);
	mutex_exit(&s->kf_a);
}

void kf_ba(void *arg) {
	struct kf_state *s = arg;
	mutex_enter(&s->kf_b);
	mutex_enter(&s->kf_a);
	mutex_exit(&s->kf_a);
	mutex_exit(&s->kf_b);
}

void kf_sema_wait(void *arg) {
	struct kf_state *s = arg;
	sema_p(&s->kf_sema);
	sema_p(&s->kf_sema);
}

void kf_sema_post(void *arg) {
	struct kf_state *s = arg;
	sema_v(&s->kf_sema);
}

void kf_spin_on_flag(void *arg) {
	struct kf_state *s = arg;
	while (!s->kf_flag)
		KS_PREEMPT();
}

/* Polls for the flag a tick at a time: virtual time passes, nothing spins. */
void kf_poll_on_flag(void *arg) {
	struct kf_state *s = arg;
	while (!s->kf_flag)
		delay(1);
}

void kf_panic(void *arg) {
	(void)arg;
	cmn_err(CE_PANIC, "kf: bad state %d", 3);
}

void kf_assert(void *arg) {
	struct kf_state *s = arg;
	ASSERT(s->kf_count == 1);
}

void kf_hold_a(void *arg) {
	struct kf_state *s = arg;
	mutex_enter(&s->kf_a);
}

void kf_exit_a(void *arg) {
	struct kf_state *s = arg;
	mutex_exit(&s->kf_a);
}

void kf_recursive(void *arg) {
	struct kf_state *s = arg;
	mutex_enter(&s->kf_a);
	mutex_enter(&s->kf_a);
}

void kf_destroy_held(void *arg) {
	struct kf_state *s = arg;
	mutex_enter(&s->kf_a);
	mutex_destroy(&s->kf_a);
}

void kf_cv_unheld(void *arg) {
	struct kf_state *s = arg;
	cv_wait(&s->kf_cv, &s->kf_a);
}

void kf_spin_cv(void *arg) {
	struct kf_state *s = arg;
	mutex_enter(&s->kf_spin);
	mutex_enter(&s->kf_a);
	cv_wait(&s->kf_cv, &s->kf_a);
}

void kf_spin_kmem(void *arg) {
	struct kf_state *s = arg;
	mutex_enter(&s->kf_spin);
	void *p = kmem_alloc(16, KM_SLEEP);
	kmem_free(p, 16);
	mutex_exit(&s->kf_spin);
}

void kf_rw_a(void *arg) {
	struct kf_state *s = arg;
	rw_enter(&s->kf_rw, RW_WRITER);
	mutex_enter(&s->kf_a);
	mutex_exit(&s->kf_a);
	rw_exit(&s->kf_rw);
}

void kf_a_rw(void *arg) {
	struct kf_state *s = arg;
	mutex_enter(&s->kf_a);
	rw_enter(&s->kf_rw, RW_READER);
	rw_exit(&s->kf_rw);
	mutex_exit(&s->kf_a);
}
