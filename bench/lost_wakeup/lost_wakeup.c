/*
 * The two-thread lost-wakeup test, on the illumos personality: a waiter
 * that sleeps for a flag and a signaller that sets it.
 *   LW_CHECKED   tests the flag under the lock before each sleep: correct;
 *   LW_UNCHECKED sleeps without looking: a signal that came first is lost;
 *   LW_WINDOW    looks, drops the lock, then sleeps without looking again:
 *                lost only if the signal lands in that window, after `pad`
 *                unrelated steps of the waiter (a bug of depth 2 that random
 *                search rarely hits and PCT finds).
 */
#include <sys/types.h>
#include <sys/ksynch.h>
#include <sys/mutex.h>
#include <sys/condvar.h>
#include <sys/kernsim.h>

#include "lost_wakeup.h"

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
	switch (s->lw_checked) {
	case LW_CHECKED:
		while (!s->lw_done)
			cv_wait(&s->lw_cv, &s->lw_lock);
		break;
	case LW_UNCHECKED:
		cv_wait(&s->lw_cv, &s->lw_lock);
		break;
	case LW_WINDOW:
		if (!s->lw_done) {
			mutex_exit(&s->lw_lock);
			mutex_enter(&s->lw_lock);
			cv_wait(&s->lw_cv, &s->lw_lock);
		}
		break;
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
