/*
 * Tiny C "drivers" for tests/cpp/test_failures.cc: each thread function
 * provokes one failure kind or exercises one kernel service. All share one
 * state structure; results go to kf_log in the order they happen.
 */
#ifndef KS_TEST_KDRIVERS_FAILURES_H
#define KS_TEST_KDRIVERS_FAILURES_H

#include <sys/types.h>
#include <sys/ksynch.h>
#include <sys/taskq.h>
#include <sys/ddi.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KF_NLOG 32

struct kf_state;
struct kf_task {
	struct kf_state *kt_s;
	int kt_n;
};

struct kf_state {
	kmutex_t kf_a;
	kmutex_t kf_b;
	kmutex_t kf_spin; /* MUTEX_SPIN */
	kcondvar_t kf_cv;
	ksema_t kf_sema; /* count 0 */
	ksema_t kf_sema2; /* count 0 */
	ksema_t kf_csema; /* count 2 */
	krwlock_t kf_rw;
	taskq_t *kf_tq;
	struct kf_task kf_tasks[8];
	volatile int kf_flag;
	int kf_count;
	int kf_readers_in;
	int kf_writer_in;
	long kf_log[KF_NLOG];
	int kf_nlog;
	int *volatile kf_nullp;
	int kf_size, kf_at; /* kf_overrun_at's buffer size and the offset it writes */
};

void kf_init(struct kf_state *);
void kf_note(struct kf_state *, long);

/* locks, hangs, panics (kf_locks.c) */
void kf_ab(void *);
void kf_ba(void *);
void kf_sema_wait(void *);
void kf_sema_post(void *);
void kf_spin_on_flag(void *);
void kf_poll_on_flag(void *);
void kf_panic(void *);
void kf_assert(void *);
void kf_hold_a(void *);
void kf_exit_a(void *);
void kf_recursive(void *);
void kf_destroy_held(void *);
void kf_cv_unheld(void *);
void kf_spin_cv(void *);
void kf_spin_kmem(void *);
void kf_rw_a(void *);
void kf_a_rw(void *);

/* memory (kf_mem.c) */
void kf_double_free(void *);
void kf_bad_free(void *);
void kf_overrun(void *);
void kf_overrun_at(void *);
void kf_addresses(void *);
void kf_size_mismatch(void *);
void kf_leak(void *);
void kf_write_after_free(void *);

/* rwlocks and semaphores (kf_rw_sema.c) */
void kf_reader1(void *);
void kf_reader2(void *);
void kf_excl_writer(void *);
void kf_excl_reader(void *);
void kf_ww_reader1(void *);
void kf_ww_writer(void *);
void kf_ww_reader2(void *);
void kf_ww_release(void *);
void kf_rw_exit_unheld(void *);
void kf_rw_recursive(void *);
void kf_rw_destroy_held(void *);
void kf_rw_upgrade(void *);
void kf_sema_count(void *);
void kf_sema_p_log(void *);
void kf_sema_v_log(void *);
void kf_sema_p_sig(void *);

/* taskqs, callouts, time (kf_services.c) */
void kf_tq_drain(void *);
void kf_tq_nosleep(void *);
void kf_tq_maxalloc(void *);
void kf_tq_leave(void *);
void kf_tq_after_destroy(void *);
void kf_tq_inject(void *);
void kf_co_fires(void *);
void kf_co_cancel(void *);
void kf_co_after(void *);
void kf_co_wait_running(void *);
void kf_co_sleeps(void *);
void kf_delay(void *);
void kf_timedwait(void *);

/* host faults (kf_fault.c) */
void kf_null_deref(void *);
void kf_overflow(void *);

/* a loop with no scheduling point (kf_hang.c) */
void kf_spin_no_point(void *);

#ifdef __cplusplus
}
#endif

#endif
