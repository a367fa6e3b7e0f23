/*
 * Tiny C "drivers" on the FreeBSD personality for tests/cpp/test_freebsd.cc.
 * This header is plain C (no FreeBSD header): the test compiles against the
 * illumos personality's include path, so the drivers' state stays in their
 * own files and results come back through kfb_log, in the order they
 * happen.
 */
#ifndef KS_TEST_KDRIVERS_FREEBSD_KFB_H
#define KS_TEST_KDRIVERS_FREEBSD_KFB_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KFB_NLOG 32
struct kfb_log {
	long v[KFB_NLOG];
	int n;
};
extern struct kfb_log kfb_log;
void kfb_note(long);

/* Initialise every object (on the host, inside the World, before threads). */
void kfb_init(void);

/* counter(9) sysctls (kfb_counter.c) */
void kfb_counter_sysctl(void *);	/* read 5, a write zeroes; the array likewise */

/* lock classes (kfb_lockclass.c) */
void kfb_lc_sleepable_ok(void *);	/* sx, sleepable rm held across sleeps; try under mtx */
void kfb_lc_rw_wlock_sleeps(void *);	/* malloc(M_WAITOK) under rw_wlock */
void kfb_lc_rm_rlock_sleeps(void *);	/* malloc(M_WAITOK) under a plain rm_rlock */
void kfb_lc_sx_under_rw(void *);	/* sx_slock with an rw read-held */
void kfb_lc_sleepable_rm_under_mtx(void *);	/* rm_rlock(RM_SLEEPABLE) under an mtx */
void kfb_lc_site_after_wait(void *);	/* malloc(M_WAITOK) under rw, mtx after a cv wait */
void kfb_lc_rm_recurse_init(void);	/* lc_rm with RM_RECURSE */
void kfb_lc_rm_recurse_reader(void *);	/* rm_rlock twice, RM_RECURSE: logs 1 */
void kfb_lc_rm_writer(void *);		/* rm_wlock: logs 2 */
void kfb_lc_rm_recurse_plain(void *);	/* rm_rlock twice without RM_RECURSE */
void kfb_lc_rm_wlock_recurse(void *);	/* rm_wlock twice, RM_RECURSE */

/* mtx (kfb_mtx.c) */
void kfb_mtx_count(void *);	/* lock; read, preempt, write; unlock: 2 threads -> 2 */
void kfb_mtx_ab(void *);
void kfb_mtx_ba(void *);
void kfb_mtx_spin_sleeps(void *);	/* malloc(M_WAITOK) under MTX_SPIN */
void kfb_mtx_spin_then_def(void *);
void kfb_mtx_lock_of_spin(void *);
void kfb_mtx_assert_unowned(void *);
void kfb_mtx_recurse_plain(void *);
void kfb_mtx_recurse_ok(void *);
void kfb_mtx_recursed_cv_wait(void *);
void kfb_mtx_destroy_owned(void *);

/* PROC_LOCK and made credentials (kfb_cred.c) */
void kfb_proc_lock_count(void *);	/* PROC_LOCK excludes: 2 threads -> 2 */
void kfb_proc_lock_sleeps(void *);	/* malloc(M_WAITOK) under PROC_LOCK */
void kfb_crdup_cycle(void *);		/* crdup, crhold, crfree twice: logs uid, refs */
void kfb_crdup_leak(void *);		/* crdup never freed */
void kfb_crcopy_shared(void *);		/* crcopy into a held crget */

/* condvars (kfb_cv.c) */
void kfb_cv_waiter_nocheck(void *);	/* cv_wait without checking the state first */
void kfb_cv_waiter(void *);		/* checks the state: never lost */
void kfb_cv_signaler(void *);
void kfb_cv_timedwait(void *);	/* logs error == EWOULDBLOCK, ticks */
void kfb_cv_wait_sig(void *);	/* logs cv_wait_sig's return */
void kfb_sx_reader(void *);	/* logs readers inside at once */
void kfb_sx_writer(void *);	/* logs whether a reader was inside */
void kfb_sx_x_then_s(void *);	/* recursion: misuse */
void kfb_sx_assert_x(void *);	/* sx_assert(SA_XLOCKED) when share locked */
void kfb_sx_recurse_ok(void *);	/* SX_RECURSE: logs try_xlock by the holder, held, held */
void kfb_sx_recursed_downgrade(void *);	/* downgrade of a recursed sx: misuse */

