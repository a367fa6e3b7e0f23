/* Taskqs, callouts, delay and timed waits (see failures.h). */
#include <string.h>

#include <sys/types.h>
#include <sys/ksynch.h>
#include <sys/mutex.h>
#include <sys/condvar.h>
#include <sys/semaphore.h>
#include <sys/taskq.h>
#include <sys/ddi.h>
#include <sys/kernsim.h>

#include "failures.h"

static void kf_task_count(void *arg) {
	struct kf_task *t = arg;
	mutex_enter(&t->kt_s->kf_a);
	t->kt_s->kf_count++;
	mutex_exit(&t->kt_s->kf_a);
}

static void kf_task_note(void *arg) {
	struct kf_task *t = arg;
	kf_note(t->kt_s, t->kt_n);
}

static void kf_task_block(void *arg) {
	struct kf_task *t = arg;
	sema_p(&t->kt_s->kf_sema);
}

void kf_tq_drain(void *arg) {
	struct kf_state *s = arg;
	s->kf_tq = taskq_create("kf_tq", 2, minclsyspri, 1, 16, TASKQ_PREPOPULATE);
	for (int i = 0; i < 5; i++)
		kf_note(s, taskq_dispatch(s->kf_tq, kf_task_count, &s->kf_tasks[i], TQ_SLEEP) != 0);
	taskq_wait(s->kf_tq);
	kf_note(s, s->kf_count);
	for (int i = 0; i < 3; i++)
		(void)taskq_dispatch(s->kf_tq, kf_task_count, &s->kf_tasks[i], TQ_SLEEP);
	taskq_destroy(s->kf_tq);
	kf_note(s, s->kf_count);
}

void kf_tq_nosleep(void *arg) {
	struct kf_state *s = arg;
	s->kf_tq = taskq_create("kf_tq", 1, minclsyspri, 1, 2, 0);
	kf_note(s, taskq_dispatch(s->kf_tq, kf_task_block, &s->kf_tasks[0], TQ_SLEEP) != 0);
	kf_note(s, taskq_dispatch(s->kf_tq, kf_task_count, &s->kf_tasks[1], TQ_NOSLEEP) != 0);
	kf_note(s, taskq_dispatch(s->kf_tq, kf_task_count, &s->kf_tasks[2], TQ_NOSLEEP) != 0);
	sema_v(&s->kf_sema);
	taskq_destroy(s->kf_tq);
	kf_note(s, s->kf_count);
}

void kf_tq_maxalloc(void *arg) {
	struct kf_state *s = arg;
	s->kf_tq = taskq_create("kf_tq", 1, minclsyspri, 1, 1, 0);
	for (int i = 0; i < 3; i++) {
		(void)taskq_dispatch(s->kf_tq, kf_task_note, &s->kf_tasks[i], TQ_SLEEP);
		kf_note(s, 100 + i);
	}
	taskq_wait(s->kf_tq);
	taskq_destroy(s->kf_tq);
}

void kf_tq_leave(void *arg) {
	struct kf_state *s = arg;
	s->kf_tq = taskq_create("kf_tq", 2, minclsyspri, 1, 16, 0);
	(void)taskq_dispatch(s->kf_tq, kf_task_count, &s->kf_tasks[0], TQ_SLEEP);
}

void kf_tq_after_destroy(void *arg) {
	struct kf_state *s = arg;
	s->kf_tq = taskq_create("kf_tq", 1, minclsyspri, 1, 16, 0);
	taskq_destroy(s->kf_tq);
	(void)taskq_dispatch(s->kf_tq, kf_task_count, &s->kf_tasks[0], TQ_SLEEP);
}

void kf_tq_inject(void *arg) {
	struct kf_state *s = arg;
	s->kf_tq = taskq_create("kf_tq", 1, minclsyspri, 1, 16, 0);
	kf_note(s, taskq_dispatch(s->kf_tq, kf_task_count, &s->kf_tasks[0], TQ_NOSLEEP) != 0);
	taskq_destroy(s->kf_tq);
}

static void kf_co_record(void *arg) {
	struct kf_state *s = arg;
	kf_note(s, ddi_get_lbolt());
	kf_note(s, ks_in_interrupt());
	kf_note(s, strcmp(ks_thread_name(), "kf_co_record") == 0);
	sema_v(&s->kf_sema);
}

void kf_co_fires(void *arg) {
	struct kf_state *s = arg;
	(void)timeout(kf_co_record, s, 5);
	sema_p(&s->kf_sema);
}

void kf_co_cancel(void *arg) {
	struct kf_state *s = arg;
	timeout_id_t id = timeout(kf_co_record, s, 5);
	kf_note(s, untimeout(id));
	delay(10);
	kf_note(s, ddi_get_lbolt());
}

void kf_co_after(void *arg) {
	struct kf_state *s = arg;
	timeout_id_t id = timeout(kf_co_record, s, 1);
	sema_p(&s->kf_sema);
	delay(1);
	kf_note(s, untimeout(id));
}

static void kf_co_slow(void *arg) {
	struct kf_state *s = arg;
	kf_note(s, 10);
	sema_v(&s->kf_sema);
	KS_PREEMPT();
	KS_PREEMPT();
	kf_note(s, 11);
}

void kf_co_wait_running(void *arg) {
	struct kf_state *s = arg;
	timeout_id_t id = timeout(kf_co_slow, s, 1);
	sema_p(&s->kf_sema);
	kf_note(s, untimeout(id));
	kf_note(s, 12);
}

static void kf_co_sleeper(void *arg) {
	(void)arg;
	delay(1);
}

void kf_co_sleeps(void *arg) {
	(void)timeout(kf_co_sleeper, arg, 1);
}

void kf_delay(void *arg) {
	struct kf_state *s = arg;
	delay(3);
	kf_note(s, ddi_get_lbolt());
}

void kf_timedwait(void *arg) {
	struct kf_state *s = arg;
	mutex_enter(&s->kf_a);
	kf_note(s, cv_timedwait(&s->kf_cv, &s->kf_a, ddi_get_lbolt() + 7));
	kf_note(s, ddi_get_lbolt());
	mutex_exit(&s->kf_a);
}
