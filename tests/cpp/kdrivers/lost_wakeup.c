/*
 * The two-thread lost-wakeup test, on the illumos personality: a waiter
 * that sleeps for a flag and a signaller that sets it. With `checked` the
 * waiter tests the flag before sleeping (correct); without, a signal that
 * comes first is lost. `pad` adds that many unrelated scheduling points
 * to the waiter before its window.
 */
#include <sys/types.h>
#include <sys/ksynch.h>
#include <sys/mutex.h>
#include <sys/condvar.h>
#include <sys/kernsim.h>

#include "kdrivers.h"

void lw_init(struct lw_state *s) {
	mutex_init(&s->lw_lock, NULL, MUTEX_DEFAULT, NULL);
	cv_init(&s->lw_cv, NULL, CV_DEFAULT, NULL);
	s->lw_done = 0;
}

void lw_waiter(void *arg) {
	struct lw_state *s = arg;
	for (int i = 0; i < s->lw_pad; i++)
		KS_PREEMPT();
	mutex_enter(&s->lw_lock);
	if (s->lw_checked) {
		while (!s->lw_done)
			cv_wait(&s->lw_cv, &s->lw_lock);
	} else {
		cv_wait(&s->lw_cv, &s->lw_lock);
	}
	mutex_exit(&s->lw_lock);
}

void lw_signaller(void *arg) {
	struct lw_state *s = arg;
	mutex_enter(&s->lw_lock);
	s->lw_done = 1;
	cv_signal(&s->lw_cv);
	mutex_exit(&s->lw_lock);
}