/* malloc, nvlist, queue.h (kfb_mem.c) */
void kfb_malloc_leak(void *);
void kfb_malloc_nowait(void *);	/* logs 1 got memory, 0 NULL */
void kfb_malloc_zero(void *);	/* logs 1 when every byte is zero */
void kfb_malloc_noflags(void *);
void kfb_list_safe(void *);	/* removes odd ones while iterating: logs the rest */
void kfb_tailq_safe(void *);
void kfb_list_unsafe(void *);	/* frees the current element in LIST_FOREACH */
void kfb_nv_roundtrip(void *);
void kfb_nv_malformed(void *);
void kfb_nv_get_absent(void *);

/* the kernel's malloc types, realloc, strdup, random bytes (kfb_kpi.c) */
void kfb_refthread_hold(void *);	/* logs 1 (got the cdevsw), 2 before releasing */
void kfb_refthread_destroy(void *);	/* logs 3 after destroy_dev, 4 if refthread then fails */
void kfb_malloc_kernel_types(void *);	/* logs 1, leaks one M_DEVBUF buffer */
void kfb_realloc(void *);	/* logs 1, 1, 1, 1, 1 */
void kfb_realloc_stale(void *);	/* writes through the pointer realloc moved from */
void kfb_strdup(void *);	/* logs 1, 1, 1 */
void kfb_random_bytes(void *);	/* logs a hash of 12 bytes, 2 bytes, 1, 0, 1 */
void kfb_broadcastpri(void *);	/* logs 1 */

/* copyin/copyout/copyinstr: arg points at a struct kfb_user (kfb_copy.c) */
struct kfb_user {
	uint64_t ua;		/* a mapped page */
	uint64_t hole;		/* an unmapped address */
};
void kfb_copy(void *);

/* /dev/kfbq: d_kqfilter on a knlist locked by kfb_a (kfb_kq.c) */
#define KFBQ_POST		0x20006b01	/* _IO('k', 1): ready, KNOTE_LOCKED */
#define KFBQ_POST_NOKNOTE	0x20006b02	/* ready, no KNOTE */
#define KFBQ_TAKE		0x20006b03	/* not ready */
void kfb_kq_make_dev(void *);	/* on the host */
void kfb_kq_destroy(void *);	/* destroy_dev, knlist_clear, knlist_destroy */
extern int kfbq_detach_forgets;	/* f_detach without knlist_remove */

/* cdevs, d_ioctl, d_read/d_write, kthreads (kfb_cdev.c) */
#define KFB_IOC_DOUBLE	0xc0046b01UL	/* _IOWR('k', 1, int) */
#define KFB_IOC_BLOCK	0x20006b02UL	/* _IO('k', 2) */
void kfb_make_dev(void *);	/* creates /dev/kfb (logs make_dev_s's return) */
void kfb_make_dev_twice(void *);	/* /dev/kfb0 twice, no MAKEDEV_CHECKNAME: a panic */
void kfb_destroy_when_inside(void *);	/* waits for a thread in d_ioctl, destroy_dev */
void kfb_release(void *);
void kfb_destroy(void *);	/* destroy_dev of /dev/kfb0 */	/* lets the thread in d_ioctl out */
extern int kfb_destroy_from_ioctl;	/* d_ioctl calls destroy_dev itself (a hang) */
void kfb_kthread_exit(void *);	/* kthread_add a thread that kthread_exit()s */
void kfb_kthread_exit_bad(void *);	/* kthread_exit from a thread it did not start */

/* knlist (kfb_knlist.c) */
void kfb_knlist_life(void *);	/* add, KNOTE locked and not, remove, clear, destroy */
void kfb_knlist_unlocked(void *);	/* KNOTE_LOCKED without the list's lock */
void kfb_knlist_destroy_full(void *);	/* knlist_destroy with knotes on it */

#ifdef __cplusplus
}
#endif

#endif
