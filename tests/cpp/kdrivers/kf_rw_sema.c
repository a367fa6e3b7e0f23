/* Reader/writer locks and semaphores (see failures.h). */
#include <sys/types.h>
#include <sys/ksynch.h>
#include <sys/rwlock.h>
#include <sys/semaphore.h>
#include <sys/debug.h>
#include <sys/kernsim.h>

#include "failures.h"

/* Two readers that each wait, inside, for the other: they must share. */
void kf_reader1(void *arg) {
	struct kf_state *s = arg;
	rw_enter(&s->kf_rw, RW_READER);
	kf_note(s, RW_READ_HELD(&s->kf_rw));
	kf_note(s, RW_WRITE_HELD(&s->kf_rw));
	sema_v(&s->kf_sema);
	sema_p(&s->kf_sema2);
	rw_exit(&s->kf_rw);
}

void kf_reader2(void *arg) {
	struct kf_state *s = arg;
	rw_enter(&s->kf_rw, RW_READER);
	sema_v(&s->kf_sema2);
	sema_p(&s->kf_sema);
	rw_exit(&s->kf_rw);
}

void kf_excl_writer(void *arg) {
	struct kf_state *s = arg;
	for (int i = 0; i < 3; i++) {
		rw_enter(&s->kf_rw, RW_WRITER);
		ASSERT(RW_WRITE_HELD(&s->kf_rw));
		s->kf_writer_in = 1;
		KS_PREEMPT();
		ASSERT(s->kf_readers_in == 0);
		s->kf_writer_in = 0;
		rw_exit(&s->kf_rw);
	}
}

void kf_excl_reader(void *arg) {
	struct kf_state *s = arg;
	for (int i = 0; i < 3; i++) {
		rw_enter(&s->kf_rw, RW_READER);
		ASSERT(!s->kf_writer_in);
		s->kf_readers_in++;
		KS_PREEMPT();
		ASSERT(!s->kf_writer_in);
		s->kf_readers_in--;
		rw_exit(&s->kf_rw);
	}
}

/* Writer wanted: a reader arriving after a waiting writer goes after it. */
void kf_ww_reader1(void *arg) {
	struct kf_state *s = arg;
	rw_enter(&s->kf_rw, RW_READER);
	kf_note(s, 1);
	sema_p(&s->kf_sema);
	rw_exit(&s->kf_rw);
}

void kf_ww_writer(void *arg) {
	struct kf_state *s = arg;
	rw_enter(&s->kf_rw, RW_WRITER);
	kf_note(s, 2);
	rw_exit(&s->kf_rw);
}

void kf_ww_reader2(void *arg) {
	struct kf_state *s = arg;
	rw_enter(&s->kf_rw, RW_READER);
	kf_note(s, 3);
	rw_exit(&s->kf_rw);
}

void kf_ww_release(void *arg) {
	struct kf_state *s = arg;
	sema_v(&s->kf_sema);
}

void kf_rw_exit_unheld(void *arg) {
	struct kf_state *s = arg;
	rw_exit(&s->kf_rw);
}

void kf_rw_recursive(void *arg) {
	struct kf_state *s = arg;
	rw_enter(&s->kf_rw, RW_WRITER);
	rw_enter(&s->kf_rw, RW_WRITER);
}

void kf_rw_destroy_held(void *arg) {
	struct kf_state *s = arg;
	rw_enter(&s->kf_rw, RW_READER);
	rw_destroy(&s->kf_rw);
}

void kf_rw_upgrade(void *arg) {
	struct kf_state *s = arg;
	rw_enter(&s->kf_rw, RW_READER);
	kf_note(s, rw_tryupgrade(&s->kf_rw));
	kf_note(s, RW_WRITE_HELD(&s->kf_rw));
	rw_downgrade(&s->kf_rw);
	kf_note(s, RW_WRITE_HELD(&s->kf_rw));
	kf_note(s, RW_READ_HELD(&s->kf_rw));
	kf_note(s, rw_tryenter(&s->kf_rw, RW_READER));
	rw_exit(&s->kf_rw);
	rw_exit(&s->kf_rw);
	rw_destroy(&s->kf_rw);
}

void kf_sema_count(void *arg) {
	struct kf_state *s = arg;
	kf_note(s, sema_tryp(&s->kf_csema));
	kf_note(s, sema_tryp(&s->kf_csema));
	kf_note(s, sema_tryp(&s->kf_csema));
	sema_v(&s->kf_csema);
	kf_note(s, sema_tryp(&s->kf_csema));
	sema_destroy(&s->kf_csema);
}

void kf_sema_p_log(void *arg) {
	struct kf_state *s = arg;
	sema_p(&s->kf_sema);
	kf_note(s, 2);
}

void kf_sema_v_log(void *arg) {
	struct kf_state *s = arg;
	kf_note(s, 1);
	sema_v(&s->kf_sema);
}

void kf_sema_p_sig(void *arg) {
	struct kf_state *s = arg;
	kf_note(s, sema_p_sig(&s->kf_sema));
}
